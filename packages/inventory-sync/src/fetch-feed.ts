import { rowDigest, type FlowhubClient } from '@flowhub-sync/flowhub-client';
import { selectFeedRows, type FeedFilter, type FeedProblem, type UnreadableRows } from '@flowhub-sync/mapping';
import { FeedMemo, type FeedItem, type FeedRead } from './feed-memo';

// Which rows sync is the mapping package's (selectFeedRows, shared with `npm run flowhub:check`); this module fetches.
export type { FeedProblem, UnreadableRows };

/** What of a store's settings decides its feed (docs/mapping-rules.md "Which rows sync"). */
export interface FeedSettings extends FeedFilter {
  clientId: string;
  apiKey: string;
  locationId: string;
}

export interface Feed {
  /**
   * One row per variant that syncs, quantities summed over its packages and the chosen rooms: what the feed memo keeps
   * of it (its whole row is the read's: FeedRead.materialize).
   */
  rows: FeedItem[];
  /** Rows Flowhub sent, good and bad. */
  fetched: number;
  /** Rows skipped as malformed, each with its reason. */
  invalid: FeedProblem[];
  /** Products listed on rows that could not be read (UnreadableRows in packages/mapping/src/feed.ts). */
  unreadable: UnreadableRows;
  /** Rows left out by the filters (not problems: the store asked for it). */
  outsideRooms: number;
  outsidePurchaseCategory: number;
  /** Packages of a variant beyond its first, added to it; rows repeating a (room, package) of their variant (counted once). */
  packagesMerged: number;
  repeatedRows: number;
}

export interface FetchFeedOptions {
  /** The read of the store's feed memo: rows it recalls are not parsed again (feed-memo.ts). Default: one that recalls nothing. */
  read?: FeedRead;
  signal?: AbortSignal;
  /** How long to wait for a slot of the shared request budget before giving up as rate_limited. */
  budgetWaitMs?: number;
}

/** Fetches the location's inventory and keeps the rows the store's filters let through. */
export async function fetchFeed(flowhub: FlowhubClient, settings: FeedSettings, options: FetchFeedOptions = {}): Promise<Feed> {
  const read = options.read ?? new FeedMemo({ maxRows: 0 }).begin('', '');
  const byRooms = settings.roomIds.length > 0;
  const answer = await flowhub.getInventory(
    { clientId: settings.clientId, apiKey: settings.apiKey, locationId: settings.locationId },
    { byRooms, signal: options.signal, budgetWaitMs: options.budgetWaitMs, memo: read },
  );
  // A client that keeps no digests (a stand-in) has its rows' digests taken from their JSON.
  const digests = answer.digests ?? answer.rows.map((row) => rowDigest(Buffer.from(JSON.stringify(row))));
  const rows: FeedItem[] = answer.rows.map((row, i) => read.item(row, digests[i]));
  const selection = selectFeedRows({ rows, problems: answer.problems }, settings, { byRooms, sameContent: read.sameContent });
  return { ...selection, fetched: answer.fetched };
}
