import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  databaseNow,
  readStoredProductHashes,
  readStoreSyncSettings,
  type PrismaClient,
  type ProductSql,
  type StoredProductHash,
} from '@flowhub-sync/db';
import { parseInventoryStream } from '@flowhub-sync/flowhub-client';
import {
  createInventoryMapper,
  OWNED_FIELDS,
  productFieldsOwned,
  selectFeedRows,
  type AiqCategory,
  type PurchaseCategoryFilter,
} from '@flowhub-sync/mapping';
import { FeedMemo } from './feed-memo';
import { decodeFeedMemo, encodeFeedMemo } from './feed-memo-codec';
import { codeIdentity } from './shared-feed-memo';
import { INVENTORY_SYNC_CONCURRENCY } from './jobs/inventory-sync';
import { writeFeed, type FeedMapping, type FeedProduct } from './map-feed';
import { SyncReport } from './sync-report';
import { ownedFieldsContext, WritePlanner } from './write-plan';

/**
 * The inventory worker's warm-up, run once at boot before it takes jobs (apps/inventory-worker/src/main.ts), so that
 * its first sync costs what every later one does. Measured without it (docs/PERFORMANCE.md): a fresh worker's first
 * 10,000-row sync took 1.3–1.8 × as long as a warm one's: the hot functions not yet compiled by V8, the pool's
 * connections not yet open, PostgreSQL's backends without the tables' catalogue entries, Prisma's query plans not yet
 * compiled.
 *
 * What it does, writing nothing and calling nothing over HTTP:
 * - opens a few of the pool's connections and runs the sync's read of stored products on each, and the
 *   sync's Prisma reads (the store, the database's clock, its category mappings, its last good run), all for a store
 *   id that names no store;
 * - runs a thousand synthetic Flowhub inventory rows, as raw JSON text in network-sized chunks, through the path of
 *   a sync: the Flowhub client's parser (row splitter, row digests, JSON.parse per row, checkInventoryRow) through a
 *   feed memo of its own, the feed selection (both endpoints' shapes: summed, and by rooms with packages), the mapper,
 *   the report of mapping misses, the product fingerprint, the write plan against stored hashes held in memory, and
 *   the bulk upsert's parameter building into a statement runner that sends nothing. Several passes, so that V8
 *   optimises the hot functions, each run twice: the second as a re-sync that recalls every row from the memo;
 * - then waits for V8's background threads to finish compiling the optimised code (a fraction of a second).
 */

export interface WarmUpDependencies {
  prisma: PrismaClient;
  /** The pool the sync's product statements run on (in the worker, the one Prisma shares). */
  sql: ProductSql;
}

export interface WarmUpOptions {
  /** Pool connections to open (a sync holds one at a time). Default INVENTORY_SYNC_CONCURRENCY, the syncs a worker runs at once. */
  connections?: number;
  /** Synthetic feed rows per pass. Default 1,000. */
  rows?: number;
  /**
   * Passes over the feed. Default 6, half of them as the by-rooms endpoint answers. Measured in a fresh process (Node 20):
   * after 4 passes over 500 rows the mapper and the fingerprint were not yet optimised, and the first sync's mapping
   * phase still took twice a warm worker's; after 6 over 1,000 they were, with the parser and the validation, and the
   * first sync's profile matched a warm worker's. Half a second to a second on the benchmark machine (2 shared cores).
   */
  passes?: number;
}

export interface WarmUpReport {
  ms: number;
  connections: number;
  rows: number;
  passes: number;
  /** How long it waited at the end for V8's background compilation and collection to finish (settle, below). */
  settleMs: number;
  /** Products mapped, and rows skipped as invalid, over all passes (a feed the validation refused would warm up little). */
  mapped: number;
  skipped: number;
  /**
   * Why the database part failed (PostgreSQL unreachable at boot, say), or null. The code paths are warmed up all the
   * same: a worker that cannot reach PostgreSQL yet is not ready (its readiness check says so), but it is no reason
   * not to start.
   */
  databaseError: string | null;
}

/** A store id no store has (store ids are the platform's): the warm-up's reads find nothing, and it writes nothing. */
export const WARM_UP_STORE_ID = '(inventory-sync warm-up: no such store)';

/** Counts warm-ups in this process, so that each one's synthetic ids differ (no string of an earlier one is reused). */
let warmUpCounter = 0;

export async function warmUpInventorySync(deps: WarmUpDependencies, options: WarmUpOptions = {}): Promise<WarmUpReport> {
  const started = performance.now();
  const connections = Math.max(1, options.connections ?? INVENTORY_SYNC_CONCURRENCY);
  const rows = Math.max(10, options.rows ?? 1_000);
  const passes = Math.max(1, options.passes ?? 6);
  // Started first, awaited last: its round trips may overlap the code paths' work.
  const database = warmUpDatabase(deps, connections).then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  warmUpCounter += 1;
  const feeds = [false, true].map((byRooms) => syntheticFeed(rows, byRooms));
  let stored: StoredProductHash[] = [];
  let skipped = 0;
  let mapped = 0;
  const memo = new FeedMemo();
  for (let pass = 0; pass < passes; pass++) {
    for (const resync of [false, true]) {
      const outcome = await syncPass(feeds[pass % 2], pass, stored, memo);
      if (!resync) {
        stored = outcome.stored;
        mapped += stored.length;
        skipped += outcome.skipped;
      }
    }
  }
  const databaseError = await database;
  const settleMs = await settle();
  return { ms: performance.now() - started, connections, rows, passes, mapped, skipped, settleMs, databaseError };
}

/**
 * Waits until V8's background threads are done with the warm-up: they compile the optimised code of the functions it
 * made hot, and collect its garbage, for about 150 ms after its last pass (200 ms of CPU, measured on the benchmark
 * machine). A job taken meanwhile shares the CPU with them: the first sync's fetch took 100 ms longer. The process is
 * settled when its CPU time stops growing while its main thread sleeps; at most `maxMs`. Returns the time waited.
 */
async function settle(maxMs = 500, stepMs = 25): Promise<number> {
  const started = performance.now();
  let before = process.cpuUsage();
  while (performance.now() - started < maxMs) {
    await sleep(stepMs);
    const used = process.cpuUsage(before);
    before = process.cpuUsage();
    // Less than a tenth of one core over the step: nothing is left running.
    if ((used.user + used.system) / 1000 < stepMs / 10) break;
  }
  return performance.now() - started;
}

/**
 * Opens up to `connections` connections of the pool (statements asked for at once each take one, as far as the pool
 * allows) and runs the sync's reads on each: every connection prepares their named statements, and each backend loads
 * the tables' catalogue entries at its first statement. (The run's start and finish write, so they are not run here.)
 */
async function warmUpDatabase(deps: WarmUpDependencies, connections: number): Promise<void> {
  for (const read of [readStoreSyncSettings, readStoredProductHashes]) {
    await Promise.all(Array.from({ length: connections }, () => read(deps.sql, WARM_UP_STORE_ID)));
  }
  // Prisma's raw path, which what a sync still sends through Prisma takes (a failure's record, menu_synced's
  // delivery): its query plan is compiled at its first use.
  await databaseNow(deps.prisma);
}

/**
 * One sync's work on an in-memory feed, without the database: returns the hashes as the write would have stored them,
 * and how many rows were skipped as invalid.
 */
async function syncPass(
  feed: SyntheticFeed,
  pass: number,
  stored: StoredProductHash[],
  memo: FeedMemo,
): Promise<{ stored: StoredProductHash[]; skipped: number }> {
  const mapperSettings = {
    mapCustomCategoryToSubCategory: pass % 2 === 1,
    pricesIncludeTax: pass % 3 === 1,
    categoryMappings: { useDefaults: true, rows: CATEGORY_MAPPINGS },
  };
  const ownedFields = pass % 2 === 0 ? OWNED_FIELDS : OWNED_FIELDS.slice(0, 4);
  const context = ownedFieldsContext(ownedFields);
  const read = memo.begin(WARM_UP_STORE_ID, JSON.stringify([pass, mapperSettings, context]));
  const answer = await parseInventoryStream(Readable.from(feed.chunks), new AbortController().signal, read);
  const rows = answer.rows.map((row, i) => read.item(row, answer.digests![i]));
  const filter = {
    roomIds: feed.byRooms ? feed.roomIds.slice(0, 2) : [],
    purchaseCategory: PURCHASE_FILTERS[pass % PURCHASE_FILTERS.length],
  };
  const selection = selectFeedRows({ rows, problems: answer.problems }, filter, { byRooms: feed.byRooms, sameContent: read.sameContent });
  const report = new SyncReport();
  for (const problem of selection.invalid) report.invalidRow(problem);
  const mapping: FeedMapping = { read, map: createInventoryMapper(mapperSettings), context };
  // What a re-sync compares with: the previous pass's products, some of them since changed or gone.
  const products: FeedProduct[] = [];
  await writeFeed(NOTHING_SENT, WARM_UP_STORE_ID, selection.rows, new WritePlanner(stored, selection.unreadable), mapping, report, {
    ownedProductFields: productFieldsOwned(ownedFields),
    batchSize: 200,
    onMapped: (part) => products.push(...part),
  });
  void report.problems;
  // The shared memo's text, both ways (the save after a sync, the read before one on another worker).
  decodeFeedMemo(encodeFeedMemo(read.committed().feed), { shared: memo.shared, sharedMisses: memo.sharedMisses });
  // The digest of the code the shared memo is keyed by: its files are read once, here rather than in the first sync.
  codeIdentity();
  const next = products.map((item, index) => ({
    variant_id: item.variantId,
    product_id: null,
    content_hash: index % 7 === 0 ? 'changed' : item.contentHash,
    active: index % 11 !== 0,
  }));
  return { stored: next, skipped: report.counts.invalid };
}

/** Takes the upsert's statements and sends nothing: the warm-up writes nothing. */
const NOTHING_SENT: ProductSql = { query: () => Promise.resolve({ rows: [], rowCount: 0 }) };

const PURCHASE_FILTERS: PurchaseCategoryFilter[] = ['all', 'rec', 'all', 'med'];
const CATEGORY_MAPPINGS: Array<{ flowhubValue: string; category: AiqCategory }> = [
  { flowhubValue: 'Staff Picks', category: 'Flower' },
  { flowhubValue: 'Weekly Deals', category: 'Edibles' },
];

interface SyntheticFeed {
  byRooms: boolean;
  roomIds: string[];
  /** The answer's body, cut as a network read would hand it over. */
  chunks: Buffer[];
}

const CHUNK_BYTES = 64 * 1024;

// Synthetic catalogue values, as messy as Flowhub's (docs/mapping-rules.md): spellings, nulls, numbers as text, absent
// and unknown fields, several field orders. The variety matters as much as the volume: V8 optimises for the shapes
// and value kinds it has seen, and code optimised for one kind alone is thrown away at the first row of another.
const KINDS = [
  { category: 'Flower', types: ['Bud', null, 'Smalls'], unit: 'grams', weights: [1, 3.5, 7, 28], price: 3500, bulk: true },
  { category: 'Pre-Rolls', types: ['Pre-Roll', 'Infused Pre-Roll', null], unit: 'grams', weights: [0.5, 1], price: 1200, bulk: false },
  { category: 'Vaporizers', types: ['Cartridge', 'Disposable', null], unit: 'grams', weights: [0.5, 1], price: 4500, bulk: false },
  { category: 'Concentrates', types: ['Live Resin', 'Badder', 'Rosin'], unit: 'grams', weights: [1, 2], price: 5000, bulk: false },
  { category: 'Edibles', types: ['Gummies', 'Chocolate', null], unit: 'each', weights: [1], price: 2000, bulk: false },
  { category: 'edibles', types: ['Mints', null], unit: 'each', weights: [1], price: 900, bulk: false },
  { category: 'Beverages', types: ['Seltzer', null], unit: 'fluidounces', weights: [12, 8], price: 700, bulk: false },
  { category: 'Tinctures', types: ['Tincture', null], unit: 'fluidounces', weights: [1, 0.5], price: 5500, bulk: false },
  { category: 'Accessories', types: ['Battery', 'Grinder', null], unit: 'each', weights: [1], price: 1500, bulk: false },
  { category: 'Misc', types: [null, 'Sample'], unit: 'each', weights: [1], price: 0, bulk: false },
] as const;
const SPECIES = ['Indica', 'sativa', 'Hybrid', ' INDICA_DOM ', 'Sativa Dominant', '50/50', 'CBD', null, '', 'Blue Dream', 'hybrid indica'];
const TERPENES = [
  'beta-Myrcene',
  'Limonene',
  'b-Caryophyllene',
  'Linalool',
  'alpha-Pinene',
  'Humulene',
  'Eucalyptol',
  'γ-Terpinene',
  'Δ-3-Carene',
];
const CUSTOM = [null, null, null, 'Smalls', 'staff picks', 'LIVE_RESIN', 'Weekly Deals', ' Gummies  '];
const PURCHASE = ['rec', 'both', 'med', 'REC', 'Both', null, 'rec', 'both', 'Med'];
const BRANDS = ['Sunny Farms', 'Kiva', null, 'Raw Garden', "Dr. Norm's", 'Wyld'];
const UNITS = ['%', '%', 'mg/g', 'mg'];

function hex(value: number, length: number): string {
  return value.toString(16).padStart(length, '0').slice(-length);
}

/** A number as Flowhub may send it: most often as is, now and then as text, rarely null. */
function loose(value: number, index: number): number | string | null {
  return index % 29 === 0 ? null : index % 11 === 0 ? String(value) : value;
}

function amount(name: string, value: number, unit: string, index: number) {
  const lower = Math.round(value * 100) / 100;
  const upper = index % 4 === 0 ? Math.round(value * 110) / 100 : lower;
  return {
    name,
    lowerRange: index % 23 === 0 ? String(lower) : lower,
    upperRange: index % 37 === 0 ? null : index % 23 === 0 ? String(upper) : upper,
    unitOfMeasure: unit,
    unitOfMeasureToGramsMultiplier: [null, null, 1, '1', 0.001][index % 5],
  };
}

function terpenes(index: number): unknown {
  if (index % 19 === 0) return null;
  const unit = UNITS[index % UNITS.length];
  return Array.from({ length: index % 6 }, (_, n) =>
    amount(TERPENES[(index + n * 5) % TERPENES.length], 0.05 + ((index * 7 + n) % 240) / 100, unit, index + n),
  );
}

function cannabinoids(index: number, cannabis: boolean): unknown {
  if (!cannabis) return index % 2 === 0 ? [] : null;
  if (index % 31 === 0) return null;
  const thc = 15 + ((index * 13) % 170) / 10;
  const list = [
    amount('thc', index % 10 === 0 ? thc * 10 : thc, index % 10 === 0 ? 'mg/g' : '%', index),
    amount('thc-a', thc * 1.12, '%', index + 1),
  ];
  if (index % 2 === 0) list.push(amount('cbd', (index % 12) / 10, '%', index + 2));
  if (index % 7 === 0) list.push(amount('THC', 100, 'mg', index + 3));
  return list;
}

/** One Flowhub inventory row (the fields Flowhub sends, unknown ones included), varied by its index. */
function syntheticRow(
  index: number,
  run: number,
  room: { id: string; name: string } | null,
  packageIndex: number,
): Record<string, unknown> {
  const kind = KINDS[index % KINDS.length];
  const weight = kind.weights[index % kind.weights.length];
  const soldByWeight = kind.bulk && index % 5 === 0;
  const cannabis = kind.category !== 'Accessories' && kind.category !== 'Misc';
  const id = `${hex(run, 4)}${hex(index, 8)}`;
  const price = kind.price + (index % 13) * 100;
  const quantity = soldByWeight ? Math.round((index % 40) * 7.25 * 100) / 100 + 0.5 : (index % 40) + 1;
  const stock = { quantity: index % 9 === 0 ? String(quantity) : quantity, ...(room ? { roomId: room.id, roomName: room.name } : {}) };
  const row: Record<string, unknown> = {
    productId: `5f2b8c1e-${id.slice(0, 4)}-4000-8000-${id.slice(4).padStart(12, '0')}`,
    // Now and then a number where Flowhub usually sends text.
    variantId: index % 97 === 5 ? 900_000 + index : `warm-up-${run}-variant-${index}`,
    parentProductId: `parent-${run}-${Math.floor(index / 3)}`,
    productName: `${BRANDS[index % BRANDS.length] ?? 'House'} Item ${index} ${weight}${kind.unit === 'grams' ? 'g' : ''}`,
    parentProductName: `Item ${Math.floor(index / 3)}`,
    variantName: `${weight}`,
    sku: index % 17 === 0 ? null : `SKU-${id}`,
    brand: BRANDS[index % BRANDS.length],
    category: kind.category,
    customCategoryName: CUSTOM[index % CUSTOM.length],
    type: kind.types[index % kind.types.length],
    strainName: cannabis ? `Strain ${index % 40}` : null,
    ...(index % 13 === 4 ? {} : { speciesName: cannabis ? SPECIES[index % SPECIES.length] : null }),
    ...(index % 14 === 6 ? {} : { purchaseCategory: PURCHASE[index % PURCHASE.length] }),
    // Quantity and room in Flowhub's place for some rows, at the end for others.
    ...(index % 2 === 0 ? stock : {}),
    preTaxPriceInPennies: index % 23 === 0 ? null : loose(price, index),
    postTaxPriceInPennies: loose(Math.round(price * 1.2), index + 1),
    priceInMinorUnits: price,
    costInMinorUnits: Math.round(price * 0.45),
    currencyCode: 'USD',
    productWeight: index % 31 === 0 ? null : loose(weight, index + 2),
    productUnitOfMeasure: kind.unit,
    productUnitOfMeasureToGramsMultiplier: kind.unit === 'grams' ? 1 : null,
    inventoryUnitOfMeasure: soldByWeight ? 'grams' : 'each',
    isSoldByWeight: index % 43 === 0 ? null : soldByWeight,
    productPictureURL: index % 4 === 0 ? null : index % 33 === 0 ? '' : `https://images.example.test/products/${id}.jpg`,
    productDescription: index % 12 === 0 ? null : `Item ${index}, grown indoors and hand trimmed. Customers report feeling relaxed.`,
    productUpdatedAt: '2024-05-01T12:00:00.000Z',
    createdAt: '2023-11-20T08:30:00.000Z',
    expirationDate: index % 3 === 0 ? '2025-06-30' : null,
    tags: index % 2 === 0 ? [] : ['staff-pick'],
    effects: cannabis ? ['Relaxed', 'Happy'] : [],
    supplierName: index % 5 === 0 ? null : 'Green Valley Distribution',
    regulatoryId: cannabis ? `1A40603000${hex(index * 3 + packageIndex, 8)}` : null,
    ...(packageIndex > 0 ? { manifestId: '0004512345', invoiceNumber: `INV-${index}-${packageIndex}` } : {}),
    locationId: 'warm-up-location',
    locationName: 'Warm-up',
    clientId: 'warm-up-client',
    priceProfileName: index % 5 === 3 ? 'Medical' : 'Default',
    isMixAndMatch: index % 7 === 0,
    isStackable: index % 3 === 0,
    nutrients: null,
    weightTierInformation: soldByWeight
      ? [
          { gramAmount: 1, name: '1g', preTaxPriceInPennies: 1000, postTaxPriceInPennies: 1200, pricePerUnitInMinorUnits: 1000 },
          { gramAmount: 3.5, name: '1/8 oz', preTaxPriceInPennies: 3000, postTaxPriceInPennies: 3600, pricePerUnitInMinorUnits: 857 },
          { gramAmount: '7', name: '1/4 oz', preTaxPriceInPennies: 5500, postTaxPriceInPennies: 6600, pricePerUnitInMinorUnits: 785 },
        ]
      : [],
    cannabinoidInformation: cannabinoids(index, cannabis),
    terpenes: terpenes(index),
    // Fields Flowhub has added over time that the client does not know.
    batchName: index % 5 < 3 ? `B-${hex(index, 6)}` : null,
    ...(index % 5 === 1 ? { metrcPackageLabel: `1A4${hex(index, 21)}` } : {}),
    ...(index % 10 === 7 ? { displayOrder: index % 500, _revision: index % 40 } : {}),
    ...(index % 2 === 1 ? stock : {}),
  };
  if (index % 19 === 11) delete row.terpenes;
  return row;
}

/**
 * A synthetic answer of the summed endpoint (one row per variant, some variants in two packages) or of the by-rooms
 * one (a row per variant and room), with one row in 100 malformed, as raw JSON text cut into chunks.
 */
function syntheticFeed(rows: number, byRooms: boolean): SyntheticFeed {
  const rooms = [0, 1, 2].map((room) => ({ id: hex(0x5eed0000 + room * 7919, 32), name: room === 0 ? 'Sales Floor' : `Storage ${room}` }));
  const texts: string[] = [];
  for (let index = 0; texts.length < rows; index++) {
    const packages = index % 10 === 3 ? 2 : 1;
    const inRooms = byRooms ? rooms.slice(0, 1 + (index % 3)) : [null];
    for (const room of inRooms) {
      for (let packageIndex = 0; packageIndex < packages; packageIndex++) {
        const row = syntheticRow(index, warmUpCounter, room, packageIndex);
        if (index % 100 === 42) row.quantity = 'a lot';
        if (index % 100 === 77) delete row.variantId;
        // A package listed twice (an exact repeat), as Flowhub sometimes does.
        if (packageIndex === 1 && index % 20 === 13) texts.push(JSON.stringify(row));
        texts.push(JSON.stringify(row));
      }
    }
  }
  const body = Buffer.from(`{"status":200,"data":[${texts.join(',')}]}`, 'utf8');
  const chunks: Buffer[] = [];
  for (let start = 0; start < body.length; start += CHUNK_BYTES) chunks.push(body.subarray(start, start + CHUNK_BYTES));
  return { byRooms, roomIds: rooms.map((room) => room.id), chunks };
}
