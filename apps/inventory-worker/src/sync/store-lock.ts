import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * The per-store lock that keeps two syncs of one store from ever running at once, whatever was queued
 * and however many worker processes run: `SET key token NX PX ttl`, renewed while the sync runs, released
 * only by its holder (compare-and-delete), so a holder that stalled past its TTL cannot free a lock
 * someone else took since.
 */

type LockRedis = Pick<Redis | Cluster, 'set' | 'eval'>;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export interface StoreLock {
  readonly key: string;
  /** False once the lock expired or another holder took it: the sync must stop writing. */
  held(): boolean;
  release(): Promise<void>;
}

export interface StoreLockOptions {
  /** How long the lock outlives a holder that stops renewing it (a crashed process). Default 30 s. */
  ttlMs?: number;
  /** Called once when the lock is lost while held (renewal refused, or not renewed within the TTL). */
  onLost?: (reason: string) => void;
}

/** The lock's key: under the (hash-tagged) queue prefix, so it lives in the queue's cluster slot. */
export const storeLockKey = (prefix: string, storeId: string) => `${prefix}:inventory-sync:lock:${storeId}`;

/** Takes the store's lock, or returns null when another sync holds it. */
export async function acquireStoreLock(redis: LockRedis, key: string, options: StoreLockOptions = {}): Promise<StoreLock | null> {
  const ttlMs = options.ttlMs ?? 30_000;
  const token = randomBytes(16).toString('hex');
  const taken = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (taken !== 'OK') return null;

  let held = true;
  let released = false;
  let lastRenewal = Date.now();
  const lose = (reason: string) => {
    if (!held) return;
    held = false;
    clearInterval(timer);
    options.onLost?.(reason);
  };
  const timer = setInterval(async () => {
    try {
      const renewed = Number(await redis.eval(RENEW_SCRIPT, 1, key, token, ttlMs));
      if (renewed === 1) lastRenewal = Date.now();
      else lose('the store lock expired and was taken by another sync');
    } catch (error) {
      // Redis unreachable for a moment: the lock still stands until its TTL runs out.
      if (Date.now() - lastRenewal >= ttlMs) lose(`the store lock could not be renewed: ${(error as Error).message}`);
    }
  }, Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();

  return {
    key,
    held: () => held && Date.now() - lastRenewal < ttlMs,
    async release() {
      if (released) return;
      released = true;
      held = false;
      clearInterval(timer);
      // Compare-and-delete: a no-op when the lock already passed to someone else.
      await redis.eval(RELEASE_SCRIPT, 1, key, token);
    },
  };
}
