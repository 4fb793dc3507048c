import type { InventoryResult } from '@flowhub-sync/flowhub-client';
import {
  countRoomRows,
  createInventoryMapper,
  describeMappingMisses,
  normalizePurchaseCategory,
  normalizeRoomId,
  selectFeedRows,
  type FeedFilter,
  type ProductMappingSettings,
  type RoomRows,
} from '@flowhub-sync/mapping';

/** How many examples (invalid rows, mapping misses, repeated variants) a report lists; every one is counted. */
export const EXAMPLES = 5;

export interface InventoryFacts {
  /** Bytes of the answer's body as read. */
  bytes: number;
  /** Rows Flowhub sent, invalid ones included. */
  rows: number;
  /** Rows the client could not take (not JSON, a required field missing, a wrong kind of value). */
  invalid: number;
  /** The first few, as `row <index> (variant <id>): <reason>`. */
  invalidReasons: string[];
  /** The rooms of the valid rows, ids as the settings take them, by name. */
  rooms: RoomRows[];
  rowsWithoutRoom: number;
  /** Valid rows per purchase category: rec, med, both, then values Flowhub sent that are none of them, then none. */
  purchaseCategories: { value: string | null; recognised: boolean; rows: number }[];
  /**
   * Variants on more than one valid row: `inSeveralRooms`, one row per room (the by-rooms endpoint lists a variant once
   * per room that holds it); `withinOneRoom`, several rows in one room, or without a room (several packages of the
   * variant, or a row sent twice: docs/mapping-rules.md "One variant in several packages"), the first few in `examples`.
   */
  repeatedVariants: { variants: number; inSeveralRooms: number; withinOneRoom: number; examples: string[] };
  /** Valid rows with `isSoldByWeight` true; `unsaid`: rows that do not carry it. */
  soldByWeight: { rows: number; unsaid: number };
  /** What a sync with these settings would do with this answer (fetch-feed.ts and sync-store.ts). */
  sync: SyncPreview;
}

export interface MissList {
  count: number;
  examples: { variantId: string; reason: string }[];
}

export interface SyncPreview {
  /** Variants a sync would map and write (after the store's filters, one per variant, rooms summed). */
  variants: number;
  outsideRooms: number;
  outsidePurchaseCategory: number;
  /** Products on rows that cannot be read: a sync keeps their last values instead of removing them. */
  unreadable: number;
  uncategorized: MissList;
  unknownStrainTypes: MissList;
  unknownTerpenes: MissList;
}

const PURCHASE_CATEGORY_ORDER = ['rec', 'med', 'both'];

export function inventoryFacts(answer: InventoryResult, settings: { filter: FeedFilter; mapping: ProductMappingSettings }): InventoryFacts {
  const { rows, problems } = answer;

  const invalidReasons = problems.slice(0, EXAMPLES).map((problem) => {
    const variant = problem.variantId === null ? '' : ` (variant ${problem.variantId})`;
    return `row ${problem.index}${variant}: ${problem.reason}`;
  });

  const purchaseCategories = new Map<string | null, { value: string | null; recognised: boolean; rows: number }>();
  const roomsOfVariant = new Map<string, string[]>();
  let rowsWithoutRoom = 0;
  let soldByWeight = 0;
  let unsaid = 0;
  for (const row of rows) {
    const raw = row.purchaseCategory?.trim() || null;
    const normalised = normalizePurchaseCategory(raw);
    const key = normalised ?? raw;
    const entry = purchaseCategories.get(key) ?? { value: key, recognised: raw === null || normalised !== null, rows: 0 };
    entry.rows += 1;
    purchaseCategories.set(key, entry);

    const room = row.roomId ? normalizeRoomId(row.roomId) : '';
    if (room === '') rowsWithoutRoom += 1;
    const seen = roomsOfVariant.get(row.variantId);
    if (seen) seen.push(room);
    else roomsOfVariant.set(row.variantId, [room]);

    if (row.isSoldByWeight === true) soldByWeight += 1;
    else if (row.isSoldByWeight === null) unsaid += 1;
  }
  const rank = (value: string | null) =>
    value === null ? 99 : PURCHASE_CATEGORY_ORDER.includes(value) ? PURCHASE_CATEGORY_ORDER.indexOf(value) : 10;
  const categories = [...purchaseCategories.values()].sort((a, b) => rank(a.value) - rank(b.value) || b.rows - a.rows);

  let inSeveralRooms = 0;
  const withinOneRoom: string[] = [];
  for (const [variantId, rooms] of roomsOfVariant) {
    if (rooms.length < 2) continue;
    if (!rooms.includes('') && new Set(rooms).size === rooms.length) inSeveralRooms += 1;
    else withinOneRoom.push(variantId);
  }

  return {
    bytes: answer.bytes,
    rows: answer.fetched,
    invalid: problems.length,
    invalidReasons,
    rooms: countRoomRows(rows),
    rowsWithoutRoom,
    purchaseCategories: categories,
    repeatedVariants: {
      variants: inSeveralRooms + withinOneRoom.length,
      inSeveralRooms,
      withinOneRoom: withinOneRoom.length,
      examples: withinOneRoom.slice(0, EXAMPLES),
    },
    soldByWeight: { rows: soldByWeight, unsaid },
    sync: syncPreview(answer, settings),
  };
}

/** The store's filters and mapping applied as a sync applies them: selectFeedRows, then the mapper, then the misses. */
function syncPreview(answer: InventoryResult, settings: { filter: FeedFilter; mapping: ProductMappingSettings }): SyncPreview {
  const feed = selectFeedRows(answer, settings.filter, { byRooms: true });
  const map = createInventoryMapper(settings.mapping);
  const list = (): MissList => ({ count: 0, examples: [] });
  const misses = { uncategorized: list(), unknownStrainTypes: list(), unknownTerpenes: list() };
  const note = (into: MissList, variantId: string, reason: string | null) => {
    if (reason === null) return;
    into.count += 1;
    if (into.examples.length < EXAMPLES) into.examples.push({ variantId, reason });
  };
  for (const row of feed.rows) {
    const reasons = describeMappingMisses(map(row).problems, row);
    note(misses.uncategorized, row.variantId, reasons.category);
    note(misses.unknownStrainTypes, row.variantId, reasons.strainType);
    note(misses.unknownTerpenes, row.variantId, reasons.terpenes);
  }
  return {
    variants: feed.rows.length,
    outsideRooms: feed.outsideRooms,
    outsidePurchaseCategory: feed.outsidePurchaseCategory,
    unreadable: feed.unreadable.variantIds.size + feed.unreadable.productIds.size,
    ...misses,
  };
}
