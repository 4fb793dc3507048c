import {
  type AiqCategory,
  type CategoryLookup,
  type CategoryMappings,
  categoryLookupFor,
  resolveCategoryWith,
  resolveSubtype,
} from './category';
import { finiteNumber, identifierText, presentText } from './flowhub-values';
import type { FlowhubInventoryItem } from './inventory-item';
import { type PurchaseCategory, normalizePurchaseCategory } from './purchase-category';
import { cachedByString } from './string-cache';
import { type StrainType, normalizeStrainType } from './strain-type';
import { type TerpeneName, normalizeTerpeneName } from './terpene';

export interface MappedTerpene {
  name: TerpeneName;
  lower: number | null;
  upper: number | null;
  unit: string | null;
  /** Midpoint of the range as a percentage: the midpoint for '%', ÷ 10 for 'mg/g', null for other units. */
  percent: number | null;
}

export interface MappedCannabinoid {
  name: string;
  lower: number | null;
  upper: number | null;
  unit: string | null;
}

export interface ProductWeight {
  value: number;
  unit: string | null;
}

/** A named amount of an item sold by weight ("1/8 oz"), from Flowhub's weightTierInformation[]. */
export interface MappedWeightTier {
  name: string;
  grams: number;
  /** Pre-tax price of the tier in cents (post-tax when the store's pricesIncludeTax), as the product's price. */
  priceCents: number | null;
}

/** The product fields a sync derives from one Flowhub row (api-contract.md "Inventory"), plus its quantity. */
export interface MappedProduct {
  variantId: string;
  productId: string;
  sku: string | null;
  name: string;
  brand: string | null;
  description: string | null;
  category: AiqCategory | null;
  subtype: string | null;
  strainType: StrainType | null;
  strainName: string | null;
  terpenes: MappedTerpene[];
  cannabinoids: MappedCannabinoid[];
  priceCents: number | null;
  imageUrl: string | null;
  weight: ProductWeight | null;
  purchaseCategory: PurchaseCategory | null;
  /** Sold by weight: its quantity is grams (mapping-rules.md "Sold by weight"). */
  soldByWeight: boolean;
  /** Flowhub's unit of the quantity (inventoryUnitOfMeasure): "grams", "each", …; null when Flowhub gives none. */
  quantityUnit: string | null;
  /** The item's weight tiers; only an item sold by weight has any. */
  weightTiers: MappedWeightTier[];
  /** Flowhub's quantity: the product's posQuantity. */
  quantity: number;
}

export type ProductField = keyof MappedProduct;

/** Every field of MappedProduct, in a fixed order (the fingerprint relies on it). */
export const MAPPED_PRODUCT_FIELDS: readonly ProductField[] = [
  'variantId',
  'productId',
  'sku',
  'name',
  'brand',
  'description',
  'category',
  'subtype',
  'strainType',
  'strainName',
  'terpenes',
  'cannabinoids',
  'priceCents',
  'imageUrl',
  'weight',
  'purchaseCategory',
  'soldByWeight',
  'quantityUnit',
  'weightTiers',
  'quantity',
];

/** What did not map, as data for the sync report; a mapping miss never fails the row. */
export interface MappingProblems {
  /** No category could be resolved: the product syncs with category null. */
  uncategorized: boolean;
  /** Terpene names that are not supported (as Flowhub wrote them, trimmed, each once); left out of the product. */
  unknownTerpenes: string[];
  /** Flowhub's speciesName (trimmed) when it was given but is not a known strain type; otherwise null. */
  unknownStrainType: string | null;
}

export interface MappedInventoryItem {
  product: MappedProduct;
  problems: MappingProblems;
}

/** The store settings mapping depends on. */
export interface ProductMappingSettings {
  mapCustomCategoryToSubCategory: boolean;
  pricesIncludeTax: boolean;
  categoryMappings?: CategoryMappings | null;
}

type LooseRow = { [K in keyof FlowhubInventoryItem]?: unknown };
type LooseAmount = { name?: unknown; lowerRange?: unknown; upperRange?: unknown; unitOfMeasure?: unknown };

const NO_FIELDS: LooseRow = Object.freeze({});

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

type PercentUnit = 'percent' | 'mgPerGram' | null;
const percentUnitOf = cachedByString((unit: string): PercentUnit => {
  const compact = unit.toLowerCase().replace(/\s+/g, '');
  if (compact === '%' || compact === 'percent') return 'percent';
  if (compact === 'mg/g') return 'mgPerGram';
  return null;
}, 100);

// Rounded to 6 decimals so that float noise ((0.1 + 0.2) / 2) does not show up in the menu or the fingerprint.
function roundPercent(value: number): number {
  const rounded = Math.round(value * 1e6) / 1e6;
  return Number.isFinite(rounded) ? rounded : value;
}

/** A one-sided range (only lower or only upper) has that bound as its midpoint. */
function terpenePercent(lower: number | null, upper: number | null, unit: string | null): number | null {
  if (unit === null) return null;
  const kind = unit === '%' ? 'percent' : percentUnitOf(unit);
  if (kind === null) return null;
  const midpoint = lower !== null && upper !== null ? (lower + upper) / 2 : (lower ?? upper);
  if (midpoint === null || !Number.isFinite(midpoint)) return null;
  return roundPercent(kind === 'percent' ? midpoint : midpoint / 10);
}

function mapTerpenes(entries: unknown, unknownNames: string[]): MappedTerpene[] {
  const terpenes: MappedTerpene[] = [];
  if (!Array.isArray(entries)) return terpenes;
  for (const entry of entries as unknown[]) {
    if (!isRecord(entry)) continue;
    const amount = entry as LooseAmount;
    const name = normalizeTerpeneName(amount.name as string);
    if (name === null) {
      const written = presentText(amount.name);
      if (written !== null && !unknownNames.includes(written)) unknownNames.push(written);
      continue;
    }
    // The same terpene under two spellings: keep the first.
    if (terpenes.some((terpene) => terpene.name === name)) continue;
    const lower = finiteNumber(amount.lowerRange);
    const upper = finiteNumber(amount.upperRange);
    const unit = presentText(amount.unitOfMeasure);
    terpenes.push({ name, lower, upper, unit, percent: terpenePercent(lower, upper, unit) });
  }
  return terpenes;
}

function mapCannabinoids(entries: unknown): MappedCannabinoid[] {
  const cannabinoids: MappedCannabinoid[] = [];
  if (!Array.isArray(entries)) return cannabinoids;
  for (const entry of entries as unknown[]) {
    if (!isRecord(entry)) continue;
    const amount = entry as LooseAmount;
    const name = presentText(amount.name);
    if (name === null) continue;
    cannabinoids.push({
      name,
      lower: finiteNumber(amount.lowerRange),
      upper: finiteNumber(amount.upperRange),
      unit: presentText(amount.unitOfMeasure),
    });
  }
  return cannabinoids;
}

function priceCentsOf(pennies: unknown): number | null {
  const price = finiteNumber(pennies);
  return price === null || price < 0 ? null : Math.round(price);
}

/**
 * A weight of 0 (or less) is Flowhub's "no weight" (pre-rolls sold by the unit, accessories): null. So is any weight
 * whose unit is "each": Flowhub fills productWeight with a count then (an edible's 15 "each"), not a weight.
 */
function weightOf(row: LooseRow): ProductWeight | null {
  const value = finiteNumber(row.productWeight);
  if (value === null || value <= 0) return null;
  const unit = presentText(row.productUnitOfMeasure);
  if (unit !== null && unit.toLowerCase() === 'each') return null;
  return { value, unit };
}

const GRAM_UNITS: ReadonlySet<string> = new Set(['g', 'gram', 'grams']);

/**
 * Whether the item is sold by weight (its quantity is grams): Flowhub's isSoldByWeight; when Flowhub leaves that
 * out (null), an inventory unit of grams says so.
 */
function soldByWeightOf(row: LooseRow): boolean {
  if (row.isSoldByWeight === true) return true;
  if (row.isSoldByWeight === false) return false;
  const unit = presentText(row.inventoryUnitOfMeasure);
  return unit !== null && GRAM_UNITS.has(unit.toLowerCase());
}

// Grams of a tier are summed into holds rounded to 6 decimals (packages/db holds.ts): keep them to 6 as well.
const roundGrams = (value: number) => Math.round(value * 1e6) / 1e6;

/** The tiers of an item sold by weight, in Flowhub's order; a name listed twice keeps its first tier. */
function mapWeightTiers(entries: unknown, pricesIncludeTax: boolean): MappedWeightTier[] {
  const tiers: MappedWeightTier[] = [];
  if (!Array.isArray(entries)) return tiers;
  for (const entry of entries as unknown[]) {
    if (!isRecord(entry)) continue;
    const name = presentText(entry.name);
    const grams = finiteNumber(entry.gramAmount);
    if (name === null || grams === null || !(grams > 0)) continue;
    if (tiers.some((tier) => tier.name === name)) continue;
    tiers.push({
      name,
      grams: roundGrams(grams),
      priceCents: priceCentsOf(pricesIncludeTax ? entry.postTaxPriceInPennies : entry.preTaxPriceInPennies),
    });
  }
  return tiers;
}

function quantityOf(value: unknown): number {
  const quantity = finiteNumber(value);
  return quantity === null || quantity < 0 ? 0 : quantity;
}

function mapWith(item: FlowhubInventoryItem, settings: unknown, lookup: CategoryLookup): MappedInventoryItem {
  const row: LooseRow = isRecord(item) ? (item as LooseRow) : NO_FIELDS;
  const options = isRecord(settings) ? settings : NO_FIELDS;
  const mapCustomCategoryToSubCategory = (options as { mapCustomCategoryToSubCategory?: unknown }).mapCustomCategoryToSubCategory === true;
  const pricesIncludeTax = (options as { pricesIncludeTax?: unknown }).pricesIncludeTax === true;

  const categoryFields = row as { customCategoryName?: string | null; type?: string | null; category?: string | null };
  const { category } = resolveCategoryWith(categoryFields, lookup);
  const strainType = normalizeStrainType(row.speciesName as string);
  const unknownTerpenes: string[] = [];
  const soldByWeight = soldByWeightOf(row);

  const product: MappedProduct = {
    variantId: identifierText(row.variantId),
    productId: identifierText(row.productId),
    sku: presentText(row.sku),
    // productName is required upstream; the fallbacks only keep a damaged row readable.
    name: presentText(row.productName) ?? presentText(row.variantName) ?? presentText(row.parentProductName) ?? '',
    brand: presentText(row.brand),
    description: presentText(row.productDescription),
    category,
    subtype: resolveSubtype(categoryFields, { mapCustomCategoryToSubCategory }),
    strainType,
    strainName: presentText(row.strainName),
    terpenes: mapTerpenes(row.terpenes, unknownTerpenes),
    cannabinoids: mapCannabinoids(row.cannabinoidInformation),
    priceCents: priceCentsOf(pricesIncludeTax ? row.postTaxPriceInPennies : row.preTaxPriceInPennies),
    imageUrl: presentText(row.productPictureURL),
    weight: weightOf(row),
    purchaseCategory: normalizePurchaseCategory(row.purchaseCategory as string),
    soldByWeight,
    quantityUnit: presentText(row.inventoryUnitOfMeasure),
    weightTiers: soldByWeight ? mapWeightTiers(row.weightTierInformation, pricesIncludeTax) : [],
    quantity: quantityOf(row.quantity),
  };
  const problems: MappingProblems = {
    uncategorized: category === null,
    unknownTerpenes,
    unknownStrainType: strainType === null ? presentText(row.speciesName) : null,
  };
  return { product, problems };
}

/** Maps one validated Flowhub row to product fields, with what did not map as `problems`. Never throws. */
export function mapInventoryItem(item: FlowhubInventoryItem, settings: ProductMappingSettings): MappedInventoryItem {
  const categoryMappings = isRecord(settings) ? (settings as { categoryMappings?: unknown }).categoryMappings : undefined;
  return mapWith(item, settings, categoryLookupFor(categoryMappings as CategoryMappings | undefined));
}

/**
 * A mapper bound to one store's settings, for mapping a whole feed: the category table is compiled once.
 * The settings are read when the mapper is created; make a new mapper when they change.
 */
export function createInventoryMapper(settings: ProductMappingSettings): (item: FlowhubInventoryItem) => MappedInventoryItem {
  const categoryMappings = isRecord(settings) ? (settings as { categoryMappings?: unknown }).categoryMappings : undefined;
  const lookup = categoryLookupFor(categoryMappings as CategoryMappings | undefined);
  const frozen = {
    mapCustomCategoryToSubCategory: isRecord(settings) && settings.mapCustomCategoryToSubCategory === true,
    pricesIncludeTax: isRecord(settings) && settings.pricesIncludeTax === true,
  };
  return (item) => mapWith(item, frozen, lookup);
}
