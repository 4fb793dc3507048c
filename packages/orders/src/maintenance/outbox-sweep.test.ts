import { Queue, UnrecoverableError } from 'bullmq';
import { createLogger, createSecretBox } from '@flowhub-sync/config';
import type { PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { createFlowhubClient } from '@flowhub-sync/flowhub-client';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { createRedisConnection, jobIds, startWorkers, type RedisConnection } from '@flowhub-sync/queues';
import { startTestWorker } from '@flowhub-sync/queues/testing';
import { serviceUrls, testEncryptionKey, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { createPushStore, createsFor, insertOrder, orderRow, seedProducts, type SeededProduct } from '../testing/push-fixtures';
import { orderPushProcessor } from '../jobs/order-push';
import { sweepOutbox, type OutboxSweepDependencies } from './outbox-sweep';

let sim: RunningSimulator;
let db: TestDatabase;
let prisma: PrismaClient;
let redis: RedisConnection;
let queue: Queue;
let products: SeededProduct[];
const secrets = createSecretBox(testEncryptionKey());
const prefix = uniqueQueuePrefix('outbox');
const logger = createLogger({ name: 'outbox-test', level: 'silent' });
const later = (ms: number) => () => new Date(Date.now() + ms);

beforeAll(async () => {
  sim = await startSimulator({ rows: 100, seed: 5 });
  db = await createTestDatabase();
  prisma = db.prisma;
  redis = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
  queue = new Queue('order-push', { connection: redis, prefix });
  await createPushStore(prisma, secrets, 'store-1');
  products = await seedProducts(prisma, sim, 'store-1', 2);
});

afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  redis?.disconnect();
  await db?.drop();
  await sim?.close();
});

const sweepDeps = (overrides: Partial<OutboxSweepDependencies> = {}): OutboxSweepDependencies => ({ prisma, queue, logger, ...overrides });
const jobState = (externalId: string) => queue.getJobState(jobIds.orderPush('store-1', externalId));

describe('the outbox sweep', () => {
  it('re-queues a confirmed order left queued without a job (Redis was down at confirmation), once, and the worker pushes it', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'LEFT-1', items: [{ variantId: products[0].variantId, quantity: 1 }] });
    expect(await jobState('LEFT-1')).toBe('unknown');

    // Younger than the grace period: the producer's own enqueue may still be on its way.
    expect(await sweepOutbox(sweepDeps())).toMatchObject({ requeued: 0 });
    expect(await sweepOutbox(sweepDeps({ now: later(10_000) }))).toMatchObject({ requeued: 1 });
    expect(await jobState('LEFT-1')).toBe('waiting');
    // A second sweep finds the job there: no second job.
    expect(await sweepOutbox(sweepDeps({ now: later(10_000) }))).toMatchObject({ requeued: 0 });
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });

    const connection = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
    const push = orderPushProcessor({
      prisma,
      sql: db.sql,
      flowhub: createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url, timeoutMs: 2_000 }),
      secrets,
      logger,
    });
    const worker = startWorkers([push], { owns: ['order-push'], connection, prefix, logger });
    try {
      await waitFor(async () => (await orderRow(prisma, 'store-1', 'LEFT-1')).pushState === 'pushed', { what: 'the order to be pushed' });
    } finally {
      await worker.close();
      connection.disconnect();
    }
    expect(createsFor(sim, 'LEFT-1')).toBe(1);
  });

  it('replaces a finished job of an earlier push under the same id, so an order queued again is not swallowed', async () => {
    await insertOrder(prisma, 'store-1', { externalId: 'AGAIN-1', items: [{ variantId: products[1].variantId, quantity: 1 }] });
    // An earlier push of the order failed (its job is kept for Bull Board); the order was queued again since.
    await queue.add(
      'order-push:store-1:AGAIN-1',
      { storeId: 'store-1', externalId: 'AGAIN-1' },
      { jobId: jobIds.orderPush('store-1', 'AGAIN-1') },
    );
    const connection = createRedisConnection({ REDIS_URL: serviceUrls().REDIS_URL }, 'worker');
    // Not the product's processor: a stand-in whose push fails, as an earlier one did.
    const failing = startTestWorker(
      'order-push',
      async () => {
        throw new UnrecoverableError('an earlier push failed');
      },
      { connection, prefix },
    );
    try {
      await waitFor(async () => (await jobState('AGAIN-1')) === 'failed', { what: 'the earlier push to fail' });
    } finally {
      await failing.close();
      connection.disconnect();
    }
    expect(await jobState('AGAIN-1')).toBe('failed');

    expect(await sweepOutbox(sweepDeps({ now: later(10_000) }))).toMatchObject({ requeued: 1 });
    expect(await jobState('AGAIN-1')).toBe('waiting');
  });

  it('leaves pushed, failed and reconciliation orders alone', async () => {
    for (const [externalId, pushState] of [
      ['DONE-1', 'pushed'],
      ['FAILED-1', 'failed'],
      ['RECON-1', 'needs_reconciliation'],
      ['NOTSYNCED-1', 'not_pushed'],
    ] as const) {
      await insertOrder(prisma, 'store-1', { externalId, pushState, items: [{ variantId: products[0].variantId, quantity: 1 }] });
    }
    await sweepOutbox(sweepDeps({ now: later(10_000) }));
    for (const externalId of ['DONE-1', 'FAILED-1', 'RECON-1', 'NOTSYNCED-1']) expect(await jobState(externalId)).toBe('unknown');
  });

  it('adds the job of a webhook delivery recorded with its change but never queued, once', async () => {
    const webhookQueue = new Queue('webhook-delivery', { connection: redis, prefix });
    try {
      const orderId = await insertOrder(prisma, 'store-1', {
        externalId: 'HOOK-1',
        pushState: 'failed',
        items: [{ variantId: products[0].variantId, quantity: 1 }],
      });
      const delivery = await prisma.webhookDelivery.create({
        data: { storeId: 'store-1', orderId, event: 'push_failed', sequence: 1, payload: { event: 'push_failed' } },
      });

      expect(await sweepOutbox(sweepDeps({ webhookQueue, now: later(10_000) }))).toMatchObject({ webhooks: 1 });
      expect(await webhookQueue.getJob(jobIds.webhookDelivery(delivery.id))).toMatchObject({
        data: { deliveryId: delivery.id, storeId: 'store-1' },
      });
      expect(await sweepOutbox(sweepDeps({ webhookQueue, now: later(10_000) }))).toMatchObject({ webhooks: 0 });
    } finally {
      await webhookQueue.obliterate({ force: true }).catch(() => undefined);
      await webhookQueue.close();
    }
  });

  it('marks a push stuck in pushing with no job left (Redis lost it) for reconciliation, without sending', async () => {
    const orderId = await insertOrder(prisma, 'store-1', {
      externalId: 'STUCK-1',
      pushState: 'pushing',
      items: [{ variantId: products[0].variantId, quantity: 1 }],
    });
    await prisma.order.update({ where: { id: orderId }, data: { pushStartedAt: new Date(), pushAttempts: 1 } });

    expect(await sweepOutbox(sweepDeps({ now: later(60_000) }))).toMatchObject({ reconciliation: 0 });
    expect(await sweepOutbox(sweepDeps({ now: later(10 * 60_000) }))).toMatchObject({ reconciliation: 1 });

    const order = await orderRow(prisma, 'store-1', 'STUCK-1');
    expect(order.pushState).toBe('needs_reconciliation');
    expect(order.pushError).toContain('a previous push attempt may have reached Flowhub');
    expect(createsFor(sim, 'STUCK-1')).toBe(0);
  });
});
