import { setImmediate as nextTurn } from 'node:timers/promises';
import { upsertProducts, UPSERT_BATCH_SIZE, type ProductSql } from '@flowhub-sync/db';
import type { FlowhubInventoryRow } from '@flowhub-sync/flowhub-client';
import { describeMappingMisses, productFingerprint, type FlowhubInventoryItem, type MappedInventoryItem } from '@flowhub-sync/mapping';
import { RememberedRow, type FeedItem, type FeedRead, type MappedFacts } from './feed-memo';
import { SyncReport } from './sync-report';
import type { HashedProduct, ProductWritePlan, WritePlanner } from './write-plan';

/**
 * Mapping a selected feed into products, through the feed memo (feed-memo.ts): a variant whose first row and summed
 * quantity are those it was last mapped with keeps its content hash and mapping misses without being mapped again; its
 * product is made only if the write plan wants to write it (productOf). Mapping misses are reported every run.
 */

/** A product of the feed: its id and content hash, and the product itself when it was mapped in this run. */
export interface FeedProduct {
  variantId: string;
  contentHash: string;
  /** The variant's first row (its digest) and summed quantity: what the product is made of. */
  digest: string;
  quantity: number;
  product?: HashedProduct['product'];
}

export type InventoryMapper = (item: FlowhubInventoryItem) => MappedInventoryItem;

export interface FeedMapping {
  read: FeedRead;
  map: InventoryMapper;
  /** The fingerprint context (ownedFieldsContext). */
  context: string;
}

/** The feed's products, one per selected variant, in the feed's order; mapping misses go to the report. */
export function mapFeed(rows: readonly FeedItem[], mapping: FeedMapping, report: SyncReport): FeedProduct[] {
  return rows.map((item) => {
    const remembered = rememberedOf(item, mapping);
    const facts = remembered.mapped;
    if (facts && facts.quantity === item.quantity) {
      if (facts.misses) report.mappingMisses(facts.variantId, facts.misses);
      return { variantId: facts.variantId, contentHash: facts.contentHash, digest: item.digest, quantity: item.quantity };
    }
    const { product, facts: mapped } = mapItem(item, mapping, 'take');
    mapping.read.remember(remembered, mapped);
    if (mapped.misses) report.mappingMisses(mapped.variantId, mapped.misses);
    return { variantId: mapped.variantId, contentHash: mapped.contentHash, digest: item.digest, quantity: item.quantity, product };
  });
}

/** Rows mapped between two turns of the event loop (a few milliseconds): the write in flight is answered meanwhile. */
const MAP_PART = 500;

/**
 * The products to write, in batches for the bulk upsert, mapped and planned a part of the feed at a time as the write
 * asks for them: upsertProducts takes the next batch while one is being written, so the feed is mapped while
 * PostgreSQL writes, and products are made as they are written, never all held. Every product of the feed goes to the
 * planner (finish it once this is done); `onMapped` hears of each part mapped, and how many rows are mapped so far.
 */
export async function* productsToWrite(
  rows: readonly FeedItem[],
  mapping: FeedMapping,
  report: SyncReport,
  planner: WritePlanner<FeedProduct>,
  options: { batchSize?: number; onMapped?: (part: readonly FeedProduct[], rows: number) => void } = {},
): AsyncGenerator<HashedProduct[]> {
  const batchSize = options.batchSize ?? UPSERT_BATCH_SIZE;
  // A re-sync's changed rows (those the memo does not know with their quantity), when they fit in one batch, are
  // mapped and planned first: their write goes to PostgreSQL while the rest of the feed is compared. Their mapping
  // misses are reported with the rest, in the feed's order.
  const changed = rows.filter((item) => !knownAsIs(item, mapping));
  const early = changed.length > 0 && changed.length <= batchSize && changed.length < rows.length ? new Set(changed) : undefined;
  if (early) {
    const writes = planner.add(mapFeed(changed, mapping, new SyncReport())).map((item) => productOf(item, mapping));
    if (writes.length > 0) yield writes;
  }
  let pending: HashedProduct[] = [];
  for (let start = 0; start < rows.length; start += MAP_PART) {
    if (start > 0) await nextTurn();
    const part = rows.slice(start, start + MAP_PART);
    const products = mapFeed(part, mapping, report);
    const toPlan = early ? products.filter((_, i) => !early.has(part[i])) : products;
    for (const item of planner.add(toPlan)) pending.push(productOf(item, mapping));
    options.onMapped?.(products, Math.min(rows.length, start + MAP_PART));
    while (pending.length >= batchSize) {
      yield pending.slice(0, batchSize);
      pending = pending.slice(batchSize);
    }
  }
  if (pending.length > 0) yield pending;
}

/** Whether the memo knows the product of this feed row as it is now (its first row, with this summed quantity). */
function knownAsIs(item: FeedItem, mapping: FeedMapping): boolean {
  const facts = rememberedOf(item, mapping).mapped;
  return facts !== undefined && facts.quantity === item.quantity;
}

/** A variant of one row is its remembered row itself; one of several rows, a copy with the quantities summed. */
const rememberedOf = (item: FeedItem, mapping: FeedMapping): RememberedRow =>
  item instanceof RememberedRow ? item : mapping.read.remembered(item.digest);

/** The product to write: the one mapped in this run, or mapped now from its row (the read keeps the row's bytes). */
export function productOf(item: FeedProduct, mapping: FeedMapping): HashedProduct {
  const product = item.product ?? mapItem(item, mapping).product;
  return { product, contentHash: item.contentHash };
}

function mapItem(item: Pick<FeedItem, 'digest' | 'quantity' | 'variantId'>, mapping: FeedMapping, take?: 'take') {
  const whole: FlowhubInventoryRow = take ? mapping.read.take(item.digest) : mapping.read.materialize(item.digest);
  // The variant's first row carries its content; its quantity is the sum over the variant's rows.
  const row = whole.quantity === item.quantity ? whole : { ...whole, quantity: item.quantity };
  const { product, problems } = mapping.map(row);
  const misses = describeMappingMisses(problems, row);
  const facts: MappedFacts = {
    quantity: item.quantity,
    // Usually the row's own text: kept once.
    variantId: product.variantId === item.variantId ? item.variantId : product.variantId,
    contentHash: productFingerprint(product, mapping.context),
    misses: misses.category === null && misses.strainType === null && misses.terpenes === null ? null : mapping.read.sharedMisses(misses),
  };
  return { product, facts };
}

/**
 * A sync's write phase: the feed's products mapped, planned against what is stored (`planner`, a WritePlanner of the
 * store's stored hashes) and written (productsToWrite into upsertProducts), then the memo's read committed (every row
 * mapped) and released. Returns the plan's counts and the stored products that left the feed or could not be read.
 */
export async function writeFeed(
  sql: ProductSql,
  storeId: string,
  rows: readonly FeedItem[],
  planner: WritePlanner<FeedProduct>,
  mapping: FeedMapping,
  report: SyncReport,
  options: {
    ownedProductFields: ReadonlySet<string>;
    batchSize?: number;
    onMapped?: (part: readonly FeedProduct[], rows: number) => void;
    beforeBatch?: (written: number) => void | Promise<void>;
  },
): Promise<ProductWritePlan> {
  const batches = productsToWrite(rows, mapping, report, planner, { batchSize: options.batchSize, onMapped: options.onMapped });
  await upsertProducts(sql, storeId, batches, {
    ownedProductFields: options.ownedProductFields,
    syncedAt: new Date(),
    beforeBatch: options.beforeBatch,
  });
  mapping.read.commit();
  mapping.read.release();
  return planner.finish();
}
