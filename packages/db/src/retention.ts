import type { PrismaClient } from './generated/client';

export interface RetentionPolicy {
  /** Sync runs older than this are deleted… */
  syncRunMaxAgeDays: number;
  /** …and so are a store's runs beyond its newest N (the newest succeeded run is always kept: the shrink guard needs it). */
  syncRunsPerStore: number;
  /** Delivered or failed webhook deliveries older than this are deleted. */
  webhookDeliveryMaxAgeDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { syncRunMaxAgeDays: 30, syncRunsPerStore: 500, webhookDeliveryMaxAgeDays: 14 };

/**
 * Keeps PostgreSQL from growing without end (Redis has BullMQ's removeOnComplete / removeOnFail).
 * Set-based deletes, so one run stays cheap however many stores there are.
 */
export async function applyRetention(prisma: PrismaClient, policy: RetentionPolicy = DEFAULT_RETENTION, now = new Date()) {
  const runCutoff = new Date(now.getTime() - policy.syncRunMaxAgeDays * 86_400_000);
  const deliveryCutoff = new Date(now.getTime() - policy.webhookDeliveryMaxAgeDays * 86_400_000);
  const syncRuns = await prisma.$executeRaw`
    DELETE FROM sync_runs r
    USING (
      SELECT id,
             row_number() OVER (PARTITION BY store_id ORDER BY created_at DESC) AS newest,
             row_number() OVER (PARTITION BY store_id, (status = 'succeeded') ORDER BY finished_at DESC NULLS LAST) AS newest_of_kind,
             status, created_at
      FROM sync_runs
    ) ranked
    WHERE r.id = ranked.id
      AND NOT (ranked.status = 'succeeded' AND ranked.newest_of_kind = 1)
      AND ranked.status NOT IN ('queued', 'running')
      AND (ranked.created_at < ${runCutoff} OR ranked.newest > ${policy.syncRunsPerStore})`;
  const webhookDeliveries = await prisma.$executeRaw`
    DELETE FROM webhook_deliveries
    WHERE status IN ('delivered', 'failed') AND created_at < ${deliveryCutoff}`;
  return { syncRuns, webhookDeliveries };
}
