import type { PrismaClient } from './generated/client';

/** A store's Category Settings (mapping-rules.md) as saved: whether the defaults apply, and its own rows in their order. */
export interface StoredCategoryMappings {
  useDefaults: boolean;
  rows: Array<{ flowhubValue: string; category: string }>;
}

/** The store's Category Settings; null when there is no such store. */
export async function readCategoryMappings(prisma: PrismaClient, storeId: string): Promise<StoredCategoryMappings | null> {
  const [store, rows] = await Promise.all([
    prisma.store.findUnique({ where: { id: storeId }, select: { categoryUseDefaults: true } }),
    prisma.categoryMapping.findMany({ where: { storeId }, orderBy: { createdAt: 'asc' } }),
  ]);
  if (!store) return null;
  return { useDefaults: store.categoryUseDefaults, rows: rows.map((row) => ({ flowhubValue: row.flowhubValue, category: row.category })) };
}

/** Replaces the store's Category Settings in one transaction; `flowhubKey`: each row's lookup key (normalizeMappingKey). */
export async function replaceCategoryMappings(
  prisma: PrismaClient,
  storeId: string,
  mappings: { useDefaults: boolean; rows: ReadonlyArray<{ flowhubValue: string; flowhubKey: string; category: string }> },
): Promise<void> {
  await prisma.$transaction([
    prisma.store.update({ where: { id: storeId }, data: { categoryUseDefaults: mappings.useDefaults } }),
    prisma.categoryMapping.deleteMany({ where: { storeId } }),
    prisma.categoryMapping.createMany({
      data: mappings.rows.map((row) => ({ storeId, flowhubValue: row.flowhubValue, flowhubKey: row.flowhubKey, category: row.category })),
    }),
  ]);
}

/**
 * The store's own Category Settings rows in the order they were made (by key among those made together), as a check of
 * the store's settings reads them (packages/flowhub-check): the order the inventory sync reads them in, with its
 * settings (readStoreSyncSettings, ./sync/sync-settings.ts).
 */
export async function readCategoryMappingRows(prisma: PrismaClient, storeId: string): Promise<StoredCategoryMappings['rows']> {
  return prisma.categoryMapping.findMany({
    where: { storeId },
    orderBy: [{ createdAt: 'asc' }, { flowhubKey: 'asc' }],
    select: { flowhubValue: true, category: true },
  });
}
