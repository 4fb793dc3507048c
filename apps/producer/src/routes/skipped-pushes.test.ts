// Confirmed orders whose push was skipped because the store was disabled or stopped syncing orders first
// (packages/db/src/orders/skipped-pushes.ts): queued again when the settings switch order sync back on, and
// completed or cancelled by the platform meanwhile.
import { recordPushSkipped } from '@flowhub-sync/db';
import { jobIds } from '@flowhub-sync/queues';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { heldQuantity, orderBody, seedProduct } from '../testing/orders';

let h: ProducerHarness;
beforeAll(async () => {
  h = await createProducerHarness();
});
afterAll(() => h.close());

const settings = (syncOrders: boolean, enabled = true) => ({
  enabled,
  clientId: 'client-1',
  apiKey: 'good-api-key-9876',
  locationId: 'loc-1',
  syncOrders,
  orderAheadClientId: 'oa-client',
  orderAheadToken: 'oa-secret-5555',
});
const put = (storeId: string, body: object) =>
  h.app.inject({ method: 'PUT', url: `/v1/stores/${storeId}/flowhub?verify=false`, headers: auth, payload: body });
const create = (storeId: string, body: object) =>
  h.app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders`, headers: auth, payload: body });
const act = (storeId: string, externalId: string, action: 'cancel' | 'complete') =>
  h.app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders/${externalId}/${action}`, headers: auth });
const get = async (storeId: string, externalId: string) =>
  (await h.app.inject({ method: 'GET', url: `/v1/stores/${storeId}/orders/${externalId}`, headers: auth })).json();
const pushJob = (storeId: string, externalId: string) => h.deps.queues['order-push'].getJob(jobIds.orderPush(storeId, externalId));
const orderId = async (storeId: string, externalId: string) =>
  (await h.db.prisma.order.findUniqueOrThrow({ where: { storeId_externalId: { storeId, externalId } }, select: { id: true } })).id;

/** A store that syncs orders with confirmed orders queued; then order sync is switched off and their push jobs skip them. */
async function storeWithSkippedOrders(storeId: string, externalIds: string[]) {
  expect((await put(storeId, settings(true))).statusCode).toBe(200);
  await seedProduct(h.db.prisma, storeId, 'v-a', 10);
  for (const externalId of externalIds) {
    const created = await create(storeId, orderBody(externalId, [{ variantId: 'v-a', quantity: 2 }], { status: 'confirmed' }));
    expect(created.json()).toMatchObject({ push: { state: 'queued' } });
    await (await pushJob(storeId, externalId))?.remove(); // as if the worker had run it: see below
  }
  expect((await put(storeId, settings(false))).statusCode).toBe(200);
  // What the order-push job does when it finds the store no longer syncing orders (packages/orders/src/jobs/order-push.ts).
  for (const externalId of externalIds) {
    expect(
      await recordPushSkipped(
        h.db.prisma,
        await orderId(storeId, externalId),
        'not pushed: the store stopped syncing orders to Flowhub before the push ran',
      ),
    ).toMatchObject({
      skipped: true,
    });
  }
}

describe('orders skipped while the store did not sync orders', () => {
  it('are queued again, jobs added, when the settings are saved with enabled and syncOrders', async () => {
    await storeWithSkippedOrders('requeue', ['S-1', 'S-2']);
    // Confirmed while the store did not sync orders: never meant for Flowhub, left alone.
    expect((await create('requeue', orderBody('N-1', [{ variantId: 'v-a', quantity: 1 }], { status: 'confirmed' }))).json()).toMatchObject({
      push: { state: 'not_pushed', error: null },
    });
    expect(await get('requeue', 'S-1')).toMatchObject({
      status: 'confirmed',
      push: { state: 'not_pushed', error: expect.stringContaining('stopped syncing orders') },
    });

    // Saved again without order sync: nothing moves.
    expect((await put('requeue', settings(false))).statusCode).toBe(200);
    expect(await pushJob('requeue', 'S-1')).toBeUndefined();
    // Enabled but not syncing orders, or syncing orders but disabled: nothing either.
    expect((await put('requeue', settings(true, false))).statusCode).toBe(200);
    expect((await get('requeue', 'S-1')).push.state).toBe('not_pushed');

    expect((await put('requeue', settings(true))).statusCode).toBe(200);

    for (const externalId of ['S-1', 'S-2']) {
      const order = await get('requeue', externalId);
      expect(order).toMatchObject({ status: 'confirmed', push: { state: 'queued', error: null } });
      expect(order.history.at(-1)).toMatchObject({
        event: 'push_queued',
        cause: null,
        details: { skippedBecause: expect.stringContaining('stopped syncing'), reason: 'the store syncs orders again' },
      });
      expect(await pushJob('requeue', externalId)).toMatchObject({ data: { storeId: 'requeue', externalId } });
    }
    expect(await get('requeue', 'N-1')).toMatchObject({ push: { state: 'not_pushed', error: null } });
    expect(await pushJob('requeue', 'N-1')).toBeUndefined();
  });

  it('can be completed or cancelled by the platform meanwhile, and are not queued again afterwards', async () => {
    await storeWithSkippedOrders('settle', ['C-1', 'X-1', 'Q-1']);
    // The store syncs orders again (enabled, syncOrders) only later: until then the platform settles them itself.
    expect((await put('settle', { ...settings(true), enabled: false })).statusCode).toBe(200);

    const completed = await act('settle', 'C-1', 'complete');
    expect(completed.statusCode).toBe(200);
    expect(completed.json()).toMatchObject({ status: 'completed', holds: [{ state: 'consumed' }] });
    const cancelled = await act('settle', 'X-1', 'cancel');
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', holds: [{ state: 'released' }] });
    expect(cancelled.json().notice).toBeUndefined(); // never reached Flowhub
    expect(await heldQuantity(h.db.prisma, 'settle', 'v-a')).toBe(4); // C-1 consumed (until a sync), Q-1 held

    expect((await put('settle', settings(true))).statusCode).toBe(200);
    expect((await get('settle', 'C-1')).push.state).toBe('not_pushed');
    expect((await get('settle', 'X-1')).push.state).toBe('not_pushed');
    expect((await get('settle', 'Q-1')).push.state).toBe('queued');

    // An order the store's Flowhub sync will report is still refused.
    const refused = await act('settle', 'Q-1', 'complete');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('Flowhub reports');
  });
});
