import { Queue, Worker, type Job } from 'bullmq';
import { createLogger, createSecretBox } from '@flowhub-sync/config';
import type { PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/src/testing';
import { createFlowhubClient, createRedisRequestBudget } from '@flowhub-sync/flowhub-client';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { createRedisConnection, jobIds, type RedisConnection } from '@flowhub-sync/queues';
import { serviceUrls, testEncryptionKey, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { ensureOrderPushJob } from '@flowhub-sync/queues';
import { createOrderPushMetrics } from '../push/push-metrics';
import { createPushStore, createRequests, createsFor, insertOrder, orderRow, REC_CUSTOMER, seedProducts, type SeededProduct } from '../testing/push-fixtures';
import { createOrderPushProcessor, type OrderPushProcessor } from './order-push';

const PUBLIC_URL = 'https://sync.example.com';

let sim: RunningSimulator;
let db: TestDatabase;
let prisma: PrismaClient;
let redis: RedisConnection;
let workerConnection: RedisConnection;
let queue: Queue;
let webhookQueue: Queue;
let worker: Worker;
let processor: OrderPushProcessor;
let products: SeededProduct[];
const secrets = createSecretBox(testEncryptionKey());
const prefix = uniqueQueuePrefix('order-push');
const metrics = createOrderPushMetrics();

beforeAll(async () => {
  sim = await startSimulator({ rows: 200, seed: 3, lifecycle: { cancelShare: 0 } });
  db = await createTestDatabase();
  prisma = db.prisma;
  redis = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  workerConnection = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  queue = new Queue('order-push', { connection: redis, prefix });
  webhookQueue = new Queue('webhook-delivery', { connection: redis, prefix });
  const flowhub = createFlowhubClient({
    apiUrl: sim.url,
    authUrl: sim.url,
    timeoutMs: 2_000,
    budget: createRedisRequestBudget(redis, { maxRps: 50, prefix: `${prefix}:budget` }),
  });
  processor = createOrderPushProcessor({
    prisma,
    sql: db.sql,
    flowhub,
    secrets,
    logger: createLogger({ name: 'order-push-test', level: 'silent' }),
    publicUrl: PUBLIC_URL,
    metrics,
    webhookQueue,
  });
  worker = new Worker('order-push', (job, token) => processor(job, token), { connection: workerConnection, prefix, concurrency: 4 });
  await createPushStore(prisma, secrets, 'store-1');
  await createPushStore(prisma, secrets, 'maui-1', { maui: true });
  products = await seedProducts(prisma, sim, 'store-1', 4);
  await prisma.product.createMany({
    data: products.map((product, index) => ({ storeId: 'maui-1', ...product, name: `Maui ${index}`, posQuantity: 100, contentHash: `m-${index}` })),
  });
});

afterEach(() => sim.state.faults.clear());

afterAll(async () => {
  await worker?.close();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await webhookQueue?.obliterate({ force: true }).catch(() => undefined);
  await webhookQueue?.close();
  redis?.disconnect();
  workerConnection?.disconnect();
  await db?.drop();
  await sim?.close();
});

/** Adds the order's push job (as the producer or the sweep does) and waits until it has finished. */
async function push(storeId: string, externalId: string): Promise<Job> {
  await ensureOrderPushJob(queue, storeId, externalId);
  return finished(storeId, externalId);
}

async function finished(storeId: string, externalId: string): Promise<Job> {
  return waitFor(
    async () => {
      // The state first, then the job: a job read before it finished has no outcome yet.
      const state = await queue.getJobState(jobIds.orderPush(storeId, externalId));
      return state === 'completed' || state === 'failed' ? queue.getJob(jobIds.orderPush(storeId, externalId)) : undefined;
    },
    { what: `the push of ${externalId} to finish`, timeoutMs: 20_000 },
  );
}

const simOrderOf = (externalId: string) => sim.state.orders.all({ customerExternalId: externalId });
const events = (order: { events: { event: string }[] }) => order.events.map((event) => event.event);

describe('the order push', () => {
  it('sends Flowhub the delivery notes, the delivery fee, phone and medical id, type and quantities, and records its order id', async () => {
    await insertOrder(prisma, 'store-1', {
      externalId: 'DELIV-1',
      type: 'delivery',
      customer: { ...REC_CUSTOMER, medicalId: 'MED-7', medicalIdExpiration: '2027-06-30' },
      items: [
        { variantId: products[0].variantId, quantity: 2 },
        { variantId: products[1].variantId, quantity: 1 },
      ],
      deliveryNotes: 'Gate code 1234, dog is friendly',
      deliveryFeeCents: 750,
      address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
      requestedWindow: { start: '2026-05-01T18:00:00.000Z', end: '2026-05-01T19:00:00.000Z' },
    });

    const job = await push('store-1', 'DELIV-1');

    expect(job.returnvalue).toMatchObject({ status: 'pushed' });
    const [received] = simOrderOf('DELIV-1');
    expect(received.payload).toMatchObject({
      orderType: 'delivery',
      customerNote: 'Gate code 1234, dog is friendly',
      fees: [{ name: 'Delivery Fee', amount: 750 }],
      customer: { firstName: 'Ada', lastName: 'Lovelace', externalId: 'DELIV-1', phone: '+15555550123', medId: 'MED-7', medExp: '2027-06-30', medRecOrBoth: 'rec' },
      orderItems: [
        { productId: products[0].productId, quantityPurchased: 2 },
        { productId: products[1].productId, quantityPurchased: 1 },
      ],
      address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
      requestedFulfillmentTimeStart: '2026-05-01T18:00:00.000Z',
      externalCreatedAt: '2026-05-01T17:00:00.000Z',
    });

    const order = await orderRow(prisma, 'store-1', 'DELIV-1');
    expect(order).toMatchObject({ pushState: 'pushed', flowhubOrderId: received.orderId, pushAttempts: 1, pushError: null, flowhubStatus: 'new' });
    expect(order.pushedAt).toBeInstanceOf(Date);
    // The postback credential is stored on the order and is what Flowhub was given.
    expect(order.postbackToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(received.payload.postbackUrl).toBe(`${PUBLIC_URL}/v1/flowhub/postback/${order.postbackToken}`);
    expect(events(order)).toEqual(expect.arrayContaining(['push_started', 'pushed']));
    // Not a Maui store: the stock stays held until the order completes or is cancelled.
    expect(order.fulfilled).toBe(false);
    expect(order.holds.map((hold) => hold.state)).toEqual(['held', 'held']);
  });

  it('running the job again after a push sends nothing', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'TWICE-1', items: [{ variantId: products[0].variantId, quantity: 1 }] });
    await push('store-1', 'TWICE-1');
    const again = await push('store-1', 'TWICE-1');
    expect(again.returnvalue).toMatchObject({ status: 'skipped' });
    expect(createsFor(sim, 'TWICE-1')).toBe(1);
  });

  it('refuses at once, without calling Flowhub, an order with neither phone nor medical id', async () => {
    const before = createRequests(sim);
    await insertOrder(prisma, 'store-1', {
      externalId: 'NOPHONE-1',
      customer: { firstName: 'Ada', lastName: 'Lovelace', purchaseCategory: 'rec' },
      items: [{ variantId: products[0].variantId, quantity: 1 }],
    });

    const job = await push('store-1', 'NOPHONE-1');

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('Flowhub needs a phone number or a medical id');
    const order = await orderRow(prisma, 'store-1', 'NOPHONE-1');
    expect(order).toMatchObject({ pushState: 'failed', pushAttempts: 0 });
    expect(order.pushError).toBe(job.failedReason);
    expect(events(order)).toContain('push_failed');
    expect(createRequests(sim)).toBe(before);
  });

  it("fails at once on Flowhub's 422, with Flowhub's reason on the order and as the job's failure reason", async () => {
    // A product the store still lists but Flowhub no longer has: Flowhub refuses the order (422).
    const location = sim.state.location('demo-location')!;
    const gone = location.catalogue().find((item) => item.defect === null && !products.some((product) => product.variantId === item.variantId))!;
    await prisma.product.create({ data: { storeId: 'store-1', variantId: gone.variantId, productId: gone.productId, name: 'Gone', posQuantity: 5, contentHash: 'gone' } });
    location.removeProduct(gone.variantId);
    await insertOrder(prisma, 'store-1', { externalId: 'REFUSED-1', items: [{ variantId: gone.variantId, quantity: 1 }] });

    const job = await push('store-1', 'REFUSED-1');

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^Flowhub refused the order: .*is not a product of this location/);
    const order = await orderRow(prisma, 'store-1', 'REFUSED-1');
    expect(order).toMatchObject({ pushState: 'failed', pushAttempts: 1, pushError: job.failedReason, flowhubOrderId: null });
    expect(createsFor(sim, 'REFUSED-1')).toBe(0);
  });

  it('fails at once when Flowhub rejects the Order Ahead credentials', async () => {
    await createPushStore(prisma, secrets, 'badcreds', { orderAheadSecret: 'wrong-secret' });
    await prisma.product.create({ data: { storeId: 'badcreds', ...products[0], name: 'x', posQuantity: 5, contentHash: 'x' } });
    await insertOrder(prisma, 'badcreds', { externalId: 'CREDS-1', items: [{ variantId: products[0].variantId, quantity: 1 }] });

    const job = await push('badcreds', 'CREDS-1');

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("Flowhub rejected the store's Order Ahead credentials");
    expect(job.failedReason).not.toContain('wrong-secret');
    expect(await orderRow(prisma, 'badcreds', 'CREDS-1')).toMatchObject({ pushState: 'failed' });
  });

  it('marks the order needs_reconciliation when the connection drops after Flowhub accepted, and never creates it again', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'DROP-1', items: [{ variantId: products[2].variantId, quantity: 1 }] });
    sim.state.faults.add({ kind: 'dropAfterCreate', count: 1 });

    const job = await push('store-1', 'DROP-1');

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/answer to the create was lost.*may or may not exist in Flowhub/);
    const order = await orderRow(prisma, 'store-1', 'DROP-1');
    expect(order).toMatchObject({ pushState: 'needs_reconciliation', flowhubOrderId: null, pushError: job.failedReason });
    expect(events(order)).toContain('needs_reconciliation');

    // The job runs again (an operator's retry in Bull Board, a re-add): still one order in Flowhub.
    const rerun = await push('store-1', 'DROP-1');
    expect(rerun.returnvalue).toMatchObject({ status: 'skipped' });
    expect(createsFor(sim, 'DROP-1')).toBe(1);
    expect(sim.state.orders.all({ customerExternalId: 'DROP-1' })[0].answered).toBe(false);
  });

  it('never sends when a previous run claimed the order and left no outcome (a crash mid-send)', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'CRASHED-1', pushState: 'pushing', items: [{ variantId: products[0].variantId, quantity: 1 }] });
    const before = createRequests(sim);

    const job = await push('store-1', 'CRASHED-1');

    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toContain('a previous push attempt may have reached Flowhub');
    expect(job.failedReason).toContain('resolve with POST /v1/stores/{storeId}/orders/{externalId}/push');
    expect(await orderRow(prisma, 'store-1', 'CRASHED-1')).toMatchObject({ pushState: 'needs_reconciliation' });
    expect(createRequests(sim)).toBe(before);
  });

  it('lets only one of two runs of the same push send (a stalled job handed to a second worker)', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'RACE-1', items: [{ variantId: products[1].variantId, quantity: 1 }] });
    sim.state.faults.add({ kind: 'latency', latencyMs: 300, endpoints: ['orderCreate'] });
    const job = (id: string) => ({ id, data: { storeId: 'store-1', externalId: 'RACE-1' }, attemptsMade: 0, opts: { attempts: 8 }, updateData: async () => undefined }) as unknown as Job;

    const results = await Promise.all([processor(job('a')), processor(job('b'))]);

    expect(results.map((result) => result.status).sort()).toEqual(['pushed', 'skipped']);
    expect(createsFor(sim, 'RACE-1')).toBe(1);
    expect(await orderRow(prisma, 'store-1', 'RACE-1')).toMatchObject({ pushState: 'pushed', pushAttempts: 1 });
  });

  it('waits out a 429 without spending an attempt, then pushes once', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'THROTTLED-1', items: [{ variantId: products[3].variantId, quantity: 1 }] });
    sim.state.faults.add({ kind: 'rateLimit', count: 1, retryAfterSeconds: 1, endpoints: ['orderCreate'] });

    const job = await push('store-1', 'THROTTLED-1');

    expect(job.returnvalue).toMatchObject({ status: 'pushed' });
    expect(job.attemptsMade).toBe(1); // the run that pushed: the delay spent none
    expect(createsFor(sim, 'THROTTLED-1')).toBe(1);
    const order = await orderRow(prisma, 'store-1', 'THROTTLED-1');
    expect(events(order)).toEqual(expect.arrayContaining(['push_delayed', 'pushed']));
    expect(order.pushAttempts).toBe(2);
  });

  it('retries with backoff when the order certainly was not sent (the token issuer was down), and pushes once', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'NOTSENT-1', items: [{ variantId: products[3].variantId, quantity: 2 }] });
    // The client retries a token request twice itself: three 503s make this attempt fail before any create.
    sim.state.tokens.expireAll();
    sim.state.faults.add({ kind: 'serverError', status: 503, count: 3, endpoints: ['token'] });

    const job = await push('store-1', 'NOTSENT-1');

    expect(job.returnvalue).toMatchObject({ status: 'pushed' });
    expect(job.attemptsMade).toBe(2); // one failed attempt, retried after its backoff
    expect(createsFor(sim, 'NOTSENT-1')).toBe(1);
    expect(events(await orderRow(prisma, 'store-1', 'NOTSENT-1'))).toEqual(expect.arrayContaining(['push_retrying', 'pushed']));
  });

  it('skips an order cancelled before its push ran', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'CANCELLED-1', status: 'cancelled', pushState: 'queued', items: [{ variantId: products[0].variantId, quantity: 1 }] });
    const job = await push('store-1', 'CANCELLED-1');
    expect(job.returnvalue).toMatchObject({ status: 'skipped', reason: expect.stringContaining('cancelled') });
    expect(createsFor(sim, 'CANCELLED-1')).toBe(0);
    expect(await orderRow(prisma, 'store-1', 'CANCELLED-1')).toMatchObject({ pushState: 'not_pushed' });
  });

  it('counts pushes by outcome for /metrics', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/flowhub_sync_order_pushes_total\{outcome="pushed"\} [1-9]/);
    expect(text).toMatch(/flowhub_sync_order_pushes_total\{outcome="needs_reconciliation"\} [1-9]/);
  });
});

describe('Maui stores', () => {
  const heldOf = async (storeId: string, variantId: string) =>
    (await prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId } } })).heldQuantity;

  it('mark a pushed order fulfilled and release its holds, in the same step', async () => {
    await insertOrder(prisma, 'maui-1', { externalId: 'MAUI-1', items: [{ variantId: products[0].variantId, quantity: 3 }] });
    expect(await heldOf('maui-1', products[0].variantId)).toBe(3);

    const job = await push('maui-1', 'MAUI-1');

    expect(job.returnvalue).toMatchObject({ status: 'pushed', fulfilled: true, releasedHolds: 1 });
    const order = await orderRow(prisma, 'maui-1', 'MAUI-1');
    expect(order).toMatchObject({ pushState: 'pushed', fulfilled: true });
    expect(order.holds).toEqual([expect.objectContaining({ state: 'released', releasedAt: expect.any(Date) })]);
    expect(await heldOf('maui-1', products[0].variantId)).toBe(0);
    expect(events(order)).toEqual(expect.arrayContaining(['pushed', 'fulfilled', 'hold_released']));
  });

  it('keep holding when holdInventory is set: fulfilled, but the stock stays held', async () => {
    await insertOrder(prisma, 'maui-1', { externalId: 'MAUI-HOLD-1', holdInventory: true, items: [{ variantId: products[1].variantId, quantity: 2 }] });

    await push('maui-1', 'MAUI-HOLD-1');

    const order = await orderRow(prisma, 'maui-1', 'MAUI-HOLD-1');
    expect(order).toMatchObject({ pushState: 'pushed', fulfilled: true });
    expect(order.holds.map((hold) => hold.state)).toEqual(['held']);
    expect(await heldOf('maui-1', products[1].variantId)).toBe(2);
    expect(events(order)).not.toContain('hold_released');
  });

  it('keep the holds of an order that could not be pushed', async () => {
    await insertOrder(prisma, 'maui-1', { externalId: 'MAUI-DROP-1', items: [{ variantId: products[2].variantId, quantity: 1 }] });
    sim.state.faults.add({ kind: 'dropAfterCreate', count: 1 });

    await push('maui-1', 'MAUI-DROP-1');

    const order = await orderRow(prisma, 'maui-1', 'MAUI-DROP-1');
    expect(order).toMatchObject({ pushState: 'needs_reconciliation', fulfilled: false });
    expect(order.holds.map((hold) => hold.state)).toEqual(['held']);
  });
});

describe('the platform', () => {
  it('hears through its webhook of a push that needs reconciliation, a failed push and a fulfilment', async () => {
    await createPushStore(prisma, secrets, 'hooked', { maui: true, statusWebhookUrl: 'https://platform.example.com/hooks/flowhub' });
    await prisma.product.createMany({ data: products.map((product, index) => ({ storeId: 'hooked', ...product, name: `H ${index}`, posQuantity: 100, contentHash: `h-${index}` })) });
    const item = [{ variantId: products[0].variantId, quantity: 1 }];
    await insertOrder(prisma, 'hooked', { externalId: 'HOOK-OK', items: item });
    await insertOrder(prisma, 'hooked', { externalId: 'HOOK-NOPHONE', customer: { firstName: 'A', lastName: 'B', purchaseCategory: 'rec' }, items: item });
    await insertOrder(prisma, 'hooked', { externalId: 'HOOK-DROP', items: item });

    await push('hooked', 'HOOK-OK');
    await push('hooked', 'HOOK-NOPHONE');
    sim.state.faults.add({ kind: 'dropAfterCreate', count: 1 });
    await push('hooked', 'HOOK-DROP');

    const deliveries = await prisma.webhookDelivery.findMany({ where: { storeId: 'hooked' }, include: { order: { select: { externalId: true } } } });
    expect(deliveries.map((delivery) => [delivery.order?.externalId, delivery.event]).sort()).toEqual([
      ['HOOK-DROP', 'needs_reconciliation'],
      ['HOOK-NOPHONE', 'push_failed'],
      ['HOOK-OK', 'fulfilled_changed'],
    ]);
    for (const delivery of deliveries) {
      expect(delivery.payload).toMatchObject({ storeId: 'hooked', event: delivery.event, sequence: 1 });
      expect(await webhookQueue.getJobState(jobIds.webhookDelivery(delivery.id))).toBe('waiting');
    }
  });
});
