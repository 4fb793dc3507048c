import type { FenceSql } from './fence';

/*
 * The inventory workers' shared memory of each store's last feed (`feed_memos`): what the feed memo
 * (packages/inventory-sync/src/feed-memo.ts) remembers, encoded by it, kept here so that a re-sync on any worker, or on
 * a worker just started, parses only the rows that changed. A memo is a function of its key (the store's settings and
 * the code that made it) and of the rows' bytes, never of what is stored in the menu: a memo written by a sync that
 * lost its lock is as true as any, so its writes are not fenced.
 */

/** A store's shared feed memo, as saved. */
export interface SavedFeedMemo {
  /** Grows with every save of the store's memo (a bigint, as text). */
  generation: string;
  /** The memo as its codec wrote it (JSON). */
  memo: string;
}

/**
 * The store's memo saved under `key`, unless it is the generation the caller already holds (`held`): null when there
 * is none under this key, or nothing newer than what the caller holds.
 */
export async function readFeedMemo(sql: FenceSql, storeId: string, key: string, held: string | null): Promise<SavedFeedMemo | null> {
  const { rows } = await sql.query({
    name: 'read-feed-memo',
    text: 'SELECT generation::text AS generation, memo FROM feed_memos WHERE store_id = $1 AND key = $2 AND generation IS DISTINCT FROM $3::bigint',
    values: [storeId, key, held],
  });
  return (rows[0] as SavedFeedMemo | undefined) ?? null;
}

/**
 * Saves the store's memo under `key`, replacing the one saved before: its generation, or null when the store is gone
 * (deleted while it synced: nothing to remember).
 */
export async function saveFeedMemo(
  sql: FenceSql,
  storeId: string,
  key: string,
  memo: { rows: number; text: string },
): Promise<string | null> {
  const { rows } = await sql.query({
    name: 'save-feed-memo',
    text: `INSERT INTO feed_memos (store_id, key, generation, rows, memo, updated_at)
     SELECT id, $2, 1, $3, $4, now() FROM stores WHERE id = $1
     ON CONFLICT (store_id) DO UPDATE
       SET key = excluded.key, generation = feed_memos.generation + 1, rows = excluded.rows, memo = excluded.memo,
           updated_at = excluded.updated_at
     RETURNING generation::text AS generation`,
    values: [storeId, key, memo.rows, memo.text],
  });
  return (rows[0] as { generation: string } | undefined)?.generation ?? null;
}
