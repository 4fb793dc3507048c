import type { FlowhubInventoryItem } from './inventory-item';
import { type PurchaseCategoryFilter, passesPurchaseCategory } from './purchase-category';
import { normalizeRoomId } from './room';

/*
 * Which rows of a location's inventory a store syncs (mapping-rules.md "Which rows sync"), applied to one answer of
 * Flowhub: the inventory worker's sync (apps/inventory-worker/src/sync/fetch-feed.ts) and `npm run flowhub:check`
 * (packages/flowhub-check) both select a feed with this. Tolerant like the rest of the package: rows, problems or
 * settings of the wrong shape are skipped, never thrown on.
 */

/** What of a store's settings decides its feed. */
export interface FeedFilter {
  /** Empty: every For-Sale room (Flowhub sums them). Otherwise only these rooms, summed per variant. */
  roomIds: readonly string[];
  purchaseCategory: PurchaseCategoryFilter;
}

/**
 * A row Flowhub sent that could not be read, with what could still be read of it, each null when not (the Flowhub
 * client's InventoryProblem).
 */
export interface FeedRowProblem {
  /** Position of the row in Flowhub's answer. */
  index: number;
  reason: string;
  variantId: string | null;
  productId: string | null;
  roomId: string | null;
  purchaseCategory: string | null;
}

export interface FeedProblem {
  variantId: string | null;
  reason: string;
}

/**
 * Products that Flowhub still lists but whose rows could not be read (within the store's filters, as far as a row
 * says enough to apply them: a row whose room or purchase category is unreadable counts as the store's). Such a
 * product keeps its last good values instead of leaving the menu, and counts as present for the shrink guard.
 * - `variantIds`: rows whose variantId could be read. A variant with such a row is left out of `rows` even when
 *   another of its rows could be read (another room of the by-rooms feed): its quantity is unknown.
 * - `productIds`: rows with an unreadable variantId but a readable productId. They keep the product's variants
 *   that are otherwise absent from the feed (which of them the row was cannot be told); a variant whose own rows
 *   were read syncs as usual.
 * A row with neither id cannot be tied to a product: it is reported, protects nothing, and does not count as
 * present (a feed of many such rows trips the shrink guard).
 */
export interface UnreadableRows {
  variantIds: ReadonlySet<string>;
  productIds: ReadonlySet<string>;
}

/** The rows of one answer that a store syncs. */
export interface FeedSelection<Row> {
  /** One row per variant that syncs, quantities summed over the chosen rooms. */
  rows: Row[];
  /** Rows skipped as malformed, each with its reason (a variant listed twice by the summed endpoint included). */
  invalid: FeedProblem[];
  unreadable: UnreadableRows;
  /** Rows left out by the filters (not problems: the store asked for it). */
  outsideRooms: number;
  outsidePurchaseCategory: number;
}

export type FeedRow = Pick<FlowhubInventoryItem, 'variantId' | 'roomId' | 'purchaseCategory' | 'quantity'>;

export interface SelectFeedOptions {
  /**
   * Whether the answer came from the by-rooms endpoint (one row per variant and room: a variant's rows are summed).
   * Default: whether the filter names rooms, which is what a sync reads.
   */
  byRooms?: boolean;
}

// Quantities of weighed items are decimal grams: keep sums over rooms free of floating-point dust.
const roundQuantity = (value: number) => Math.round(value * 1e6) / 1e6;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Keeps the rows of an inventory answer that the store's filters let through, one per variant. */
export function selectFeedRows<Row extends FeedRow>(
  answer: { rows: readonly Row[]; problems: readonly FeedRowProblem[] },
  filter: FeedFilter,
  options: SelectFeedOptions = {},
): FeedSelection<Row> {
  const rows: readonly unknown[] = isRecord(answer) && Array.isArray(answer.rows) ? answer.rows : [];
  const problems = (isRecord(answer) && Array.isArray(answer.problems) ? answer.problems : []).filter(isRecord);
  const roomIds = isRecord(filter) && Array.isArray(filter.roomIds) ? filter.roomIds.filter((id): id is string => typeof id === 'string') : [];
  const purchaseCategory = (isRecord(filter) ? filter.purchaseCategory : 'all') as PurchaseCategoryFilter;
  const filterRooms = roomIds.length > 0;
  const byRooms = isRecord(options) && typeof options.byRooms === 'boolean' ? options.byRooms : filterRooms;
  const chosenRooms = new Set(roomIds.map(normalizeRoomId));
  const inChosenRoom = (roomId: unknown) => typeof roomId === 'string' && chosenRooms.has(normalizeRoomId(roomId));

  const invalid: FeedProblem[] = problems.map((problem) => {
    const variantId = textOrNull(problem.variantId);
    const reason = textOrNull(problem.reason) ?? 'unreadable row';
    return { variantId, reason: variantId === null && typeof problem.index === 'number' ? `row ${problem.index}: ${reason}` : reason };
  });
  const unreadable = { variantIds: new Set<string>(), productIds: new Set<string>() };
  for (const problem of problems) {
    if (filterRooms && typeof problem.roomId === 'string' && !inChosenRoom(problem.roomId)) continue;
    if (!passesPurchaseCategory(textOrNull(problem.purchaseCategory), purchaseCategory)) continue;
    const variantId = textOrNull(problem.variantId);
    const productId = textOrNull(problem.productId);
    if (variantId !== null) unreadable.variantIds.add(variantId);
    else if (productId !== null) unreadable.productIds.add(productId);
  }
  const byVariant = new Map<unknown, Row>();
  let outsideRooms = 0;
  let outsidePurchaseCategory = 0;

  for (const row of rows) {
    if (!isRecord(row)) continue;
    if (filterRooms && !inChosenRoom(row.roomId)) {
      outsideRooms += 1;
      continue;
    }
    if (!passesPurchaseCategory(textOrNull(row.purchaseCategory), purchaseCategory)) {
      outsidePurchaseCategory += 1;
      continue;
    }
    const seen = byVariant.get(row.variantId);
    if (!seen) {
      byVariant.set(row.variantId, row as unknown as Row);
    } else if (byRooms) {
      // The by-rooms endpoint lists a variant once per room that holds it: the store sells their sum.
      byVariant.set(row.variantId, { ...seen, quantity: roundQuantity(Number(seen.quantity) + Number(row.quantity)) });
    } else {
      invalid.push({ variantId: textOrNull(row.variantId), reason: 'the variant is listed twice in the feed; the first row was kept' });
    }
  }
  for (const variantId of unreadable.variantIds) byVariant.delete(variantId);
  return { rows: [...byVariant.values()], invalid, unreadable, outsideRooms, outsidePurchaseCategory };
}
