import type { FlowhubClient, FlowhubInventoryRow } from '@flowhub-sync/flowhub-client';
import { selectFeedRows, type FeedFilter, type FeedProblem, type UnreadableRows } from '@flowhub-sync/mapping';

// Which rows sync is the mapping package's (selectFeedRows, shared with `npm run flowhub:check`); this module fetches.
export type { FeedProblem, UnreadableRows };

/** What of a store's settings decides its feed (docs/mapping-rules.md "Which rows sync"). */
export interface FeedSettings extends FeedFilter {
  clientId: string;
  apiKey: string;
  locationId: string;
}

export interface Feed {
  /** One row per variant that syncs, quantities summed over its packages and the chosen rooms. */
  rows: FlowhubInventoryRow[];
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
  signal?: AbortSignal;
  /** How long to wait for a slot of the shared request budget before giving up as rate_limited. */
  budgetWaitMs?: number;
}

/** Fetches the location's inventory and keeps the rows the store's filters let through. */
export async function fetchFeed(flowhub: FlowhubClient, settings: FeedSettings, options: FetchFeedOptions = {}): Promise<Feed> {
  const byRooms = settings.roomIds.length > 0;
  const answer = await flowhub.getInventory(
    { clientId: settings.clientId, apiKey: settings.apiKey, locationId: settings.locationId },
    { byRooms, signal: options.signal, budgetWaitMs: options.budgetWaitMs },
  );
  const selection = selectFeedRows(answer, settings, { byRooms });
  return { ...selection, fetched: answer.fetched };
}
