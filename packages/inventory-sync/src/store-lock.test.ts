import { Redis } from 'ioredis';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { startTcpProxy } from './testing/tcp-proxy';
import { acquireStoreLock, createStoreLockConnection, storeLockKey } from './store-lock';

let redis: Redis;
let prefix: string;
beforeAll(() => {
  redis = new Redis(serviceUrls().REDIS_URL);
  prefix = uniqueQueuePrefix('lock');
});
afterAll(() => redis.quit());

describe('the per-store sync lock', () => {
  it('is held by one sync at a time, per store', async () => {
    const key = storeLockKey(prefix, 's1');
    const first = await acquireStoreLock(redis, key);
    expect(first).not.toBeNull();
    expect(await acquireStoreLock(redis, key)).toBeNull();
    const otherStore = await acquireStoreLock(redis, storeLockKey(prefix, 's2'));
    expect(otherStore).not.toBeNull();
    await first!.release();
    const next = await acquireStoreLock(redis, key);
    expect(next).not.toBeNull();
    await Promise.all([next!.release(), otherStore!.release()]);
  });

  it('stays held past its TTL while the sync runs (renewed)', async () => {
    const key = storeLockKey(prefix, 'long');
    // Three TTLs: a TTL long enough that a loaded machine's pauses do not outlast it (the holder counts its lock lost
    // 1.6 s after its last confirmed renewal; renewals go every 0.67 s).
    const lock = await acquireStoreLock(redis, key, { ttlMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(lock!.held()).toBe(true);
    expect(await acquireStoreLock(redis, key, { ttlMs: 800 })).toBeNull();
    await lock!.release();
  });

  it('expires when its holder stops renewing it (a crashed worker)', async () => {
    const key = storeLockKey(prefix, 'crashed');
    await redis.set(key, 'a-dead-holder', 'PX', 200, 'NX');
    expect(await acquireStoreLock(redis, key)).toBeNull();
    const lock = await waitFor(() => acquireStoreLock(redis, key), { timeoutMs: 3_000, what: 'the lock to expire' });
    await lock.release();
  });

  it('never releases a lock that another holder took since, and tells the old holder it lost it', async () => {
    const key = storeLockKey(prefix, 'taken');
    const lost: string[] = [];
    const lock = await acquireStoreLock(redis, key, { ttlMs: 300, onLost: (reason) => lost.push(reason) });
    // Someone else takes the key (as after an expiry while this holder was frozen).
    await redis.set(key, 'someone-else', 'PX', 10_000);
    await waitFor(() => lost.length > 0, { timeoutMs: 3_000, what: 'the loss to be noticed' });
    expect(lock!.held()).toBe(false);
    await lock!.release();
    expect(await redis.get(key)).toBe('someone-else');
    await redis.del(key);
  });

  it('takes a fencing token that grows with every acquisition of the store, and starts above any earlier one if Redis lost the counter', async () => {
    const key = storeLockKey(prefix, 'fenced');
    const first = (await acquireStoreLock(redis, key))!;
    expect(await acquireStoreLock(redis, key)).toBeNull(); // a refused acquisition takes no token
    await first.release();
    const second = (await acquireStoreLock(redis, key))!;
    expect(second.fence).toBe(first.fence + 1);
    await second.release();
    // The counter is gone (a Redis that lost its data): the next token still beats every one handed out before.
    await redis.del(`${key}:fence`);
    const third = (await acquireStoreLock(redis, key))!;
    expect(third.fence).toBeGreaterThan(second.fence);
    expect(Number.isSafeInteger(third.fence)).toBe(true);
    await third.release();
  });

  it('when Redis stops answering its holder: the holder is told it lost the lock before the lock can expire, and the next holder gets a greater token', async () => {
    const proxy = await startTcpProxy(serviceUrls().REDIS_URL);
    // The lock's connection as the worker makes it (apps/inventory-worker/src/main.ts).
    const partitioned = createStoreLockConnection({ REDIS_URL: proxy.url });
    partitioned.on('error', () => undefined);
    try {
      await waitFor(() => partitioned.status === 'ready', { what: 'the lock connection' });
      const key = storeLockKey(prefix, 'partitioned');
      let lostAt = 0;
      const reasons: string[] = [];
      const ttlMs = 900;
      const lock = (await acquireStoreLock(partitioned, key, {
        ttlMs,
        onLost: (reason) => ((lostAt = Date.now()), reasons.push(reason)),
      }))!;
      expect(lock.held()).toBe(true);
      proxy.partition();

      // Another worker, on a healthy connection, takes the lock as soon as it expires.
      const next = await waitFor(() => acquireStoreLock(redis, key, { ttlMs: 5_000 }), {
        timeoutMs: 5_000,
        intervalMs: 10,
        what: 'the lock to expire',
      });
      const takenAt = Date.now();
      await waitFor(() => reasons.length > 0, { timeoutMs: 3_000, what: 'the partitioned holder to be told' });
      expect(reasons[0]).toMatch(/lost the store lock: it could not be renewed/);
      expect(lostAt).toBeLessThanOrEqual(takenAt); // told before anyone else could hold it
      expect(lock.held()).toBe(false);
      expect(next.fence).toBeGreaterThan(lock.fence);

      // The partition heals: the old holder's late renewals and its release leave the new holder's lock alone.
      proxy.heal();
      await lock.release().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, ttlMs));
      expect(await acquireStoreLock(redis, key)).toBeNull();
      expect(next.held()).toBe(true);
      await next.release();
    } finally {
      partitioned.disconnect();
      await proxy.close();
    }
  });
});
