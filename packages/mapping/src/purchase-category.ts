import { cachedByString } from './string-cache';

export type PurchaseCategory = 'rec' | 'med' | 'both';
export type PurchaseCategoryFilter = 'all' | 'med' | 'rec';

// Flowhub sends rec / med / both in any case; the long words are accepted because operators type them.
const PURCHASE_CATEGORY_BY_WORD: Readonly<Record<string, PurchaseCategory>> = {
  rec: 'rec',
  recreational: 'rec',
  'adult use': 'rec',
  med: 'med',
  medical: 'med',
  both: 'both',
};

const lookupPurchaseCategory = cachedByString((value: string): PurchaseCategory | null => {
  const word = value
    .trim()
    .toLowerCase()
    .replace(/[\s\-_]+/g, ' ');
  return Object.prototype.hasOwnProperty.call(PURCHASE_CATEGORY_BY_WORD, word) ? PURCHASE_CATEGORY_BY_WORD[word] : null;
}, 100);

/** Flowhub's purchaseCategory → 'rec' | 'med' | 'both', or null when missing or unrecognised. */
export function normalizePurchaseCategory(value: string | null | undefined): PurchaseCategory | null {
  if (typeof value !== 'string') return null;
  return lookupPurchaseCategory(value);
}

/**
 * Whether an item passes the store's purchase category filter. 'all' passes everything; an item marked "both",
 * or with no purchase category, passes any filter; otherwise the item must match the filter (case-insensitive).
 * An unrecognised filter value acts as the default, 'all'.
 */
export function passesPurchaseCategory(itemPurchaseCategory: string | null | undefined, filter: PurchaseCategoryFilter): boolean {
  const wanted = normalizePurchaseCategory(filter);
  if (wanted !== 'rec' && wanted !== 'med') return true;
  if (typeof itemPurchaseCategory !== 'string' || itemPurchaseCategory.trim() === '') return true;
  const itemCategory = normalizePurchaseCategory(itemPurchaseCategory);
  return itemCategory === 'both' || itemCategory === wanted;
}
