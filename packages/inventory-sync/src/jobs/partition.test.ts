// Two syncs of one store during a Redis partition: the worker holding the store's lock stops hearing from Redis
// in the middle of a sync, its lock expires, another worker takes it and syncs. The partitioned worker must notice
// and stop before writing anything, whatever it still holds in memory.
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { createStoreLockConnection, storeFenceKey, storeLockKey } from '../store-lock';
import type { FlowhubClient } from '@flowhub-sync/flowhub-client';
import { SyncFailed, syncStore } from '../sync-store';
import { enableStore, silentLogger, startSyncTestbed, type SyncTestbed } from '../testing/sync-testbed';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy';
import { inventorySyncProcessor } from './inventory-sync';

let bed: SyncTestbed;
let proxy: TcpProxy;
let healthy: Redis;
let partitioned: ReturnType<typeof createStoreLockConnection>;
let prefix: string;

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 120, seed: 3 });
  proxy = await startTcpProxy(serviceUrls().REDIS_URL);
  healthy = new Redis(serviceUrls().REDIS_URL);
  // The lock connection as the worker makes it (apps/inventory-worker/src/main.ts), but through the proxy.
  partitioned = createStoreLockConnection({ REDIS_URL: proxy.url });
  partitioned.on('error', () => undefined);
  await waitFor(() => partitioned.status === 'ready', { what: 'the lock connection' });
  prefix = uniqueQueuePrefix('partition');
});
afterAll(async () => {
  proxy.heal();
  partitioned.disconnect();
  await proxy.close();
  await healthy.quit();
  await bed.close();
});

/** Just what the processor uses of a BullMQ job. */
function fakeJob(id: string, storeId: string, trigger: 'manual' | 'scheduled', delayedUntil: number[] = []): Job {
  return {
    id,
    data: { storeId, trigger, acceptShrink: false },
    attemptsMade: 0,
    opts: { attempts: 5 },
    updateProgress: async () => undefined,
    moveToDelayed: async (timestamp: number) => void delayedUntil.push(timestamp),
  } as unknown as Job;
}

/** The Flowhub client, except that an inventory read, once answered, is held until `until` settles. */
function holdingAfterRead(flowhub: FlowhubClient, read: () => void, until: Promise<void>): FlowhubClient {
  const getInventory = (async (...args: Parameters<FlowhubClient['getInventory']>) => {
    const answer = await flowhub.getInventory(...args);
    read();
    await until;
    return answer;
  }) as FlowhubClient['getInventory'];
  return { ...flowhub, getInventory };
}

describe('two syncs of one store during a Redis partition', () => {
  it('the partitioned sync stops before writing and fails saying why; the sync that took the lock over is the one whose writes stand', async () => {
    const storeId = 'split';
    await enableStore(bed, storeId);
    const location = bed.sim.state.location('demo-location')!;
    const lockTtlMs = 1_000;
    // The first worker takes the lock and reads Flowhub, then is held up before writing (a slow mapping, a pause).
    let fetched!: () => void;
    const hasFetched = new Promise<void>((resolve) => (fetched = resolve));
    let goOn!: () => void;
    const held = new Promise<void>((resolve) => (goOn = resolve));
    const stale = inventorySyncProcessor({
      ...bed.deps,
      flowhub: holdingAfterRead(bed.deps.flowhub, fetched, held),
      redis: partitioned,
      queuePrefix: prefix,
      lockTtlMs,
    });
    const other = inventorySyncProcessor({ ...bed.deps, redis: healthy, queuePrefix: prefix, lockTtlMs: 10_000 });
    const staleRun = stale.run(fakeJob('stale', storeId, 'manual'), undefined, silentLogger).then(
      (outcome) => ({ outcome, error: undefined }),
      (error: unknown) => ({ outcome: undefined, error: error as Error }),
    );
    await hasFetched;
    // The token the first worker's lock carries (the store's counter: no one else has taken the lock yet).
    const staleToken = Number(await healthy.get(storeFenceKey(storeLockKey(prefix, storeId))));
    const [item] = location.catalogue().filter((entry) => entry.defect === null && location.forSaleQuantity(entry) > 0);

    // Redis stops answering the first worker; meanwhile Flowhub changes, and the lock expires.
    proxy.partition();
    location.setQuantity(item.variantId, 9_999);
    const taken = await waitFor(
      async () => {
        const outcome = await other.run(fakeJob(`other-${Date.now()}`, storeId, 'scheduled'), undefined, silentLogger);
        return outcome.status === 'skipped' && outcome.reason.includes('another sync') ? undefined : outcome;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'the other worker to take the lock over' },
    );
    expect(taken.status).toBe('succeeded');
    expect(
      await bed.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId: item.variantId } } }),
    ).toMatchObject({
      posQuantity: 9_999,
    });
    const menu = await bed.prisma.product.findMany({ where: { storeId }, orderBy: { variantId: 'asc' } });

    // The first worker goes on with what it read before: it must not write it.
    goOn();
    const { outcome, error } = await staleRun;
    expect(outcome).toBeUndefined();
    expect(error?.name).toBe('UnrecoverableError');
    expect(error?.message).toMatch(/lost the store lock/);
    expect(await bed.prisma.product.findMany({ where: { storeId }, orderBy: { variantId: 'asc' } })).toEqual(menu);
    const runs = await bed.prisma.syncRun.findMany({ where: { storeId }, orderBy: { createdAt: 'asc' } });
    expect(runs.map((run) => run.status)).toEqual(['failed', 'succeeded']);
    expect(runs[0].error).toMatch(/lost the store lock.*nothing was written/);

    // Had it missed the loss (paused between its check and its write), its writes would still be refused: PostgreSQL
    // holds the newer worker's token.
    const blind = await syncStore(bed.deps, {
      storeId,
      trigger: 'manual',
      acceptShrink: false,
      lock: { fence: staleToken, held: () => true },
    }).catch((failure: unknown) => failure);
    expect(blind).toBeInstanceOf(SyncFailed);
    expect((blind as SyncFailed).message).toMatch(
      new RegExp(`fencing token ${staleToken} is older than ${staleToken + 1}.*nothing was written`),
    );
    expect(await bed.prisma.product.findMany({ where: { storeId }, orderBy: { variantId: 'asc' } })).toEqual(menu);
    proxy.heal();
  }, 30_000);

  it("a job that finds the lock's Redis not answering waits a moment, without spending an attempt, and writes nothing", async () => {
    const storeId = 'no-lock';
    await enableStore(bed, storeId);
    const processor = inventorySyncProcessor({ ...bed.deps, redis: partitioned, queuePrefix: prefix, lockTtlMs: 600 });
    proxy.partition();
    try {
      const delayedUntil: number[] = [];
      const job = fakeJob('no-lock-1', storeId, 'manual', delayedUntil);
      const error = await processor.run(job, undefined, silentLogger).catch((failure: unknown) => failure as Error);
      expect(error).toMatchObject({ name: 'DelayedError' });
      expect(delayedUntil).toHaveLength(1);
      expect(delayedUntil[0]).toBeGreaterThan(Date.now());
      expect(await bed.prisma.syncRun.count({ where: { storeId } })).toBe(0);
    } finally {
      proxy.heal();
    }
  });
});
