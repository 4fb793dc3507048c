// Reference (b): the ceiling. Fetch the same rows and write them with one bare set-based upsert per 5,000 rows
// into a scratch table of the products table's shape: no validation, mapping or comparison (values are only
// coerced so that PostgreSQL accepts them, as any writer must).
import { fetchInventory } from './feed.mjs';

export const CEILING_TABLE = 'bench_ceiling_products';
const BATCH = 5_000;

/** The scratch table: the products table's columns, defaults and primary key, without its foreign keys. */
export const createCeilingTable = (pg) =>
  pg.query(`CREATE TABLE IF NOT EXISTS ${CEILING_TABLE} (LIKE products INCLUDING DEFAULTS INCLUDING INDEXES)`);

const UPSERT = `
  INSERT INTO ${CEILING_TABLE} (store_id, variant_id, product_id, sku, name, brand, description, category, subtype, strain_type,
    strain_name, terpenes, cannabinoids, price_cents, image_url, weight, purchase_category, pos_quantity, content_hash, last_synced_at)
  SELECT $1, t.*, '', now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::jsonb[], $14::int[], $15::text[], $16::jsonb[], $17::text[], $18::float8[])
    AS t(variant_id, product_id, sku, name, brand, description, category, subtype, strain_type, strain_name, terpenes,
      cannabinoids, price_cents, image_url, weight, purchase_category, pos_quantity)
  ON CONFLICT (store_id, variant_id) DO UPDATE SET product_id = excluded.product_id, sku = excluded.sku, name = excluded.name,
    brand = excluded.brand, description = excluded.description, category = excluded.category, subtype = excluded.subtype,
    strain_type = excluded.strain_type, strain_name = excluded.strain_name, terpenes = excluded.terpenes,
    cannabinoids = excluded.cannabinoids, price_cents = excluded.price_cents, image_url = excluded.image_url,
    weight = excluded.weight, purchase_category = excluded.purchase_category, pos_quantity = excluded.pos_quantity,
    last_synced_at = excluded.last_synced_at, updated_at = now()`;

const text = (value) => (value === null || value === undefined ? null : String(value));
const number = (value) => (value === null || value === undefined || value === '' || !Number.isFinite(Number(value)) ? null : Number(value));

export async function ceilingSync({ pg, simUrl, location, storeId }) {
  const { data } = await (await fetchInventory(simUrl, location)).json();
  // A row without a variant id has no key to write under: the one check a bare writer cannot skip.
  const rows = data.filter((row) => row.variantId !== null && row.variantId !== undefined);
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const column = (pick) => batch.map(pick);
    await pg.query(UPSERT, [
      storeId,
      column((r) => String(r.variantId)),
      column((r) => text(r.productId)),
      column((r) => text(r.sku)),
      column((r) => text(r.productName) ?? ''),
      column((r) => text(r.brand)),
      column((r) => text(r.productDescription)),
      column((r) => text(r.category)),
      column((r) => text(r.customCategoryName)),
      column((r) => text(r.speciesName)),
      column((r) => text(r.strainName)),
      column((r) => JSON.stringify(r.terpenes ?? [])),
      column((r) => JSON.stringify(r.cannabinoidInformation ?? [])),
      column((r) => (number(r.preTaxPriceInPennies) === null ? null : Math.round(number(r.preTaxPriceInPennies)))),
      column((r) => text(r.productPictureURL)),
      column((r) => JSON.stringify({ value: r.productWeight ?? null, unit: r.productUnitOfMeasure ?? null })),
      column((r) => text(r.purchaseCategory)),
      column((r) => number(r.quantity) ?? 0),
    ]);
  }
  return { fetched: data.length, written: rows.length };
}
