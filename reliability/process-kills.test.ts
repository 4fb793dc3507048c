import { waitFor } from '@flowhub-sync/testing';
import { enableStore, scenario, seconds, settledRun, startStack, syncRuns, type Stack } from './scenario-kit';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { rows: 3000, seed: 4 } });
  await stack.start('producer');
}, 120_000);
afterAll(() => stack?.close());

const activeMenu = async (storeId: string): Promise<number> => {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: any = (await stack.api('GET', `/v1/stores/${storeId}/products?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).body;
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
};

it('a: the inventory-worker SIGKILLed in the middle of a sync: the menu stays as it was, the next run completes', async () => {
  await scenario(
    {
      scenario: 'a. inventory-worker killed mid-sync',
      injected:
        'SIGKILL of the inventory-worker while a 3,000-row sync is streaming (its first Flowhub request held 2 s so the kill lands mid-run)',
      checked: 'the menu keeps every product of the last good sync during and after the kill; a new worker finishes a sync without help',
    },
    async () => {
      await stack.start('inventory-worker');
      await enableStore(stack, 'kill-sync');
      const first = await settledRun(stack, 'kill-sync');
      expect(first.status).toBe('succeeded');
      const menuBefore = await activeMenu('kill-sync');
      expect(menuBefore).toBeGreaterThan(1000);

      stack.sim.state.faults.add({ kind: 'latency', latencyMs: 2_000, count: 1 });
      expect((await stack.api('POST', '/v1/stores/kill-sync/sync', {})).status).toBe(202);
      await waitFor(async () => (await syncRuns(stack, 'kill-sync'))[0]?.status === 'running', {
        what: 'the second sync to be running',
        intervalMs: 50,
      });
      const killed = await stack.apps['inventory-worker']!.stop('SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      expect(await activeMenu('kill-sync')).toBe(menuBefore);

      const restartedAt = Date.now();
      await stack.start('inventory-worker');
      // The killed job comes back once its lock expires (BullMQ's stalled check); a manual sync joins it.
      const next = await settledRun(stack, 'kill-sync', { known: [first.id], timeoutMs: 180_000 });
      const recoveredMs = Date.now() - restartedAt;
      expect(next.status).toBe('succeeded');
      expect(await activeMenu('kill-sync')).toBe(menuBefore);
      return `menu ${menuBefore} products before, during and after; next sync ${next.status} ${seconds(recoveredMs)} after the restart`;
    },
  );
}, 300_000);

it('b: the order-worker SIGKILLed in the middle of pushes under load: no order lost, none created twice', async () => {
  await scenario(
    {
      scenario: 'b. order-worker killed mid-push',
      injected: 'SIGKILL of the order-worker while 40 confirmed orders are being pushed (Flowhub answers creates in 400 ms); restart',
      checked:
        'every order ends pushed or needs_reconciliation; the simulator recorded at most one create per order, exactly one per pushed order',
    },
    async () => {
      await enableStore(stack, 'kill-push', { syncOrders: true });
      await settledRun(stack, 'kill-push');
      const menu: any[] = (await stack.api('GET', '/v1/stores/kill-push/products?limit=40')).body.items;
      await stack.start('order-worker');
      stack.sim.state.faults.add({ kind: 'latency', latencyMs: 400, endpoints: ['orderCreate'] });
      const ids = Array.from({ length: 40 }, (_, index) => `LOAD-${index}`);
      const customer = {
        firstName: 'Ada',
        lastName: 'Lovelace',
        birthDate: '1990-01-31',
        email: 'ada@example.com',
        phone: '+15555550123',
        purchaseCategory: 'rec',
      };
      for (const [index, externalId] of ids.entries()) {
        const created = await stack.api('POST', '/v1/stores/kill-push/orders', {
          externalId,
          type: 'pickup',
          status: 'confirmed',
          customer,
          items: [{ variantId: menu[index % menu.length].variantId, quantity: 1 }],
        });
        expect(created.status).toBe(201);
      }
      // Creates per order of ours: each names its order in its customerNote ("Order <externalId>").
      const creates = () => stack.sim.state.orders.createsByNoteOrderId() as Record<string, number>;
      await waitFor(() => Object.keys(creates()).length >= 8, { what: 'some pushes to reach Flowhub', timeoutMs: 60_000 });
      await stack.apps['order-worker']!.stop('SIGKILL');
      const restartedAt = Date.now();
      await stack.start('order-worker');
      stack.sim.state.faults.clear();

      const states = await waitFor(
        async () => {
          const orders = await Promise.all(ids.map(async (id) => (await stack.api('GET', `/v1/stores/kill-push/orders/${id}`)).body));
          const done = orders.every((order) => ['pushed', 'needs_reconciliation'].includes(order.push?.state));
          return done ? orders : undefined;
        },
        { what: 'every order to be pushed or need reconciliation', timeoutMs: 180_000, intervalMs: 500 },
      );
      const settledMs = Date.now() - restartedAt;
      const perOrder = creates();
      const duplicates = ids.filter((id) => (perOrder[id] ?? 0) > 1);
      expect(duplicates).toEqual([]);
      const pushed = states.filter((order) => order.push.state === 'pushed');
      for (const order of pushed)
        expect({ id: order.externalId, creates: perOrder[order.externalId] }).toEqual({ id: order.externalId, creates: 1 });
      const reconcile = states.length - pushed.length;
      return `40 orders: ${pushed.length} pushed, ${reconcile} needs_reconciliation, 0 lost, 0 created twice; all settled ${seconds(settledMs)} after the restart`;
    },
  );
}, 300_000);
