import { setImmediate as nextTurn } from 'node:timers/promises';
import { boolArray, float8Array, int4Array, textArray } from './binary-arrays';
import { FENCE_GATE, statementName, type FenceSql } from './fence';
import { STAMP_PRODUCT_CHANGE } from '../products/changes';

/**
 * Writing a feed into the store's menu: only what changed, in bulk. The inventory sync (packages/inventory-sync) decides
 * what changed from the stored content hashes (readStoredProductHashes); what did goes in one `INSERT … SELECT
 * unnest(…) … ON CONFLICT DO UPDATE` per batch (upsertProducts), its columns as arrays in PostgreSQL's binary format,
 * which PostgreSQL takes at tens of thousands of rows a second (one statement per row would be ten times slower).
 */

/**
 * Where the sync's product statements run: a plain PostgreSQL pool (createSqlPool's fits). Not Prisma: PrismaClient keeps
 * the parameters of its recent raw statements in its debug history (the last 100 debug entries, even with debugging
 * off), 7 MB and more per 5,000-row batch, and turns every parameter into JSON and back on the way.
 */
export type ProductSql = FenceSql;

/** The pool itself (fencedStatements in ./fence.ts makes each of its statements claim the sync's fence). */
export type ProductSqlPool = FenceSql;

/** What the sync compares a product with: its row's ids, content hash and whether it is on the menu. */
export interface StoredProductHash {
  variant_id: string;
  product_id: string | null;
  content_hash: string;
  active: boolean;
}

/** The store's products, ids and hashes only (the rows as PostgreSQL names their columns). */
export async function readStoredProductHashes(sql: ProductSql, storeId: string): Promise<StoredProductHash[]> {
  const { rows } = await sql.query({
    name: 'stored-product-hashes',
    text: 'SELECT variant_id, product_id, content_hash, active FROM products WHERE store_id = $1',
    values: [storeId],
  });
  return rows as StoredProductHash[];
}

/** A product as the sync writes it (the mapping's MappedProduct fits). */
export interface ProductContent {
  variantId: string;
  productId: string | null;
  sku: string | null;
  name: string;
  brand: string | null;
  description: string | null;
  category: string | null;
  subtype: string | null;
  strainType: string | null;
  strainName: string | null;
  terpenes?: readonly unknown[] | null;
  cannabinoids?: readonly unknown[] | null;
  priceCents: number | null;
  imageUrl: string | null;
  weight?: object | null;
  purchaseCategory: string | null;
  /** Flowhub's quantity: the product's posQuantity. */
  quantity: number;
  soldByWeight?: boolean;
  quantityUnit?: string | null;
  weightTiers?: readonly unknown[] | null;
}

export interface ProductUpsert {
  product: ProductContent;
  contentHash: string;
}

/** Product fields and their columns, for the fields an owned field covers (the rest always sync). */
const OWNABLE_COLUMNS: ReadonlyArray<[keyof ProductContent, string]> = [
  ['name', 'name'],
  ['brand', 'brand'],
  ['description', 'description'],
  ['category', 'category'],
  ['subtype', 'subtype'],
  ['strainType', 'strain_type'],
  ['strainName', 'strain_name'],
  ['terpenes', 'terpenes'],
  ['cannabinoids', 'cannabinoids'],
  ['priceCents', 'price_cents'],
  ['imageUrl', 'image_url'],
  ['weight', 'weight'],
];

/**
 * The batch's columns as the statement reads them (`t`), each one array parameter, from $4 on in this order: sent in
 * PostgreSQL's binary format (./binary-arrays.ts). The JSON columns go as their JSON texts, cast to jsonb per row
 * (as `text[]`: a `jsonb[]` parameter, in either format, is much slower to read).
 */
const BATCH_COLUMNS: ReadonlyArray<{ name: string; type: string; encode: (batch: readonly ProductUpsert[]) => unknown }> = [
  textColumn('variant_id', (p) => p.variantId),
  textColumn('product_id', (p) => p.productId),
  textColumn('sku', (p) => p.sku),
  textColumn('name', (p) => p.name),
  textColumn('brand', (p) => p.brand),
  textColumn('description', (p) => p.description),
  textColumn('category', (p) => p.category),
  textColumn('subtype', (p) => p.subtype),
  textColumn('strain_type', (p) => p.strainType),
  textColumn('strain_name', (p) => p.strainName),
  textColumn('terpenes', (p) => JSON.stringify(p.terpenes ?? [])),
  textColumn('cannabinoids', (p) => JSON.stringify(p.cannabinoids ?? [])),
  { name: 'price_cents', type: 'int', encode: (batch) => int4Array(batch.map((item) => item.product.priceCents)) },
  textColumn('image_url', (p) => p.imageUrl),
  textColumn('weight', (p) => (p.weight ? JSON.stringify(p.weight) : null)),
  textColumn('purchase_category', (p) => p.purchaseCategory),
  { name: 'pos_quantity', type: 'float8', encode: (batch) => float8Array(batch.map((item) => item.product.quantity)) },
  { name: 'content_hash', type: 'text', encode: (batch) => textArray(batch.map((item) => item.contentHash)) },
  { name: 'sold_by_weight', type: 'boolean', encode: (batch) => boolArray(batch.map((item) => item.product.soldByWeight === true)) },
  textColumn('quantity_unit', (p) => p.quantityUnit ?? null),
  textColumn('weight_tiers', (p) => JSON.stringify(p.weightTiers ?? [])),
];

function textColumn(name: string, pick: (product: ProductContent) => string | null) {
  return { name, type: 'text', encode: (batch: readonly ProductUpsert[]) => textArray(batch.map((item) => pick(item.product))) };
}

/**
 * The upsert for one store. A new product gets every mapped field. An existing one gets the fields the store
 * lets the sync own, plus what no owned field covers (ids, purchase category, quantity, and how the item is sold:
 * by weight or not, the quantity's unit, the weight tiers); fields it does not
 * own keep their value (created from Flowhub or edited by the store), read at write time so a concurrent
 * edit is never lost. An edit of a field the sync now owns is overwritten and forgotten (owned wins).
 *
 * The rows come from the arrays unnested side by side in the select list (a ProjectSet: row by row, where
 * `FROM unnest(…)` first copies every row into a tuplestore).
 */
function upsertStatement(owned: ReadonlySet<string>): { name: string; statement: string; ownedProductFields: string[] } {
  const ownedColumns = OWNABLE_COLUMNS.filter(([field]) => owned.has(field)).map(([, column]) => `${column} = excluded.${column}`);
  const rows = BATCH_COLUMNS.map(({ name, type }, index) => `unnest($${index + 4}::${type}[]) AS ${name}`);
  const statement = `
    INSERT INTO products (store_id, variant_id, product_id, sku, name, brand, description, category, subtype, strain_type,
      strain_name, terpenes, cannabinoids, price_cents, image_url, weight, purchase_category, pos_quantity, sold_by_weight,
      quantity_unit, weight_tiers, active, content_hash, last_synced_at, created_at, updated_at)
    SELECT $1, t.variant_id, t.product_id, t.sku, t.name, t.brand, t.description, t.category, t.subtype, t.strain_type,
      t.strain_name, t.terpenes::jsonb, t.cannabinoids::jsonb, t.price_cents, t.image_url, t.weight::jsonb, t.purchase_category,
      t.pos_quantity, t.sold_by_weight, t.quantity_unit, t.weight_tiers::jsonb, true, t.content_hash, $2::timestamptz,
      $2::timestamptz, $2::timestamptz
    FROM (SELECT ${rows.join(',\n      ')}) AS t
    WHERE ${FENCE_GATE}
    ON CONFLICT (store_id, variant_id) DO UPDATE SET
      product_id = excluded.product_id,
      sku = excluded.sku,
      purchase_category = excluded.purchase_category,
      pos_quantity = excluded.pos_quantity,
      sold_by_weight = excluded.sold_by_weight,
      quantity_unit = excluded.quantity_unit,
      weight_tiers = excluded.weight_tiers,
      active = true,
      content_hash = excluded.content_hash,
      last_synced_at = excluded.last_synced_at,
      updated_at = excluded.updated_at,
      ${STAMP_PRODUCT_CHANGE},
      ${ownedColumns.map((assignment) => `${assignment},`).join('\n      ')}
      edited_fields = ARRAY(SELECT f FROM unnest(products.edited_fields) AS f WHERE NOT (f = ANY($3::text[])))`;
  return { name: statementName('upsert-products', statement), statement, ownedProductFields: [...owned] };
}

/**
 * A batch's array parameters, a column at a time. Between columns the event loop runs: while the batch before is
 * being written, its statement goes out first, and then the two overlap, the client encoding while PostgreSQL writes.
 * `stopped`: a write failed, nothing more is needed.
 */
async function encodeBatch(batch: readonly ProductUpsert[], stopped: () => boolean): Promise<unknown[]> {
  const parameters: unknown[] = [];
  for (const column of BATCH_COLUMNS) {
    await nextTurn();
    if (stopped()) break;
    parameters.push(column.encode(batch));
  }
  return parameters;
}

export interface UpsertProductsOptions {
  /** The product fields the store lets the sync own (productFieldsOwned of @flowhub-sync/mapping, from Store.ownedFields). */
  ownedProductFields: ReadonlySet<string>;
  syncedAt: Date;
  batchSize?: number;
  /** Called before each batch with the rows written so far: throw to stop (the store lock was lost, the worker is stopping). */
  beforeBatch?: (written: number) => void | Promise<void>;
}

/** Rows per statement: measured, 1,500 to 3,000 rows write a 9,000-row first sync fastest (5,000 about 10% slower). */
export const UPSERT_BATCH_SIZE = 2_000;

/**
 * Writes new and changed products, active, one statement per batch (UPSERT_BATCH_SIZE rows by default), one batch
 * after the other. `writes` is the products, or their batches as a source makes them (productsToWrite in
 * @flowhub-sync/inventory-sync maps a feed's products as they are asked for). The next batch is taken and encoded
 * while one is written (encodeBatch); a batch is sent only once the one before has been written, and after
 * beforeBatch.
 */
export async function upsertProducts(
  sql: ProductSql,
  storeId: string,
  writes: readonly ProductUpsert[] | AsyncIterable<readonly ProductUpsert[]>,
  options: UpsertProductsOptions,
): Promise<void> {
  const batches = isBatchSource(writes) ? writes[Symbol.asyncIterator]() : inBatches(writes, options.batchSize ?? UPSERT_BATCH_SIZE);
  const { name, statement, ownedProductFields } = upsertStatement(options.ownedProductFields);
  let failed = false;
  const encodeNext = async () => {
    for (;;) {
      const { value: batch, done } = await batches.next();
      if (done || failed) return undefined;
      if (batch.length > 0) return { rows: batch.length, columns: await encodeBatch(batch, () => failed) };
    }
  };
  const takeNext = () => {
    const encoding = encodeNext();
    // Awaited when its turn comes; until then a failure must not count as unhandled.
    encoding.catch(() => undefined);
    return encoding;
  };
  let written = 0;
  let next = takeNext();
  try {
    for (let batch = await next; batch !== undefined; batch = await next) {
      await options.beforeBatch?.(written);
      const writing = sql.query({ name, text: statement, values: [storeId, options.syncedAt, ownedProductFields, ...batch.columns] });
      next = takeNext();
      await writing;
      written += batch.rows;
    }
  } catch (error) {
    failed = true;
    // A source left half-read is told to stop (its `finally`, if any, runs).
    await batches.return?.(undefined)?.catch(() => undefined);
    throw error;
  }
}

function isBatchSource(writes: unknown): writes is AsyncIterable<readonly ProductUpsert[]> {
  return typeof (writes as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

async function* inBatches(writes: readonly ProductUpsert[], size: number): AsyncGenerator<readonly ProductUpsert[]> {
  for (let start = 0; start < writes.length; start += size) yield writes.slice(start, start + size);
}

const DEACTIVATE_SQL = `UPDATE products SET active = false, pos_quantity = 0, updated_at = $1, ${STAMP_PRODUCT_CHANGE}
  WHERE store_id = $2 AND active AND variant_id = ANY($3::text[]) AND ${FENCE_GATE}`;

/** Products that left the feed: off the menu, with nothing in stock. */
export async function deactivateProducts(sql: ProductSql, storeId: string, variantIds: readonly string[], at: Date): Promise<number> {
  if (variantIds.length === 0) return 0;
  const { rowCount } = await sql.query({ name: 'deactivate-products', text: DEACTIVATE_SQL, values: [at, storeId, [...variantIds]] });
  return rowCount ?? 0;
}
