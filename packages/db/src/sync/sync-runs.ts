import { Prisma, type PrismaClient, type SyncRun, type SyncTrigger } from '../generated/client';
import { reflectedHoldsRelease, type ReflectedHolds } from '../orders/holds';
import { statementName, type FenceSql } from './fence';

/**
 * A statement made with Prisma's `sql` template, named (the name digests its text: statementName). The run's start and
 * finish run for every sync: they go through the sync's pool as named statements, parsed once per connection.
 */
function named(what: string, statement: Prisma.Sql) {
  return { name: statementName(what, statement.text), text: statement.text, values: statement.values };
}

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

/** A SyncRun as Prisma reads it, from `sync_runs` columns (the statements below return whole runs in one round trip). */
const RUN_COLUMNS = Prisma.raw(`id::text AS id, store_id AS "storeId", trigger::text AS trigger, status::text AS status, job_id AS "jobId",
  accept_shrink AS "acceptShrink", started_at AS "startedAt", finished_at AS "finishedAt", fetched, kept, created, updated,
  unchanged, deactivated, invalid, uncategorized, unknown_terpenes AS "unknownTerpenes", unknown_strain_types AS "unknownStrainTypes",
  unreadable, packages_merged AS "packagesMerged", repeated_rows AS "repeatedRows", error, problems,
  problems_truncated AS "problemsTruncated", feed_fingerprint AS "feedFingerprint", created_at AS "createdAt"`);

const INTERRUPTED = 'interrupted: the worker running this sync stopped before it finished';

/** What the shrink guard compares a sync with: the store's last successful run (packages/inventory-sync). */
export type LastGoodSyncRun = Pick<SyncRun, 'kept' | 'unreadable' | 'feedFingerprint' | 'finishedAt'>;

/** A sync's run, started, and the store's last successful run before it (null when there is none). */
export interface StartedSyncRun {
  /** Running, from the database's clock (databaseNow's: whole milliseconds), which decides which holds it releases. */
  run: SyncRun & { startedAt: Date };
  lastGood: LastGoodSyncRun | null;
}

/**
 * The run a sync records into (packages/inventory-sync/src/sync-store.ts), marked running from the database's clock
 * (as databaseNow reads it). A job that runs again (a retry, a delay, a hand-back: the same `jobId`) keeps its run; any
 * other run of the store still marked running was left by a worker that died and is marked failed: the caller holds
 * the store's lock, so nothing else can be running. One statement (it runs for every sync): the clock, the job's own
 * run, the interrupted ones failed, the run resumed or created, and the store's last successful run (never the one
 * started: only a queued or running run is resumed).
 */
export async function startSyncRun(
  sql: FenceSql,
  request: { storeId: string; jobId?: string; trigger: SyncTrigger; acceptShrink: boolean },
): Promise<StartedSyncRun> {
  const { storeId, trigger, acceptShrink } = request;
  const jobId = request.jobId ?? null;
  const statement = Prisma.sql`
    WITH clock AS MATERIALIZED (
      SELECT date_trunc('milliseconds', clock_timestamp()) AS now
    ), own AS (
      SELECT id FROM sync_runs
      WHERE store_id = ${storeId} AND job_id = ${jobId}::text AND status IN ('queued', 'running')
      ORDER BY created_at DESC
      LIMIT 1
    ), interrupted AS (
      UPDATE sync_runs SET status = 'failed', finished_at = (SELECT now FROM clock), error = ${INTERRUPTED}
      WHERE store_id = ${storeId} AND status = 'running' AND id NOT IN (SELECT id FROM own)
    ), resumed AS (
      UPDATE sync_runs SET trigger = ${trigger}::sync_trigger, status = 'running', accept_shrink = ${acceptShrink}::boolean,
        started_at = (SELECT now FROM clock), finished_at = NULL, error = NULL
      WHERE id IN (SELECT id FROM own)
      RETURNING *
    ), created AS (
      INSERT INTO sync_runs (store_id, job_id, trigger, status, accept_shrink, started_at, finished_at, error)
      SELECT ${storeId}, ${jobId}::text, ${trigger}::sync_trigger, 'running'::sync_status, ${acceptShrink}::boolean,
        (SELECT now FROM clock), NULL, NULL
      WHERE NOT EXISTS (SELECT 1 FROM own)
      RETURNING *
    ), last_good AS (
      SELECT json_build_object('kept', kept, 'unreadable', unreadable, 'feedFingerprint', feed_fingerprint, 'finishedAt', finished_at) AS run
      FROM sync_runs
      WHERE store_id = ${storeId} AND status = 'succeeded'
      ORDER BY finished_at DESC
      LIMIT 1
    )
    SELECT ${RUN_COLUMNS}, (SELECT run FROM last_good) AS "lastGood" FROM resumed
    UNION ALL
    SELECT ${RUN_COLUMNS}, (SELECT run FROM last_good) AS "lastGood" FROM created`;
  const { rows } = await sql.query(named('start-sync-run', statement));
  const { lastGood, ...run } = rows[0] as SyncRun & {
    lastGood: (Omit<LastGoodSyncRun, 'finishedAt'> & { finishedAt: string | null }) | null;
  };
  return {
    run: run as SyncRun & { startedAt: Date },
    lastGood: lastGood && { ...lastGood, finishedAt: lastGood.finishedAt === null ? null : new Date(lastGood.finishedAt) },
  };
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

/** Each count's column (every one of SyncRunCounts: a count added there must be given its column here). */
const COUNT_COLUMNS = {
  fetched: 'fetched',
  kept: 'kept',
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  deactivated: 'deactivated',
  invalid: 'invalid',
  uncategorized: 'uncategorized',
  unknownTerpenes: 'unknown_terpenes',
  unknownStrainTypes: 'unknown_strain_types',
  unreadable: 'unreadable',
  packagesMerged: 'packages_merged',
  repeatedRows: 'repeated_rows',
} as const satisfies Record<keyof SyncRunCounts, string>;

/**
 * Records how a sync that ran to its end went: succeeded, or suspicious with the shrink guard's reason in `error`; with
 * `release`, the holds its feed reflects are released in the same statement (reflectedHoldsRelease). One plain
 * statement (it runs for every sync; Prisma's update costs about twice the CPU). Answers how many holds were released,
 * and whether the store wants to hear of the run (`announce`: it has a status webhook URL, for `menu_synced`).
 */
export async function finishSyncRun(
  sql: FenceSql,
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
  release?: Omit<ReflectedHolds, 'at'>,
): Promise<{ releasedHolds: number; announce: boolean }> {
  const counts = Object.entries(COUNT_COLUMNS).map(
    ([field, column]) => Prisma.sql`${Prisma.raw(column)} = ${outcome.counts[field as keyof SyncRunCounts]}::int`,
  );
  const holds = release ? Prisma.sql`${reflectedHoldsRelease({ ...release, at: outcome.finishedAt })},` : Prisma.empty;
  const statement = Prisma.sql`
    WITH ${holds} finished AS (
      UPDATE sync_runs SET status = ${outcome.status}::sync_status, finished_at = ${outcome.finishedAt}::timestamptz,
        ${Prisma.join(counts)}, error = ${outcome.error}::text, problems = ${JSON.stringify(outcome.problems)}::jsonb,
        problems_truncated = ${outcome.problemsTruncated}::boolean, feed_fingerprint = ${outcome.feedFingerprint}::text
      WHERE id = ${runId}::uuid
      RETURNING store_id
    )
    SELECT (SELECT count(*) FROM finished)::int AS runs,
      ${release ? Prisma.sql`(SELECT count(*) FROM released)::int` : Prisma.sql`0`} AS holds,
      EXISTS (SELECT 1 FROM stores s JOIN finished f ON s.id = f.store_id WHERE s.status_webhook_url IS NOT NULL) AS announce`;
  const { rows } = await sql.query(named('finish-sync-run', statement));
  const finished = rows[0] as { runs: number; holds: number; announce: boolean } | undefined;
  // As Prisma's update would: a run that is gone (its store deleted meanwhile) is an error, not a silent no-op.
  if (finished?.runs !== 1) throw new Error(`sync run ${runId} not found: its finish could not be recorded`);
  return { releasedHolds: finished.holds, announce: finished.announce };
}

/** Records a sync that did not finish: failed (finishedAt set), or queued again (finishedAt null) with why in `error`. */
export async function stopSyncRun(
  prisma: PrismaClient,
  runId: string,
  stop: { status: 'failed' | 'queued'; finishedAt: Date | null; error: string },
): Promise<void> {
  await prisma.syncRun.update({ where: { id: runId }, data: { status: stop.status, finishedAt: stop.finishedAt, error: stop.error } });
}
