import type { PrismaClient, PushState } from './generated/client';

/*
 * What the producer's /metrics gauges read from the database when Prometheus scrapes (apps/producer/src/metrics.ts):
 * read-only statements over whole tables, never on a request's path.
 */

/** Seconds since each enabled store's last successful sync (when it never had one: since its row last changed, its enabling). */
export async function lastGoodSyncAges(prisma: PrismaClient): Promise<Array<{ store: string; age: number }>> {
  return prisma.$queryRaw<{ store: string; age: number }[]>`
        SELECT s.id AS store,
               EXTRACT(EPOCH FROM (now() - COALESCE(MAX(r.finished_at), s.updated_at)))::float8 AS age
        FROM stores s
        LEFT JOIN sync_runs r ON r.store_id = s.id AND r.status = 'succeeded'
        WHERE s.enabled
        GROUP BY s.id, s.updated_at`;
}

/** The holds in state held: how many, and how many units they keep (0 for none). */
export async function activeHolds(prisma: PrismaClient): Promise<{ holds: number; units: number }> {
  const [row] = await prisma.$queryRaw<{ count: bigint; units: number | null }[]>`
        SELECT count(*) AS count, sum(quantity)::float8 AS units FROM inventory_holds WHERE state = 'held'`;
  return { holds: Number(row?.count ?? 0), units: row?.units ?? 0 };
}

/** How many orders each store has in each push state it has orders in. */
export async function orderCountsByPushState(prisma: PrismaClient): Promise<Array<{ store: string; state: PushState; count: number }>> {
  return prisma.$queryRaw<{ store: string; state: PushState; count: number }[]>`
        SELECT store_id AS store, push_state::text AS state, count(*)::int AS count FROM orders GROUP BY store_id, push_state`;
}
