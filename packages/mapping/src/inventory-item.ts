// The validated Flowhub inventory row (briefs/row.md). packages/flowhub-client declares the same shape as a zod
// schema (`FlowhubInventoryRow`); the two must stay structurally identical, field for field.

/** An entry of cannabinoidInformation[] or terpenes[]. */
export interface FlowhubAmount {
  name: string;
  lowerRange: number | null;
  upperRange: number | null;
  /** "%", "mg", "mg/g", ... */
  unitOfMeasure: string | null;
  unitOfMeasureToGramsMultiplier: number | null;
}

/** An entry of weightTierInformation[]: a named amount of an item sold by weight, and its price. */
export interface FlowhubWeightTier {
  name: string;
  gramAmount: number;
  preTaxPriceInPennies: number | null;
  postTaxPriceInPennies: number | null;
}

export interface FlowhubInventoryItem {
  productId: string;
  variantId: string;
  parentProductId: string | null;
  productName: string;
  parentProductName: string | null;
  variantName: string | null;
  sku: string | null;
  brand: string | null;
  category: string | null;
  customCategoryName: string | null;
  type: string | null;
  strainName: string | null;
  /** The strain TYPE, in messy spellings. */
  speciesName: string | null;
  /** "rec" | "med" | "both" in any case, or missing. */
  purchaseCategory: string | null;
  quantity: number;
  preTaxPriceInPennies: number | null;
  postTaxPriceInPennies: number | null;
  productWeight: number | null;
  productUnitOfMeasure: string | null;
  isSoldByWeight: boolean | null;
  /** The unit of `quantity`: "grams" for an item sold by weight, "each" otherwise. */
  inventoryUnitOfMeasure: string | null;
  /** Named amounts of an item sold by weight ("1/8 oz") and their prices. */
  weightTierInformation: readonly FlowhubWeightTier[];
  productPictureURL: string | null;
  productDescription: string | null;
  /** Only on the by-rooms endpoint. */
  roomId: string | null;
  roomName: string | null;
  productUpdatedAt: string | null;
  /** The package (batch) the row's stock belongs to (feed.ts: a variant's packages add up). */
  regulatoryId: string | null;
  manifestId: string | null;
  invoiceNumber: string | null;
  expirationDate: string | null;
  supplierName: string | null;
  cannabinoidInformation: readonly FlowhubAmount[];
  terpenes: readonly FlowhubAmount[];
}
