import { Redis } from 'ioredis';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { acquireStoreLock, storeLockKey } from './store-lock';

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
    const lock = await acquireStoreLock(redis, key, { ttlMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(lock!.held()).toBe(true);
    expect(await acquireStoreLock(redis, key, { ttlMs: 300 })).toBeNull();
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
});
