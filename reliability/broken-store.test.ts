import { enableStore, scenario, seconds, settledRun, startStack, syncRuns, type Stack } from './scenario-kit';

const HEALTHY = 100;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { rows: 200, seed: 12 } });
  await stack.start('producer');
  await stack.start('inventory-worker');
}, 120_000);
afterAll(() => stack?.close());

/** Asks every store for a sync at once; the time until each store's newest run has ended. */
async function syncAll(storeIds: string[]) {
  const known = new Map<string, string[]>();
  for (const id of storeIds)
    known.set(
      id,
      (await syncRuns(stack, id)).map((run) => run.id),
    );
  const started = Date.now();
  await Promise.all(storeIds.map((id) => stack.api('POST', `/v1/stores/${id}/sync`, {})));
  const done = await Promise.all(
    storeIds.map(async (id) => ({ id, run: await settledRun(stack, id, { known: known.get(id) }), ms: Date.now() - started })),
  );
  return done;
}

it('e: one store with broken credentials among many healthy ones does not delay their syncs', async () => {
  await scenario(
    {
      scenario: 'e. one broken store among many',
      injected: `one store with a wrong API key among ${HEALTHY} healthy stores, every store asked to sync at once (one inventory-worker)`,
      checked: 'the broken store fails at once with a readable reason; the healthy stores finish as fast as in a round without it',
    },
    async () => {
      const healthy = Array.from({ length: HEALTHY }, (_, i) => `healthy-${i}`);
      for (const id of healthy) await enableStore(stack, id);
      await Promise.all(healthy.map((id) => settledRun(stack, id))); // the first syncs

      const baseline = await syncAll(healthy);
      expect(baseline.every(({ run }) => run.status === 'succeeded')).toBe(true);
      await enableStore(stack, 'broken', { apiKey: 'wrong-key' });
      await settledRun(stack, 'broken');
      const withBroken = await syncAll(['broken', ...healthy]);
      const broken = withBroken.find(({ id }) => id === 'broken')!;
      const others = withBroken.filter(({ id }) => id !== 'broken');
      expect(broken.run.status).toBe('failed');
      expect(broken.run.error).toMatch(/rejected the inventory credentials/);
      expect(others.every(({ run }) => run.status === 'succeeded')).toBe(true);
      const slowest = (round: { ms: number }[]) => Math.max(...round.map(({ ms }) => ms));
      // Generous: shared machines are noisy; a broken store that blocked or retried would cost many seconds.
      expect(slowest(others)).toBeLessThan(slowest(baseline) * 2 + 5_000);
      return `broken store failed in ${seconds(broken.ms)}; ${HEALTHY} healthy stores all done in ${seconds(slowest(others))} (round without it: ${seconds(slowest(baseline))})`;
    },
  );
}, 300_000);
