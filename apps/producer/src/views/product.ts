import type { Product } from '@flowhub-sync/db';

/** The columns a product view needs (a raw list query selects exactly these). */
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
  | 'posQuantity'
  | 'heldQuantity'
  | 'active'
  | 'editedFields'
  | 'lastSyncedAt'
>;

// Weighed stock is decimal grams: no 0.30000000000000004 on a menu.
const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * What a store may sell of a product (api-contract.md): available = pos − held, sellable = available − the
 * store's threshold, neither below 0; sellable only while the product is active. The SQL filter on
 * `sellable` in the product routes computes the same, rounding included.
 */
export function productQuantities(product: Pick<Product, 'posQuantity' | 'heldQuantity' | 'active'>, quantityThreshold: number) {
  const availableQuantity = round(Math.max(0, round(product.posQuantity - product.heldQuantity)));
  const sellableQuantity = round(Math.max(0, availableQuantity - quantityThreshold));
  return {
    posQuantity: product.posQuantity,
    heldQuantity: product.heldQuantity,
    availableQuantity,
    sellableQuantity,
    sellable: product.active && sellableQuantity > 0,
  };
}

/** A product as GET/PATCH …/products show it. `editedFields` (an addition to the contract) lists the store's own edits. */
export function productView(product: ProductRecord, store: { quantityThreshold: number }) {
  return {
    variantId: product.variantId,
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    brand: product.brand,
    description: product.description,
    category: product.category,
    subtype: product.subtype,
    strainType: product.strainType,
    strainName: product.strainName,
    terpenes: Array.isArray(product.terpenes) ? product.terpenes : [],
    cannabinoids: Array.isArray(product.cannabinoids) ? product.cannabinoids : [],
    priceCents: product.priceCents,
    imageUrl: product.imageUrl,
    weight: product.weight ?? null,
    purchaseCategory: product.purchaseCategory,
    ...productQuantities(product, store.quantityThreshold),
    active: product.active,
    lastSyncedAt: product.lastSyncedAt?.toISOString() ?? null,
    editedFields: product.editedFields,
  };
}
