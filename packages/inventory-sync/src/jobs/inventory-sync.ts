import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@flowhub-sync/config';
import { defineProcessor, type Processor } from '@flowhub-sync/queues';
import type { SyncMetrics } from '../metrics';
import { StoreLockLost, SyncInterrupted } from '../failures';
import { announceMenuSynced } from '../menu-synced';
import { acquireStoreLock, storeLockKey } from '../store-lock';
import { syncStore, SyncFailed, type SyncOutcome, type SyncProgress, type SyncStoreDependencies } from '../sync-store';

/**
 * The `inventory-sync` job: one sync of one store, under the store's lock.
 * - Lock held by another sync: a scheduled job is skipped (the running sync is as fresh as it would be);
 *   a manual or initial one waits a second or two and runs right after.
 * - Credentials refused, settings incomplete: fails at once, no retries (UnrecoverableError).
 * - Flowhub 5xx, network, database: BullMQ retries with backoff.
 * - Throttled (429, or the shared request budget is spent): the job is delayed without spending an
 *   attempt, so this store waits and the worker takes other stores' jobs meanwhile.
 * - Worker stopping: the sync in hand is abandoned between steps and handed back to the queue.
 * - Lock lost (not renewed in time, or taken over by another sync): the sync stops before its next write and fails
 *   at once, its run saying so; the sync that holds the lock now covers the store. Its writes are fenced anyway
 *   (packages/db/src/sync/fence.ts), so a sync that misses the loss still cannot write after the newer one did.
 * - The lock's Redis does not answer when the job starts: the job waits a moment, without spending an attempt.
 */

export interface InventorySyncJobDependencies extends Omit<SyncStoreDependencies, 'logger'> {
  /** The store locks' Redis connection: a fail-fast one (createStoreLockConnection), never BullMQ's. */
  redis: Pick<Redis | Cluster, 'eval'>;
  /** QUEUE_PREFIX: the locks live beside the queue's keys. */
  queuePrefix: string;
  lockTtlMs?: number;
  metrics?: SyncMetrics;
  /** The webhook-delivery queue, for `menu_synced` after each finished run. */
  webhookQueue?: Queue;
}

export interface InventorySyncProcessor extends Processor<'inventory-sync', SyncOutcome> {
  /** Stops every sync in hand at its next step; each is handed back to the queue. */
  interruptAll(reason: string): void;
}

/** Jobs one process works at once: syncs mostly wait on Flowhub and PostgreSQL, not on this CPU. */
export const INVENTORY_SYNC_CONCURRENCY = 4;

/**
 * How long the worker's PostgreSQL connections may sit idle: longer than a store's 10-minute cycle. A new connection
 * costs ~4 ms and its backend loads the products table's catalogue at its first statements; with pg's default (10 s)
 * a worker that had no job for 10 s, or whose first job came 10 s after boot, paid that again (the warm-up's
 * connections gone).
 */
export const SYNC_POOL_IDLE_MS = 15 * 60_000;
/** On shutdown, syncs in hand get this long to finish before they are handed back to the queue. */
const SHUTDOWN_GRACE_MS = 8_000;

/**
 * Progress goes to Redis (a round trip, and a script BullMQ runs) at most this often: a sync reports a phase only once
 * this long has passed since it started or since its last report, and always reports its end. A steady sync of a
 * 1,000-row store takes a fraction of a second, so it reports only `done` (one round trip instead of six); a long
 * first sync of a large store still shows its phases in Bull Board.
 */
export const PROGRESS_EVERY_MS = 1_000;

/** The job's progress reporter: throttled (PROGRESS_EVERY_MS); a failed report is logged, never a reason to stop. */
function progressReporter(job: Job, logger: Pick<Logger, 'debug'>) {
  let reportedAt = performance.now();
  return (progress: SyncProgress): Promise<void> | undefined => {
    const now = performance.now();
    if (progress.phase !== 'done' && now - reportedAt < PROGRESS_EVERY_MS) return undefined;
    reportedAt = now;
    return job.updateProgress(progress).catch((error: unknown) => logger.debug({ err: error }, 'could not report progress'));
  };
}

/** 1–2 s: long enough not to spin on the lock, short enough to run right after the sync that holds it. */
const lockWaitMs = () => 1_000 + Math.floor(Math.random() * 1_000);

async function delay(job: Job, token: string | undefined, waitMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + waitMs, token);
  throw new DelayedError();
}

export function inventorySyncProcessor(deps: InventorySyncJobDependencies): InventorySyncProcessor {
  const inHand = new Set<AbortController>();
  const interruptAll = (reason: string) => {
    for (const controller of inHand) controller.abort(new SyncInterrupted(reason));
  };

  const processor = defineProcessor(
    'inventory-sync',
    async ({ storeId, trigger, acceptShrink }, job, { logger, token }): Promise<SyncOutcome> => {
      const controller = new AbortController();
      let lock;
      try {
        lock = await acquireStoreLock(deps.redis, storeLockKey(deps.queuePrefix, storeId), {
          ttlMs: deps.lockTtlMs,
          onLost: (reason) => controller.abort(new StoreLockLost(reason)),
        });
      } catch (error) {
        const waitMs = lockWaitMs();
        logger.warn({ err: error, waitMs }, 'the store lock could not be taken (Redis did not answer); the sync runs in a moment');
        deps.metrics?.jobOutcome('delayed');
        return delay(job, token, waitMs);
      }
      if (!lock) {
        if (trigger === 'scheduled') {
          logger.info({ trigger }, 'inventory sync skipped: another sync of this store is running');
          deps.metrics?.jobOutcome('skipped');
          return { status: 'skipped', reason: 'another sync of this store was running' };
        }
        const waitMs = lockWaitMs();
        logger.info({ trigger, waitMs }, 'another sync of this store is running; this one runs right after it');
        deps.metrics?.jobOutcome('delayed');
        return delay(job, token, waitMs);
      }

      inHand.add(controller);
      const started = Date.now();
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      try {
        const outcome = await syncStore(
          { ...deps, logger },
          {
            storeId,
            trigger,
            acceptShrink,
            jobId: job.id,
            finalAttempt,
            signal: controller.signal,
            lock,
            // Progress is for operators watching Bull Board: never a reason to stop a sync, and throttled.
            onProgress: progressReporter(job, logger),
          },
        );
        if (outcome.status === 'skipped') {
          logger.info({ trigger }, `inventory sync skipped: ${outcome.reason}`);
        } else {
          deps.metrics?.syncFinished(outcome.status, (Date.now() - started) / 1000, outcome.counts);
          // Only a store with a status webhook URL hears of it (told by the run's finish: no statement of its own).
          if (outcome.announce) await announceMenuSynced(deps, { storeId, runId: outcome.runId, counts: outcome.counts }, logger);
        }
        deps.metrics?.jobOutcome(outcome.status);
        return outcome;
      } catch (error) {
        if (!(error instanceof SyncFailed)) {
          // Outside the sync's own bookkeeping (the lock's Redis, say): BullMQ retries it.
          logger.error({ err: error }, 'inventory sync job error');
          throw error;
        }
        const { handling } = error;
        switch (handling.action) {
          case 'fail':
            deps.metrics?.jobOutcome('failed');
            throw new UnrecoverableError(handling.reason);
          case 'retry':
            deps.metrics?.jobOutcome(finalAttempt ? 'failed' : 'retried');
            throw new Error(handling.reason, { cause: error });
          case 'delay':
            deps.metrics?.jobOutcome('delayed');
            return await delay(job, token, handling.waitMs);
          case 'hand-back':
            deps.metrics?.jobOutcome('handed_back');
            return await delay(job, token, 0);
        }
      } finally {
        inHand.delete(controller);
        await lock
          .release()
          .catch((releaseError: unknown) => logger.warn({ err: releaseError }, 'could not release the store lock; it expires by itself'));
      }
    },
    {
      concurrency: INVENTORY_SYNC_CONCURRENCY,
      // On shutdown the worker stops taking jobs; the syncs in hand get a moment, then go back to the queue for another worker.
      interruptOnShutdown: { afterMs: SHUTDOWN_GRACE_MS, run: () => interruptAll('the worker is shutting down; the sync was handed back') },
    },
  );
  return { ...processor, interruptAll };
}
