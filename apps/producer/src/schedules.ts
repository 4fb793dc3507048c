import { findStore, listStoreSwitches, storesWithStatusPoll, storesWithSyncRuns } from '@flowhub-sync/db';
import {
  reconcileMaintenanceSchedules,
  reconcileStoreSchedules,
  requestInventorySync,
  setStoreSchedules,
  storeSchedules,
  type StoreScheduleReport,
} from '@flowhub-sync/queues';
import type { ProducerDependencies } from './dependencies';
import { unavailable } from './errors';

/**
 * The producer's wiring of the schedules: what runs when is decided in packages/queues/src/schedules.ts, from what
 * the database says; here a store's schedules are applied when its settings are saved, and every schedule is
 * reconciled at start and whenever the Redis connection comes back (apps/producer/src/main.ts). Redis being away never fails a
 * request that does not need it.
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
    if ((error as Error).message?.match(/Stream isn't writeable|Connection is closed|ECONNREFUSED|enableOfflineQueue/))
      throw unavailable('Redis');
    throw error;
  } finally {
    clearTimeout(timer);
  }
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
      const store = await findStore(deps.prisma, storeId);
      if (!store) return;
      const schedules = await storeSchedules(store, async () => (await storesWithStatusPoll(deps.prisma, storeId)).has(storeId));
      await setStoreSchedules(deps.queues, storeId, schedules, deps.settings);
      if (initialSync && store.enabled) {
        const { jobId, joined } = await requestInventorySync(deps.queues['inventory-sync'], storeId, 'initial');
        deps.logger.info({ storeId, jobId, joined }, 'first sync requested');
      }
    });
    return true;
  } catch (error) {
    deps.logger.warn({ storeId, err: error }, 'schedules not applied; the next reconciliation will');
    return false;
  }
}

export interface ReconciliationReport extends StoreScheduleReport {
  /** Maintenance tasks whose scheduler was missing (or ran at another interval), and stray maintenance schedulers. */
  maintenanceAdded: string[];
  maintenanceRemoved: string[];
}

/** Makes the schedulers in Redis match the database: adds the missing ones, removes the stray ones. */
export async function reconcileSchedules(deps: ProducerDependencies): Promise<ReconciliationReport> {
  const stores = await listStoreSwitches(deps.prisma);
  const followed = await storesWithStatusPoll(deps.prisma);
  const wanted = new Map(
    await Promise.all(stores.map(async (store) => [store.id, await storeSchedules(store, () => followed.has(store.id))] as const)),
  );
  const maintenance = await reconcileMaintenanceSchedules(deps.queues.maintenance);
  const storeReport = await reconcileStoreSchedules(deps.queues, wanted, deps.settings, (storeIds) =>
    storesWithSyncRuns(deps.prisma, storeIds),
  );
  const report: ReconciliationReport = { ...storeReport, maintenanceAdded: maintenance.added, maintenanceRemoved: maintenance.removed };
  const changed = Object.values(report).some((list) => list.length > 0);
  deps.logger.info(
    { ...Object.fromEntries(Object.entries(report).map(([key, list]) => [key, list.length])) },
    changed ? 'schedules reconciled' : 'schedules in line with the database',
  );
  return report;
}
