import type { Logger } from '@flowhub-sync/config';
import {
  claimSyncFence,
  deactivateProducts,
  fencedStatements,
  finishSyncRun,
  readStoredProductHashes,
  readStoreSyncSettings,
  startSyncRun,
  stopSyncRun,
  SyncFenceRefused,
  type PrismaClient,
  type ProductSqlPool,
  type SecretOpener,
  type StoreSyncSettings,
} from '@flowhub-sync/db';
import type { FlowhubClient } from '@flowhub-sync/flowhub-client';
import { createInventoryMapper, feedIdentity, productFieldsOwned, type AiqCategory } from '@flowhub-sync/mapping';
import type { SyncTrigger } from '@flowhub-sync/queues';
import { failureHandling, StoreLockLost, StoreSettingsError, SyncInterrupted, type FailureHandling } from './failures';
import { FeedMemo } from './feed-memo';
import { readSharedFeed, shareFeed, type SharedFeedMemo } from './shared-feed-memo';
import { fetchFeed, type Feed, type FeedSettings } from './fetch-feed';
import { writeFeed, type FeedMapping, type FeedProduct } from './map-feed';
import { giveBackMemory, SyncHeap } from './give-back-memory';
import { shrinkVerdict } from './shrink-guard';
import { SyncReport, type SyncCounts } from './sync-report';
import { ownedFieldsContext, WritePlanner } from './write-plan';

/**
 * One inventory sync of one store (docs/architecture.md "Inventory sync"), without BullMQ: load the settings fresh,
 * fetch and filter the feed, map it, write what changed, deactivate what left (unless the shrink guard says
 * no), release the holds the new quantities reflect, and record the run. The caller holds the store's lock.
 *
 * A product whose row Flowhub still lists but that cannot be read is neither written nor deactivated: it keeps its
 * last good values, its row is reported like any skipped row, and the shrink guard counts it as present (see
 * UnreadableRows in packages/mapping/src/feed.ts for what ties a row to a product, and what a row without any id does).
 *
 * With the caller's lock (`request.lock`), the sync checks that it still holds it before the write phase and before
 * each batch, and every write carries the lock's fencing token (packages/db/src/sync/fence.ts): a sync that lost its
 * lock fails, saying so, and writes nothing more.
 */

export interface SyncStoreDependencies {
  prisma: PrismaClient;
  /** A PostgreSQL pool for the bulk product statements (ProductSqlPool, packages/db/src/sync/product-writes.ts). */
  sql: ProductSqlPool;
  flowhub: FlowhubClient;
  secrets: SecretOpener;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long a Flowhub call may wait for the shared request budget before the job is delayed instead. */
  budgetWaitMs?: number;
  /** Rows per bulk upsert. */
  batchSize?: number;
  /**
   * The memory of the stores' last feeds (feed-memo.ts): a re-sync parses and maps only the rows that changed. Default:
   * the process's own (PROCESS_FEED_MEMO). What it remembers is a function of the rows' bytes and the store's settings,
   * so sharing it between syncs of any store, database or Flowhub can never make a sync wrong.
   */
  feedMemo?: FeedMemo;
  /**
   * Whether the memo is shared with the other workers through PostgreSQL (shared-feed-memo.ts): each sync saves what
   * it remembers of the store's feed, and a worker that did not sync the store last reads it back. Default: true.
   */
  shareFeedMemo?: boolean;
}

/** The feed memo of syncs that name none: one per process, as a worker wants. */
export const PROCESS_FEED_MEMO = new FeedMemo();

export type SyncPhase = 'starting' | 'fetching' | 'mapping' | 'writing' | 'finishing' | 'done';
export interface SyncProgress {
  phase: SyncPhase;
  percent: number;
}

export interface SyncRequest {
  storeId: string;
  trigger: SyncTrigger;
  acceptShrink: boolean;
  /** The BullMQ job: a retried job keeps updating its own run. */
  jobId?: string;
  /** Whether a retryable failure ends the job (its last attempt): the run is then `failed`, else `queued` again. */
  finalAttempt?: boolean;
  /** Aborted when the worker stops (SyncInterrupted) or loses the store's lock (StoreLockLost). */
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => unknown;
  /** The store lock the caller holds (store-lock.ts). Without one (tools, benchmarks) the writes are not fenced. */
  lock?: SyncLock;
}

export interface SyncLock {
  /** The lock's fencing token: every write of this sync carries it (packages/db/src/sync/fence.ts). */
  readonly fence: number;
  /** False once the lock may have passed to another sync: nothing more may be written. */
  held(): boolean;
}

export type SyncOutcome =
  | { status: 'skipped'; reason: string }
  | {
      status: 'succeeded' | 'suspicious';
      runId: string;
      counts: SyncCounts;
      reason: string | null;
      releasedHolds: number;
      /** Rows of the feed recalled from the worker's feed memo: neither parsed nor mapped again (feed-memo.ts). */
      recalled: number;
      /** Whether the store wants to hear of the run: it had a status webhook URL when the run finished (menu-synced.ts). */
      announce: boolean;
    };

/** A sync that did not finish: what to do about it, and the run it was recorded on. */
export class SyncFailed extends Error {
  override readonly name = 'SyncFailed';
  constructor(
    readonly handling: FailureHandling,
    readonly runId: string,
  ) {
    super(handling.reason);
  }
}

export async function syncStore(deps: SyncStoreDependencies, request: SyncRequest): Promise<SyncOutcome> {
  const { prisma } = deps;
  const { storeId } = request;
  const store = await readStoreSyncSettings(deps.sql, storeId);
  if (!store) return { status: 'skipped', reason: 'the store is unknown' };
  if (!store.enabled) return { status: 'skipped', reason: 'the store has the integration disabled' };

  // A job that runs again keeps its run; a run left running by a worker that died is failed (we hold the store's lock).
  // The run starts on the database's clock, as consumed holds' consumedAt: which sales this sync's feed reflects is
  // decided on one clock. With it comes the last good run, what the shrink guard compares with.
  const { run, lastGood } = await startSyncRun(deps.sql, request);
  const startedAt = run.startedAt;
  const progress = async (phase: SyncPhase, percent: number) => {
    await request.onProgress?.({ phase, percent: Math.round(percent) });
  };
  // Whether product writes of this sync have committed: what a lost lock's reason says about them.
  let wrote = false;
  const stopIfInterrupted = () => {
    if (request.signal?.aborted) {
      const cause: unknown = request.signal.reason;
      if (cause instanceof StoreLockLost) throw cause;
      throw new SyncInterrupted(cause instanceof Error ? cause.message : 'the sync was interrupted');
    }
    if (request.lock && !request.lock.held()) {
      throw new StoreLockLost(
        'lost the store lock: it could not be renewed in time (Redis did not answer), so it may have passed to another sync',
      );
    }
  };

  // Held tighter once the sync has parsed many rows, until its writes are done (give-back-memory.ts).
  const heap = new SyncHeap();
  try {
    deps.logger.info({ runId: run.id, trigger: request.trigger }, 'inventory sync started');
    const settings = feedSettings(store, deps.secrets);
    await progress('fetching', 5);
    // What the write plan compares with, read while the feed streams in: the fence is claimed first (below), so the
    // read sees every write of an earlier holder of the lock that could still land (packages/db/src/sync/fence.ts).
    stopIfInterrupted();
    const fence = request.lock ? { storeId, token: request.lock.fence } : null;
    const stored = (async () => {
      if (fence) await claimSyncFence(deps.sql, fence);
      return readStoredProductHashes(deps.sql, storeId);
    })();
    // Awaited after the fetch; a failure meanwhile must not count as unhandled.
    stored.catch(() => undefined);
    const report = new SyncReport();
    const { feed, mapping, memoKey } = await fetchFeedThroughMemo(deps, store, settings, report, {
      heap,
      signal: request.signal,
      afterFetch: async () => {
        stopIfInterrupted();
        await progress('mapping', 40);
      },
    });
    const { counts } = report;
    counts.kept = feed.rows.length;
    counts.unreadable = feed.unreadable.variantIds.size + feed.unreadable.productIds.size;

    // The write phase: only while the lock holds, and fenced. The feed is mapped as the writes go (productsToWrite).
    stopIfInterrupted();
    const writer = fence ? fencedStatements(deps.sql, fence) : deps.sql;
    let mapped = 0;
    await progress('writing', 50);
    const planner = new WritePlanner<FeedProduct>(await stored, feed.unreadable);
    heap.beforeWrites();
    const plan = await writeFeed(writer, storeId, feed.rows, planner, mapping, report, {
      ownedProductFields: productFieldsOwned(store.ownedFields),
      batchSize: deps.batchSize,
      onMapped: (_part, rows) => (mapped = rows),
      beforeBatch: async (written) => {
        wrote ||= written > 0;
        heap.beforeBatch();
        stopIfInterrupted();
        await progress('writing', 50 + (40 * mapped) / Math.max(1, feed.rows.length));
      },
    });
    heap.done();
    wrote ||= plan.created + plan.updated > 0;
    counts.created = plan.created;
    counts.updated = plan.updated;
    counts.unchanged = plan.unchanged;
    const fingerprint = feedIdentity(store);
    const verdict = shrinkVerdict({
      kept: feed.rows.length,
      unreadable: counts.unreadable,
      leaving: plan.leaving.length,
      acceptShrink: request.acceptShrink,
      feedFingerprint: fingerprint,
      lastGood,
    });
    stopIfInterrupted();

    await progress('finishing', 90);
    const finishedAt = new Date();
    if (verdict.deactivate) counts.deactivated = await deactivateProducts(writer, storeId, plan.leaving, finishedAt);
    const status = verdict.deactivate ? 'succeeded' : 'suspicious';
    const reason = verdict.deactivate ? null : verdict.reason;
    // With the run recorded, a sync that deactivated releases the holds its feed reflects (consumed before it started).
    const { releasedHolds, announce } = await finishSyncRun(
      deps.sql,
      run.id,
      {
        status,
        finishedAt,
        counts,
        error: reason,
        problems: report.problems.map((problem) => ({ variantId: problem.variantId, reason: problem.reason })),
        problemsTruncated: report.truncated,
        feedFingerprint: fingerprint,
      },
      verdict.deactivate ? { storeId, syncStartedAt: startedAt, notReflected: plan.unread } : undefined,
    );
    // The feed as remembered now goes to the other workers, once this sync is done (it never fails a sync).
    const shared = sharedMemoOf(deps);
    const sharing = shared && shareFeed(shared, memoOf(deps), mapping.read, storeId, memoKey);
    await progress('done', 100);
    const recalled = mapping.read.recalled;
    const summary = { runId: run.id, status, ...counts, recalled, releasedHolds, ms: finishedAt.getTime() - startedAt.getTime() };
    if (reason) deps.logger.warn({ ...summary, reason }, 'inventory sync suspicious: nothing deactivated');
    else deps.logger.info(summary, 'inventory sync finished');
    // The garbage of a sync that parsed many rows is collected once it is done, its memo's save included (the memo's
    // text is garbage then too): else the next sync would pay for it. Its own objects are held meanwhile, so that the
    // worker's compiled code keeps what it learned of them (give-back-memory.ts).
    const parsed = counts.fetched - recalled;
    const ownObjects = { planner, mapping, report, feed };
    if (sharing) void sharing.then(() => giveBackMemory(parsed, ownObjects));
    else giveBackMemory(parsed, ownObjects);
    return { status, runId: run.id, counts, reason, releasedHolds, recalled, announce };
  } catch (thrown) {
    // A refused fence means this sync lost its lock: a newer sync of the store has written since.
    const caught = thrown instanceof SyncFenceRefused ? new StoreLockLost(thrown.message) : thrown;
    // A lost lock, however it showed (a refused write, an aborted Flowhub call), fails the run with its reason.
    const lockLost =
      caught instanceof StoreLockLost
        ? caught
        : request.signal?.aborted && request.signal.reason instanceof StoreLockLost
          ? request.signal.reason
          : null;
    const error = lockLost
      ? new StoreLockLost(`${lockLost.message}; ${wrote ? 'nothing more was written' : 'nothing was written'}`)
      : caught;
    const handling = failureHandling(error, request.signal);
    const final = handling.action === 'fail' || (handling.action === 'retry' && request.finalAttempt !== false);
    const error_ = final ? handling.reason : `${handling.reason} (the sync will run again)`;
    await stopSyncRun(prisma, run.id, { status: final ? 'failed' : 'queued', finishedAt: final ? new Date() : null, error: error_ }).catch(
      (recordError: unknown) => deps.logger.error({ runId: run.id, err: recordError }, 'could not record the sync failure'),
    );
    const log = final ? deps.logger.error.bind(deps.logger) : deps.logger.warn.bind(deps.logger);
    log(
      { runId: run.id, action: handling.action, reason: handling.reason },
      final ? 'inventory sync failed' : 'inventory sync stopped; it will run again',
    );
    throw new SyncFailed(handling, run.id);
  } finally {
    heap.done();
  }
}

/**
 * Fetches the store's feed through the worker's feed memo: rows it remembers are not parsed again. Returns the selected
 * feed, and how to map it (the memo's read, which keeps the rows' bytes until they are mapped).
 */
async function fetchFeedThroughMemo(
  deps: SyncStoreDependencies,
  store: StoreSyncSettings,
  settings: FeedSettings,
  report: SyncReport,
  options: { heap: SyncHeap; signal?: AbortSignal; afterFetch: () => Promise<void> },
): Promise<{ feed: Feed; mapping: FeedMapping; memoKey: string }> {
  const mappingRows = store.categoryMappings.map((row) => ({
    flowhubValue: row.flowhubValue,
    category: row.category as AiqCategory,
  }));
  const mapperSettings = {
    mapCustomCategoryToSubCategory: store.mapCustomCategoryToSubCategory,
    pricesIncludeTax: store.pricesIncludeTax,
    categoryMappings: { useDefaults: store.categoryUseDefaults, rows: mappingRows },
  };
  const context = ownedFieldsContext(store.ownedFields);
  // Everything of the store's settings that shapes a product or the feed: the memo recalls nothing read under others.
  const memoKey = JSON.stringify([store.clientId, feedIdentity(store), mapperSettings, context]);
  const memo = memoOf(deps);
  // The other workers' memory of the store, when this one's is not the last sync's (read before the feed streams in).
  const sharedMemo = sharedMemoOf(deps);
  const shared = sharedMemo && (await readSharedFeed(sharedMemo, memo, store.id, memoKey));
  const read = memo.begin(store.id, memoKey, { onRowParsed: options.heap.rowParsed, shared });
  const feed = await fetchFeed(deps.flowhub, settings, { read, signal: options.signal, budgetWaitMs: deps.budgetWaitMs });
  await options.afterFetch();
  report.counts.fetched = feed.fetched;
  report.counts.packagesMerged = feed.packagesMerged;
  report.counts.repeatedRows = feed.repeatedRows;
  for (const problem of feed.invalid) report.invalidRow(problem);
  return { feed, mapping: { read, map: createInventoryMapper(mapperSettings), context }, memoKey };
}

const memoOf = (deps: SyncStoreDependencies): FeedMemo => deps.feedMemo ?? PROCESS_FEED_MEMO;

/** Where the memo is shared with the other workers, unless the caller said not to. */
const sharedMemoOf = (deps: SyncStoreDependencies): SharedFeedMemo | undefined =>
  deps.shareFeedMemo === false ? undefined : { sql: deps.sql, logger: deps.logger };

function feedSettings(store: StoreSyncSettings, secrets: SecretOpener) {
  const missing = (['clientId', 'apiKeyEncrypted', 'locationId'] as const)
    .filter((name) => !store[name]?.trim())
    .map((name) => (name === 'apiKeyEncrypted' ? 'apiKey' : name));
  if (missing.length > 0) {
    throw new StoreSettingsError(`the store's Flowhub settings lack ${missing.join(', ')}: save them again to sync`);
  }
  // Only the secret this sync needs is opened (an unreadable webhook secret must not stop the menu).
  return {
    clientId: store.clientId!,
    apiKey: secrets.decrypt(store.apiKeyEncrypted!),
    locationId: store.locationId!,
    roomIds: store.roomIds,
    purchaseCategory: store.purchaseCategory,
  };
}
