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

/** The store's two switches an operator's push request needs (POST …/push); null when there is no such store. */
export async function readStoreSwitches(prisma: PrismaClient, storeId: string): Promise<Pick<Store, 'enabled' | 'syncOrders'> | null> {
  return prisma.store.findUnique({ where: { id: storeId }, select: { enabled: true, syncOrders: true } });
}

/** The store's Order Ahead credentials (the token sealed) for reading order statuses; null when there is no such store. */
export async function findOrderAheadCredentials(
  prisma: PrismaClient,
  storeId: string,
): Promise<Pick<Store, 'orderAheadClientId' | 'orderAheadTokenEncrypted'> | null> {
  return prisma.store.findUnique({ where: { id: storeId }, select: { orderAheadClientId: true, orderAheadTokenEncrypted: true } });
}

/** Notes when the store's order statuses were last polled (a scheduled poll, not a postback's re-read). */
export async function markStatusPolled(prisma: PrismaClient, storeId: string, at: Date): Promise<void> {
  await prisma.store.update({ where: { id: storeId }, data: { lastStatusPollAt: at } });
}

/** What a check of a store's Flowhub settings reads (npm run flowhub:check --store, packages/flowhub-check). */
export type StoreCheckSettings = Pick<
  Store,
  | 'id'
  | 'enabled'
  | 'syncOrders'
  | 'clientId'
  | 'apiKeyEncrypted'
  | 'locationId'
  | 'orderAheadClientId'
  | 'orderAheadTokenEncrypted'
  | 'roomIds'
  | 'purchaseCategory'
  | 'mapCustomCategoryToSubCategory'
  | 'pricesIncludeTax'
  | 'categoryUseDefaults'
>;

/** The store's Flowhub settings as a check of them reads them (secrets sealed); null when there is no such store. */
export async function readStoreCheckSettings(prisma: PrismaClient, storeId: string): Promise<StoreCheckSettings | null> {
  return prisma.store.findUnique({
    where: { id: storeId },
    select: {
      id: true,
      enabled: true,
      syncOrders: true,
      clientId: true,
      apiKeyEncrypted: true,
      locationId: true,
      orderAheadClientId: true,
      orderAheadTokenEncrypted: true,
      roomIds: true,
      purchaseCategory: true,
      mapCustomCategoryToSubCategory: true,
      pricesIncludeTax: true,
      categoryUseDefaults: true,
    },
  });
}
