import { Prisma, type PrismaClient } from '../generated/client';
import type { ProductRecord } from './products';

/*
 * THE MENU CHANGE FEED: every write to a product (a sync, a store's edit, a hold taken or released) stamps the row
 * with the id of the transaction that wrote it (`products.change`, an xid8 as bigint: the column's default on insert,
 * STAMP_PRODUCT_CHANGE in every UPDATE of this package). Transaction ids only grow, so the stamps order a store's
 * changes; the feed reads them in (change, variantId) order after the platform's cursor.
 *
 * A transaction takes its id before it commits, and commits in any order: one that started early may commit after a
 * later one was already read. So the feed hands out only stamps below the oldest transaction still running
 * (pg_snapshot_xmin of the reading snapshot): every transaction with a smaller id has ended, committed or rolled back,
 * and is visible to the read. A late commit therefore always lands after every cursor handed out, never behind one.
 * A long transaction anywhere on the server holds the feed back while it runs; it never makes it skip.
 * No counter row is shared, so the orders of a store never wait for each other to stamp.
 */

/** The assignment that stamps a product row with the writing transaction's change number (in an UPDATE's SET). */
export const STAMP_PRODUCT_CHANGE = 'change = ((pg_current_xact_id())::text)::bigint';

/** A position in a store's feed: after the product `variantId` stamped `change` (both from the last item read). */
export interface ProductChangeCursor {
  change: number;
  variantId: string;
}

export type ChangedProduct = ProductRecord & { change: number };

/** The feed before any change: a platform without a cursor starts here. */
export const FEED_START: ProductChangeCursor = { change: 0, variantId: '' };

/** The cursor as the API hands it out: change and variantId, base64url-encoded (opaque to the platform). */
export const encodeProductChangeCursor = (cursor: ProductChangeCursor): string =>
  Buffer.from(`${cursor.change}:${cursor.variantId}`, 'utf8').toString('base64url');

/** A cursor this API gave out, or null for any other text. */
export function decodeProductChangeCursor(text: string): ProductChangeCursor | null {
  const match = /^(0|[1-9][0-9]{0,15}):(.{0,200})$/s.exec(Buffer.from(text, 'base64url').toString('utf8'));
  const cursor = match ? { change: Number(match[1]), variantId: match[2] } : null;
  return cursor && Number.isSafeInteger(cursor.change) && encodeProductChangeCursor(cursor) === text ? cursor : null;
}

/**
 * The store's products changed after `after` (from the start when null), in feed order, at most `limit`, and only
 * those whose writing transaction has ended along with every older one (see above).
 */
export async function readProductChanges(
  prisma: PrismaClient,
  storeId: string,
  after: ProductChangeCursor | null,
  limit: number,
): Promise<ChangedProduct[]> {
  const position = after ? Prisma.sql`AND (change, variant_id) > (${after.change}::bigint, ${after.variantId}::text)` : Prisma.empty;
  return prisma.$queryRaw<ChangedProduct[]>`
    SELECT variant_id AS "variantId", product_id AS "productId", sku, name, brand, description, category, subtype,
      strain_type AS "strainType", strain_name AS "strainName", terpenes, cannabinoids, price_cents AS "priceCents",
      image_url AS "imageUrl", weight, purchase_category AS "purchaseCategory", sold_by_weight AS "soldByWeight",
      quantity_unit AS "quantityUnit", weight_tiers AS "weightTiers", pos_quantity AS "posQuantity",
      held_quantity AS "heldQuantity", active, edited_fields AS "editedFields", last_synced_at AS "lastSyncedAt",
      change::float8 AS change
    FROM products
    WHERE store_id = ${storeId}
      AND change < ((pg_snapshot_xmin(pg_current_snapshot()))::text)::bigint
      ${position}
    ORDER BY change, variant_id
    LIMIT ${limit}`;
}

/** The feed's position after the store's latest change so far (null: the store has no product yet). */
export async function latestProductChange(prisma: PrismaClient, storeId: string): Promise<ProductChangeCursor | null> {
  const [row] = await prisma.$queryRaw<ProductChangeCursor[]>`
    SELECT change::float8 AS change, variant_id AS "variantId" FROM products WHERE store_id = ${storeId}
    ORDER BY change DESC, variant_id DESC LIMIT 1`;
  return row ?? null;
}
