import { claimSyncFence, fencedStatements as dbFencedStatements, SyncFenceRefused, type SyncFence } from '@flowhub-sync/db';
import { StoreLockLost } from './failures';
import type { ProductSql, ProductSqlPool } from './write-products';

/**
 * The sync's writes are fenced by the store lock's token (packages/db/src/sync/fence.ts says how); a refused
 * claim means this sync lost its lock: StoreLockLost, so the run fails without retry and writes nothing more.
 */
export type { SyncFence };

const asLockLost = (error: unknown) => (error instanceof SyncFenceRefused ? new StoreLockLost(error.message) : error);

export async function claimFence(sql: ProductSql, fence: SyncFence): Promise<void> {
  await claimSyncFence(sql, fence).catch((error: unknown) => {
    throw asLockLost(error);
  });
}

export function fencedStatements(pool: ProductSqlPool, fence: SyncFence): ProductSql {
  const statements = dbFencedStatements(pool, fence);
  return {
    query: (text, values) =>
      statements.query(text, values).catch((error: unknown) => {
        throw asLockLost(error);
      }),
  };
}
