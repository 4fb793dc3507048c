import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@flowhub-sync/config';
import { readFeedMemo, saveFeedMemo, type ProductSql } from '@flowhub-sync/db';
import { decodeFeedMemo, encodeFeedMemo } from './feed-memo-codec';
import type { FeedMemo, FeedRead, SharedFeed } from './feed-memo';

/*
 * The feed memo shared by every inventory worker, in PostgreSQL (`feed_memos`, packages/db/src/sync/feed-memos.ts).
 * Any worker may sync any store (BullMQ hands a store's job to whichever is free), so a memo held by one process only
 * recalls a store's rows when the same worker synced it last. After each sync the store's feed as remembered (rows,
 * products' facts, order) is saved; before the next, a worker whose own memory of the store is not that generation
 * reads it back. A memo is a function of the rows' bytes, of the store's settings and of the code that parsed and
 * mapped them: its key digests the settings (the memo key of sync-store.ts) and this build's code (codeIdentity), so a
 * worker of another version, or under other settings, never recalls it.
 */

/** The store's settings' memo key, with this build's code: the shared memo's key. */
export function sharedMemoKey(memoKey: string): string {
  return createHash('sha256').update(codeIdentity()).update('\n').update(memoKey).digest('base64url');
}

let identity: string | undefined;

/**
 * This build's code that a memo depends on: the digest of the files of the packages that check rows (flowhub-client),
 * select and map them (mapping) and remember them (this one), as loaded (built JavaScript, or TypeScript under test).
 */
export function codeIdentity(): string {
  if (identity === undefined) {
    const hash = createHash('sha256');
    for (const directory of [
      path.dirname(require.resolve('@flowhub-sync/flowhub-client')),
      path.dirname(require.resolve('@flowhub-sync/mapping')),
      __dirname,
    ]) {
      for (const file of codeFiles(directory))
        hash.update(path.relative(directory, file)).update('\0').update(readFileSync(file)).update('\0');
    }
    identity = hash.digest('base64url');
  }
  return identity;
}

function codeFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(js|ts)$/.test(name) && !/\.(d|test)\.ts$|\.test\.js$/.test(name))
    .sort()
    .map((name) => path.join(directory, name));
}

export interface SharedFeedMemo {
  sql: ProductSql;
  logger: Pick<Logger, 'warn'>;
}

/**
 * The store's last feed as the shared memo has it, when it is newer than what `memo` holds of the store under these
 * settings; undefined otherwise, or when it cannot be read (then the sync recalls what it holds, or nothing: slower,
 * never wrong).
 */
export async function readSharedFeed(
  shared: SharedFeedMemo,
  memo: FeedMemo,
  storeId: string,
  memoKey: string,
): Promise<SharedFeed | undefined> {
  // Nothing to read when this worker remembers nothing, or is saving the store's newest feed itself.
  if (memo.maxRows === 0 || memo.isSharing(storeId)) return undefined;
  try {
    const saved = await readFeedMemo(shared.sql, storeId, sharedMemoKey(memoKey), memo.heldGeneration(storeId, memoKey));
    if (!saved) return undefined;
    return { ...decodeFeedMemo(saved.memo, { shared: memo.shared, sharedMisses: memo.sharedMisses }), generation: saved.generation };
  } catch (error) {
    shared.logger.warn({ storeId, err: error }, 'could not read the shared feed memo: the sync parses every row');
    return undefined;
  }
}

/**
 * Shares the feed a sync committed (FeedRead.commit), once the sync is done (the next turn of the event loop: the sync's
 * answer does not wait for it): saved unless it is, unchanged, the generation it recalled. A store's feed larger than
 * the memo keeps (FeedMemo.maxStoreRows) is not shared either. The memo tracks the save (FeedMemo.track): until it is
 * done, the worker's next sync of the store recalls the feed it holds. Failures are logged: a memo not saved costs the
 * next sync time, not correctness; nor does a save that lands after a newer one (its feed is older, still true).
 * Returns when the save is done (it never rejects).
 */
export function shareFeed(shared: SharedFeedMemo, memo: FeedMemo, read: FeedRead, storeId: string, memoKey: string): Promise<void> {
  return memo.track(storeId, saveFeed(shared, memo, read, storeId, memoKey));
}

async function saveFeed(shared: SharedFeedMemo, memo: FeedMemo, read: FeedRead, storeId: string, memoKey: string): Promise<void> {
  await nextTurn();
  try {
    const { feed, unchanged } = read.committed();
    if (unchanged && read.recalledGeneration !== null) {
      memo.markShared(storeId, memoKey, read.recalledGeneration);
      return;
    }
    if (feed.rows.size === 0 || feed.rows.size > memo.maxStoreRows) return;
    const saved = await saveFeedMemo(shared.sql, storeId, sharedMemoKey(memoKey), { rows: feed.rows.size, text: encodeFeedMemo(feed) });
    if (saved !== null) memo.markShared(storeId, memoKey, saved);
  } catch (error) {
    shared.logger.warn({ storeId, err: error }, 'could not save the shared feed memo: the next sync of the store may parse every row');
  }
}
