import { Cluster, Redis, type RedisOptions } from 'ioredis';

export interface RedisSettings {
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: string;
}

export type RedisConnection = Redis | Cluster;

/**
 * A Redis connection for BullMQ, to one server or to a cluster (REDIS_CLUSTER_NODES wins).
 * - `worker`: blocking commands must wait forever across reconnects (BullMQ requires maxRetriesPerRequest null).
 * - `api`: the HTTP API must fail fast while Redis is down instead of queueing commands and hanging a request;
 *   the database stays the source of truth and the outbox sweep catches up.
 */
export function createRedisConnection(settings: RedisSettings, role: 'worker' | 'api'): RedisConnection {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000);
  if (settings.REDIS_CLUSTER_NODES) {
    const nodes = settings.REDIS_CLUSTER_NODES.split(',').map((node) => {
      const [host, port] = node.split(':');
      return { host, port: Number(port) };
    });
    return new Cluster(nodes, {
      redisOptions: options,
      clusterRetryStrategy: retryStrategy,
      enableOfflineQueue: role === 'worker',
    });
  }
  if (!settings.REDIS_URL) throw new Error('REDIS_URL or REDIS_CLUSTER_NODES is required');
  return new Redis(settings.REDIS_URL, { ...options, retryStrategy, lazyConnect: false });
}
