import type { Job } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '@flowhub-sync/config';
import { followedOrdersWhere } from '@flowhub-sync/db';
import { databaseNow, releaseReflectedHolds } from '@flowhub-sync/db';
import type { FlowhubClient, FlowhubOrderAnswer } from '@flowhub-sync/flowhub-client';
import { handlePostback, orderPushProcessor } from '@flowhub-sync/orders';
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
    data: {
      id: storeId,
      enabled: true,
      syncOrders: settings.syncOrders ?? true,
      maui: settings.maui ?? false,
      clientId: 'c',
      locationId: 'l',
      statusWebhookUrl: settings.statusWebhookUrl,
    },
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
const setPushState = (
  storeId: string,
  externalId: string,
  data: { pushState: 'failed' | 'needs_reconciliation' | 'pushing' | 'not_pushed'; pushError?: string },
) => h.db.prisma.order.update({ where: { storeId_externalId: { storeId, externalId } }, data });
const cancelRoute = (storeId: string, externalId: string) =>
  app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders/${externalId}/cancel`, headers: auth });
const orderRow = (storeId: string, externalId: string) =>
  h.db.prisma.order.findUniqueOrThrow({ where: { storeId_externalId: { storeId, externalId } } });
const deliveriesOf = async (storeId: string, externalId: string) =>
  h.db.prisma.webhookDelivery.findMany({ where: { storeId, order: { externalId } }, orderBy: { sequence: 'asc' } });
const HOOK = 'https://platform.example.com/hook';
const pushJob = (storeId: string, externalId: string) => h.deps.queues['order-push'].getJob(jobIds.orderPush(storeId, externalId));
const heldOf = async (storeId: string) =>
  (await h.db.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId: 'v-a' } } })).heldQuantity;

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
    expect(response.json()).toMatchObject({
      push: { state: 'pushed', flowhubOrderId: 'fh-777', error: null, pushedAt: expect.any(String) },
    });
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

  it('{"flowhubOrderId"} on a Maui store fulfils the order and consumes its holds, as a push would, and tells the platform', async () => {
    const storeId = await freshStore({ maui: true, statusWebhookUrl: 'https://platform.example.com/hook' });
    await createConfirmed(storeId, 'MAUI-REC-1');
    await setPushState(storeId, 'MAUI-REC-1', { pushState: 'needs_reconciliation' });
    expect(await heldOf(storeId)).toBe(2);

    const response = await pushRoute(storeId, 'MAUI-REC-1', { flowhubOrderId: 'fh-maui-1' });

    expect(response.json()).toMatchObject({ fulfilled: true, push: { state: 'pushed' }, holds: [{ state: 'consumed' }] });
    expect(response.json().history).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'holds_consumed' })]));
    // Maui has the stock; the units stay unavailable until a sync that started after this reads Flowhub's quantity.
    expect(await heldOf(storeId)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the sync starts a few milliseconds after
    expect(await releaseReflectedHolds(h.db.prisma, storeId, await databaseNow(h.db.prisma), new Date())).toBe(1);
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
    expect(response.json().history).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: 'push_recreate_requested', cause: 'operator' })]),
    );
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

  it('{"flowhubOrderId"} is refused with 409 for an order that is not confirmed, or whose push is under way or queued: nothing changes', async () => {
    const storeId = await freshStore();
    const create = (externalId: string) =>
      app.inject({
        method: 'POST',
        url: `/v1/stores/${storeId}/orders`,
        headers: auth,
        payload: { externalId, type: 'pickup', customer, items: [{ variantId: 'v-a', quantity: 1 }] },
      });
    await create('PENDING-1');
    await create('CANCELLED-1');
    await cancelRoute(storeId, 'CANCELLED-1');
    await create('EXPIRED-1');
    await h.db.prisma.order.update({ where: { storeId_externalId: { storeId, externalId: 'EXPIRED-1' } }, data: { status: 'expired' } });
    await createConfirmed(storeId, 'QUEUED-1');

    for (const [externalId, said] of [
      ['PENDING-1', /PENDING-1.*pending/],
      ['CANCELLED-1', /CANCELLED-1.*cancelled/],
      ['EXPIRED-1', /EXPIRED-1.*expired/],
      ['QUEUED-1', /QUEUED-1.*queued/],
    ] as const) {
      const before = await orderRow(storeId, externalId);
      const response = await pushRoute(storeId, externalId, { flowhubOrderId: `fh-${externalId}` });
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toMatchObject({ code: 'conflict', message: expect.stringMatching(said) });
      expect(await orderRow(storeId, externalId)).toMatchObject({
        status: before.status,
        pushState: before.pushState,
        flowhubOrderId: null,
      });
    }
  });

  it('{"flowhubOrderId"} records a confirmed order whose push failed or never ran, and its status is followed at once', async () => {
    const storeId = await freshStore();
    await createConfirmed(storeId, 'FAILED-1');
    await (await pushJob(storeId, 'FAILED-1'))?.remove();
    await setPushState(storeId, 'FAILED-1', { pushState: 'failed', pushError: 'Flowhub refused the order' });
    await createConfirmed(storeId, 'NEVER-1');
    await (await pushJob(storeId, 'NEVER-1'))?.remove();
    await setPushState(storeId, 'NEVER-1', { pushState: 'not_pushed' });
    // The store stopped syncing orders since: its pushed orders are still followed, so their poll must run.
    await h.db.prisma.store.update({ where: { id: storeId }, data: { enabled: false } });

    for (const externalId of ['FAILED-1', 'NEVER-1']) {
      const response = await pushRoute(storeId, externalId, { flowhubOrderId: `fh-${externalId}` });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ status: 'confirmed', push: { state: 'pushed', flowhubOrderId: `fh-${externalId}` } });
    }

    const followed = await h.db.prisma.order.findMany({
      where: { storeId, ...followedOrdersWhere() },
      select: { externalId: true },
      orderBy: { externalId: 'asc' },
    });
    expect(followed.map((order) => order.externalId)).toEqual(['FAILED-1', 'NEVER-1']);
    const polls = h.deps.queues['order-status-poll'];
    expect(await polls.getJobScheduler(jobIds.statusPollSchedule(storeId))).toBeDefined();
    const queued = await polls.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(
      queued.some((job) => job.data.storeId === storeId && job.data.flowhubOrderId === undefined && !job.id?.startsWith('repeat:')),
    ).toBe(true);
  });

  it('{"flowhubOrderId"} on a cancelled order whose push needs reconciliation links the Flowhub order and says it must be cancelled there', async () => {
    const storeId = await freshStore({ maui: true, statusWebhookUrl: HOOK });
    await createConfirmed(storeId, 'CXL-REC-1');
    await (await pushJob(storeId, 'CXL-REC-1'))?.remove();
    await setPushState(storeId, 'CXL-REC-1', { pushState: 'needs_reconciliation', pushError: 'the answer was lost' });
    expect((await cancelRoute(storeId, 'CXL-REC-1')).statusCode).toBe(200);

    const response = await pushRoute(storeId, 'CXL-REC-1', { flowhubOrderId: 'fh-cxl-1' });

    expect(response.statusCode).toBe(202);
    // Followed in Flowhub (a sale there is reported as a conflict); a cancelled order is not handed to Maui.
    expect(response.json()).toMatchObject({
      status: 'cancelled',
      fulfilled: false,
      push: { state: 'pushed', flowhubOrderId: 'fh-cxl-1' },
      holds: [{ state: 'released' }],
    });
    const required = response.json().history.filter((entry: { event: string }) => entry.event === 'flowhub_cancel_required');
    expect(required.at(-1)).toMatchObject({
      cause: 'operator',
      details: { flowhubOrderId: 'fh-cxl-1', message: expect.stringContaining('cancel it in Flowhub') },
    });
    const deliveries = await deliveriesOf(storeId, 'CXL-REC-1');
    expect(deliveries.map((delivery) => delivery.event)).toEqual(['cancel_required_in_flowhub', 'cancel_required_in_flowhub']);
    expect(await h.deps.queues['webhook-delivery'].getJob(jobIds.webhookDelivery(deliveries[1].id))).toBeDefined();
    expect(await h.db.prisma.order.count({ where: { storeId, externalId: 'CXL-REC-1', ...followedOrdersWhere() } })).toBe(1);
  });

  it('shows the second Flowhub orders recorded for an order (push.duplicateFlowhubOrderIds), only when there are some', async () => {
    const storeId = await freshStore();
    await createConfirmed(storeId, 'DUP-1');
    await createConfirmed(storeId, 'DUP-2');
    await h.db.prisma.order.update({
      where: { storeId_externalId: { storeId, externalId: 'DUP-1' } },
      data: { pushState: 'pushed', flowhubOrderId: 'fh-dup-a', duplicateFlowhubOrderIds: ['fh-dup-b'] },
    });
    const get = (externalId: string) => app.inject({ method: 'GET', url: `/v1/stores/${storeId}/orders/${externalId}`, headers: auth });
    expect((await get('DUP-1')).json().push).toMatchObject({
      state: 'pushed',
      flowhubOrderId: 'fh-dup-a',
      duplicateFlowhubOrderIds: ['fh-dup-b'],
    });
    expect((await get('DUP-2')).json().push).not.toHaveProperty('duplicateFlowhubOrderIds');
  });

  it('names each wrong field of a bad body, and answers 404 for an unknown order', async () => {
    const storeId = await freshStore();
    const both = await pushRoute(storeId, 'X-1', { flowhubOrderId: 'fh-1', recreate: true });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details).toEqual([expect.objectContaining({ path: 'recreate' })]);
    const wrong = await pushRoute(storeId, 'X-1', { flowhubOrderId: '', recreate: false, extra: 1 });
    expect(wrong.statusCode).toBe(400);
    expect(
      wrong
        .json()
        .error.details.map((detail: { path: string }) => detail.path)
        .sort(),
    ).toEqual(['body', 'flowhubOrderId', 'recreate']);
    expect((await pushRoute(storeId, 'NOPE-1')).statusCode).toBe(404);
    expect((await pushRoute('no-such-store', 'NOPE-1')).statusCode).toBe(404);
  });
});

describe('cancelling an order already pushed', () => {
  it('answers, and records in its history, that it must also be cancelled in Flowhub', async () => {
    const storeId = await freshStore();
    await createConfirmed(storeId, 'CANCEL-1');
    await setPushState(storeId, 'CANCEL-1', { pushState: 'needs_reconciliation' });
    await pushRoute(storeId, 'CANCEL-1', { flowhubOrderId: 'fh-cancel-1' });

    const response = await app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders/CANCEL-1/cancel`, headers: auth });

    expect(response.statusCode).toBe(200);
    expect(response.json().notice).toMatch(/cancel it in Flowhub too/);
    expect(response.json().history).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'flowhub_cancel_required' })]));
  });

  it('tells the platform (cancel_required_in_flowhub) when the push was claimed or sent; a push never claimed needs no word', async () => {
    const storeId = await freshStore({ statusWebhookUrl: HOOK });
    await createConfirmed(storeId, 'CLAIMED-1');
    await (await pushJob(storeId, 'CLAIMED-1'))?.remove();
    await setPushState(storeId, 'CLAIMED-1', { pushState: 'pushing' });
    await createConfirmed(storeId, 'QUEUED-2');

    const claimed = await cancelRoute(storeId, 'CLAIMED-1');

    expect(claimed.statusCode).toBe(200);
    expect(claimed.json().notice).toMatch(/may have reached Flowhub/);
    expect(claimed.json().history.at(-1)).toMatchObject({ event: 'flowhub_cancel_required', details: { pushState: 'pushing' } });
    const [delivery, ...more] = await deliveriesOf(storeId, 'CLAIMED-1');
    expect(more).toEqual([]);
    expect(delivery).toMatchObject({
      event: 'cancel_required_in_flowhub',
      payload: expect.objectContaining({ externalId: 'CLAIMED-1', event: 'cancel_required_in_flowhub', status: 'cancelled' }),
    });
    expect(await h.deps.queues['webhook-delivery'].getJob(jobIds.webhookDelivery(delivery.id))).toBeDefined();
    // A repeat cancel changes nothing and says nothing again.
    await cancelRoute(storeId, 'CLAIMED-1');
    expect(await deliveriesOf(storeId, 'CLAIMED-1')).toHaveLength(1);

    const queued = await cancelRoute(storeId, 'QUEUED-2');
    expect(queued.json().notice).toBeUndefined();
    expect(await deliveriesOf(storeId, 'QUEUED-2')).toEqual([]);
  });
});

describe('a push on its way when its store stops syncing orders', () => {
  const silent = createLogger({ name: 'order-push-in-flight-test', level: 'silent' });
  const settings = (syncOrders: boolean) => ({
    enabled: true,
    clientId: 'c',
    apiKey: 'api-key-1234',
    locationId: 'l',
    syncOrders,
    orderAheadClientId: 'oa-client',
    orderAheadToken: 'oa-secret-1234',
  });
  const putSettings = (storeId: string, body: object) =>
    h.app.inject({ method: 'PUT', url: `/v1/stores/${storeId}/flowhub?verify=false`, headers: auth, payload: body });
  const pollScheduler = (storeId: string) => h.deps.queues['order-status-poll'].getJobScheduler(jobIds.statusPollSchedule(storeId));

  /** A store set up through the API, as an operator does: enabled, syncing orders, its status poll scheduled. */
  async function syncingStore(storeId: string) {
    expect((await putSettings(storeId, settings(true))).statusCode).toBe(200);
    await h.db.prisma.product.create({
      data: { storeId, variantId: 'v-a', productId: 'p-a', name: 'A', posQuantity: 10, contentHash: 'a' },
    });
    expect(await pollScheduler(storeId)).toBeDefined();
  }

  /** Flowhub taking a create: `sent` once it is on its way, answered when the test says. */
  function createOnItsWay() {
    let answer!: (order: FlowhubOrderAnswer) => void;
    let reached!: () => void;
    const sent = new Promise<void>((resolve) => (reached = resolve));
    const flowhub: Pick<FlowhubClient, 'createOrder'> = {
      createOrder: () => {
        reached();
        return new Promise((resolve) => (answer = resolve));
      },
    };
    return { flowhub, sent, answer: (orderId: string) => answer({ orderId, status: 'new', customerExternalId: null, customerNote: null }) };
  }

  const pushJob = (storeId: string, externalId: string) =>
    ({
      id: jobIds.orderPush(storeId, externalId),
      data: { storeId, externalId },
      attemptsMade: 0,
      opts: { attempts: 8 },
    }) as unknown as Job;

  it.each([
    [
      'disabled (DELETE …/flowhub)',
      'flight-del',
      (storeId: string) => h.app.inject({ method: 'DELETE', url: `/v1/stores/${storeId}/flowhub`, headers: auth }),
      204,
    ],
    ['switched to syncOrders: false', 'flight-put', (storeId: string) => putSettings(storeId, settings(false)), 200],
  ])('%s: once Flowhub answers, the order is pushed and its status is polled', async (_case, storeId, stop, answered) => {
    await syncingStore(storeId);
    expect((await createConfirmed(storeId, 'FLIGHT-1')).json()).toMatchObject({ push: { state: 'queued' } });
    const create = createOnItsWay();
    const push = orderPushProcessor({
      prisma: h.deps.prisma,
      sql: h.deps.sql,
      flowhub: create.flowhub,
      secrets: h.deps.secrets,
      logger: silent,
    });

    const running = push.run(pushJob(storeId, 'FLIGHT-1'), undefined, silent);
    await create.sent;
    expect((await stop(storeId)).statusCode).toBe(answered);
    create.answer('fh-flight-1');

    expect(await running).toMatchObject({ status: 'pushed', flowhubOrderId: 'fh-flight-1' });
    expect(await h.db.prisma.order.count({ where: { storeId, externalId: 'FLIGHT-1', ...followedOrdersWhere() } })).toBe(1);
    // The order's Flowhub status goes on being read: the store keeps its scheduled status poll.
    expect(await pollScheduler(storeId)).toMatchObject({ every: h.deps.settings.statusPollEveryMs });
  });

  it('disabled while the push needs reconciliation: a postback that resolves it leaves the order followed', async () => {
    const storeId = 'flight-rec';
    await syncingStore(storeId);
    await createConfirmed(storeId, 'REC-FLIGHT-1');
    await setPushState(storeId, 'REC-FLIGHT-1', { pushState: 'needs_reconciliation', pushError: 'the answer was lost' });
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/stores/${storeId}/flowhub`, headers: auth })).statusCode).toBe(204);

    const order = await orderRow(storeId, 'REC-FLIGHT-1');
    const flowhub: Pick<FlowhubClient, 'getOrderStatus'> = {
      getOrderStatus: async (_credentials, orderId) => ({
        orderId,
        status: 'new',
        customerExternalId: null,
        customerNote: 'Order REC-FLIGHT-1',
      }),
    };
    const resolved = await handlePostback(
      { prisma: h.deps.prisma, flowhub, secrets: h.deps.secrets, logger: silent },
      storeId,
      order.id,
      'fh-rec-1',
    );

    expect(resolved.reconciled).toBe(true);
    expect(await orderRow(storeId, 'REC-FLIGHT-1')).toMatchObject({ pushState: 'pushed', flowhubOrderId: 'fh-rec-1' });
    expect(await pollScheduler(storeId)).toMatchObject({ every: h.deps.settings.statusPollEveryMs });
  });
});
