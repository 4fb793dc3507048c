import { Queue } from 'bullmq';
import { createSecretBox } from '@flowhub-sync/config';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { startSimulator } from '@flowhub-sync/flowhub-sim';
import { createRedisConnection, requestInventorySync, type RedisConnection } from '@flowhub-sync/queues';
import {
  freePort,
  startApp,
  startRedisCluster,
  testEncryptionKey,
  uniqueQueuePrefix,
  waitFor,
  waitForHttp,
  type LocalRedisCluster,
  type RunningApp,
} from '@flowhub-sync/testing';
import { ensureOrderPushJob } from '@flowhub-sync/queues';
import { createPushStore, insertOrder, orderRow } from '@flowhub-sync/orders/testing';

/*
 * The product on a Redis Cluster (REDIS_CLUSTER_NODES, hash-tagged QUEUE_PREFIX): a real three-node cluster from
 * Debian's redis-server, the built inventory-worker and order-worker as processes, a store's sync, an order push and
 * a status poll all going through it.
 */
let cluster: LocalRedisCluster;
let sim: Awaited<ReturnType<typeof startSimulator>>;
let db: TestDatabase;
let redis: RedisConnection;
const apps: RunningApp[] = [];
const key = testEncryptionKey();
const prefix = uniqueQueuePrefix('cluster-e2e');

beforeAll(async () => {
  cluster = await startRedisCluster();
  sim = await startSimulator({ rows: 120, seed: 21 });
  db = await createTestDatabase();
  redis = createRedisConnection({ REDIS_CLUSTER_NODES: cluster.nodes }, 'worker');
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGTERM')));
  await redis?.quit().catch(() => undefined);
  await db?.drop();
  await sim?.close();
  await cluster?.stop();
});

it('runs a sync, an order push and a status poll through a Redis Cluster', async () => {
  await createPushStore(db.prisma, createSecretBox(key), 'store-1');
  const env = {
    REDIS_CLUSTER_NODES: cluster.nodes,
    QUEUE_PREFIX: prefix,
    DATABASE_URL: db.url,
    FLOWHUB_API_URL: sim.url,
    FLOWHUB_AUTH_URL: sim.url,
    ENCRYPTION_KEY: key,
  };
  for (const name of ['inventory-worker', 'order-worker']) {
    const port = await freePort();
    apps.push(startApp(name, { ...env, HEALTH_PORT: String(port) }));
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 30_000 });
  }

  const inventory = new Queue('inventory-sync', { connection: redis, prefix });
  const pushes = new Queue('order-push', { connection: redis, prefix });
  const polls = new Queue('order-status-poll', { connection: redis, prefix });
  try {
    await requestInventorySync(inventory, 'store-1', 'initial');
    await waitFor(async () => (await db.prisma.product.count({ where: { storeId: 'store-1', active: true } })) > 50, {
      what: 'the menu',
      timeoutMs: 30_000,
    });

    const product = await db.prisma.product.findFirstOrThrow({ where: { storeId: 'store-1', posQuantity: { gt: 1 } } });
    await insertOrder(db.prisma, 'store-1', { externalId: 'C-1', items: [{ variantId: product.variantId, quantity: 1 }] });
    await ensureOrderPushJob(pushes, 'store-1', 'C-1');
    const pushed = await waitFor(
      async () => {
        const order = await orderRow(db.prisma, 'store-1', 'C-1');
        return order.pushState === 'pushed' ? order : null;
      },
      { what: 'the push', timeoutMs: 30_000 },
    );

    await fetch(`${sim.url}/__sim/orders/${pushed.flowhubOrderId}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ready' }),
    });
    await polls.add('order-status-poll:store-1', { storeId: 'store-1' });
    await waitFor(async () => (await orderRow(db.prisma, 'store-1', 'C-1')).status === 'ready', {
      what: 'the status poll',
      timeoutMs: 30_000,
    });
  } finally {
    await Promise.all([inventory.close(), pushes.close(), polls.close()]);
  }
}, 120_000);
