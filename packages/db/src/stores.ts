import type { PrismaClient, Store } from './generated/client';
import type { Sql } from './sql';

/** What opens a store's sealed secrets (the SecretBox of @flowhub-sync/config): workers open them per job, never log or queue them. */
export interface SecretOpener {
  decrypt(ciphertext: string): string;
}

export async function findStore(prisma: PrismaClient, storeId: string): Promise<Store | null> {
  return prisma.store.findUnique({ where: { id: storeId } });
}

export async function storeExists(prisma: PrismaClient, storeId: string): Promise<boolean> {
  return (await prisma.store.findUnique({ where: { id: storeId }, select: { id: true } })) !== null;
}

/** Whether the store's integration is enabled; null when there is no such store. */
export async function isStoreEnabled(prisma: PrismaClient, storeId: string): Promise<boolean | null> {
  const store = await prisma.store.findUnique({ where: { id: storeId }, select: { enabled: true } });
  return store ? store.enabled : null;
}

/** The settings a PUT of the store's settings writes: every one of them (replace semantics), secrets sealed. */
export type StoreSettings = Omit<Store, 'id' | 'categoryUseDefaults' | 'lastStatusPollAt' | 'syncFence' | 'createdAt' | 'updatedAt'>;

/** Writes a store's settings, creating the store at its first save. */
export async function saveStoreSettings(prisma: PrismaClient, storeId: string, settings: StoreSettings): Promise<Store> {
  return prisma.store.upsert({ where: { id: storeId }, create: { id: storeId, ...settings }, update: settings });
}

/** Turns the store's integration off, keeping its settings and data. */
export async function disableStore(prisma: PrismaClient, storeId: string): Promise<void> {
  await prisma.store.update({ where: { id: storeId }, data: { enabled: false } });
}

/** What taking an order needs of its store. */
export type StoreOrderSettings = Pick<Store, 'enabled' | 'syncOrders' | 'quantityThreshold'>;

/** The store's order settings, on plain SQL: read at every order create (a named statement, docs/PERFORMANCE.md). */
export async function loadStoreOrderSettings(sql: Sql, storeId: string): Promise<StoreOrderSettings | null> {
  const { rows } = await sql.query<StoreOrderSettings>({
    name: 'store-order-settings',
    text: 'SELECT enabled, sync_orders AS "syncOrders", quantity_threshold AS "quantityThreshold" FROM stores WHERE id = $1',
    values: [storeId],
  });
  return rows[0] ?? null;
}

/** Every store's switches that decide its schedules (packages/queues/src/schedules.ts, storeSchedules). */
export async function listStoreSwitches(prisma: PrismaClient): Promise<Array<Pick<Store, 'id' | 'enabled' | 'syncOrders'>>> {
  return prisma.store.findMany({ select: { id: true, enabled: true, syncOrders: true } });
}
