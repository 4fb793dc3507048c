import { Redis } from 'ioredis';
import { serviceUrls, waitFor } from '@flowhub-sync/testing';
import { enableStore, scenario, seconds, settledRun, startStack, type Stack } from './scenario-kit';

const STORES = 100;
const STREAM_MS = 60_000;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    sim: { rows: 80, seed: 30, clock: 'real' },
    env: { INVENTORY_SYNC_EVERY_MS: '15000', STATUS_POLL_EVERY_MS: '3000' },
  });
  // An hour of Flowhub order life in 36 s; one order in ten cancelled in Flowhub.
  await fetch(`${stack.sim.url}/__sim/lifecycle`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ timeScale: 0.01, cancelShare: 0.1 }),
  });
  await stack.start('producer');
  await stack.start('inventory-worker');
  await stack.start('order-worker');
}, 120_000);
afterAll(() => stack?.close());

const FINAL = new Set(['completed', 'cancelled', 'expired']);

it('soak: 100 stores and a steady stream of orders through a simulated hour, with faults: every order final or explained, holds add up', async () => {
  await scenario(
    {
      scenario: 'g. soak',
      injected: `${STORES} stores syncing every 15 s, an order every 300 ms for ${STREAM_MS / 1000} s (an hour of Flowhub order life, 10% cancelled there), a 429 storm and 5xx answers sprinkled in`,
      checked:
        "every order ends final or explained (needs_reconciliation / failed with a reason); each product's heldQuantity equals its held and consumed holds; no job failed for throttling; Redis and PostgreSQL sizes reported",
    },
    async () => {
      const stores = Array.from({ length: STORES }, (_, i) => `soak-${i}`);
      for (const id of stores) await enableStore(stack, id, { syncOrders: true });
      await Promise.all(stores.map((id) => settledRun(stack, id)));
      const variants = (await stack.api('GET', '/v1/stores/soak-0/products?limit=500&sellable=true')).body.items.map(
        (item: { variantId: string }) => item.variantId,
      );

      const started = Date.now();
      const answers = new Map<number, number>();
      let placed = 0;
      let n = 0;
      while (Date.now() - started < STREAM_MS) {
        const elapsed = Date.now() - started;
        if (n === 60) stack.sim.state.faults.add({ kind: 'rateLimit', probability: 0.3, count: 60, retryAfterSeconds: 1 });
        if (n === 120) stack.sim.state.faults.add({ kind: 'serverError', status: 502, probability: 0.2, count: 20 });
        const storeId = stores[n % STORES];
        const externalId = `SOAK-${n}`;
        const created = await stack.api('POST', `/v1/stores/${storeId}/orders`, {
          externalId,
          type: n % 3 === 0 ? 'delivery' : 'pickup',
          customer: { firstName: 'Ada', lastName: 'L', phone: '+15555550123', purchaseCategory: 'rec' },
          items: [{ variantId: variants[n % variants.length], quantity: 1 }],
          ...(n % 3 === 0
            ? {
                address: { street1: '1 Main St', city: 'Springfield', state: 'OR', zip: '97477' },
                deliveryFeeCents: 500,
                deliveryNotes: 'Gate 4',
              }
            : {}),
          status: 'confirmed',
        });
        answers.set(created.status, (answers.get(created.status) ?? 0) + 1);
        if (created.status === 201) placed++;
        n++;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 300 - (Date.now() - started - elapsed))));
      }
      expect([...answers.keys()].filter((status) => status >= 500)).toEqual([]);

      const settled = await waitFor(
        async () => {
          const orders = await stack.db.prisma.order.findMany({ select: { status: true, pushState: true, pushError: true } });
          const open = orders.filter((order) => !FINAL.has(order.status) && !['needs_reconciliation', 'failed'].includes(order.pushState));
          return open.length === 0 ? orders : null;
        },
        { what: 'every order to end final or explained', timeoutMs: 180_000, intervalMs: 1_000 },
      );
      const explained = settled.filter((order) => !FINAL.has(order.status));
      expect(explained.every((order) => order.pushError)).toBe(true);

      const [holds] = await stack.db.prisma.$queryRaw<{ mismatched: number }[]>`
        SELECT count(*)::int AS mismatched FROM products p
        LEFT JOIN (SELECT store_id, variant_id, sum(quantity) AS units FROM inventory_holds WHERE state IN ('held', 'consumed') GROUP BY 1, 2) h
          ON h.store_id = p.store_id AND h.variant_id = p.variant_id
        WHERE abs(p.held_quantity - COALESCE(h.units, 0)) > 0.000001`;
      expect(holds.mismatched).toBe(0);

      const redis = new Redis(stack.env.REDIS_URL ?? serviceUrls().REDIS_URL);
      const keys = (await redis.keys(`${stack.prefix}:*`)).length;
      redis.disconnect();
      const [{ bytes }] = await stack.db.prisma.$queryRaw<{ bytes: bigint }[]>`SELECT pg_database_size(current_database()) AS bytes`;
      const byState = (state: string) => settled.filter((order) => order.status === state).length;
      return `${n} orders sent (${placed} accepted, ${answers.get(409) ?? 0} refused for stock, 0 5xx); end: ${byState('completed')} completed, ${byState('cancelled')} cancelled, ${explained.length} explained, 0 open; holds add up on every product; Redis ${keys} keys for the product's prefix, PostgreSQL ${(Number(bytes) / 1e6).toFixed(1)} MB; settled ${seconds(Date.now() - started - STREAM_MS)} after the stream`;
    },
  );
}, 600_000);
