import type { FenceSql, FenceSqlPool } from './fence';
import { STAMP_PRODUCT_CHANGE } from '../products/changes';

/**
 * Writing a feed into the store's menu: only what changed, in bulk. The inventory sync (packages/inventory-sync) decides
 * what changed from the stored content hashes (readStoredProductHashes); what did goes in one `INSERT … SELECT FROM
 * unnest(…) ON CONFLICT DO UPDATE` per batch (upsertProducts), which PostgreSQL takes at tens of thousands of rows a
 * second (one statement per row would be ten times slower).
 */

/**
 * Where the sync's product statements run: a plain PostgreSQL pool (createSqlPool's fits). Not Prisma: PrismaClient keeps
 * the parameters of its recent raw statements in its debug history (the last 100 debug entries, even with debugging
 * off), 7 MB and more per 5,000-row batch, and turns every parameter into JSON and back on the way.
 */
export type ProductSql = FenceSql;

/** The pool itself: statements, and a connection of its own for the statements of one transaction (./fence.ts). */
export type ProductSqlPool = FenceSqlPool;

/** What the sync compares a product with: its row's ids, content hash and whether it is on the menu. */
export interface StoredProductHash {
  variant_id: string;
  product_id: string | null;
  content_hash: string;
  active: boolean;
}

/** The store's products, ids and hashes only (the rows as PostgreSQL names their columns). */
export async function readStoredProductHashes(sql: ProductSql, storeId: string): Promise<StoredProductHash[]> {
  const { rows } = await sql.query('SELECT variant_id, product_id, content_hash, active FROM products WHERE store_id = $1', [storeId]);
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
 * The upsert for one store. A new product gets every mapped field. An existing one gets the fields the store
 * lets the sync own, plus what no owned field covers (ids, purchase category, quantity, and how the item is sold:
 * by weight or not, the quantity's unit, the weight tiers); fields it does not
 * own keep their value (created from Flowhub or edited by the store), read at write time so a concurrent
 * edit is never lost. An edit of a field the sync now owns is overwritten and forgotten (owned wins).
 */
function upsertStatement(owned: ReadonlySet<string>): { statement: string; ownedProductFields: string[] } {
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
      ${STAMP_PRODUCT_CHANGE},
      ${ownedColumns.map((assignment) => `${assignment},`).join('\n      ')}
      edited_fields = ARRAY(SELECT f FROM unnest(products.edited_fields) AS f WHERE NOT (f = ANY($3::text[])))`;
  return { statement, ownedProductFields: [...owned] };
}

export interface UpsertProductsOptions {
  /** The product fields the store lets the sync own (productFieldsOwned of @flowhub-sync/mapping, from Store.ownedFields). */
  ownedProductFields: ReadonlySet<string>;
  syncedAt: Date;
  batchSize?: number;
  /** Called before each batch: throw to stop (the store lock was lost, the worker is stopping). */
  beforeBatch?: (written: number, total: number) => void | Promise<void>;
}

/** Writes new and changed products, active, one statement per batch (5,000 rows by default). */
export async function upsertProducts(
  sql: ProductSql,
  storeId: string,
  writes: readonly ProductUpsert[],
  options: UpsertProductsOptions,
): Promise<void> {
  const batchSize = options.batchSize ?? 5_000;
  const { statement, ownedProductFields } = upsertStatement(options.ownedProductFields);
  for (let start = 0; start < writes.length; start += batchSize) {
    await options.beforeBatch?.(start, writes.length);
    const batch = writes.slice(start, start + batchSize);
    const column = <T>(pick: (product: ProductContent) => T) => batch.map((item) => pick(item.product));
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
    `UPDATE products SET active = false, pos_quantity = 0, updated_at = $1, ${STAMP_PRODUCT_CHANGE}
     WHERE store_id = $2 AND active AND variant_id = ANY($3::text[])`,
    [at, storeId, [...variantIds]],
  );
  return rowCount ?? 0;
}
