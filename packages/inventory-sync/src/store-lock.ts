import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '@flowhub-sync/queues';

/**
 * The per-store lock that keeps two syncs of one store from running at once, whatever was queued and however
 * many worker processes run: `SET key token NX PX ttl`, renewed while the sync runs, released only by its
 * holder (compare-and-delete), so a holder that stalled past its TTL cannot free a lock someone else took since.
 *
 * A lock in Redis cannot by itself stop a holder that no longer hears from Redis (a network partition, a long
 * pause): its lock expires and another sync takes it while the first one still runs. So:
 * - renewals go over a fail-fast connection (createStoreLockConnection) and each has a deadline, and the holder
 *   counts its lock as lost once `ttl - margin` has passed since the last renewal Redis confirmed (measured from
 *   when that renewal was sent, so before Redis can let the key expire): `held()` turns false and `onLost` fires,
 *   whether or not the renewal command ever answers;
 * - every acquisition takes a fencing token, a per-store counter that only grows (INCR in the same script as the
 *   SET). The sync's writes carry it and PostgreSQL refuses a token smaller than the last writer's
 *   (packages/db/src/sync/fence.ts), so a holder that missed its loss anyway (paused between its check and its
 *   write) still cannot write after a newer holder did.
 */

type LockRedis = Pick<Redis | Cluster, 'eval'>;

/**
 * Takes the lock and, only then, the next fencing token. A counter that is missing (a first lock, or a Redis that
 * lost its data) starts from Redis's clock in microseconds: above any token handed out before, since those grew
 * by one per sync from an earlier start. Below 2^53 for centuries, so a JavaScript number holds it exactly.
 */
const ACQUIRE_SCRIPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local now = redis.call('TIME')
  redis.call('SET', KEYS[2], now[1] .. string.format('%06d', tonumber(now[2])))
end
return redis.call('INCR', KEYS[2])`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export interface StoreLock {
  readonly key: string;
  /** This holder's fencing token: greater than every token of the store's earlier holders. */
  readonly fence: number;
  /** False once the lock may have expired or another holder took it: the sync must not write any more. */
  held(): boolean;
  release(): Promise<void>;
}

export interface StoreLockOptions {
  /** How long the lock outlives a holder that stops renewing it (a crashed process). Default 30 s. */
  ttlMs?: number;
  /** Called once when the lock is lost while held (renewal refused, or not confirmed in time). */
  onLost?: (reason: string) => void;
}

/** The lock's key: under the (hash-tagged) queue prefix, so it lives in the queue's cluster slot. */
export const storeLockKey = (prefix: string, storeId: string) => `${prefix}:inventory-sync:lock:${storeId}`;

/** The store's fencing counter: beside its lock key (same hash tag, so one script can use both on a cluster). */
export const storeFenceKey = (lockKey: string) => `${lockKey}:fence`;

/**
 * The connection the locks need: a command fails fast instead of waiting for Redis to come back (no retries
 * across reconnects, no offline queue, a command timeout), so a renewal that cannot reach Redis is an error
 * within seconds, never a promise that hangs while the lock runs out.
 */
export function createStoreLockConnection(settings: RedisSettings, commandTimeoutMs = 2_000): Redis | Cluster {
  const options: RedisOptions = {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
  };
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000);
  if (settings.REDIS_CLUSTER_NODES) {
    const nodes = settings.REDIS_CLUSTER_NODES.split(',').map((node) => {
      const [host, port] = node.split(':');
      return { host, port: Number(port) };
    });
    return new Cluster(nodes, { redisOptions: options, clusterRetryStrategy: retryStrategy, enableOfflineQueue: false });
  }
  if (!settings.REDIS_URL) throw new Error('REDIS_URL or REDIS_CLUSTER_NODES is required');
  return new Redis(settings.REDIS_URL, { ...options, retryStrategy });
}

/** A Redis answer, or an error once `ms` have passed (whatever the connection would otherwise wait for). */
function within<T>(command: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  command.catch(() => undefined); // an answer after the deadline is of no interest
  return Promise.race([command, deadline]).finally(() => clearTimeout(timer));
}

/** Takes the store's lock, or returns null when another sync holds it. */
export async function acquireStoreLock(redis: LockRedis, key: string, options: StoreLockOptions = {}): Promise<StoreLock | null> {
  const ttlMs = options.ttlMs ?? 30_000;
  const renewEveryMs = Math.max(50, Math.floor(ttlMs / 3));
  // Counted as lost this long before Redis can let the key expire: room for timer lateness and the stop itself.
  const marginMs = Math.max(20, Math.floor(ttlMs / 5));
  const token = randomBytes(16).toString('hex');
  const sentAt = performance.now();
  const fence = await within(redis.eval(ACQUIRE_SCRIPT, 2, key, storeFenceKey(key), token, ttlMs) as Promise<number | null>, renewEveryMs);
  if (fence === null) return null;

  let held = true;
  let released = false;
  let renewing = false;
  // When the last confirmed renewal (or the acquisition) was sent: the key lives at least ttlMs from then.
  let confirmedAt = sentAt;
  let expiry: NodeJS.Timeout | undefined;
  const lose = (reason: string) => {
    if (!held) return;
    held = false;
    clearInterval(timer);
    clearTimeout(expiry);
    options.onLost?.(reason);
  };
  const armExpiry = () => {
    clearTimeout(expiry);
    expiry = setTimeout(
      () =>
        lose(
          `lost the store lock: it could not be renewed for ${ttlMs - marginMs} ms (Redis did not answer), so it may have expired and passed to another sync`,
        ),
      Math.max(0, confirmedAt + ttlMs - marginMs - performance.now()),
    );
    expiry.unref();
  };
  const renew = async () => {
    if (!held || renewing) return;
    renewing = true;
    const renewalSentAt = performance.now();
    try {
      const renewed = Number(await within(redis.eval(RENEW_SCRIPT, 1, key, token, ttlMs), renewEveryMs));
      if (!held) return;
      if (renewed === 1) {
        confirmedAt = renewalSentAt;
        armExpiry();
      } else {
        lose('lost the store lock: it expired and was taken by another sync');
      }
    } catch {
      // Redis unreachable or slow for a moment: the lock still stands until the expiry timer says otherwise.
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void renew(), renewEveryMs);
  timer.unref();
  armExpiry();

  return {
    key,
    fence: Number(fence),
    held: () => held && performance.now() < confirmedAt + ttlMs - marginMs,
    async release() {
      if (released) return;
      released = true;
      held = false;
      clearInterval(timer);
      clearTimeout(expiry);
      // Compare-and-delete: a no-op when the lock already passed to someone else.
      await within(redis.eval(RELEASE_SCRIPT, 1, key, token), renewEveryMs);
    },
  };
}
