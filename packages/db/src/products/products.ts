import { Prisma, type PrismaClient, type Product } from '../generated/client';
import { STAMP_PRODUCT_CHANGE } from './changes';
import { sellableQuantitySql } from './quantities';

/** The columns a product view needs (the list reads exactly these). */
export type ProductRecord = Pick<
  Product,
  | 'variantId'
  | 'productId'
  | 'sku'
  | 'name'
  | 'brand'
  | 'description'
  | 'category'
  | 'subtype'
  | 'strainType'
  | 'strainName'
  | 'terpenes'
  | 'cannabinoids'
  | 'priceCents'
  | 'imageUrl'
  | 'weight'
  | 'purchaseCategory'
  | 'soldByWeight'
  | 'quantityUnit'
  | 'weightTiers'
  | 'posQuantity'
  | 'heldQuantity'
  | 'active'
  | 'editedFields'
  | 'lastSyncedAt'
>;

/** What the product routes need of the store: how its quantities read, and which fields its sync owns. */
export async function findStoreProductSettings(
  prisma: PrismaClient,
  storeId: string,
): Promise<{ quantityThreshold: number; ownedFields: string[] } | null> {
  return prisma.store.findUnique({ where: { id: storeId }, select: { quantityThreshold: true, ownedFields: true } });
}

export interface ProductFilter {
  /** Active ones, inactive ones, or (null) both. */
  active: boolean | null;
  category?: string;
  /** Sellable ones or not (productQuantities' `sellable`, with the store's threshold). */
  sellable?: boolean;
  /** A piece of the name, brand or strain name, in any case. */
  q?: string;
  /** The page starts after this variantId. */
  after?: string;
  limit: number;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (character) => `\\${character}`);

/** A page of the store's products in variantId order, and the variantId the next page starts after (null: the last page). */
export async function listProducts(
  prisma: PrismaClient,
  storeId: string,
  filter: ProductFilter,
  quantityThreshold: number,
): Promise<{ items: ProductRecord[]; lastVariantId: string | null }> {
  const where = [Prisma.sql`store_id = ${storeId}`];
  if (filter.active !== null) where.push(Prisma.sql`active = ${filter.active}`);
  if (filter.category) where.push(Prisma.sql`category = ${filter.category}`);
  if (filter.sellable !== undefined) {
    const sellable = Prisma.sql`(active AND ${sellableQuantitySql(quantityThreshold)} > 0)`;
    where.push(filter.sellable ? sellable : Prisma.sql`NOT ${sellable}`);
  }
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    where.push(Prisma.sql`(name ILIKE ${pattern} OR brand ILIKE ${pattern} OR strain_name ILIKE ${pattern})`);
  }
  if (filter.after) where.push(Prisma.sql`variant_id > ${filter.after}`);

  const rows = await prisma.$queryRaw<ProductRecord[]>`
      SELECT variant_id AS "variantId", product_id AS "productId", sku, name, brand, description, category, subtype,
        strain_type AS "strainType", strain_name AS "strainName", terpenes, cannabinoids, price_cents AS "priceCents",
        image_url AS "imageUrl", weight, purchase_category AS "purchaseCategory", sold_by_weight AS "soldByWeight",
        quantity_unit AS "quantityUnit", weight_tiers AS "weightTiers", pos_quantity AS "posQuantity",
        held_quantity AS "heldQuantity", active, edited_fields AS "editedFields", last_synced_at AS "lastSyncedAt"
      FROM products
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY variant_id
      LIMIT ${filter.limit + 1}`;
  const items = rows.slice(0, filter.limit);
  return { items, lastVariantId: rows.length > filter.limit ? items[items.length - 1].variantId : null };
}

export async function findProduct(prisma: PrismaClient, storeId: string, variantId: string): Promise<Product | null> {
  return prisma.product.findUnique({ where: { storeId_variantId: { storeId, variantId } } });
}

/** A store's own edit of a product: the fields it may edit (EDITABLE_PRODUCT_FIELDS of packages/mapping). */
export interface ProductEdit {
  name?: string;
  description?: string | null;
  brand?: string | null;
  category?: string | null;
  subtype?: string | null;
  strainType?: string | null;
  strainName?: string | null;
  imageUrl?: string | null;
  priceCents?: number | null;
  weight?: { value: number; unit: string | null } | null;
}

/**
 * Writes a store's edit of a product and adds the fields edited to its editedFields (they survive every later sync
 * that does not own them). The row is locked first, so that two edits at once both land in editedFields. Null when
 * the product does not exist (nothing written).
 */
export async function editProduct(prisma: PrismaClient, storeId: string, variantId: string, edit: ProductEdit): Promise<Product | null> {
  const fields = Object.keys(edit);
  const { weight, ...plain } = edit;
  return prisma.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ edited_fields: string[] }[]>`
        SELECT edited_fields FROM products WHERE store_id = ${storeId} AND variant_id = ${variantId} FOR UPDATE`;
    if (!current) return null;
    await tx.$executeRaw`UPDATE products SET ${Prisma.raw(STAMP_PRODUCT_CHANGE)} WHERE store_id = ${storeId} AND variant_id = ${variantId}`;
    return tx.product.update({
      where: { storeId_variantId: { storeId, variantId } },
      data: {
        ...plain,
        ...(weight === undefined ? {} : { weight: weight === null ? Prisma.DbNull : weight }),
        editedFields: [...new Set([...current.edited_fields, ...fields])],
      },
    });
  });
}
