// Reference (c): plain per-row. The naive sync (reference (a)) without Prisma: the same fetch, the same validation and
// mapping with the same packages, then one parameterised `INSERT … ON CONFLICT DO UPDATE` per row with plain
// node-postgres on a pg pool, awaited one after the other. No change detection: every row is written at every sync.
// What one round trip per row costs on its own, whatever the client library: the baseline a team that knows to
// avoid an ORM's overhead would still write first. The statement is named (prepared once per connection), as the
// product's own hot statements are, so that PostgreSQL does not parse and plan it 10,000 times: the strongest
// per-row writer.
import { fetchInventory, mappedProducts } from './feed.mjs';

const UPSERT = {
  name: 'bench-plain-per-row-upsert',
  text: `
    INSERT INTO products (store_id, variant_id, product_id, sku, name, brand, description, category, subtype, strain_type, strain_name,
      terpenes, cannabinoids, price_cents, image_url, weight, purchase_category, pos_quantity, active, content_hash, last_synced_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $14, $15, $16::jsonb, $17, $18, true, '', $19, now())
    ON CONFLICT (store_id, variant_id) DO UPDATE SET product_id = excluded.product_id, sku = excluded.sku, name = excluded.name,
      brand = excluded.brand, description = excluded.description, category = excluded.category, subtype = excluded.subtype,
      strain_type = excluded.strain_type, strain_name = excluded.strain_name, terpenes = excluded.terpenes,
      cannabinoids = excluded.cannabinoids, price_cents = excluded.price_cents, image_url = excluded.image_url,
      weight = excluded.weight, purchase_category = excluded.purchase_category, pos_quantity = excluded.pos_quantity,
      active = true, content_hash = '', last_synced_at = excluded.last_synced_at, updated_at = now()`,
};

const RECORD_RUN = `
  INSERT INTO sync_runs (store_id, trigger, status, started_at, finished_at, fetched, kept, created)
  VALUES ($1, 'manual', 'succeeded', $2, now(), $3, $4, $4)`;

/** The store row the products' foreign key needs (the naive sync's runner upserts it through Prisma). */
export const ensurePlainStore = (pool, storeId, location) =>
  pool.query(
    'INSERT INTO stores (id, enabled, client_id, location_id, updated_at) VALUES ($1, true, $2, $3, now()) ON CONFLICT (id) DO NOTHING',
    [storeId, location.clientId, location.locationId],
  );

export async function plainPerRowSync({ pool, simUrl, location, storeId }) {
  const { data } = await (await fetchInventory(simUrl, location)).json();
  const startedAt = new Date();
  let written = 0;
  for (const p of mappedProducts(data)) {
    await pool.query({
      ...UPSERT,
      values: [
        storeId,
        p.variantId,
        p.productId,
        p.sku,
        p.name,
        p.brand,
        p.description,
        p.category,
        p.subtype,
        p.strainType,
        p.strainName,
        JSON.stringify(p.terpenes ?? []),
        JSON.stringify(p.cannabinoids ?? []),
        p.priceCents,
        p.imageUrl,
        p.weight ? JSON.stringify(p.weight) : null,
        p.purchaseCategory,
        p.quantity,
        startedAt,
      ],
    });
    written += 1;
  }
  await pool.query(RECORD_RUN, [storeId, startedAt, data.length, written]);
  return { fetched: data.length, written };
}
