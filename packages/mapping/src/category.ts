import { fieldOf, presentText } from './flowhub-values';
import { normalizeMappingKey } from './mapping-key';

export const AIQ_CATEGORIES = [
  'Flower',
  'Pre-Rolls',
  'Vaporizers',
  'Concentrates',
  'Edibles',
  'Drinks',
  'Tinctures',
  'Topicals',
  'Pills',
  'Accessories',
  'Apparel',
  'Seeds & Clones',
  'CBD',
] as const;
export type AiqCategory = (typeof AIQ_CATEGORIES)[number];

/** Built-in defaults (mapping-rules.md). Each AIQ category also maps to itself, so a mapped value re-maps unchanged. */
export const DEFAULT_CATEGORY_VALUES: Readonly<Record<AiqCategory, readonly string[]>> = {
  Flower: ['Flower', 'Bud', 'Buds', 'Shake', 'Smalls', 'Popcorn', 'Ground Flower', 'Pre-Ground'],
  'Pre-Rolls': [
    'Pre-Roll',
    'Pre-Rolls',
    'Preroll',
    'Prerolls',
    'Infused Pre-Roll',
    'Infused Pre-Rolls',
    'Blunt',
    'Blunts',
    'Joint',
    'Joints',
  ],
  Vaporizers: [
    'Vape',
    'Vapes',
    'Vaporizer',
    'Vaporizers',
    'Cartridge',
    'Cartridges',
    'Cart',
    'Carts',
    'Disposable',
    'Disposables',
    'Pod',
    'Pods',
  ],
  Concentrates: [
    'Concentrate',
    'Concentrates',
    'Extract',
    'Extracts',
    'Wax',
    'Shatter',
    'Live Resin',
    'Rosin',
    'Live Rosin',
    'Badder',
    'Budder',
    'Crumble',
    'Diamonds',
    'Sauce',
    'Hash',
    'Kief',
    'RSO',
  ],
  Edibles: ['Edible', 'Edibles', 'Gummy', 'Gummies', 'Chocolate', 'Chocolates', 'Baked Goods', 'Candy', 'Mints', 'Chews'],
  Drinks: ['Drink', 'Drinks', 'Beverage', 'Beverages'],
  Tinctures: ['Tincture', 'Tinctures', 'Sublingual'],
  Topicals: ['Topical', 'Topicals', 'Lotion', 'Balm', 'Salve', 'Transdermal', 'Patch', 'Patches'],
  Pills: ['Pill', 'Pills', 'Capsule', 'Capsules', 'Tablet', 'Tablets'],
  Accessories: [
    'Accessory',
    'Accessories',
    'Gear',
    'Paraphernalia',
    'Battery',
    'Batteries',
    'Papers',
    'Rolling Papers',
    'Grinder',
    'Grinders',
    'Pipe',
    'Pipes',
  ],
  Apparel: ['Apparel', 'Merch', 'Merchandise', 'Clothing'],
  'Seeds & Clones': ['Seeds & Clones', 'Seed', 'Seeds', 'Clone', 'Clones'],
  CBD: ['CBD'],
};

const DEFAULT_CATEGORY_BY_KEY: ReadonlyMap<string, AiqCategory> = (() => {
  const byKey = new Map<string, AiqCategory>();
  for (const category of AIQ_CATEGORIES) {
    for (const value of DEFAULT_CATEGORY_VALUES[category]) byKey.set(normalizeMappingKey(value), category);
  }
  return byKey;
})();

const AIQ_CATEGORY_SET: ReadonlySet<string> = new Set(AIQ_CATEGORIES);

export function isAiqCategory(value: unknown): value is AiqCategory {
  return typeof value === 'string' && AIQ_CATEGORY_SET.has(value);
}

export interface CategoryMappingRow {
  flowhubValue: string;
  category: AiqCategory;
}

/** A store's Category Settings. `useDefaults` (default true) keeps the built-in table under the store's rows. */
export interface CategoryMappings {
  useDefaults?: boolean;
  rows?: readonly CategoryMappingRow[];
}

/** The Flowhub fields category and subtype are read from. */
export interface CategorySourceFields {
  customCategoryName?: string | null;
  type?: string | null;
  category?: string | null;
}

export type CategorySource = 'customCategory' | 'type' | 'category';

export interface ResolvedCategory {
  category: AiqCategory | null;
  source: CategorySource | null;
}

/** A compiled mapping table: normalised Flowhub value → AIQ category. */
export type CategoryLookup = ReadonlyMap<string, AiqCategory>;

/**
 * Builds the lookup for a store's mappings once, so mapping a feed does not rebuild it per row. Store rows win
 * over the defaults; when two store rows share a key the first wins; rows with a blank value or a category outside
 * the AIQ list are ignored (the API refuses them before they get here).
 */
export function compileCategoryMappings(mappings?: CategoryMappings | null): CategoryLookup {
  const useDefaults = fieldOf(mappings, 'useDefaults') !== false;
  const rows = fieldOf(mappings, 'rows');
  if (!Array.isArray(rows) || rows.length === 0) return useDefaults ? DEFAULT_CATEGORY_BY_KEY : new Map();

  const storeRows = new Map<string, AiqCategory>();
  for (const row of rows) {
    const key = normalizeMappingKey(fieldOf(row, 'flowhubValue') as string);
    const category = fieldOf(row, 'category');
    if (key !== '' && isAiqCategory(category) && !storeRows.has(key)) storeRows.set(key, category);
  }
  if (!useDefaults) return storeRows;
  const merged = new Map(DEFAULT_CATEGORY_BY_KEY);
  for (const [key, category] of storeRows) merged.set(key, category);
  return merged;
}

interface CompiledEntry {
  rows: unknown;
  rowCount: number;
  useDefaults: unknown;
  lookup: CategoryLookup;
}
const compiledByMappings = new WeakMap<object, CompiledEntry>();

/** The compiled lookup for a mappings object, remembered per object (re-built if its rows or switch change). */
export function categoryLookupFor(mappings?: CategoryMappings | null): CategoryLookup {
  if (mappings === null || typeof mappings !== 'object') return DEFAULT_CATEGORY_BY_KEY;
  const rows = fieldOf(mappings, 'rows');
  const rowCount = Array.isArray(rows) ? rows.length : -1;
  const useDefaults = fieldOf(mappings, 'useDefaults');
  const known = compiledByMappings.get(mappings);
  if (known && known.rows === rows && known.rowCount === rowCount && known.useDefaults === useDefaults) return known.lookup;
  const lookup = compileCategoryMappings(mappings);
  compiledByMappings.set(mappings, { rows, rowCount, useDefaults, lookup });
  return lookup;
}

function lookUp(lookup: CategoryLookup, value: unknown): AiqCategory | undefined {
  if (typeof value !== 'string') return undefined;
  const key = normalizeMappingKey(value);
  return key === '' ? undefined : lookup.get(key);
}

/** Category from an already compiled lookup: Custom Category, then Type, then Category; the first that maps wins. */
export function resolveCategoryWith(item: CategorySourceFields, lookup: CategoryLookup): ResolvedCategory {
  if (!(lookup instanceof Map)) lookup = DEFAULT_CATEGORY_BY_KEY;
  let category = lookUp(lookup, fieldOf(item, 'customCategoryName'));
  if (category) return { category, source: 'customCategory' };
  category = lookUp(lookup, fieldOf(item, 'type'));
  if (category) return { category, source: 'type' };
  category = lookUp(lookup, fieldOf(item, 'category'));
  if (category) return { category, source: 'category' };
  return { category: null, source: null };
}

/**
 * The AIQ category of a Flowhub item. A field "gives a result" only when it is present AND maps, so an unmapped
 * custom category falls through to Type, then Category. Without `mappings`, the built-in defaults apply.
 */
export function resolveCategory(item: CategorySourceFields, mappings?: CategoryMappings): ResolvedCategory {
  return resolveCategoryWith(item, categoryLookupFor(mappings));
}

/**
 * The product subtype. With the setting on, the custom category name (trimmed) when there is one; otherwise Type,
 * else Category, else the custom category name, so a subtype is assigned whenever Flowhub gives any of the three.
 */
export function resolveSubtype(item: CategorySourceFields, options: { mapCustomCategoryToSubCategory: boolean }): string | null {
  const customCategory = presentText(fieldOf(item, 'customCategoryName'));
  if (customCategory !== null && fieldOf(options, 'mapCustomCategoryToSubCategory') === true) return customCategory;
  return presentText(fieldOf(item, 'type')) ?? presentText(fieldOf(item, 'category')) ?? customCategory;
}
