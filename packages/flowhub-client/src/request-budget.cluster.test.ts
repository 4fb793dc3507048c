import { Cluster } from 'ioredis';
import { startRedisCluster, type LocalRedisCluster } from '@flowhub-sync/testing';
import { budgetKeyFor, createRedisRequestBudget, egressKeyFor } from './request-budget';

// A request that takes two budgets (its credentials', its egress') runs one script over two keys: on a Redis Cluster
// both must be in one slot, which the default hash-tagged prefix ensures (REDIS_CLUSTER_NODES deployments).
let cluster: LocalRedisCluster;
let redis: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = new Cluster(cluster.nodes.split(',').map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) })));
});

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

it('takes a credentials budget and the global egress budget together on a Redis Cluster', async () => {
  const budget = createRedisRequestBudget(redis, { maxRps: 100, maxRpsGlobal: 1 });
  expect(await budget.reserve(budgetKeyFor('inventory', 'client-1'), 0, egressKeyFor())).toEqual({ granted: true, waitMs: 0 });
  expect(await budget.reserve(budgetKeyFor('inventory', 'client-2'), 0, egressKeyFor())).toMatchObject({
    granted: false,
    limitedBy: 'egress',
  });
  expect(await budget.reserve(budgetKeyFor('order-ahead', 'client-3'), 0, egressKeyFor('http://proxy.internal:3128'))).toEqual({
    granted: true,
    waitMs: 0,
  });
});
