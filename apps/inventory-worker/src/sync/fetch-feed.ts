import type { FlowhubClient, FlowhubInventoryRow } from '@flowhub-sync/flowhub-client';
import { normalizeRoomId, passesPurchaseCategory, type PurchaseCategoryFilter } from '@flowhub-sync/mapping';

/** What of a store's settings decides its feed (mapping-rules.md "Which rows sync"). */
export interface FeedSettings {
  clientId: string;
  apiKey: string;
  locationId: string;
  /** Empty: every For-Sale room (Flowhub sums them). Otherwise only these rooms, summed per variant. */
  roomIds: readonly string[];
  purchaseCategory: PurchaseCategoryFilter;
}

export interface FeedProblem {
  variantId: string | null;
  reason: string;
}

export interface Feed {
  /** One row per variant that syncs, quantities summed over the chosen rooms. */
  rows: FlowhubInventoryRow[];
  /** Rows Flowhub sent, good and bad. */
  fetched: number;
  /** Rows skipped as malformed, each with its reason. */
  invalid: FeedProblem[];
  /** Rows left out by the filters (not problems: the store asked for it). */
  outsideRooms: number;
  outsidePurchaseCategory: number;
}

export interface FetchFeedOptions {
  signal?: AbortSignal;
  /** How long to wait for a slot of the shared request budget before giving up as rate_limited. */
  budgetWaitMs?: number;
}

// Quantities of weighed items are decimal grams: keep sums over rooms free of floating-point dust.
const roundQuantity = (value: number) => Math.round(value * 1e6) / 1e6;

/** Fetches the location's inventory and keeps the rows the store's filters let through. */
export async function fetchFeed(flowhub: FlowhubClient, settings: FeedSettings, options: FetchFeedOptions = {}): Promise<Feed> {
  const byRooms = settings.roomIds.length > 0;
  const answer = await flowhub.getInventory(
    { clientId: settings.clientId, apiKey: settings.apiKey, locationId: settings.locationId },
    { byRooms, signal: options.signal, budgetWaitMs: options.budgetWaitMs },
  );
  const invalid: FeedProblem[] = answer.problems.map((problem) => ({
    variantId: problem.variantId,
    reason: problem.variantId === null ? `row ${problem.index}: ${problem.reason}` : problem.reason,
  }));
  const chosenRooms = new Set(settings.roomIds.map(normalizeRoomId));
  const byVariant = new Map<string, FlowhubInventoryRow>();
  let outsideRooms = 0;
  let outsidePurchaseCategory = 0;

  for (const row of answer.rows) {
    if (byRooms && (row.roomId === null || !chosenRooms.has(normalizeRoomId(row.roomId)))) {
      outsideRooms += 1;
      continue;
    }
    if (!passesPurchaseCategory(row.purchaseCategory, settings.purchaseCategory)) {
      outsidePurchaseCategory += 1;
      continue;
    }
    const seen = byVariant.get(row.variantId);
    if (!seen) {
      byVariant.set(row.variantId, row);
    } else if (byRooms) {
      // The by-rooms endpoint lists a variant once per room that holds it: the store sells their sum.
      byVariant.set(row.variantId, { ...seen, quantity: roundQuantity(seen.quantity + row.quantity) });
    } else {
      invalid.push({ variantId: row.variantId, reason: 'the variant is listed twice in the feed; the first row was kept' });
    }
  }
  return {
    rows: [...byVariant.values()],
    fetched: answer.fetched,
    invalid,
    outsideRooms,
    outsidePurchaseCategory,
  };
}
