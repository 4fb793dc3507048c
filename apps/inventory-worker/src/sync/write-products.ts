import { productFieldsOwned, type MappedProduct, type ProductField } from '@flowhub-sync/mapping';
import type { UnreadableRows } from './fetch-feed';

/**
 * Writing a feed into the store's menu: only what changed, in bulk. A product whose content hash (mapped
 * Flowhub content plus what decides the write, see `syncedContentHash`) matches the stored one and that is
 * still active is not written at all; the rest go in one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO
 * UPDATE` per batch, which PostgreSQL takes at tens of thousands of rows a second (one statement per row
 * would be ten times slower).
 */

/**
 * Where the sync's product statements run: a plain PostgreSQL pool (pg's `Pool` fits). Not Prisma: PrismaClient keeps
 * the parameters of its recent raw statements in its debug history (the last 100 debug entries, even with debugging
 * off), 7 MB and more per 5,000-row batch, and turns every parameter into JSON and back on the way.
 */
export interface ProductSql {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** The pool itself: statements, and a connection of its own for the statements of one transaction (fence.ts). */
export interface ProductSqlPool extends ProductSql {
  connect(): Promise<ProductSql & { release(error?: Error | boolean): void }>;
}

export interface HashedProduct {
  product: MappedProduct;
  contentHash: string;
}

export interface ProductWritePlan {
  /** New products, and existing ones whose content changed or that come back to the feed. */
  writes: HashedProduct[];
  created: number;
  updated: number;
  unchanged: number;
  /** Active products of the store that are not in the feed. */
  leaving: string[];
  /**
   * Products of the store that Flowhub still lists in rows that could not be read (UnreadableRows): neither written
   * nor leaving, they keep their last good values (an active one stays on the menu, its quantity as last read).
   */
  unread: string[];
}

const NOTHING_UNREADABLE: UnreadableRows = { variantIds: new Set(), productIds: new Set() };

/** Compares the feed with what is stored (ids and hashes only) and says what to write. */
export async function planProductWrites(
  sql: ProductSql,
  storeId: string,
  feed: readonly HashedProduct[],
  unreadable: UnreadableRows = NOTHING_UNREADABLE,
): Promise<ProductWritePlan> {
  const { rows } = await sql.query('SELECT variant_id, product_id, content_hash, active FROM products WHERE store_id = $1', [storeId]);
  const stored = rows as { variant_id: string; product_id: string | null; content_hash: string; active: boolean }[];
  const byVariant = new Map(stored.map((row) => [row.variant_id, row]));
  const plan: ProductWritePlan = { writes: [], created: 0, updated: 0, unchanged: 0, leaving: [], unread: [] };
  const inFeed = new Set<string>();
  for (const item of feed) {
    inFeed.add(item.product.variantId);
    const existing = byVariant.get(item.product.variantId);
    if (!existing) {
      plan.created += 1;
      plan.writes.push(item);
    } else if (existing.content_hash !== item.contentHash || !existing.active) {
      plan.updated += 1;
      plan.writes.push(item);
    } else {
      plan.unchanged += 1;
    }
  }
  for (const row of stored) {
    if (inFeed.has(row.variant_id)) continue;
    if (unreadable.variantIds.has(row.variant_id) || (row.product_id !== null && unreadable.productIds.has(row.product_id))) plan.unread.push(row.variant_id);
    else if (row.active) plan.leaving.push(row.variant_id);
  }
  return plan;
}

/** Product fields and their columns, for the fields an owned field covers (the rest always sync). */
const OWNABLE_COLUMNS: ReadonlyArray<[ProductField, string]> = [
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

/** The fingerprint context: what decides a write besides the product itself (the store's owned fields). */
export const ownedFieldsContext = (ownedFields: readonly string[]) => [...ownedFields].sort().join(',');

/**
 * The upsert for one store. A new product gets every mapped field. An existing one gets the fields the store
 * lets the sync own, plus what no owned field covers (ids, purchase category, quantity, and how the item is sold:
 * by weight or not, the quantity's unit, the weight tiers); fields it does not
 * own keep their value (created from Flowhub or edited by the store), read at write time so a concurrent
 * edit is never lost. An edit of a field the sync now owns is overwritten and forgotten (owned wins).
 */
function upsertStatement(ownedFields: readonly string[]): { statement: string; ownedProductFields: string[] } {
  const owned = productFieldsOwned(ownedFields);
  const ownedColumns = OWNABLE_COLUMNS.filter(([field]) => owned.has(field)).map(([, column]) => `${column} = excluded.${column}`);
  const statement = `
    INSERT INTO products (store_id, variant_id, product_id, sku, name, brand, description, category, subtype, strain_type,
      strain_name, terpenes, cannabinoids, price_cents, image_url, weight, purchase_category, pos_quantity, sold_by_weight,
      quantity_unit, weight_tiers, active, content_hash, last_synced_at, created_at, updated_at)
    SELECT $1, t.variant_id, t.product_id, t.sku, t.name, t.brand, t.description, t.category, t.subtype, t.strain_type,
      t.strain_name, t.terpenes::jsonb, t.cannabinoids::jsonb, t.price_cents, t.image_url, t.weight::jsonb, t.purchase_category,
      t.pos_quantity, t.sold_by_weight, t.quantity_unit, t.weight_tiers::jsonb, true, t.content_hash, $2::timestamptz,
      $2::timestamptz, $2::timestamptz
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
      $13::text[], $14::text[], $15::text[], $16::int[], $17::text[], $18::text[], $19::text[], $20::float8[], $21::text[],
      $22::boolean[], $23::text[], $24::text[])
      AS t(variant_id, product_id, sku, name, brand, description, category, subtype, strain_type, strain_name, terpenes,
        cannabinoids, price_cents, image_url, weight, purchase_category, pos_quantity, content_hash, sold_by_weight,
        quantity_unit, weight_tiers)
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
      ${ownedColumns.map((assignment) => `${assignment},`).join('\n      ')}
      edited_fields = ARRAY(SELECT f FROM unnest(products.edited_fields) AS f WHERE NOT (f = ANY($3::text[])))`;
  return { statement, ownedProductFields: [...owned] };
}

export interface WriteProductsOptions {
  ownedFields: readonly string[];
  syncedAt: Date;
  batchSize?: number;
  /** Called before each batch: throw to stop (the store lock was lost, the worker is stopping). */
  beforeBatch?: (written: number, total: number) => void | Promise<void>;
}

export async function writeProducts(sql: ProductSql, storeId: string, writes: readonly HashedProduct[], options: WriteProductsOptions): Promise<void> {
  const batchSize = options.batchSize ?? 5_000;
  const { statement, ownedProductFields } = upsertStatement(options.ownedFields);
  for (let start = 0; start < writes.length; start += batchSize) {
    await options.beforeBatch?.(start, writes.length);
    const batch = writes.slice(start, start + batchSize);
    const column = <T>(pick: (product: MappedProduct) => T) => batch.map((item) => pick(item.product));
    await sql.query(statement, [
      storeId,
      options.syncedAt,
      ownedProductFields,
      column((p) => p.variantId),
      column((p) => p.productId),
      column((p) => p.sku),
      column((p) => p.name),
      column((p) => p.brand),
      column((p) => p.description),
      column((p) => p.category),
      column((p) => p.subtype),
      column((p) => p.strainType),
      column((p) => p.strainName),
      column((p) => JSON.stringify(p.terpenes ?? [])),
      column((p) => JSON.stringify(p.cannabinoids ?? [])),
      column((p) => p.priceCents),
      column((p) => p.imageUrl),
      column((p) => (p.weight ? JSON.stringify(p.weight) : null)),
      column((p) => p.purchaseCategory),
      column((p) => p.quantity),
      batch.map((item) => item.contentHash),
      column((p) => p.soldByWeight === true),
      column((p) => p.quantityUnit ?? null),
      column((p) => JSON.stringify(p.weightTiers ?? [])),
    ]);
  }
}

/** Products that left the feed: off the menu, with nothing in stock. */
export async function deactivateProducts(sql: ProductSql, storeId: string, variantIds: readonly string[], at: Date): Promise<number> {
  if (variantIds.length === 0) return 0;
  const { rowCount } = await sql.query(
    'UPDATE products SET active = false, pos_quantity = 0, updated_at = $1 WHERE store_id = $2 AND active AND variant_id = ANY($3::text[])',
    [at, storeId, [...variantIds]],
  );
  return rowCount ?? 0;
}

