import { StoreLockLost } from './failures';
import type { ProductSql, ProductSqlPool } from './write-products';

/**
 * Fencing the sync's writes to a store's menu. The store lock (store-lock.ts) hands every holder a token greater
 * than all earlier ones; `stores.sync_fence` keeps the token of the last sync that wrote the menu. PostgreSQL, not
 * Redis, then decides who may write, in the same transaction as the write itself:
 *
 *   UPDATE stores SET sync_fence = $token WHERE id = $store AND sync_fence <= $token
 *
 * No row: a sync with a newer token has written since, and this one (a holder that lost its lock without knowing,
 * say after a pause or a network partition) writes nothing more. The row lock that UPDATE takes lasts until the
 * commit, so a newer holder's claim waits for a stale write in flight and then passes: a stale write can only ever
 * land before the newer sync's, never after.
 *
 * A sync first claims the fence (claimFence) and only then reads what is stored to plan its writes: any stale write
 * that got in before is then visible to the plan and corrected by it.
 */

export interface SyncFence {
  storeId: string;
  token: number;
}

const CLAIM_SQL = 'UPDATE stores SET sync_fence = $2 WHERE id = $1 AND sync_fence <= $2';

async function refusal(sql: ProductSql, fence: SyncFence): Promise<StoreLockLost> {
  const { rows } = await sql.query('SELECT sync_fence::text AS token FROM stores WHERE id = $1', [fence.storeId]);
  const current = (rows[0] as { token: string } | undefined)?.token;
  if (current === undefined) return new StoreLockLost('the store was deleted while it synced');
  return new StoreLockLost(
    `lost the store lock: this sync's fencing token ${fence.token} is older than ${current}, the token of another sync of this store that has written since`,
  );
}

/** Moves the store's fence up to this sync's token, or throws StoreLockLost when a newer sync got there first. */
export async function claimFence(sql: ProductSql, fence: SyncFence): Promise<void> {
  const { rowCount } = await sql.query(CLAIM_SQL, [fence.storeId, fence.token]);
  if (rowCount !== 1) throw await refusal(sql, fence);
}

/**
 * Statements that each run in a transaction of their own that first checks (and holds) the fence: one per batch,
 * so that a sync's writes hold no more row locks, and for no longer, than the statement alone would.
 */
export function fencedStatements(pool: ProductSqlPool, fence: SyncFence): ProductSql {
  return {
    async query(text, values) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN', []);
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      // A connection whose transaction could not be ended cleanly is dropped, not reused.
      let broken: Error | undefined;
      try {
        await claimFence(client, fence);
        const result = await client.query(text, values);
        await client.query('COMMIT', []);
        return result;
      } catch (error) {
        await client.query('ROLLBACK', []).catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}
