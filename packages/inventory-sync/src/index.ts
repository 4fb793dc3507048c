// The inventory sync: one store's Flowhub feed to its online menu, under the store's lock. The inventory-worker wires
// the job (inventorySyncProcessor) into startWorkers, after warmUpInventorySync; tools and benchmarks call syncStore directly.
export {
  INVENTORY_SYNC_CONCURRENCY,
  SYNC_POOL_IDLE_MS,
  inventorySyncProcessor,
  type InventorySyncJobDependencies,
  type InventorySyncProcessor,
} from './jobs/inventory-sync';
export { DEFAULT_FEED_MEMO_ROWS, DEFAULT_FEED_MEMO_STORE_SHARE, FeedMemo, type FeedMemoOptions } from './feed-memo';
export {
  PROCESS_FEED_MEMO,
  syncStore,
  SyncFailed,
  type SyncLock,
  type SyncOutcome,
  type SyncPhase,
  type SyncProgress,
  type SyncRequest,
  type SyncStoreDependencies,
} from './sync-store';
export { createSyncMetrics, type SyncMetrics, type SyncOutcomeLabel } from './metrics';
export {
  acquireStoreLock,
  createStoreLockConnection,
  storeFenceKey,
  storeLockKey,
  type StoreLock,
  type StoreLockOptions,
} from './store-lock';
export { failureHandling, StoreLockLost, StoreSettingsError, SyncInterrupted, type FailureHandling } from './failures';
export { MAX_LISTED_PROBLEMS, type SyncCounts, type SyncProblem } from './sync-report';
export { warmUpInventorySync, WARM_UP_STORE_ID, type WarmUpDependencies, type WarmUpOptions, type WarmUpReport } from './warm-up';
