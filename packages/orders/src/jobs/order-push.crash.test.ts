import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { createLogger, createSecretBox } from '@flowhub-sync/config';
import type { PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { createFlowhubClient } from '@flowhub-sync/flowhub-client';
import { buildSimulatorApp, SimulatorState, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { createRedisConnection, jobIds, startWorkers, type RedisConnection } from '@flowhub-sync/queues';
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
import { ensureOrderPushJob } from '@flowhub-sync/queues';
import { createPushStore, createRequests, createsFor, insertOrder, orderRow, seedProducts } from '../testing/push-fixtures';
import { orderPushProcessor } from './order-push';

/*
 * The crash that "never twice" exists for: the built order-worker, a process of its own, is killed
 * (SIGKILL: no shutdown, no last write) after Flowhub has accepted its create and before the answer
 * reaches it. The simulator records the order, then holds its answer back, which puts the kill exactly
 * in that window. Then the job is run again, as BullMQ does with a job whose worker died.
 */

let sim: RunningSimulator;
let db: TestDatabase;
let prisma: PrismaClient;
let redis: RedisConnection;
let queue: Queue;
let worker: RunningApp | undefined;
const key = testEncryptionKey();
const secrets = createSecretBox(key);
const prefix = uniqueQueuePrefix('push-crash');
let holdCreateAnswersMs = 0;

async function startSlowAnswerSimulator(): Promise<RunningSimulator> {
  const state = new SimulatorState({ rows: 100, seed: 11 });
  const app = buildSimulatorApp(state);
  // After the create handler has recorded the order: its answer waits.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.routeOptions.config.endpoint === 'orderCreate' && holdCreateAnswersMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, holdCreateAnswersMs);
        state.shutdown.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
    return payload;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    async close() {
      state.shutdown.abort();
      await app.close();
    },
  };
}

/** The built order-worker as its own process, on this file's database, queue prefix and simulator. */
async function startOrderWorker(): Promise<RunningApp> {
  const healthPort = await freePort();
  const app = startApp('order-worker', {
    ...serviceUrls(),
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    FLOWHUB_API_URL: sim.url,
    FLOWHUB_AUTH_URL: sim.url,
    ENCRYPTION_KEY: key,
    HEALTH_PORT: String(healthPort),
    LOG_LEVEL: 'info',
  });
  await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`);
  return app;
}

beforeAll(async () => {
  sim = await startSlowAnswerSimulator();
  db = await createTestDatabase();
  prisma = db.prisma;
  redis = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  queue = new Queue('order-push', { connection: redis, prefix });
  await createPushStore(prisma, secrets, 'store-1');
}, 60_000);

afterAll(async () => {
  if (worker) await worker.stop('SIGKILL');
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  redis?.disconnect();
  await db?.drop();
  await sim?.close();
});

it('a worker killed right after Flowhub accepted the create leaves one Flowhub order and a needs_reconciliation order, never a second create', async () => {
  const [product] = await seedProducts(prisma, sim, 'store-1', 1);
  await insertOrder(prisma, 'store-1', { externalId: 'KILLED-1', items: [{ variantId: product.variantId, quantity: 1 }] });

  worker = await startOrderWorker();

  holdCreateAnswersMs = 10_000;
  await ensureOrderPushJob(queue, 'store-1', 'KILLED-1');
  await waitFor(() => createsFor(sim, 'KILLED-1') === 1, { what: 'Flowhub to record the create' });
  const killed = await worker.stop('SIGKILL');
  worker = undefined;
  expect(killed.signal).toBe('SIGKILL');
  holdCreateAnswersMs = 0;

  // The claim was written before the send; Flowhub's answer never was.
  expect(await orderRow(prisma, 'store-1', 'KILLED-1')).toMatchObject({ pushState: 'pushing', pushAttempts: 1, flowhubOrderId: null });
  expect(await queue.getJobState(jobIds.orderPush('store-1', 'KILLED-1'))).toBe('active');

  // What 30 s of silence from the dead worker does: its lock expires and the next stalled check may run.
  await redis.del(`${prefix}:order-push:${jobIds.orderPush('store-1', 'KILLED-1')}:lock`, `${prefix}:order-push:stalled-check`);
  const successorConnection = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  const logger = createLogger({ name: 'successor', level: 'silent' });
  const push = orderPushProcessor({
    prisma,
    sql: db.sql,
    flowhub: createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url, timeoutMs: 2_000 }),
    secrets,
    logger,
  });
  // A worker that checks for stalled jobs every 200 ms (BullMQ's default is 30 s).
  const successor = startWorkers([{ ...push, options: { ...push.options, worker: { stalledInterval: 200 } } }], {
    owns: ['order-push'],
    connection: successorConnection,
    prefix,
    logger,
  });
  try {
    await waitFor(async () => (await queue.getJobState(jobIds.orderPush('store-1', 'KILLED-1'))) === 'failed', {
      what: 'the job handed to another worker to end',
      timeoutMs: 20_000,
    });
  } finally {
    await successor.close();
    successorConnection.disconnect();
  }

  const job = await queue.getJob(jobIds.orderPush('store-1', 'KILLED-1'));
  expect(job?.failedReason).toContain('a previous push attempt may have reached Flowhub');
  const order = await orderRow(prisma, 'store-1', 'KILLED-1');
  expect(order).toMatchObject({ pushState: 'needs_reconciliation', flowhubOrderId: null, pushAttempts: 1 });
  expect(order.pushError).toBe(job?.failedReason);
  expect(createsFor(sim, 'KILLED-1')).toBe(1);
  expect(createRequests(sim)).toBe(1);
}, 60_000);

it('SIGTERM while a push is in flight lets it finish: the order is pushed once and the worker exits in bounded time', async () => {
  const product = (await prisma.product.findFirst({ where: { storeId: 'store-1' } })) ?? (await seedProducts(prisma, sim, 'store-1', 1))[0];
  await insertOrder(prisma, 'store-1', { externalId: 'TERM-1', items: [{ variantId: product.variantId, quantity: 1 }] });
  worker = await startOrderWorker();

  holdCreateAnswersMs = 2_000;
  await ensureOrderPushJob(queue, 'store-1', 'TERM-1');
  await waitFor(() => createsFor(sim, 'TERM-1') === 1, { what: 'Flowhub to record the create' });
  const stopped = await worker.stop('SIGTERM');
  worker = undefined;
  holdCreateAnswersMs = 0;

  expect(stopped.code).toBe(0);
  expect(stopped.ms).toBeLessThan(20_000);
  const order = await orderRow(prisma, 'store-1', 'TERM-1');
  expect(order).toMatchObject({ pushState: 'pushed', pushAttempts: 1 });
  expect(order.flowhubOrderId).toEqual(expect.any(String));
  expect(await queue.getJobState(jobIds.orderPush('store-1', 'TERM-1'))).toBe('completed');
  expect(createsFor(sim, 'TERM-1')).toBe(1);
}, 60_000);
