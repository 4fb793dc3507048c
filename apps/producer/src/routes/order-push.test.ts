import Fastify, { type FastifyInstance } from 'fastify';
import { jobIds } from '@flowhub-sync/queues';
import { errorHandler } from '../errors';
import { enqueueOrderPush } from '../orders/push-queue';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { orderPushRoutes } from './order-push';
import { orderRoutes } from './orders';

/** The harness's app once app.ts registers these routes; until then the order and push routes on their own. */
async function appServingPushes(h: ProducerHarness): Promise<FastifyInstance> {
  if (h.app.hasRoute({ method: 'POST', url: '/v1/stores/:storeId/orders/:externalId/push' })) return h.app as unknown as FastifyInstance;
  const app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  await app.register(orderRoutes(h.deps));
  await app.register(orderPushRoutes(h.deps));
  await app.ready();
  return app;
}

let h: ProducerHarness;
let app: FastifyInstance;

beforeAll(async () => {
  h = await createProducerHarness();
  app = await appServingPushes(h);
});

afterAll(async () => {
  if (app !== (h.app as unknown)) await app.close();
  await h.close();
});

let storeSeq = 0;
async function freshStore(settings: { maui?: boolean; syncOrders?: boolean; statusWebhookUrl?: string } = {}) {
  const storeId = `push-store-${++storeSeq}`;
  await h.db.prisma.store.create({
    data: { id: storeId, enabled: true, syncOrders: settings.syncOrders ?? true, maui: settings.maui ?? false, clientId: 'c', locationId: 'l', statusWebhookUrl: settings.statusWebhookUrl },
  });
  await h.db.prisma.product.create({ data: { storeId, variantId: 'v-a', productId: 'p-a', name: 'A', posQuantity: 10, contentHash: 'a' } });
  return storeId;
}

const customer = { firstName: 'Ada', lastName: 'Lovelace', phone: '+15555550123', purchaseCategory: 'rec' };
const createConfirmed = (storeId: string, externalId: string) =>
  app.inject({
    method: 'POST',
    url: `/v1/stores/${storeId}/orders`,
    headers: auth,
    payload: { externalId, status: 'confirmed', type: 'pickup', customer, items: [{ variantId: 'v-a', quantity: 2 }] },
  });
const pushRoute = (storeId: string, externalId: string, body?: object) =>
  app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders/${externalId}/push`, headers: auth, ...(body ? { payload: body } : {}) });
const setPushState = (storeId: string, externalId: string, data: { pushState: 'failed' | 'needs_reconciliation' | 'pushing'; pushError?: string }) =>
  h.db.prisma.order.update({ where: { storeId_externalId: { storeId, externalId } }, data });
const pushJob = (storeId: string, externalId: string) => h.deps.queues['order-push'].getJob(jobIds.orderPush(storeId, externalId));
const heldOf = async (storeId: string) => (await h.db.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId: 'v-a' } } })).heldQuantity;

describe('enqueueOrderPush', () => {
  it("adds the order's push job under its one id, once, however often it is called", async () => {
    const storeId = await freshStore();
    const order = { storeId, externalId: 'ENQ-1', pushState: 'queued' as const };
    expect(await enqueueOrderPush(h.deps, order)).toBe(true);
    expect(await enqueueOrderPush(h.deps, order)).toBe(true);
    const job = await pushJob(storeId, 'ENQ-1');
    expect(job).toMatchObject({ name: `order-push:${storeId}:ENQ-1`, data: { storeId, externalId: 'ENQ-1' } });
    expect(await h.deps.queues['order-push'].getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  });

  it('only logs when Redis is unreachable: the confirmation stands and the sweep queues the push later', async () => {
    const down = await createProducerHarness({ redisUrl: 'redis://127.0.0.1:1' });
    try {
      await expect(enqueueOrderPush(down.deps, { storeId: 's', externalId: 'DOWN-1', pushState: 'queued' })).resolves.toBe(false);
    } finally {
      await down.close();
    }
  });
});

describe('POST /v1/stores/{storeId}/orders/{externalId}/push', () => {
  it('{"flowhubOrderId"} resolves needs_reconciliation: pushed with that id, and nothing is sent to Flowhub', async () => {
    const storeId = await freshStore();
    expect((await createConfirmed(storeId, 'REC-1')).json()).toMatchObject({ status: 'confirmed', push: { state: 'queued' } });
    await (await pushJob(storeId, 'REC-1'))?.remove();
    await setPushState(storeId, 'REC-1', { pushState: 'needs_reconciliation', pushError: 'the answer was lost' });

    const response = await pushRoute(storeId, 'REC-1', { flowhubOrderId: 'fh-777' });

    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ push: { state: 'pushed', flowhubOrderId: 'fh-777', error: null, pushedAt: expect.any(String) } });
    expect(response.json().history).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'reconciled', cause: 'operator' })]));
    expect(await pushJob(storeId, 'REC-1')).toBeUndefined();
    // Not a Maui store: the stock stays held.
    expect(response.json().holds).toEqual([expect.objectContaining({ state: 'held' })]);

    // The same id again changes nothing; another id is a conflict.
    expect((await pushRoute(storeId, 'REC-1', { flowhubOrderId: 'fh-777' })).statusCode).toBe(202);
    const other = await pushRoute(storeId, 'REC-1', { flowhubOrderId: 'fh-888' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.message).toContain('fh-777');
  });

  it('{"flowhubOrderId"} on a Maui store fulfils the order and releases its holds, as a push would, and tells the platform', async () => {
    const storeId = await freshStore({ maui: true, statusWebhookUrl: 'https://platform.example.com/hook' });
    await createConfirmed(storeId, 'MAUI-REC-1');
    await setPushState(storeId, 'MAUI-REC-1', { pushState: 'needs_reconciliation' });
    expect(await heldOf(storeId)).toBe(2);

    const response = await pushRoute(storeId, 'MAUI-REC-1', { flowhubOrderId: 'fh-maui-1' });

    expect(response.json()).toMatchObject({ fulfilled: true, push: { state: 'pushed' }, holds: [{ state: 'released' }] });
    expect(await heldOf(storeId)).toBe(0);
    const [delivery] = await h.db.prisma.webhookDelivery.findMany({ where: { storeId, event: 'fulfilled_changed' } });
    expect(delivery.payload).toMatchObject({ externalId: 'MAUI-REC-1', event: 'fulfilled_changed' });
    expect(await h.deps.queues['webhook-delivery'].getJob(jobIds.webhookDelivery(delivery.id))).toBeDefined();
  });

  it('{"recreate": true} queues a new create of an order whose outcome was unknown (the job under its id replaced)', async () => {
    const storeId = await freshStore();
    await createConfirmed(storeId, 'RECREATE-1');
    const firstJob = await pushJob(storeId, 'RECREATE-1');
    await firstJob?.remove();
    await setPushState(storeId, 'RECREATE-1', { pushState: 'needs_reconciliation', pushError: 'the answer was lost' });

    const response = await pushRoute(storeId, 'RECREATE-1', { recreate: true });

    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ push: { state: 'queued', error: null } });
    expect(response.json().history).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'push_recreate_requested', cause: 'operator' })]));
    expect(await pushJob(storeId, 'RECREATE-1')).toMatchObject({ data: { storeId, externalId: 'RECREATE-1' } });
  });

  it('a plain push restarts a failed push, and refuses an order whose push may have reached Flowhub', async () => {
    const storeId = await freshStore();
    await createConfirmed(storeId, 'RETRY-1');
    await (await pushJob(storeId, 'RETRY-1'))?.remove();
    await setPushState(storeId, 'RETRY-1', { pushState: 'failed', pushError: 'Flowhub refused the order: …' });

    const retried = await pushRoute(storeId, 'RETRY-1');
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({ push: { state: 'queued', error: null } });
    expect(await pushJob(storeId, 'RETRY-1')).toBeDefined();

    await setPushState(storeId, 'RETRY-1', { pushState: 'needs_reconciliation', pushError: 'the answer was lost' });
    const unknown = await pushRoute(storeId, 'RETRY-1', {});
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json().error.message).toMatch(/flowhubOrderId.*recreate/);

    await setPushState(storeId, 'RETRY-1', { pushState: 'pushing' });
    expect((await pushRoute(storeId, 'RETRY-1', { recreate: true })).statusCode).toBe(409);
  });

  it('refuses to push for a store that does not sync orders', async () => {
    const storeId = await freshStore({ syncOrders: false });
    await createConfirmed(storeId, 'NOSYNC-1');
    const response = await pushRoute(storeId, 'NOSYNC-1');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('integration_disabled');
  });

  it('names each wrong field of a bad body, and answers 404 for an unknown order', async () => {
    const storeId = await freshStore();
    const both = await pushRoute(storeId, 'X-1', { flowhubOrderId: 'fh-1', recreate: true });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details).toEqual([expect.objectContaining({ path: 'recreate' })]);
    const wrong = await pushRoute(storeId, 'X-1', { flowhubOrderId: '', recreate: false, extra: 1 });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['body', 'flowhubOrderId', 'recreate']);
    expect((await pushRoute(storeId, 'NOPE-1')).statusCode).toBe(404);
    expect((await pushRoute('no-such-store', 'NOPE-1')).statusCode).toBe(404);
  });
});

describe('cancelling an order already pushed', () => {
  it('answers, and records in its history, that it must also be cancelled in Flowhub', async () => {
    const storeId = await freshStore();
    await createConfirmed(storeId, 'CANCEL-1');
    await pushRoute(storeId, 'CANCEL-1', { flowhubOrderId: 'fh-cancel-1' });

    const response = await app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders/CANCEL-1/cancel`, headers: auth });

    expect(response.statusCode).toBe(200);
    expect(response.json().notice).toMatch(/cancel it in Flowhub too/);
    expect(response.json().history).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'flowhub_cancel_required' })]));
  });
});
