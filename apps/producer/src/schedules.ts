import { followedOrdersWhere } from '@flowhub-sync/db';
import {
  parsePayload,
  queues,
  requestInventorySync,
  scheduledStoreIds,
  scheduleInventorySync,
  scheduleStatusPoll,
  unscheduleInventorySync,
  unscheduleStatusPoll,
  type MaintenanceTask,
} from '@flowhub-sync/queues';
import type { ProducerDependencies } from './dependencies';
import { unavailable } from './errors';

/**
 * Only the producer creates or removes schedules, always from what the database says (architecture.md,
 * "Queues"): an enabled store has an inventory schedule; a store that syncs orders, or still has pushed
 * orders open in Flowhub, has a status-poll schedule. Anything missed while Redis was away is healed by
 * `reconcileSchedules`, which runs at start and whenever the Redis connection comes back.
 */

const REDIS_OPERATION_TIMEOUT_MS = 3_000;

export function redisReady(deps: Pick<ProducerDependencies, 'redis'>): boolean {
  return deps.redis.status === 'ready';
}

/** Runs a queue operation, answering 503 at once instead of hanging when Redis is away. */
export async function withRedis<T>(deps: Pick<ProducerDependencies, 'redis'>, operation: () => Promise<T>): Promise<T> {
  if (!redisReady(deps)) throw unavailable('Redis');
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      operation(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable('Redis', 'no answer')), REDIS_OPERATION_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    if ((error as Error).message?.match(/Stream isn't writeable|Connection is closed|ECONNREFUSED|enableOfflineQueue/)) throw unavailable('Redis');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function storesWithOpenPushedOrders(deps: ProducerDependencies, storeId?: string): Promise<Set<string>> {
  const rows = await deps.prisma.order.groupBy({ by: ['storeId'], where: { ...followedOrdersWhere(), ...(storeId ? { storeId } : {}) } });
  return new Set(rows.map((row) => row.storeId));
}

/**
 * Brings one store's schedules in line with its settings. `initialSync` also asks for a sync at once
 * (a store just enabled, or whose feed settings changed). Returns false when Redis is away: the settings
 * are saved all the same, and the next reconciliation applies them.
 */
export async function applyStoreSchedules(deps: ProducerDependencies, storeId: string, { initialSync = false } = {}): Promise<boolean> {
  if (!redisReady(deps)) {
    deps.logger.warn({ storeId }, 'Redis unavailable: schedules will be reconciled when it returns');
    return false;
  }
  try {
    await withRedis(deps, async () => {
      const store = await deps.prisma.store.findUnique({ where: { id: storeId } });
      if (!store) return;
      const inventory = deps.queues['inventory-sync'];
      const poll = deps.queues['order-status-poll'];
      if (store.enabled) await scheduleInventorySync(inventory, storeId, deps.settings.inventorySyncEveryMs);
      else await unscheduleInventorySync(inventory, storeId);
      const wantsPoll = (store.enabled && store.syncOrders) || (await storesWithOpenPushedOrders(deps, storeId)).has(storeId);
      if (wantsPoll) await scheduleStatusPoll(poll, storeId, deps.settings.statusPollEveryMs);
      else await unscheduleStatusPoll(poll, storeId);
      if (initialSync && store.enabled) {
        const { jobId, joined } = await requestInventorySync(inventory, storeId, 'initial');
        deps.logger.info({ storeId, jobId, joined }, 'first sync requested');
      }
    });
    return true;
  } catch (error) {
    deps.logger.warn({ storeId, err: error }, 'schedules not applied; the next reconciliation will');
    return false;
  }
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

async function reconcileMaintenance(deps: ProducerDependencies): Promise<{ added: string[]; removed: string[] }> {
  const queue = deps.queues.maintenance;
  const added: string[] = [];
  const removed: string[] = [];
  for (const { task, everyMs } of MAINTENANCE_SCHEDULES) {
    const id = maintenanceSchedulerId(task);
    if ((await queue.getJobScheduler(id))?.every === everyMs) continue;
    const data = parsePayload('maintenance', { task });
    await queue.upsertJobScheduler(id, { every: everyMs }, { name: queues.maintenance.jobName(data), data, opts: queues.maintenance.defaults });
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

export interface ReconciliationReport {
  inventoryAdded: string[];
  inventoryRemoved: string[];
  pollAdded: string[];
  pollRemoved: string[];
  initialSyncs: string[];
  /** Maintenance tasks whose scheduler was missing (or ran at another interval), and stray maintenance schedulers. */
  maintenanceAdded: string[];
  maintenanceRemoved: string[];
}

/** Makes the schedulers in Redis match the database: adds the missing ones, removes the stray ones. */
export async function reconcileSchedules(deps: ProducerDependencies): Promise<ReconciliationReport> {
  const inventory = deps.queues['inventory-sync'];
  const poll = deps.queues['order-status-poll'];
  const stores = await deps.prisma.store.findMany({ select: { id: true, enabled: true, syncOrders: true } });
  const openPushed = await storesWithOpenPushedOrders(deps);
  const wantInventory = new Set(stores.filter((store) => store.enabled).map((store) => store.id));
  const wantPoll = new Set([...stores.filter((store) => store.enabled && store.syncOrders).map((store) => store.id), ...openPushed]);
  const haveInventory = await scheduledStoreIds(inventory, 'inventory');
  const havePoll = await scheduledStoreIds(poll, 'status');

  const maintenance = await reconcileMaintenance(deps);
  const report: ReconciliationReport = {
    inventoryAdded: [],
    inventoryRemoved: [],
    pollAdded: [],
    pollRemoved: [],
    initialSyncs: [],
    maintenanceAdded: maintenance.added,
    maintenanceRemoved: maintenance.removed,
  };
  for (const storeId of wantInventory) {
    if (haveInventory.has(storeId)) continue;
    await scheduleInventorySync(inventory, storeId, deps.settings.inventorySyncEveryMs);
    report.inventoryAdded.push(storeId);
  }
  for (const storeId of haveInventory) {
    if (wantInventory.has(storeId)) continue;
    await unscheduleInventorySync(inventory, storeId);
    report.inventoryRemoved.push(storeId);
  }
  for (const storeId of wantPoll) {
    if (havePoll.has(storeId)) continue;
    await scheduleStatusPoll(poll, storeId, deps.settings.statusPollEveryMs);
    report.pollAdded.push(storeId);
  }
  for (const storeId of havePoll) {
    if (wantPoll.has(storeId)) continue;
    await unscheduleStatusPoll(poll, storeId);
    report.pollRemoved.push(storeId);
  }
  // A store enabled while Redis was away never got its first sync: give it one now.
  if (report.inventoryAdded.length > 0) {
    const synced = await deps.prisma.syncRun.groupBy({ by: ['storeId'], where: { storeId: { in: report.inventoryAdded } } });
    const hasRun = new Set(synced.map((row) => row.storeId));
    for (const storeId of report.inventoryAdded) {
      if (hasRun.has(storeId)) continue;
      await requestInventorySync(inventory, storeId, 'initial');
      report.initialSyncs.push(storeId);
    }
  }
  const changed = Object.values(report).some((list) => list.length > 0);
  deps.logger.info({ ...Object.fromEntries(Object.entries(report).map(([key, list]) => [key, list.length])) }, changed ? 'schedules reconciled' : 'schedules in line with the database');
  return report;
}
