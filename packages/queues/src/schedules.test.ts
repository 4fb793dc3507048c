import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { serviceUrls, uniqueQueuePrefix } from '@flowhub-sync/testing';
import { QUEUE_NAMES } from './definitions';
import type { ProductQueues } from './product-queues';
import {
  MAINTENANCE_SCHEDULES,
  maintenanceSchedulerId,
  nextInventorySyncAt,
  reconcileMaintenanceSchedules,
  reconcileStoreSchedules,
  scheduledStoreIds,
  scheduleInventorySync,
  setStoreSchedules,
  staggerOffset,
  storeSchedules,
  unscheduleInventorySync,
} from './schedules';

const { REDIS_URL } = serviceUrls();
let connection: Redis;
let productQueues: ProductQueues;
let queue: Queue;

beforeEach(() => {
  connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = uniqueQueuePrefix('schedules');
  productQueues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })])) as ProductQueues;
  queue = productQueues['inventory-sync'];
});
afterEach(async () => {
  for (const each of Object.values(productQueues)) {
    await each.obliterate({ force: true });
    await each.close();
  }
  await connection.quit();
});

const intervals = { inventorySyncEveryMs: 600_000, statusPollEveryMs: 60_000 };

describe('which schedules a store has', () => {
  it('syncs an enabled store; polls one that syncs orders, or that has followed orders, enabled or not', async () => {
    const never = () => {
      throw new Error('followed orders asked for when the settings decide');
    };
    expect(await storeSchedules({ enabled: true, syncOrders: true }, never)).toEqual({ inventorySync: true, statusPoll: true });
    expect(await storeSchedules({ enabled: true, syncOrders: false }, () => false)).toEqual({ inventorySync: true, statusPoll: false });
    expect(await storeSchedules({ enabled: true, syncOrders: false }, async () => true)).toEqual({ inventorySync: true, statusPoll: true });
    expect(await storeSchedules({ enabled: false, syncOrders: true }, () => true)).toEqual({ inventorySync: false, statusPoll: true });
    expect(await storeSchedules({ enabled: false, syncOrders: true }, () => false)).toEqual({ inventorySync: false, statusPoll: false });
  });

  it('gives a store the schedules it should have and removes the others', async () => {
    await setStoreSchedules(productQueues, 'store-1', { inventorySync: true, statusPoll: true }, intervals);
    expect(await scheduledStoreIds(productQueues['inventory-sync'], 'inventory')).toEqual(new Set(['store-1']));
    expect(await scheduledStoreIds(productQueues['order-status-poll'], 'status')).toEqual(new Set(['store-1']));
    expect(await productQueues['order-status-poll'].getJobScheduler('order-status-poll~store-1')).toMatchObject({ every: 60_000 });
    expect(await nextInventorySyncAt(queue, 'store-1')).toBeInstanceOf(Date);

    await setStoreSchedules(productQueues, 'store-1', { inventorySync: false, statusPoll: true }, intervals);
    expect(await scheduledStoreIds(productQueues['inventory-sync'], 'inventory')).toEqual(new Set());
    expect(await nextInventorySyncAt(queue, 'store-1')).toBeNull();
    await setStoreSchedules(productQueues, 'store-1', { inventorySync: false, statusPoll: false }, intervals);
    expect(await scheduledStoreIds(productQueues['order-status-poll'], 'status')).toEqual(new Set());
  });
});

describe('inventory schedules', () => {
  it('schedules a store every interval and unschedules it', async () => {
    await scheduleInventorySync(queue, 'store-1', 600_000);
    await scheduleInventorySync(queue, 'store-1', 600_000); // idempotent
    await scheduleInventorySync(queue, '123', 600_000);
    expect(await scheduledStoreIds(queue, 'inventory')).toEqual(new Set(['store-1', '123']));
    const scheduler = await queue.getJobScheduler('inventory-sync~store-1');
    expect(scheduler).toMatchObject({ every: 600_000, name: 'inventory-sync:store-1' });
    await unscheduleInventorySync(queue, 'store-1');
    expect(await scheduledStoreIds(queue, 'inventory')).toEqual(new Set(['123']));
  });

  it("does not run a store's scheduled sync at creation (the first sync is enqueued explicitly)", async () => {
    await scheduleInventorySync(queue, 'store-2', 600_000);
    expect(await queue.getWaitingCount()).toBe(0);
  });

  it('spreads many stores across the interval instead of firing them at once', () => {
    const everyMs = 600_000;
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 2000; i++) buckets[Math.floor((staggerOffset(`store-${i}`, everyMs) / everyMs) * 10)]++;
    // A uniform spread puts 200 stores in each minute; none of the ten minutes gets more than 1.5x that.
    expect(Math.max(...buckets)).toBeLessThan(300);
    expect(Math.min(...buckets)).toBeGreaterThan(100);
    expect(staggerOffset('store-7', everyMs)).toBe(staggerOffset('store-7', everyMs));
  });
});

describe('reconciliation of the store schedules', () => {
  it('adds the missing schedules, removes the stray ones, and syncs at once a store that never had a sync', async () => {
    await scheduleInventorySync(queue, 'stray', 600_000);
    await setStoreSchedules(productQueues, 'kept', { inventorySync: true, statusPoll: false }, intervals);
    const wanted = new Map([
      ['kept', { inventorySync: true, statusPoll: false }],
      ['synced-before', { inventorySync: true, statusPoll: true }],
      ['never-synced', { inventorySync: true, statusPoll: false }],
      ['followed-only', { inventorySync: false, statusPoll: true }],
    ]);
    const asked: string[][] = [];
    const report = await reconcileStoreSchedules(productQueues, wanted, intervals, async (storeIds) => {
      asked.push(storeIds);
      return new Set(['synced-before']);
    });
    expect(report).toEqual({
      inventoryAdded: ['synced-before', 'never-synced'],
      inventoryRemoved: ['stray'],
      pollAdded: ['synced-before', 'followed-only'],
      pollRemoved: [],
      initialSyncs: ['never-synced'],
    });
    expect(asked).toEqual([['synced-before', 'never-synced']]);
    expect((await queue.getWaiting()).map((job) => job.data)).toEqual([
      { storeId: 'never-synced', trigger: 'initial', acceptShrink: false },
    ]);

    const again = await reconcileStoreSchedules(productQueues, wanted, intervals, async () => new Set());
    expect(Object.values(again).every((list) => list.length === 0)).toBe(true);
  });
});

describe('maintenance schedules', () => {
  it('adds every task at its interval, retunes one at another interval, and removes stray schedulers', async () => {
    const maintenance = productQueues.maintenance;
    expect(await reconcileMaintenanceSchedules(maintenance)).toEqual({ added: MAINTENANCE_SCHEDULES.map(({ task }) => task), removed: [] });
    expect(await maintenance.getJobScheduler(maintenanceSchedulerId('outbox-sweep'))).toMatchObject({
      every: 30_000,
      name: 'maintenance:outbox-sweep',
    });

    await maintenance.upsertJobScheduler(
      maintenanceSchedulerId('retention'),
      { every: 1_000 },
      { name: 'old', data: { task: 'retention' } },
    );
    await maintenance.upsertJobScheduler('maintenance~gone', { every: 1_000 }, { name: 'gone', data: {} });
    expect(await reconcileMaintenanceSchedules(maintenance)).toEqual({ added: ['retention'], removed: ['maintenance~gone'] });
    expect(await maintenance.getJobScheduler(maintenanceSchedulerId('retention'))).toMatchObject({ every: 3_600_000 });
    expect(await reconcileMaintenanceSchedules(maintenance)).toEqual({ added: [], removed: [] });
  });
});
