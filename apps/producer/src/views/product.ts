import { z } from 'zod';
import { productQuantities, round6, type ProductRecord } from '@flowhub-sync/db';

const quantity = z.number().min(0);
const range = { lower: z.number().nullable(), upper: z.number().nullable(), unit: z.string().nullable() };

/** A weight tier as the sync stores it (the mapping package's MappedWeightTier). */
interface StoredWeightTier {
  name: string;
  grams: number;
  priceCents: number | null;
}

const isStoredTier = (value: unknown): value is StoredWeightTier =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as StoredWeightTier).name === 'string' &&
  typeof (value as StoredWeightTier).grams === 'number' &&
  (value as StoredWeightTier).grams > 0;

/**
 * An item sold by weight, by its tiers: how many of each the store can sell now, floor(sellableQuantity ÷ grams)
 * (rounded to 6 decimals first, as quantities are, so 7 g of 3.5 g tiers is 2, not 1.9999999).
 */
export function weightTierViews(tiers: unknown, sellableQuantity: number): ProductView['weightTiers'] {
  if (!Array.isArray(tiers)) return [];
  return tiers.filter(isStoredTier).map((tier) => ({
    name: tier.name,
    grams: tier.grams,
    priceCents: typeof tier.priceCents === 'number' ? tier.priceCents : null,
    availableUnits: Math.max(0, Math.floor(round6(sellableQuantity / tier.grams))),
  }));
}

/** A product as GET/PATCH …/products show it (api-contract.md "Inventory"); the type below is derived from it. */
export const productViewSchema = z.object({
  variantId: z.string(),
  productId: z.string().nullable(),
  sku: z.string().nullable(),
  name: z.string().describe("Flowhub's productName, or the store's own edit"),
  brand: z.string().nullable(),
  description: z.string().nullable(),
  category: z.string().nullable().describe('an AIQ category; null when no mapping applies'),
  subtype: z.string().nullable(),
  strainType: z.string().nullable(),
  strainName: z.string().nullable(),
  terpenes: z.array(z.object({ name: z.string(), ...range, percent: z.number().nullable() })),
  cannabinoids: z.array(z.object({ name: z.string(), ...range })),
  priceCents: z.number().int().nullable().describe("pre-tax price in cents (post-tax when the store's pricesIncludeTax)"),
  imageUrl: z.string().nullable(),
  weight: z
    .object({ value: z.number(), unit: z.string().nullable() })
    .nullable()
    .describe('Flowhub\'s productWeight and its unit; null when Flowhub gives none, or gives it in "each" (a count, not a weight)'),
  purchaseCategory: z.string().nullable().describe("Flowhub's value for the item: med, rec, both, or null"),
  soldByWeight: z
    .boolean()
    .describe(
      'sold by weight (an addition to the contract): its quantities are grams and may be decimal; priceCents is the price of one gram',
    ),
  quantityUnit: z
    .string()
    .nullable()
    .describe(
      "Flowhub's unit of the quantities (an addition to the contract): grams for an item sold by weight, each otherwise; null when Flowhub gives none",
    ),
  weightTiers: z
    .array(
      z.object({
        name: z.string().describe('as Flowhub names the tier, e.g. "1/8 oz": an order item names it as its weightTier'),
        grams: z.number().positive().describe('grams in one unit of the tier'),
        priceCents: z
          .number()
          .int()
          .nullable()
          .describe("pre-tax price of one unit of the tier (post-tax when the store's pricesIncludeTax), as priceCents"),
        availableUnits: z.number().int().min(0).describe('units of the tier the store can sell now: floor(sellableQuantity ÷ grams)'),
      }),
    )
    .describe("Flowhub's weight tiers of an item sold by weight (empty otherwise)"),
  posQuantity: quantity.describe("Flowhub's quantity at the last sync"),
  heldQuantity: quantity.describe('units held by online orders'),
  availableQuantity: quantity.describe('posQuantity − heldQuantity, never below 0'),
  sellableQuantity: quantity.describe("availableQuantity − the store's quantityThreshold, never below 0"),
  sellable: z.boolean().describe('active and sellableQuantity > 0'),
  active: z.boolean(),
  lastSyncedAt: z.iso.datetime().nullable(),
  editedFields: z
    .array(z.string())
    .describe('fields the store edited itself (an addition to the contract): they survive syncs that do not own them'),
});
export type ProductView = z.output<typeof productViewSchema>;

/**
 * The weight column the sync writes from the mapping package's ProductWeight (or the store's edit). A weight in
 * "each" is a count, not a weight: never shown (the sync no longer writes one; products written before may hold one).
 */
function weightView(weight: unknown): ProductView['weight'] {
  if (weight === null || typeof weight !== 'object') return null;
  const { unit } = weight as { unit?: unknown };
  if (typeof unit === 'string' && unit.trim().toLowerCase() === 'each') return null;
  return weight as ProductView['weight'];
}

/** GET …/products */
export const productPageSchema = z.object({
  items: z.array(productViewSchema),
  nextCursor: z.string().nullable().describe('opaque: pass it as `cursor` for the next page; null on the last page'),
});

const change = z
  .number()
  .int()
  .min(1)
  .describe("the feed's change number of the product's last write: grows store-wide (equal within one write)");

/** GET …/products/changes: a product that changed, as GET …/products shows it, or the tombstone of one that left the menu. */
export const productChangeSchema = z.union([
  productViewSchema.extend({ active: z.literal(true), change }),
  z
    .object({ variantId: z.string(), active: z.literal(false), change })
    .describe('a product that left the menu (Flowhub no longer lists it for sale): remove it'),
]);
export type ProductChange = z.output<typeof productChangeSchema>;

export const productChangePageSchema = z.object({
  items: z.array(productChangeSchema).describe('in the order of their change, oldest first'),
  nextCursor: z
    .string()
    .describe('opaque: pass it as `after` next time; the same cursor as given when nothing changed since (keep polling with it)'),
  hasMore: z.boolean().describe('more changes wait beyond this page: ask again at once'),
});

/** A product's entry in the change feed: its view while on the menu, a tombstone once it left it. */
export function productChangeView(product: ProductRecord & { change: number }, store: { quantityThreshold: number }): ProductChange {
  if (!product.active) return { variantId: product.variantId, active: false, change: product.change };
  return { ...productView(product, store), active: true, change: product.change };
}

/** A product as GET/PATCH …/products show it. `editedFields` (an addition to the contract) lists the store's own edits. */
export function productView(product: ProductRecord, store: { quantityThreshold: number }): ProductView {
  const quantities = productQuantities(product, store.quantityThreshold);
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
    // JSON columns the sync writes from the mapping package's MappedTerpene[] / MappedCannabinoid[] / ProductWeight.
    terpenes: (Array.isArray(product.terpenes) ? product.terpenes : []) as ProductView['terpenes'],
    cannabinoids: (Array.isArray(product.cannabinoids) ? product.cannabinoids : []) as ProductView['cannabinoids'],
    priceCents: product.priceCents,
    imageUrl: product.imageUrl,
    weight: weightView(product.weight),
    purchaseCategory: product.purchaseCategory,
    soldByWeight: product.soldByWeight,
    quantityUnit: product.quantityUnit,
    weightTiers: weightTierViews(product.weightTiers, quantities.sellableQuantity),
    ...quantities,
    active: product.active,
    lastSyncedAt: product.lastSyncedAt?.toISOString() ?? null,
    editedFields: product.editedFields,
  };
}
