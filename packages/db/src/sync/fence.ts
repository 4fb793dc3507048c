/** Plain SQL as the inventory sync writes it: a statement runner, and a pool that lends one connection. */
export interface FenceSql {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}
export interface FenceSqlPool extends FenceSql {
  connect(): Promise<FenceSql & { release(error?: Error | boolean): void }>;
}

/**
 * Fencing the sync's writes to a store's menu. The store lock (packages/inventory-sync/src/store-lock.ts) hands every
 * holder a token greater than all earlier ones; `stores.sync_fence` keeps the token of the last sync that wrote the
 * menu. PostgreSQL, not Redis, then decides who may write, in the same transaction as the write itself:
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

/** Why a claim was refused: a newer sync's token is on the store (`currentToken`), or the store is gone (null). */
export class SyncFenceRefused extends Error {
  constructor(
    readonly fence: SyncFence,
    readonly currentToken: string | null,
  ) {
    super(
      currentToken === null
        ? 'the store was deleted while it synced'
        : `lost the store lock: this sync's fencing token ${fence.token} is older than ${currentToken}, the token of another sync of this store that has written since`,
    );
    this.name = 'SyncFenceRefused';
  }
}

const CLAIM_SQL = 'UPDATE stores SET sync_fence = $2 WHERE id = $1 AND sync_fence <= $2';

/** Moves the store's fence up to this sync's token, or throws SyncFenceRefused when a newer sync got there first. */
export async function claimSyncFence(sql: FenceSql, fence: SyncFence): Promise<void> {
  const { rowCount } = await sql.query(CLAIM_SQL, [fence.storeId, fence.token]);
  if (rowCount === 1) return;
  const { rows } = await sql.query('SELECT sync_fence::text AS token FROM stores WHERE id = $1', [fence.storeId]);
  throw new SyncFenceRefused(fence, (rows[0] as { token: string } | undefined)?.token ?? null);
}

/**
 * Statements that each run in a transaction of their own that first checks (and holds) the fence: one per batch,
 * so that a sync's writes hold no more row locks, and for no longer, than the statement alone would.
 */
export function fencedStatements(pool: FenceSqlPool, fence: SyncFence): FenceSql {
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
        await claimSyncFence(client, fence);
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
