import type { FlowhubInventoryItem } from './inventory-item';
import { type PurchaseCategoryFilter, passesPurchaseCategory } from './purchase-category';
import { normalizeRoomId } from './room';

/*
 * Which rows of a location's inventory a store syncs (mapping-rules.md "Which rows sync"), applied to one answer of
 * Flowhub: the inventory worker's sync (packages/inventory-sync/src/fetch-feed.ts) and `npm run flowhub:check`
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
  /** One row per variant that syncs, quantities summed over its packages and the chosen rooms. */
  rows: Row[];
  /**
   * Rows skipped as malformed, each with its reason (a variant listed twice in one room with no package fields and
   * another content included: the first row was kept).
   */
  invalid: FeedProblem[];
  unreadable: UnreadableRows;
  /** Rows left out by the filters (not problems: the store asked for it). */
  outsideRooms: number;
  outsidePurchaseCategory: number;
  /** Packages of a variant beyond its first whose quantities were added to it (summed over the variants). */
  packagesMerged: number;
  /** Rows that repeated a variant's (room, package) already listed: counted once, the first row kept. */
  repeatedRows: number;
}

/** The fields that tell a row's package (batch) apart; absent ones count as null. */
export type FeedPackageFields = Partial<
  Pick<FlowhubInventoryItem, 'regulatoryId' | 'manifestId' | 'invoiceNumber' | 'expirationDate' | 'supplierName'>
>;

export type FeedRow = Pick<FlowhubInventoryItem, 'variantId' | 'roomId' | 'purchaseCategory' | 'quantity'> & FeedPackageFields;

export interface SelectFeedOptions<Row = FeedRow> {
  /**
   * Whether the answer came from the by-rooms endpoint (one row per variant and room: a variant's rows are summed).
   * Default: whether the filter names rooms, which is what a sync reads.
   */
  byRooms?: boolean;
  /**
   * Whether two rows of a variant listed in the same room without package fields have the same content (a repeat) or
   * not (a problem). Default: their JSON is the same. A caller whose rows stand for others (the sync's remembered
   * rows) says how to compare what they stand for.
   */
  sameContent?: (a: Row, b: Row) => boolean;
}

// Quantities of weighed items are decimal grams: keep sums over rooms free of floating-point dust.
const roundQuantity = (value: number) => Math.round(value * 1e6) / 1e6;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const presentOrNull = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** The row's package fields when it has none at all: then the row's own content is what a repeat must match. */
const NO_PACKAGE = '';

/**
 * Which package (batch) a row lists: its regulatoryId when it has one (the package's tag in the state's tracking
 * system), else the tuple of its other package fields. NO_PACKAGE when the row carries no package field at all.
 */
export function packageKeyOf(row: FeedPackageFields): string {
  if (!isRecord(row)) return NO_PACKAGE;
  const regulatoryId = presentOrNull(row.regulatoryId);
  if (regulatoryId !== null) return `r:${regulatoryId}`;
  const tuple = [
    presentOrNull(row.manifestId),
    presentOrNull(row.invoiceNumber),
    presentOrNull(row.expirationDate),
    presentOrNull(row.supplierName),
  ];
  return tuple.every((field) => field === null) ? NO_PACKAGE : `t:${JSON.stringify(tuple)}`;
}

/**
 * What the variant's rows so far listed: the merged row, and the (room, package) pairs and packages seen. Most
 * variants have one row: the maps are made only when a second row comes.
 */
interface VariantRows<Row> {
  row: Row;
  firstPair: string;
  firstRow: unknown;
  firstPackage: string;
  /** The first row of each (room, package) pair, by pair key. */
  pairs?: Map<string, unknown>;
  packages?: Set<string>;
}

function sameContent(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/**
 * Keeps the rows of an inventory answer that the store's filters let through, one per variant: its first row, with
 * the quantities of its distinct (room, package) pairs added up (mapping-rules.md "One variant in several packages").
 */
export function selectFeedRows<Row extends FeedRow>(
  answer: { rows: readonly Row[]; problems: readonly FeedRowProblem[] },
  filter: FeedFilter,
  options: SelectFeedOptions<Row> = {},
): FeedSelection<Row> {
  const rows: readonly unknown[] = isRecord(answer) && Array.isArray(answer.rows) ? answer.rows : [];
  const problems = (isRecord(answer) && Array.isArray(answer.problems) ? answer.problems : []).filter(isRecord);
  const roomIds =
    isRecord(filter) && Array.isArray(filter.roomIds) ? filter.roomIds.filter((id): id is string => typeof id === 'string') : [];
  const purchaseCategory = (isRecord(filter) ? filter.purchaseCategory : 'all') as PurchaseCategoryFilter;
  const filterRooms = roomIds.length > 0;
  const byRooms = isRecord(options) && typeof options.byRooms === 'boolean' ? options.byRooms : filterRooms;
  const same = isRecord(options) && typeof options.sameContent === 'function' ? options.sameContent : sameContent;
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
  const byVariant = new Map<unknown, VariantRows<Row>>();
  let outsideRooms = 0;
  let outsidePurchaseCategory = 0;
  let packagesMerged = 0;
  let repeatedRows = 0;

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
    // Flowhub lists a variant once per package and room that holds it (the summed endpoint once per package): the
    // store sells the sum over distinct (room, package) pairs. The summed endpoint's rows have no room: one pair each.
    const room = byRooms && typeof row.roomId === 'string' ? normalizeRoomId(row.roomId) : '';
    const packageKey = packageKeyOf(row);
    const pair = `${room}\u0000${packageKey}`;
    const seen = byVariant.get(row.variantId);
    if (!seen) {
      byVariant.set(row.variantId, { row: row as unknown as Row, firstPair: pair, firstRow: row, firstPackage: packageKey });
      continue;
    }
    seen.pairs ??= new Map([[seen.firstPair, seen.firstRow]]);
    seen.packages ??= new Set([seen.firstPackage]);
    const first = seen.pairs.get(pair);
    if (first !== undefined) {
      // The same package in the same room again. Without package fields only an identical row is known to be a
      // repeat; another content may be another package Flowhub did not describe: the first row is kept, and said so.
      if (packageKey === NO_PACKAGE && !same(first as Row, row as unknown as Row)) {
        invalid.push({
          variantId: textOrNull(row.variantId),
          reason: byRooms
            ? 'the variant is listed twice in one room with other content and no package fields (regulatoryId, manifestId, invoiceNumber, expirationDate, supplierName); the first row was kept'
            : 'the variant is listed twice in the feed with other content and no package fields (regulatoryId, manifestId, invoiceNumber, expirationDate, supplierName); the first row was kept',
        });
      } else {
        repeatedRows += 1;
      }
      continue;
    }
    seen.pairs.set(pair, row);
    if (!seen.packages.has(packageKey)) {
      seen.packages.add(packageKey);
      packagesMerged += 1;
    }
    seen.row = { ...seen.row, quantity: roundQuantity(Number(seen.row.quantity) + Number(row.quantity)) };
  }
  for (const variantId of unreadable.variantIds) byVariant.delete(variantId);
  const selected: Row[] = [];
  for (const entry of byVariant.values()) selected.push(entry.row);
  return { rows: selected, invalid, unreadable, outsideRooms, outsidePurchaseCategory, packagesMerged, repeatedRows };
}
