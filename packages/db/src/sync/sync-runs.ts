import type { Prisma, PrismaClient, SyncRun, SyncTrigger } from '../generated/client';

/** The store's most recent sync runs, newest first. */
export async function listSyncRuns(prisma: PrismaClient, storeId: string, limit: number): Promise<SyncRun[]> {
  return prisma.syncRun.findMany({ where: { storeId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
}

/** The store's last sync that started (a queued one is not a sync yet), and when its last successful one finished. */
export async function syncStatusOf(
  prisma: PrismaClient,
  storeId: string,
): Promise<{ lastSync: SyncRun | null; lastGoodSyncAt: Date | null }> {
  const [lastSync, lastGood] = await Promise.all([
    prisma.syncRun.findFirst({ where: { storeId, status: { not: 'queued' } }, orderBy: { createdAt: 'desc' } }),
    prisma.syncRun.findFirst({ where: { storeId, status: 'succeeded' }, orderBy: { finishedAt: 'desc' }, select: { finishedAt: true } }),
  ]);
  return { lastSync, lastGoodSyncAt: lastGood?.finishedAt ?? null };
}

/** Those of the stores that have any sync run at all (a store without one never had its first sync). */
export async function storesWithSyncRuns(prisma: PrismaClient, storeIds: readonly string[]): Promise<Set<string>> {
  const rows = await prisma.syncRun.groupBy({ by: ['storeId'], where: { storeId: { in: [...storeIds] } } });
  return new Set(rows.map((row) => row.storeId));
}

/**
 * The run a sync records into (packages/inventory-sync/src/sync-store.ts), marked running from `startedAt`. A job that
 * runs again (a retry, a delay, a hand-back: the same `jobId`) keeps its run; any other run of the store still marked
 * running was left by a worker that died and is marked failed: the caller holds the store's lock, so nothing else can be
 * running.
 */
export async function startSyncRun(
  prisma: PrismaClient,
  request: { storeId: string; jobId?: string; trigger: SyncTrigger; acceptShrink: boolean },
  startedAt: Date,
): Promise<SyncRun> {
  const { storeId, jobId } = request;
  const own = jobId
    ? await prisma.syncRun.findFirst({ where: { storeId, jobId, status: { in: ['queued', 'running'] } }, orderBy: { createdAt: 'desc' } })
    : null;
  await prisma.syncRun.updateMany({
    where: { storeId, status: 'running', ...(own ? { id: { not: own.id } } : {}) },
    data: { status: 'failed', finishedAt: startedAt, error: 'interrupted: the worker running this sync stopped before it finished' },
  });
  const fresh = {
    trigger: request.trigger,
    status: 'running' as const,
    acceptShrink: request.acceptShrink,
    startedAt,
    finishedAt: null,
    error: null,
  };
  if (own) return prisma.syncRun.update({ where: { id: own.id }, data: fresh });
  return prisma.syncRun.create({ data: { storeId, jobId: jobId ?? null, ...fresh } });
}

/** What the shrink guard compares a sync with: the store's last successful run other than `runId`, or null. */
export async function lastSucceededSyncRun(
  prisma: PrismaClient,
  storeId: string,
  runId: string,
): Promise<Pick<SyncRun, 'kept' | 'unreadable' | 'feedFingerprint' | 'finishedAt'> | null> {
  return prisma.syncRun.findFirst({
    where: { storeId, status: 'succeeded', id: { not: runId } },
    orderBy: { finishedAt: 'desc' },
    select: { kept: true, unreadable: true, feedFingerprint: true, finishedAt: true },
  });
}

/** A run's counts (the inventory sync's SyncCounts). */
export type SyncRunCounts = Pick<
  SyncRun,
  | 'fetched'
  | 'kept'
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'deactivated'
  | 'invalid'
  | 'uncategorized'
  | 'unknownTerpenes'
  | 'unknownStrainTypes'
  | 'unreadable'
  | 'packagesMerged'
  | 'repeatedRows'
>;

/** Records how a sync that ran to its end went: succeeded, or suspicious with the shrink guard's reason in `error`. */
export async function finishSyncRun(
  prisma: PrismaClient,
  runId: string,
  outcome: {
    status: 'succeeded' | 'suspicious';
    finishedAt: Date;
    counts: SyncRunCounts;
    error: string | null;
    problems: Prisma.InputJsonValue;
    problemsTruncated: boolean;
    feedFingerprint: string;
  },
): Promise<void> {
  await prisma.syncRun.update({
    where: { id: runId },
    data: {
      status: outcome.status,
      finishedAt: outcome.finishedAt,
      ...outcome.counts,
      error: outcome.error,
      problems: outcome.problems,
      problemsTruncated: outcome.problemsTruncated,
      feedFingerprint: outcome.feedFingerprint,
    },
  });
}

/** Records a sync that did not finish: failed (finishedAt set), or queued again (finishedAt null) with why in `error`. */
export async function stopSyncRun(
  prisma: PrismaClient,
  runId: string,
  stop: { status: 'failed' | 'queued'; finishedAt: Date | null; error: string },
): Promise<void> {
  await prisma.syncRun.update({ where: { id: runId }, data: { status: stop.status, finishedAt: stop.finishedAt, error: stop.error } });
}
