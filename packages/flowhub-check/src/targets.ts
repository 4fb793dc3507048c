import { ConfigError, loadEnv, type SecretBox } from '@flowhub-sync/config';
import { createPrismaClient, readCategoryMappingRows, readStoreCheckSettings, type PrismaClient } from '@flowhub-sync/db';
import type { AiqCategory, PurchaseCategoryFilter } from '@flowhub-sync/mapping';
import { Pool } from 'pg';
import { z } from 'zod';
import type { CheckTarget } from './check';

/** A check that cannot start: wrong arguments, environment or store. Its message is the reason of the failed line. */
export class CheckSetupError extends Error {
  override readonly name = 'CheckSetupError';
}

const required = z.string();

/** The settings of a store that is not saved yet, as the integration form asks for them. */
export const checkCredentialsEnv = {
  FLOWHUB_CLIENT_ID: required,
  FLOWHUB_API_KEY: required,
  FLOWHUB_LOCATION_ID: required,
  FLOWHUB_ORDER_AHEAD_CLIENT_ID: z.string().optional(),
  FLOWHUB_ORDER_AHEAD_TOKEN: z.string().optional(),
};

/** loadEnv, its ConfigError turned into the check's own (every wrong variable named, on one line). */
export function loadCheckEnv<S extends Record<string, z.ZodType>>(shape: S, env: NodeJS.ProcessEnv): z.infer<z.ZodObject<S>> {
  try {
    return loadEnv(shape, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CheckSetupError(error.problems.join('; '));
    throw error;
  }
}

/** Without `--store`: the credentials from FLOWHUB_CLIENT_ID, FLOWHUB_API_KEY, FLOWHUB_LOCATION_ID (and Order Ahead's). */
export function targetFromEnvironment(env: NodeJS.ProcessEnv): CheckTarget {
  const vars = loadCheckEnv(checkCredentialsEnv, env);
  const orderAheadClientId = vars.FLOWHUB_ORDER_AHEAD_CLIENT_ID;
  const orderAheadToken = vars.FLOWHUB_ORDER_AHEAD_TOKEN;
  if (Boolean(orderAheadClientId) !== Boolean(orderAheadToken)) {
    const missing = orderAheadClientId ? 'FLOWHUB_ORDER_AHEAD_TOKEN' : 'FLOWHUB_ORDER_AHEAD_CLIENT_ID';
    const given = orderAheadClientId ? 'FLOWHUB_ORDER_AHEAD_CLIENT_ID' : 'FLOWHUB_ORDER_AHEAD_TOKEN';
    throw new CheckSetupError(`${missing} is required with ${given} (set both to check the Order Ahead token, or neither)`);
  }
  return {
    source: { kind: 'environment' },
    clientId: vars.FLOWHUB_CLIENT_ID,
    apiKey: vars.FLOWHUB_API_KEY,
    locationId: vars.FLOWHUB_LOCATION_ID,
    orderAhead: orderAheadClientId && orderAheadToken ? { clientId: orderAheadClientId, clientSecret: orderAheadToken } : null,
    filter: { roomIds: [], purchaseCategory: 'all' },
    mapping: { mapCustomCategoryToSubCategory: false, pricesIncludeTax: false, categoryMappings: { useDefaults: true, rows: [] } },
  };
}

/**
 * With `--store <storeId>`: the store's saved settings, secrets opened with the SecretBox (ENCRYPTION_KEY, and
 * ENCRYPTION_KEYS_OLD during a rotation). The database session is read-only (`default_transaction_read_only`): the
 * check cannot write there even by mistake, and it is closed before Flowhub is called.
 */
export async function targetFromStore(databaseUrl: string, secrets: Pick<SecretBox, 'decrypt'>, storeId: string): Promise<CheckTarget> {
  const { prisma, close } = openReadOnlyDatabase(databaseUrl);
  try {
    const store = await readStoreCheckSettings(prisma, storeId);
    if (!store) throw new CheckSetupError(`store ${storeId} is not in the database (no Flowhub settings were ever saved for it)`);
    const missing = (['clientId', 'apiKeyEncrypted', 'locationId'] as const)
      .filter((name) => !store[name]?.trim())
      .map((name) => (name === 'apiKeyEncrypted' ? 'apiKey' : name));
    if (missing.length > 0) throw new CheckSetupError(`store ${storeId}'s Flowhub settings lack ${missing.join(', ')}: save them first`);
    // As the sync maps (packages/inventory-sync/src/sync-store.ts): the store's rows in the order they were made.
    const mappings = await readCategoryMappingRows(prisma, storeId);
    const open = (sealed: string, what: string) => {
      try {
        return secrets.decrypt(sealed);
      } catch (error) {
        throw new CheckSetupError(`store ${storeId}'s ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const orderAhead =
      store.orderAheadClientId?.trim() && store.orderAheadTokenEncrypted
        ? { clientId: store.orderAheadClientId, clientSecret: open(store.orderAheadTokenEncrypted, 'Order Ahead Token') }
        : null;
    return {
      source: { kind: 'store', storeId: store.id, enabled: store.enabled, syncOrders: store.syncOrders, categoryMappings: mappings.length },
      clientId: store.clientId!,
      apiKey: open(store.apiKeyEncrypted!, 'API Key'),
      locationId: store.locationId!,
      orderAhead,
      filter: { roomIds: store.roomIds, purchaseCategory: store.purchaseCategory as PurchaseCategoryFilter },
      mapping: {
        mapCustomCategoryToSubCategory: store.mapCustomCategoryToSubCategory,
        pricesIncludeTax: store.pricesIncludeTax,
        categoryMappings: {
          useDefaults: store.categoryUseDefaults,
          rows: mappings.map((row) => ({ flowhubValue: row.flowhubValue, category: row.category as AiqCategory })),
        },
      },
    };
  } finally {
    await close();
  }
}

/** A Prisma client on one connection whose transactions are all read-only: PostgreSQL refuses any write. */
export function openReadOnlyDatabase(databaseUrl: string): { prisma: PrismaClient; close(): Promise<void> } {
  const pool = new Pool({ connectionString: databaseUrl, max: 1, options: '-c default_transaction_read_only=on' });
  pool.on('error', () => {}); // an idle connection dying is not the check's business: the next query fails instead
  const prisma = createPrismaClient(databaseUrl, { pool });
  return {
    prisma,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
