import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, type Job } from 'bullmq';
import { createLogger, createSecretBox } from '@flowhub-sync/config';
import { createSqlPool, releaseReflectedHolds, type PrismaClient, type Sql } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { createFlowhubClient, createRedisRequestBudget, type FlowhubClient } from '@flowhub-sync/flowhub-client';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { createRedisConnection, jobIds, startWorkers, type RedisConnection, type RunningWorkers } from '@flowhub-sync/queues';
import { serviceUrls, testEncryptionKey, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { ensureOrderPushJob } from '@flowhub-sync/queues';
import { createOrderPushMetrics } from '../metrics';
import {
  createPushStore,
  createRequests,
  createsFor,
  insertOrder,
  orderRow,
  REC_CUSTOMER,
  seedProducts,
  simOrdersFor,
  type SeededProduct,
} from '../testing/push-fixtures';
import { orderPushProcessor, type OrderPushProcessor, type OrderPushResult } from './order-push';

const PUBLIC_URL = 'https://sync.example.com';

let sim: RunningSimulator;
let db: TestDatabase;
let prisma: PrismaClient;
let redis: RedisConnection;
let workerConnection: RedisConnection;
let queue: Queue;
let webhookQueue: Queue;
let worker: RunningWorkers;
let processor: OrderPushProcessor;
let flowhub: FlowhubClient;
/** Connections of their own, for what another process (the producer, an operator) does while a push runs. */
let otherPool: ReturnType<typeof createSqlPool>;
let products: SeededProduct[];
const secrets = createSecretBox(testEncryptionKey());
const prefix = uniqueQueuePrefix('order-push');
const metrics = createOrderPushMetrics();
const silent = createLogger({ name: 'order-push-test', level: 'silent' });

beforeAll(async () => {
  sim = await startSimulator({ rows: 200, seed: 3, lifecycle: { cancelShare: 0 } });
  db = await createTestDatabase();
  prisma = db.prisma;
  redis = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  workerConnection = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  queue = new Queue('order-push', { connection: redis, prefix });
  webhookQueue = new Queue('webhook-delivery', { connection: redis, prefix });
  flowhub = createFlowhubClient({
    apiUrl: sim.url,
    authUrl: sim.url,
    timeoutMs: 2_000,
    budget: createRedisRequestBudget(redis, { maxRps: 50, prefix: `${prefix}:budget` }),
  });
  processor = orderPushProcessor({
    prisma,
    sql: db.sql,
    flowhub,
    secrets,
    logger: silent,
    concurrency: 4,
    publicUrl: PUBLIC_URL,
    metrics,
    webhookQueue,
  });
  worker = startWorkers([processor], { owns: ['order-push'], connection: workerConnection, prefix, logger: silent });
  otherPool = createSqlPool(db.url, { max: 2 });
  await createPushStore(prisma, secrets, 'store-1');
  await createPushStore(prisma, secrets, 'maui-1', { maui: true });
  products = await seedProducts(prisma, sim, 'store-1', 4);
  await prisma.product.createMany({
    data: products.map((product, index) => ({
      storeId: 'maui-1',
      ...product,
      name: `Maui ${index}`,
      posQuantity: 100,
      contentHash: `m-${index}`,
    })),
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
  await otherPool?.end();
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

const simOrderOf = (externalId: string) => simOrdersFor(sim, externalId);
const events = (order: { events: { event: string }[] }) => order.events.map((event) => event.event);

describe('the order push', () => {
  it('sends Flowhub the delivery notes, the delivery fee, phone and medical id, type and quantities, and records its order id', async () => {
    await insertOrder(prisma, 'store-1', {
      externalId: 'DELIV-1',
      type: 'delivery',
      customer: { ...REC_CUSTOMER, id: 'cust-7', medicalId: 'MED-7', medicalIdExpiration: '2027-06-30' },
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
      customerNote: 'Order DELIV-1: Gate code 1234, dog is friendly',
      fees: [{ name: 'Delivery Fee', amount: 750 }],
      customer: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        externalId: 'cust-7',
        phone: '+15555550123',
        medId: 'MED-7',
        medExp: '2027-06-30',
        medRecOrBoth: 'rec',
      },
      orderItems: [
        { productId: products[0].productId, quantityPurchased: 2 },
        { productId: products[1].productId, quantityPurchased: 1 },
      ],
      address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
      requestedFulfillmentTimeStart: '2026-05-01T18:00:00.000Z',
      externalCreatedAt: '2026-05-01T17:00:00.000Z',
    });

    const order = await orderRow(prisma, 'store-1', 'DELIV-1');
    expect(order).toMatchObject({
      pushState: 'pushed',
      flowhubOrderId: received.orderId,
      pushAttempts: 1,
      pushError: null,
      flowhubStatus: 'new',
    });
    expect(order.pushedAt).toBeInstanceOf(Date);
    // The postback credential is stored on the order and is what Flowhub was given.
    expect(order.postbackToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(received.payload.postbackUrl).toBe(`${PUBLIC_URL}/v1/flowhub/postback/${order.postbackToken}`);
    expect(events(order)).toEqual(expect.arrayContaining(['push_started', 'pushed']));
    // Not a Maui store: the stock stays held until the order completes or is cancelled.
    expect(order.fulfilled).toBe(false);
    expect(order.holds.map((hold) => hold.state)).toEqual(['held', 'held']);
  });

  it("sends an item that names a weight tier as its grams, quantity × the tier's grams", async () => {
    const location = sim.state.location('demo-location')!;
    const bulk = location.catalogue().find((item) => item.isSoldByWeight && item.defect === null && location.forSaleQuantity(item) >= 10)!;
    await prisma.product.create({
      data: {
        storeId: 'store-1',
        variantId: bulk.variantId,
        productId: bulk.productId,
        name: 'Bulk flower',
        posQuantity: 100,
        contentHash: 'bulk',
        soldByWeight: true,
        quantityUnit: 'grams',
        weightTiers: [{ name: '1/8 oz', grams: 3.5, priceCents: 3325 }],
      },
    });
    await insertOrder(prisma, 'store-1', {
      externalId: 'TIER-1',
      items: [
        { variantId: bulk.variantId, quantity: 2, weightTier: '1/8 oz', tierGrams: 3.5 },
        { variantId: products[0].variantId, quantity: 1 },
      ],
    });

    const job = await push('store-1', 'TIER-1');

    expect(job.returnvalue).toMatchObject({ status: 'pushed' });
    const [received] = simOrderOf('TIER-1');
    expect(received.payload.orderItems).toEqual([
      { productId: bulk.productId, quantityPurchased: 7 },
      { productId: products[0].productId, quantityPurchased: 1 },
    ]);
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
    // Why, in words, is the event's details.reason; its cause is only ever who or what caused it (none: the push itself).
    expect(order.events.find((event) => event.event === 'push_failed')).toMatchObject({
      cause: null,
      details: { reason: order.pushError },
    });
    expect(createRequests(sim)).toBe(before);
  });

  it("fails at once on Flowhub's 422, with Flowhub's reason on the order and as the job's failure reason", async () => {
    // A product the store still lists but Flowhub no longer has: Flowhub refuses the order (422).
    const location = sim.state.location('demo-location')!;
    const gone = location
      .catalogue()
      .find((item) => item.defect === null && !products.some((product) => product.variantId === item.variantId))!;
    await prisma.product.create({
      data: { storeId: 'store-1', variantId: gone.variantId, productId: gone.productId, name: 'Gone', posQuantity: 5, contentHash: 'gone' },
    });
    location.removeProduct(gone.variantId);
    await insertOrder(prisma, 'store-1', { externalId: 'REFUSED-1', items: [{ variantId: gone.variantId, quantity: 1 }] });

    const job = await push('store-1', 'REFUSED-1');

    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^Flowhub refused the order: .*is not a product of this location/);
    // Flowhub named the items: the reason says which setting to try should the ids be what it disputes.
    expect(job.failedReason).toContain(`set the store's orderItemId to "variantId"`);
    const order = await orderRow(prisma, 'store-1', 'REFUSED-1');
    expect(order).toMatchObject({ pushState: 'failed', pushAttempts: 1, pushError: job.failedReason, flowhubOrderId: null });
    expect(createsFor(sim, 'REFUSED-1')).toBe(0);
  });

  it('pushes a customer with a phone and no name, sending what the platform has', async () => {
    await insertOrder(prisma, 'store-1', {
      externalId: 'NONAME-1',
      customer: { phone: '+15555550123', purchaseCategory: 'rec' },
      items: [{ variantId: products[0].variantId, quantity: 1 }],
    });

    const job = await push('store-1', 'NONAME-1');

    expect(job.returnvalue).toMatchObject({ status: 'pushed' });
    const [received] = simOrderOf('NONAME-1');
    expect(received.payload.customer).toEqual({ phone: '+15555550123', medRecOrBoth: 'rec' });
    expect(received.payload.customerNote).toBe('Order NONAME-1');
  });

  it("sends the items' variant ids for a store whose orderItemId is variantId; a refusal naming the items says to try productId", async () => {
    await createPushStore(prisma, secrets, 'by-variant', { orderItemId: 'variantId' });
    await prisma.product.create({ data: { storeId: 'by-variant', ...products[0], name: 'x', posQuantity: 5, contentHash: 'x' } });
    await insertOrder(prisma, 'by-variant', { externalId: 'VARIANT-1', items: [{ variantId: products[0].variantId, quantity: 1 }] });
    const refused = sim.state.orders.rejected.length;

    const job = await push('by-variant', 'VARIANT-1');

    // The simulator takes inventory productIds (docs/flowhub-api.md): a variant id is not a product of the location.
    expect(sim.state.orders.rejected.slice(refused).map((create) => (create.payload as { orderItems: unknown }).orderItems)).toEqual([
      [{ productId: products[0].variantId, quantityPurchased: 1 }],
    ]);
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toMatch(/^Flowhub refused the order: orderItems\[0\]\.productId .* is not a product of this location/);
    expect(job.failedReason).toContain(`this store sends each item's variantId as orderItems[].productId`);
    expect(job.failedReason).toContain(`set the store's orderItemId to "productId"`);
    expect(await orderRow(prisma, 'by-variant', 'VARIANT-1')).toMatchObject({ pushState: 'failed', pushError: job.failedReason });
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
    expect(order.events.find((event) => event.event === 'needs_reconciliation')).toMatchObject({
      cause: null,
      details: { reason: order.pushError },
    });

    // The job runs again (an operator's retry in Bull Board, a re-add): still one order in Flowhub.
    const rerun = await push('store-1', 'DROP-1');
    expect(rerun.returnvalue).toMatchObject({ status: 'skipped' });
    expect(createsFor(sim, 'DROP-1')).toBe(1);
    expect(simOrderOf('DROP-1')[0].answered).toBe(false);
  });

  it('never sends when a previous run claimed the order and left no outcome (a crash mid-send)', async () => {
    await insertOrder(prisma, 'store-1', {
      externalId: 'CRASHED-1',
      pushState: 'pushing',
      items: [{ variantId: products[0].variantId, quantity: 1 }],
    });
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
    const job = (id: string) =>
      ({
        id,
        data: { storeId: 'store-1', externalId: 'RACE-1' },
        attemptsMade: 0,
        opts: { attempts: 8 },
        updateData: async () => undefined,
      }) as unknown as Job;
    // Both runs read the order as queued before either claims it (a barrier in front of the claim), as when a
    // stalled job is handed to a second worker: only the claim decides which one sends.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const sql: Sql = {
      query: (async (config: unknown, values?: unknown) => {
        if ((config as { name?: unknown } | null)?.name === 'claim-push') {
          if (++arrived === 2) release();
          await bothRead;
        }
        return db.sql.query(config as never, values as never);
      }) as Sql['query'],
    };
    const racing = orderPushProcessor({ prisma, sql, flowhub, secrets, logger: silent, publicUrl: PUBLIC_URL, metrics, webhookQueue });

    const results = await Promise.all([racing.run(job('a'), undefined, silent), racing.run(job('b'), undefined, silent)]);

    expect(results.map((result) => result.status).sort()).toEqual(['pushed', 'skipped']);
    expect(createsFor(sim, 'RACE-1')).toBe(1);
    expect(await orderRow(prisma, 'store-1', 'RACE-1')).toMatchObject({ pushState: 'pushed', pushAttempts: 1 });
  });

  it('waits out a 429 without spending an attempt, then pushes once', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'THROTTLED-1', items: [{ variantId: products[3].variantId, quantity: 1 }] });
    // As Flowhub throttles: a 429 with no Retry-After, so the wait is the client's own backoff.
    sim.state.faults.add({ kind: 'rateLimit', count: 1, endpoints: ['orderCreate'] });

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
    await insertOrder(prisma, 'store-1', {
      externalId: 'CANCELLED-1',
      status: 'cancelled',
      pushState: 'queued',
      items: [{ variantId: products[0].variantId, quantity: 1 }],
    });
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

  it('mark a pushed order fulfilled and consume its holds in the same step: the units count until the next sync reads Flowhub', async () => {
    await insertOrder(prisma, 'maui-1', { externalId: 'MAUI-1', items: [{ variantId: products[0].variantId, quantity: 3 }] });
    expect(await heldOf('maui-1', products[0].variantId)).toBe(3);
    const [{ now: syncBefore }] = await prisma.$queryRaw<{ now: Date }[]>`SELECT now()`;

    const job = await push('maui-1', 'MAUI-1');

    expect(job.returnvalue).toMatchObject({ status: 'pushed', fulfilled: true, consumedHolds: 1 });
    const order = await orderRow(prisma, 'maui-1', 'MAUI-1');
    expect(order).toMatchObject({ pushState: 'pushed', fulfilled: true });
    expect(order.holds).toEqual([expect.objectContaining({ state: 'consumed', consumedAt: expect.any(Date), releasedAt: null })]);
    // Maui has the stock now, but the menu shows the last sync's quantity: the units stay unavailable meanwhile.
    expect(await heldOf('maui-1', products[0].variantId)).toBe(3);
    expect(events(order)).toEqual(expect.arrayContaining(['pushed', 'fulfilled', 'holds_consumed']));
    expect(events(order)).not.toContain('hold_released');
    // A sync that started before the push does not release them; the first one that started after it does.
    expect(await releaseReflectedHolds(prisma, 'maui-1', syncBefore, new Date())).toBe(0);
    const [{ now: syncAfter }] = await prisma.$queryRaw<{ now: Date }[]>`SELECT now() + interval '1 second' AS now`;
    expect(await releaseReflectedHolds(prisma, 'maui-1', syncAfter, new Date())).toBeGreaterThanOrEqual(1);
    expect((await orderRow(prisma, 'maui-1', 'MAUI-1')).holds.map((hold) => hold.state)).toEqual(['released']);
    expect(await heldOf('maui-1', products[0].variantId)).toBe(0);
  });

  it('keep holding when holdInventory is set: fulfilled, but the stock stays held', async () => {
    await insertOrder(prisma, 'maui-1', {
      externalId: 'MAUI-HOLD-1',
      holdInventory: true,
      items: [{ variantId: products[1].variantId, quantity: 2 }],
    });

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
    await prisma.product.createMany({
      data: products.map((product, index) => ({
        storeId: 'hooked',
        ...product,
        name: `H ${index}`,
        posQuantity: 100,
        contentHash: `h-${index}`,
      })),
    });
    const item = [{ variantId: products[0].variantId, quantity: 1 }];
    await insertOrder(prisma, 'hooked', { externalId: 'HOOK-OK', items: item });
    await insertOrder(prisma, 'hooked', {
      externalId: 'HOOK-NOPHONE',
      customer: { firstName: 'A', lastName: 'B', purchaseCategory: 'rec' },
      items: item,
    });
    await insertOrder(prisma, 'hooked', { externalId: 'HOOK-DROP', items: item });

    await push('hooked', 'HOOK-OK');
    await push('hooked', 'HOOK-NOPHONE');
    sim.state.faults.add({ kind: 'dropAfterCreate', count: 1 });
    await push('hooked', 'HOOK-DROP');

    const deliveries = await prisma.webhookDelivery.findMany({
      where: { storeId: 'hooked' },
      include: { order: { select: { externalId: true } } },
    });
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

describe('races with the platform, operators and Flowhub', () => {
  const logger = createLogger({ name: 'order-push-race-test', level: 'silent' });
  const jobOf = (storeId: string, externalId: string, data: Record<string, unknown> = {}) =>
    ({
      id: `race-${externalId}`,
      data: { storeId, externalId, ...data },
      attemptsMade: 0,
      opts: { attempts: 8 },
      updateData: async () => undefined,
    }) as unknown as Job;

  /** The processor on connections where `around.before` runs right before the push's claim and `around.after` right after it, as another request would in between. */
  function processorAroundClaim(around: {
    before?: () => Promise<unknown>;
    after?: () => Promise<unknown>;
  }): (job: Job) => Promise<OrderPushResult> {
    const sql: Sql = {
      query: (async (config: unknown, values?: unknown) => {
        const claim = typeof config === 'object' && config !== null && (config as { name?: unknown }).name === 'claim-push';
        if (claim) await around.before?.();
        const result = await db.sql.query(config as never, values as never);
        if (claim) await around.after?.();
        return result;
      }) as Sql['query'],
    };
    const processor = orderPushProcessor({ prisma, sql, flowhub, secrets, logger, publicUrl: PUBLIC_URL, metrics, webhookQueue });
    return (job) => processor.run(job, undefined, logger);
  }

  /** POST …/cancel's writes (apps/producer/src/orders/transitions.ts), committed on a connection of their own. */
  async function cancelFromAnotherConnection(storeId: string, externalId: string): Promise<void> {
    const client = await otherPool.connect();
    try {
      await client.query('BEGIN');
      const {
        rows: [order],
      } = await client.query<{ id: string; status: string }>(
        'SELECT id, status FROM orders WHERE store_id = $1 AND external_id = $2 FOR UPDATE',
        [storeId, externalId],
      );
      await client.query("UPDATE orders SET status = 'cancelled', cancelled_at = now(), updated_at = now() WHERE id = $1", [order.id]);
      const { rows: released } = await client.query<{ variant_id: string; quantity: number }>(
        "UPDATE inventory_holds SET state = 'released', released_at = now() WHERE order_id = $1 AND state = 'held' RETURNING variant_id, quantity",
        [order.id],
      );
      for (const hold of released) {
        await client.query('UPDATE products SET held_quantity = GREATEST(held_quantity - $3, 0) WHERE store_id = $1 AND variant_id = $2', [
          storeId,
          hold.variant_id,
          hold.quantity,
        ]);
      }
      await client.query(
        'INSERT INTO order_events (order_id, at, event, from_status, to_status, cause) ' +
          "VALUES ($1, now(), 'status_changed', $2::order_status, 'cancelled', 'platform')",
        [order.id, order.status],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async function hookedMauiStore(storeId: string): Promise<void> {
    await createPushStore(prisma, secrets, storeId, { maui: true, statusWebhookUrl: 'https://platform.example.com/hooks/flowhub' });
    await prisma.product.createMany({
      data: products.map((product, index) => ({ storeId, ...product, name: `R ${index}`, posQuantity: 100, contentHash: `r-${index}` })),
    });
  }

  const deliveriesOf = async (storeId: string, externalId: string) =>
    (await prisma.webhookDelivery.findMany({ where: { storeId, order: { externalId } }, orderBy: { sequence: 'asc' } })).map(
      (delivery) => delivery.event,
    );

  it('a cancel committed between the read and the claim wins: nothing reaches Flowhub and a Maui order is not marked fulfilled', async () => {
    await insertOrder(prisma, 'maui-1', { externalId: 'RACE-CANCEL-1', items: [{ variantId: products[0].variantId, quantity: 1 }] });
    const before = createRequests(sim);

    const result = await processorAroundClaim({ before: () => cancelFromAnotherConnection('maui-1', 'RACE-CANCEL-1') })(
      jobOf('maui-1', 'RACE-CANCEL-1'),
    );

    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('cancelled') });
    expect(createRequests(sim)).toBe(before);
    expect(createsFor(sim, 'RACE-CANCEL-1')).toBe(0);
    const order = await orderRow(prisma, 'maui-1', 'RACE-CANCEL-1');
    expect(order).toMatchObject({ status: 'cancelled', fulfilled: false, pushAttempts: 0, flowhubOrderId: null });
    expect(['pushing', 'pushed']).not.toContain(order.pushState);
    expect(events(order)).not.toContain('push_started');
    expect(order.holds.map((hold) => hold.state)).toEqual(['released']);
  });

  it('a store that stops syncing orders between the read and the claim gets no create', async () => {
    await createPushStore(prisma, secrets, 'stopping');
    await prisma.product.create({ data: { storeId: 'stopping', ...products[1], name: 'S', posQuantity: 10, contentHash: 's' } });
    await insertOrder(prisma, 'stopping', { externalId: 'RACE-STOP-1', items: [{ variantId: products[1].variantId, quantity: 1 }] });

    const result = await processorAroundClaim({
      before: () => otherPool.query("UPDATE stores SET sync_orders = false WHERE id = 'stopping'"),
    })(jobOf('stopping', 'RACE-STOP-1'));

    expect(result).toMatchObject({ status: 'skipped' });
    expect(createsFor(sim, 'RACE-STOP-1')).toBe(0);
    expect(await orderRow(prisma, 'stopping', 'RACE-STOP-1')).toMatchObject({ status: 'confirmed', pushAttempts: 0, flowhubOrderId: null });
  });

  it('a cancel committed after the claim loses: the Flowhub order is recorded, not fulfilled, and the platform is told to cancel it there', async () => {
    await hookedMauiStore('race-maui');
    await insertOrder(prisma, 'race-maui', { externalId: 'RACE-LATE-1', items: [{ variantId: products[2].variantId, quantity: 1 }] });

    const result = await processorAroundClaim({ after: () => cancelFromAnotherConnection('race-maui', 'RACE-LATE-1') })(
      jobOf('race-maui', 'RACE-LATE-1'),
    );

    expect(createsFor(sim, 'RACE-LATE-1')).toBe(1);
    const [created] = simOrderOf('RACE-LATE-1');
    expect(result).toMatchObject({ status: 'pushed', flowhubOrderId: created.orderId, fulfilled: false });
    const order = await orderRow(prisma, 'race-maui', 'RACE-LATE-1');
    // Followed in Flowhub (a sale there is reported as a conflict), but Maui does not take over a cancelled order's stock.
    expect(order).toMatchObject({ status: 'cancelled', pushState: 'pushed', flowhubOrderId: created.orderId, fulfilled: false });
    expect(events(order)).not.toContain('fulfilled');
    expect(order.holds.map((hold) => hold.state)).toEqual(['released']);
    const required = order.events.find((event) => event.event === 'flowhub_cancel_required');
    expect(required?.details).toMatchObject({ flowhubOrderId: created.orderId, message: expect.stringContaining('cancel it in Flowhub') });
    expect(await deliveriesOf('race-maui', 'RACE-LATE-1')).toEqual(['cancel_required_in_flowhub']);
    const [delivery] = await prisma.webhookDelivery.findMany({ where: { storeId: 'race-maui', event: 'cancel_required_in_flowhub' } });
    expect(delivery.payload).toMatchObject({ externalId: 'RACE-LATE-1', event: 'cancel_required_in_flowhub', status: 'cancelled' });
    expect(await webhookQueue.getJobState(jobIds.webhookDelivery(delivery.id))).toBe('waiting');
  });

  it('a second Flowhub order (an answer after the push was resolved otherwise) is recorded on the order, told to the platform and counted', async () => {
    await hookedMauiStore('race-dup');
    await insertOrder(prisma, 'race-dup', { externalId: 'RACE-DUP-1', items: [{ variantId: products[3].variantId, quantity: 1 }] });
    // While the create is on its way, the push is resolved otherwise: as when a stalled run was marked
    // needs_reconciliation and an operator recorded the Flowhub order staff found.
    const resolvedByOperator = () =>
      otherPool.query(
        "UPDATE orders SET push_state = 'pushed', flowhub_order_id = 'fh-found-by-staff', pushed_at = now() " +
          "WHERE store_id = 'race-dup' AND external_id = 'RACE-DUP-1'",
      );

    const result = await processorAroundClaim({ after: resolvedByOperator })(jobOf('race-dup', 'RACE-DUP-1'));

    const [created] = simOrderOf('RACE-DUP-1');
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining(`second Flowhub order ${created.orderId}`) });
    const order = await orderRow(prisma, 'race-dup', 'RACE-DUP-1');
    expect(order).toMatchObject({ pushState: 'pushed', flowhubOrderId: 'fh-found-by-staff', duplicateFlowhubOrderIds: [created.orderId] });
    const duplicate = order.events.find((event) => event.event === 'duplicate_in_flowhub');
    expect(duplicate?.details).toMatchObject({ flowhubOrderId: created.orderId, recordedFlowhubOrderId: 'fh-found-by-staff' });
    expect(await deliveriesOf('race-dup', 'RACE-DUP-1')).toEqual(['duplicate_in_flowhub']);
    expect(await metrics.registry.metrics()).toMatch(/^flowhub_sync_duplicate_flowhub_orders_total 1$/m);
  });

  it('a redirect answering the create is an unknown outcome: needs_reconciliation, and never sent again', async () => {
    let creates = 0;
    const redirecting: Server = createServer((request, response) => {
      creates += 1;
      request.resume();
      response.writeHead(302, { Location: '/order-ahead/v0/orders/somewhere' }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirecting.address() as AddressInfo;
      const processor = orderPushProcessor({
        prisma,
        sql: db.sql,
        flowhub: createFlowhubClient({ apiUrl: `http://127.0.0.1:${port}`, authUrl: sim.url, timeoutMs: 2_000 }),
        secrets,
        logger,
      });
      const redirected = (job: Job) => processor.run(job, undefined, logger);
      await insertOrder(prisma, 'store-1', { externalId: 'REDIRECT-1', items: [{ variantId: products[0].variantId, quantity: 1 }] });

      await expect(redirected(jobOf('store-1', 'REDIRECT-1'))).rejects.toThrow(/may or may not exist in Flowhub/);
      expect(await orderRow(prisma, 'store-1', 'REDIRECT-1')).toMatchObject({
        pushState: 'needs_reconciliation',
        flowhubOrderId: null,
        pushAttempts: 1,
      });

      expect(await redirected(jobOf('store-1', 'REDIRECT-1'))).toMatchObject({ status: 'skipped' });
      expect(creates).toBe(1);
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });
});
