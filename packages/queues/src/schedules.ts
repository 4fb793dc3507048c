import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { jobIds, parsePayload, queues, type MaintenanceTask } from './definitions';
import type { ProductQueues } from './product-queues';
import { requestInventorySync } from './scheduling';

/*
 * What runs when: every repeating job of the product, in one place (architecture.md, "Queues").
 * - Each store's schedules: an enabled store syncs its inventory every INVENTORY_SYNC_EVERY_MS; a store polls
 *   Flowhub's order statuses every STATUS_POLL_EVERY_MS while it syncs orders, or while it still has followed
 *   orders (pushed, not finished in Flowhub) or orders whose push may still land (pushing, needs_reconciliation),
 *   enabled or not (storeSchedules; packages/db storesWithStatusPoll). Each store at its own point of the
 *   interval (staggerOffset).
 * - The app-wide maintenance tasks (MAINTENANCE_SCHEDULES), on the `maintenance` queue.
 * Only the producer creates or removes schedulers, always from what the database says: at once for a store whose
 * settings change (setStoreSchedules), and for every store at start and whenever Redis comes back
 * (reconcileStoreSchedules, reconcileMaintenanceSchedules), which heals whatever was missed while Redis was away.
 */

/** How often the store schedules run (INVENTORY_SYNC_EVERY_MS, STATUS_POLL_EVERY_MS). */
export interface StoreScheduleIntervals {
  inventorySyncEveryMs: number;
  statusPollEveryMs: number;
}

/** The schedules a store has. */
export interface StoreSchedules {
  inventorySync: boolean;
  statusPoll: boolean;
}

/**
 * THE rule of the store schedules: an enabled store syncs its inventory; a store polls order statuses while it is
 * enabled and syncs orders, or while it has followed orders or orders whose push may still land (pushing,
 * needs_reconciliation: a store disabled while one is in flight must still follow it once it lands). The callback is
 * asked only when the rest does not decide it.
 */
export async function storeSchedules(
  store: { enabled: boolean; syncOrders: boolean },
  hasFollowedOrders: () => boolean | Promise<boolean>,
): Promise<StoreSchedules> {
  return { inventorySync: store.enabled, statusPoll: (store.enabled && store.syncOrders) || (await hasFollowedOrders()) };
}

/**
 * Where in the interval a store's scheduled work runs: a stable position derived from the store id, so that
 * thousands of stores spread evenly over the 10 minutes instead of all calling Flowhub at once, and a store
 * keeps its slot across restarts.
 */
export function staggerOffset(storeId: string, everyMs: number): number {
  const hash = createHash('sha1').update(storeId).digest().readUInt32BE(0);
  return hash % everyMs;
}

/**
 * The store's periodic inventory sync. With an offset BullMQ waits for the next slot before the first run, so
 * enabling a store also enqueues a first sync at once (requestInventorySync 'initial'): exactly one first sync.
 */
export async function scheduleInventorySync(queue: Queue, storeId: string, everyMs: number): Promise<void> {
  const data = parsePayload('inventory-sync', { storeId, trigger: 'scheduled' });
  await queue.upsertJobScheduler(
    jobIds.inventorySchedule(storeId),
    { every: everyMs, offset: staggerOffset(storeId, everyMs) },
    { name: queues['inventory-sync'].jobName(data), data, opts: queues['inventory-sync'].defaults },
  );
}

export async function scheduleStatusPoll(queue: Queue, storeId: string, everyMs: number): Promise<void> {
  const data = parsePayload('order-status-poll', { storeId });
  await queue.upsertJobScheduler(
    jobIds.statusPollSchedule(storeId),
    { every: everyMs, offset: staggerOffset(`${storeId}#poll`, everyMs) },
    { name: queues['order-status-poll'].jobName(data), data, opts: queues['order-status-poll'].defaults },
  );
}

export const unscheduleInventorySync = (queue: Queue, storeId: string) => queue.removeJobScheduler(jobIds.inventorySchedule(storeId));
export const unscheduleStatusPoll = (queue: Queue, storeId: string) => queue.removeJobScheduler(jobIds.statusPollSchedule(storeId));

/** The store ids that currently have a scheduler of the given kind. */
export async function scheduledStoreIds(queue: Queue, kind: 'inventory' | 'status'): Promise<Set<string>> {
  const prefix = kind === 'inventory' ? jobIds.inventorySchedule('') : jobIds.statusPollSchedule('');
  const ids = new Set<string>();
  const pageSize = 1000;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getJobSchedulers(start, start + pageSize - 1, true);
    for (const scheduler of page) {
      const id = scheduler.key ?? scheduler.id;
      if (id?.startsWith(prefix)) ids.add(id.slice(prefix.length));
    }
    if (page.length < pageSize) break;
  }
  return ids;
}

/** When the store's next scheduled inventory sync is due; null when it has no schedule. */
export async function nextInventorySyncAt(queue: Queue, storeId: string): Promise<Date | null> {
  const scheduler = await queue.getJobScheduler(jobIds.inventorySchedule(storeId));
  return scheduler?.next ? new Date(scheduler.next) : null;
}

type StoreScheduleQueues = Pick<ProductQueues, 'inventory-sync' | 'order-status-poll'>;

/** Gives one store the schedules it should have (storeSchedules), and removes the others. */
export async function setStoreSchedules(
  productQueues: StoreScheduleQueues,
  storeId: string,
  schedules: StoreSchedules,
  intervals: StoreScheduleIntervals,
): Promise<void> {
  const inventory = productQueues['inventory-sync'];
  const poll = productQueues['order-status-poll'];
  if (schedules.inventorySync) await scheduleInventorySync(inventory, storeId, intervals.inventorySyncEveryMs);
  else await unscheduleInventorySync(inventory, storeId);
  if (schedules.statusPoll) await scheduleStatusPoll(poll, storeId, intervals.statusPollEveryMs);
  else await unscheduleStatusPoll(poll, storeId);
}

export interface StoreScheduleReport {
  inventoryAdded: string[];
  inventoryRemoved: string[];
  pollAdded: string[];
  pollRemoved: string[];
  /** Stores given an inventory schedule that never had a sync run (enabled while Redis was away): synced at once. */
  initialSyncs: string[];
}

/**
 * Makes the store schedulers in Redis match `wanted` (every store's storeSchedules): adds the missing ones, removes
 * the stray ones. A store whose inventory schedule was missing and that never had a sync (`storesWithSyncRuns` does
 * not name it) gets its first sync now. Intervals of existing schedulers are left as they are.
 */
export async function reconcileStoreSchedules(
  productQueues: StoreScheduleQueues,
  wanted: ReadonlyMap<string, StoreSchedules>,
  intervals: StoreScheduleIntervals,
  storesWithSyncRuns: (storeIds: string[]) => Promise<ReadonlySet<string>>,
): Promise<StoreScheduleReport> {
  const inventory = productQueues['inventory-sync'];
  const poll = productQueues['order-status-poll'];
  const wantInventory = new Set([...wanted].filter(([, schedules]) => schedules.inventorySync).map(([storeId]) => storeId));
  const wantPoll = new Set([...wanted].filter(([, schedules]) => schedules.statusPoll).map(([storeId]) => storeId));
  const haveInventory = await scheduledStoreIds(inventory, 'inventory');
  const havePoll = await scheduledStoreIds(poll, 'status');
  const report: StoreScheduleReport = { inventoryAdded: [], inventoryRemoved: [], pollAdded: [], pollRemoved: [], initialSyncs: [] };
  for (const storeId of wantInventory) {
    if (haveInventory.has(storeId)) continue;
    await scheduleInventorySync(inventory, storeId, intervals.inventorySyncEveryMs);
    report.inventoryAdded.push(storeId);
  }
  for (const storeId of haveInventory) {
    if (wantInventory.has(storeId)) continue;
    await unscheduleInventorySync(inventory, storeId);
    report.inventoryRemoved.push(storeId);
  }
  for (const storeId of wantPoll) {
    if (havePoll.has(storeId)) continue;
    await scheduleStatusPoll(poll, storeId, intervals.statusPollEveryMs);
    report.pollAdded.push(storeId);
  }
  for (const storeId of havePoll) {
    if (wantPoll.has(storeId)) continue;
    await unscheduleStatusPoll(poll, storeId);
    report.pollRemoved.push(storeId);
  }
  // A store enabled while Redis was away never got its first sync: give it one now.
  if (report.inventoryAdded.length > 0) {
    const hasRun = await storesWithSyncRuns(report.inventoryAdded);
    for (const storeId of report.inventoryAdded) {
      if (hasRun.has(storeId)) continue;
      await requestInventorySync(inventory, storeId, 'initial');
      report.initialSyncs.push(storeId);
    }
  }
  return report;
}

/**
 * The app-wide maintenance tasks (one scheduler each on the `maintenance` queue, worked by the order-worker)
 * and how often they run. This list is the whole truth: reconciliation adds, retunes and removes schedulers
 * to match it.
 */
export const MAINTENANCE_SCHEDULES: ReadonlyArray<{ task: MaintenanceTask; everyMs: number }> = [
  // Pending orders older than their store's pendingHoldMinutes expire and release their holds.
  { task: 'expire-pending-orders', everyMs: 60_000 },
  // Confirmed orders left 'queued' with no job (Redis was down at confirmation) are queued again.
  { task: 'outbox-sweep', everyMs: 30_000 },
  // Finished sync runs and webhook deliveries past their retention are deleted (BullMQ bounds Redis itself).
  { task: 'retention', everyMs: 3_600_000 },
];

export const maintenanceSchedulerId = (task: MaintenanceTask) => `maintenance~${task}`;

/**
 * Makes the maintenance queue's schedulers match MAINTENANCE_SCHEDULES: `added`, the tasks whose scheduler was
 * missing or ran at another interval; `removed`, the ids of stray schedulers.
 */
export async function reconcileMaintenanceSchedules(queue: Queue): Promise<{ added: string[]; removed: string[] }> {
  const added: string[] = [];
  const removed: string[] = [];
  for (const { task, everyMs } of MAINTENANCE_SCHEDULES) {
    const id = maintenanceSchedulerId(task);
    if ((await queue.getJobScheduler(id))?.every === everyMs) continue;
    const data = parsePayload('maintenance', { task });
    await queue.upsertJobScheduler(
      id,
      { every: everyMs },
      { name: queues.maintenance.jobName(data), data, opts: queues.maintenance.defaults },
    );
    added.push(task);
  }
  const wanted = new Set(MAINTENANCE_SCHEDULES.map(({ task }) => maintenanceSchedulerId(task)));
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    const id = scheduler.key ?? scheduler.id;
    if (!id || wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed.push(id);
  }
  return { added, removed };
}
