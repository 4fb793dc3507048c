import type { PrismaClient, SyncRun } from '../generated/client';

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
