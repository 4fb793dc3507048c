import { Queue } from 'bullmq';
import { enableStore, scenario, seconds, settledRun, startStack, type Stack } from './scenario-kit';

const locations = ['north', 'south', 'east', 'west'].map((name) => ({
  locationId: name,
  clientId: `${name}-client`,
  key: `${name}-key`,
  rows: 400,
}));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { seed: 6, locations } });
  await stack.start('producer');
  await stack.start('inventory-worker');
  for (const { locationId, clientId, key } of locations) await enableStore(stack, locationId, { locationId, clientId, apiKey: key });
  for (const { locationId } of locations) expect((await settledRun(stack, locationId)).status).toBe('succeeded');
}, 180_000);
afterAll(() => stack?.close());
afterEach(() => stack.sim.state.faults.clear());

const runIds = async (storeId: string) =>
  ((await stack.api('GET', `/v1/stores/${storeId}/syncs`)).body.items as any[]).map((run) => run.id);
async function syncNow(storeId: string) {
  const known = await runIds(storeId);
  expect((await stack.api('POST', `/v1/stores/${storeId}/sync`, {})).status).toBe(202);
  const started = Date.now();
  const run = await settledRun(stack, storeId, { known, timeoutMs: 120_000 });
  return { run, ms: Date.now() - started };
}

it('d: a 403 HTML page fails that store at once with a clear reason; the other stores are unaffected', async () => {
  await scenario(
    {
      scenario: 'd1. Flowhub answers 403 HTML for one store',
      injected: "a gateway's 403 HTML page on every request for one location",
      checked: "that store's sync fails at once, its reason naming the credentials; the three other stores sync as usual",
    },
    async () => {
      stack.sim.state.faults.add({ kind: 'forbiddenHtml', locationId: 'north' });
      const [broken, ...healthy] = await Promise.all(locations.map(({ locationId }) => syncNow(locationId)));
      expect(broken.run.status).toBe('failed');
      expect(broken.run.error).toMatch(/403/);
      expect(broken.run.error).not.toMatch(/<html/i);
      for (const other of healthy) expect(other.run.status).toBe('succeeded');
      return `failed in ${seconds(broken.ms)} ("${broken.run.error.slice(0, 90)}…"); the others succeeded in ${healthy.map((other) => seconds(other.ms)).join(', ')}`;
    },
  );
});

it('d: an empty inventory keeps the menu and flags the run', async () => {
  await scenario(
    {
      scenario: 'd2. Flowhub returns an empty inventory',
      injected: 'an empty inventory list for one location',
      checked: 'the menu keeps every product; the run is flagged suspicious, not applied',
    },
    async () => {
      const menu = async () => (await stack.api('GET', '/v1/stores/south/products?limit=500')).body.items.length;
      const before = await menu();
      stack.sim.state.faults.add({ kind: 'emptyInventory', locationId: 'south' });
      const { run } = await syncNow('south');
      expect(run.status).toBe('suspicious');
      expect(await menu()).toBe(before);
      return `run ${run.status}; menu ${before} → ${await menu()} products`;
    },
  );
});

it('d: a 429 storm and 5xx answers slow the syncs down but fail none', async () => {
  await scenario(
    {
      scenario: 'd3. Flowhub 429 storm and 5xx',
      injected: 'half of all requests answered 429 (Retry-After 1 s), and a quarter answered 502, 30 of each, at once',
      checked: "every store's sync ends succeeded; no job fails",
    },
    async () => {
      const queue = new Queue('inventory-sync', { connection: { url: stack.env.REDIS_URL }, prefix: stack.prefix });
      const failedBefore = await queue.getFailedCount(); // d1's refused store
      stack.sim.state.faults.add({ kind: 'rateLimit', probability: 0.5, retryAfterSeconds: 1, count: 30 });
      stack.sim.state.faults.add({ kind: 'serverError', status: 502, probability: 0.25, count: 30 });
      const results = await Promise.all(locations.map(({ locationId }) => syncNow(locationId)));
      for (const { run } of results) expect(run.status).toBe('succeeded');
      const failed = (await queue.getFailedCount()) - failedBefore;
      await queue.close();
      expect(failed).toBe(0);
      return `4 of 4 syncs succeeded in ${results.map(({ ms }) => seconds(ms)).join(', ')}; 0 failed jobs`;
    },
  );
});
