import { waitFor } from '@flowhub-sync/testing';
import { enableStore, scenario, settledRun, startStack, type Stack } from './scenario-kit';

/*
 * Cancels racing pushes under load: each order is created confirmed (its push queued at once) and cancelled
 * 0–6 ms later, so the cancel lands before, during or after the order-worker's claim and create. Whatever the
 * timing, a cancelled order that reached Flowhub must carry `flowhub_cancel_required` (and its webhook), so
 * staff cancel it there; a cancel that wins the race leaves no Flowhub order at all.
 */

const ORDERS = 150;
const STORE = 'race-store';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { rows: 60, seed: 21 } });
  await stack.start('producer');
  await stack.start('inventory-worker');
  await stack.start('order-worker');
}, 120_000);
afterAll(() => stack?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('h. cancels racing pushes: no cancelled order reaches Flowhub unannounced', async () => {
  await scenario(
    {
      scenario: 'h. cancels racing pushes',
      injected: `${ORDERS} orders, each created confirmed and cancelled 0–6 ms later, 10 at a time`,
      checked:
        'every cancelled order created in Flowhub has a flowhub_cancel_required record; no push left in flight; no order in Flowhub twice',
    },
    async () => {
      await enableStore(stack, STORE, { syncOrders: true });
      await settledRun(stack, STORE);
      const variants = (await stack.api('GET', `/v1/stores/${STORE}/products?limit=100&sellable=true`)).body.items.map(
        (item: { variantId: string }) => item.variantId,
      );

      const one = async (n: number) => {
        const externalId = `RACE-${n}`;
        const created = await stack.api('POST', `/v1/stores/${STORE}/orders`, {
          externalId,
          type: 'pickup',
          customer: { firstName: 'Ada', lastName: 'L', phone: '+15555550123', purchaseCategory: 'rec' },
          items: [{ variantId: variants[n % variants.length], quantity: 1 }],
          status: 'confirmed',
        });
        if (created.status !== 201) throw new Error(`creating ${externalId}: ${created.status} ${JSON.stringify(created.body)}`);
        await sleep(n % 7);
        const cancelled = await stack.api('POST', `/v1/stores/${STORE}/orders/${externalId}/cancel`);
        if (cancelled.status !== 200) throw new Error(`cancelling ${externalId}: ${cancelled.status} ${JSON.stringify(cancelled.body)}`);
      };
      for (let start = 0; start < ORDERS; start += 10) await Promise.all(Array.from({ length: 10 }, (_, i) => one(start + i)));

      // Every push settles: claimed pushes finish, unclaimed ones are dropped by the claim.
      const orders = await waitFor(
        async () => {
          const rows = await stack.db.prisma.order.findMany({
            where: { storeId: STORE },
            select: { id: true, externalId: true, status: true, pushState: true },
          });
          return rows.every((row) => row.pushState !== 'queued' && row.pushState !== 'sending') ? rows : null;
        },
        { what: 'every push to settle', timeoutMs: 120_000, intervalMs: 500 },
      );
      expect(orders).toHaveLength(ORDERS);
      expect(orders.every((order) => order.status === 'cancelled')).toBe(true);

      const announced = new Set(
        (
          await stack.db.prisma.orderEvent.findMany({
            where: { event: 'flowhub_cancel_required', order: { storeId: STORE } },
            select: { order: { select: { externalId: true } } },
          })
        ).map((event) => event.order.externalId),
      );
      // The simulator's record of what reached Flowhub. Each create names our order in its customerNote
      // ("Order <externalId>", then the delivery notes).
      const inFlowhub = stack.sim.state.orders.all().map((order) => {
        const note = String(order.payload.customerNote ?? '');
        return /^\s*Order ([A-Za-z0-9._-]+)/.exec(note)?.[1] ?? '';
      });
      const unannounced = inFlowhub.filter((externalId) => !announced.has(externalId));
      expect(unannounced).toEqual([]);
      expect(new Set(inFlowhub).size).toBe(inFlowhub.length);
      return `${inFlowhub.length} of ${ORDERS} cancelled orders reached Flowhub, all ${inFlowhub.length} with flowhub_cancel_required; ${ORDERS - inFlowhub.length} cancels won the race and sent nothing`;
    },
  );
});
