import { Queue } from 'bullmq';
import { startRedisCluster, uniqueQueuePrefix, waitFor, type LocalRedisCluster } from '@flowhub-sync/testing';
import { createRedisConnection } from './connection';
import { scheduleInventorySync, scheduledStoreIds } from './schedules';
import { requestInventorySync } from './scheduling';
import { startTestWorker } from './testing';

const MONTH_MS = 30 * 24 * 60 * 60_000;

// The product on a Redis Cluster: REDIS_CLUSTER_NODES and a hash-tagged QUEUE_PREFIX keep each queue's keys in one slot.
let cluster: LocalRedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

describe('Redis Cluster', () => {
  it('schedules, joins lanes and runs jobs through a three-node cluster', async () => {
    const prefix = uniqueQueuePrefix('cluster');
    const api = createRedisConnection({ REDIS_CLUSTER_NODES: cluster.nodes }, 'worker');
    const workerConnection = createRedisConnection({ REDIS_CLUSTER_NODES: cluster.nodes }, 'worker');
    const queue = new Queue('inventory-sync', { connection: api, prefix });
    const ran: string[] = [];
    const worker = startTestWorker('inventory-sync', async (job) => void ran.push(job.data.storeId), {
      connection: workerConnection,
      prefix,
    });
    try {
      // A month between runs: the scheduler's first run waits for store-1's slot (its offset in the period), which at 10
      // minutes came due during the test once in a few hundred runs and ran store-1 a second time.
      await scheduleInventorySync(queue, 'store-1', MONTH_MS);
      expect(await scheduledStoreIds(queue, 'inventory')).toEqual(new Set(['store-1']));
      const first = await requestInventorySync(queue, 'store-1', 'initial');
      await requestInventorySync(queue, 'store-2', 'manual');
      await waitFor(() => ran.length === 2, { what: 'both syncs to run through the cluster' });
      expect(ran.sort()).toEqual(['store-1', 'store-2']);
      expect(first.joined).toBe(false);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await api.quit();
      await workerConnection.quit();
    }
  });
});
