import Fastify, { type FastifyInstance } from 'fastify';
import { Queue } from 'bullmq';
import { createSecretBox } from '@flowhub-sync/config';
import type { PrismaClient } from '@flowhub-sync/db';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { createRedisConnection, parsePayload, queues } from '@flowhub-sync/queues';
import {
  freePort,
  serviceUrls,
  startApp,
  testEncryptionKey,
  uniqueQueuePrefix,
  waitFor,
  waitForHttp,
  type RunningApp,
} from '@flowhub-sync/testing';
import { errorHandler } from '../errors';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { orderPushRoutes } from './order-push';
import { orderRoutes } from './orders';

/*
 * The push end to end: the producer's routes in-process, the built order-worker as its own process
 * (`npm run build -w @flowhub-sync/order-worker` first; `npm test` builds it), the simulator as Flowhub.
 */

let sim: RunningSimulator;
const key = testEncryptionKey();
const secrets = createSecretBox(key);
const running: RunningApp[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  sim = await startSimulator({ rows: 100, seed: 9, lifecycle: { cancelShare: 0 } });
});

afterEach(() => sim.state.faults.clear());

afterAll(async () => {
  await Promise.all(running.map((app) => app.stop('SIGTERM')));
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await sim?.close();
});

async function serve(h: ProducerHarness): Promise<FastifyInstance> {
  if (h.app.hasRoute({ method: 'POST', url: '/v1/stores/:storeId/orders/:externalId/push' })) return h.app as unknown as FastifyInstance;
  const app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  await app.register(orderRoutes(h.deps));
  await app.register(orderPushRoutes(h.deps));
  await app.ready();
  closers.push(() => app.close());
  return app;
}

/** The built order-worker on this database and queue prefix, with the real Redis and the simulator as Flowhub. */
async function startOrderWorker(databaseUrl: string, prefix: string): Promise<void> {
  const healthPort = await freePort();
  const app = startApp('order-worker', {
    ...serviceUrls(),
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: prefix,
    FLOWHUB_API_URL: sim.url,
    FLOWHUB_AUTH_URL: sim.url,
    ENCRYPTION_KEY: key,
    HEALTH_PORT: String(healthPort),
    LOG_LEVEL: 'warn',
  });
  running.push(app);
  await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`).catch((error: Error) => {
    throw new Error(`${error.message}\n${app.output()}`);
  });
}

/** A store that syncs orders to the simulator's demo location, with a few of its products. */
async function seedStore(prisma: PrismaClient, storeId: string): Promise<string[]> {
  await prisma.store.create({
    data: {
      id: storeId,
      enabled: true,
      syncOrders: true,
      clientId: 'demo-client',
      apiKeyEncrypted: secrets.encrypt('demo-key'),
      locationId: 'demo-location',
      orderAheadClientId: 'demo-oa-client',
      orderAheadTokenEncrypted: secrets.encrypt('demo-oa-secret'),
    },
  });
  const location = sim.state.location('demo-location')!;
  const items = location
    .catalogue()
    .filter((item) => item.defect === null && location.forSaleQuantity(item) > 0)
    .slice(0, 2);
  await prisma.product.createMany({
    data: items.map((item, index) => ({
      storeId,
      variantId: item.variantId,
      productId: item.productId,
      name: `Item ${index}`,
      posQuantity: 50,
      contentHash: `h${index}`,
    })),
  });
  return items.map((item) => item.variantId);
}

const orderBody = (externalId: string, variantId: string) => ({
  externalId,
  status: 'confirmed',
  type: 'delivery',
  customer: { id: 'cust-1001', firstName: 'Ada', lastName: 'Lovelace', phone: '+15555550123', purchaseCategory: 'rec' },
  items: [{ variantId, quantity: 2 }],
  deliveryNotes: 'Ring twice',
  deliveryFeeCents: 500,
  address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
});

/** Creates that reached Flowhub for one of our orders: those whose customerNote names it ("Order <externalId>"). */
const creates = (externalId: string) => sim.state.orders.createsByNoteOrderId()[externalId] ?? 0;
const pushOf = async (app: FastifyInstance, storeId: string, externalId: string) =>
  (await app.inject({ method: 'GET', url: `/v1/stores/${storeId}/orders/${externalId}`, headers: auth })).json().push;

it('an order confirmed while Redis is down is pushed once Redis is back, by the outbox sweep', async () => {
  const down = await createProducerHarness({ redisUrl: 'redis://127.0.0.1:1' });
  closers.push(() => down.close());
  const app = await serve(down);
  const [variantId] = await seedStore(down.db.prisma, 'redis-down');

  const confirmed = await app.inject({
    method: 'POST',
    url: '/v1/stores/redis-down/orders',
    headers: auth,
    payload: orderBody('OUTAGE-1', variantId),
  });
  expect(confirmed.statusCode).toBe(201);
  expect(confirmed.json()).toMatchObject({ status: 'confirmed', push: { state: 'queued' } });

  // Redis is back (a worker and the maintenance schedule use it); the outage lasted a minute.
  const prefix = uniqueQueuePrefix('push-e2e');
  await down.db.prisma.$executeRaw`UPDATE orders SET updated_at = now() - interval '1 minute' WHERE external_id = 'OUTAGE-1'`;
  await startOrderWorker(down.db.url, prefix);
  const connection = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  const maintenance = new Queue('maintenance', { connection, prefix });
  closers.push(async () => {
    await maintenance.obliterate({ force: true }).catch(() => undefined);
    await new Queue('order-push', { connection, prefix }).obliterate({ force: true }).catch(() => undefined);
    await maintenance.close();
    connection.disconnect();
  });
  const data = parsePayload('maintenance', { task: 'outbox-sweep' });
  await maintenance.add(queues.maintenance.jobName(data), data);

  await waitFor(async () => (await pushOf(app, 'redis-down', 'OUTAGE-1')).state === 'pushed', {
    what: 'the order to be pushed',
    timeoutMs: 20_000,
  });
  expect(creates('OUTAGE-1')).toBe(1);
  const [received] = sim.state.orders.all({ noteOrderId: 'OUTAGE-1' });
  expect(received.payload).toMatchObject({
    customerNote: 'Order OUTAGE-1: Ring twice',
    customer: { externalId: 'cust-1001', firstName: 'Ada' },
    fees: [{ name: 'Delivery Fee', amount: 500 }],
    orderType: 'delivery',
  });
}, 60_000);

it('a push whose answer was lost waits for the operator; {"recreate": true} creates it exactly once more', async () => {
  const h = await createProducerHarness({ flowhubUrl: sim.url });
  closers.push(() => h.close());
  const app = await serve(h);
  const [variantId] = await seedStore(h.db.prisma, 'lost-answer');
  await startOrderWorker(h.db.url, h.prefix);
  sim.state.faults.add({ kind: 'dropAfterCreate', count: 1 });

  const confirmed = await app.inject({
    method: 'POST',
    url: '/v1/stores/lost-answer/orders',
    headers: auth,
    payload: orderBody('LOST-1', variantId),
  });
  expect(confirmed.json()).toMatchObject({ push: { state: 'queued' } });
  await waitFor(async () => (await pushOf(app, 'lost-answer', 'LOST-1')).state === 'needs_reconciliation', {
    what: 'the lost answer',
    timeoutMs: 20_000,
  });
  expect(creates('LOST-1')).toBe(1);

  const recreated = await app.inject({
    method: 'POST',
    url: '/v1/stores/lost-answer/orders/LOST-1/push',
    headers: auth,
    payload: { recreate: true },
  });
  expect(recreated.statusCode).toBe(202);

  await waitFor(async () => (await pushOf(app, 'lost-answer', 'LOST-1')).state === 'pushed', { what: 'the new create', timeoutMs: 20_000 });
  expect(creates('LOST-1')).toBe(2);
  const [lost, created] = sim.state.orders.all({ noteOrderId: 'LOST-1' });
  expect(lost.answered).toBe(false);
  expect(await pushOf(app, 'lost-answer', 'LOST-1')).toMatchObject({ flowhubOrderId: created.orderId, attempts: 2 });
}, 60_000);
