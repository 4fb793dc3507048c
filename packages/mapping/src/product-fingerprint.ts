import * as crypto from 'node:crypto';
import type { MappedProduct } from './product-mapper';

// crypto.hash (Node ≥ 20.12) skips the Hash object and is about twice as fast for inputs this small.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;
const sha1 = oneShotHash
  ? (text: string) => oneShotHash('sha1', text, 'base64url')
  : (text: string) => crypto.createHash('sha1').update(text).digest('base64url');

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return value !== null && typeof value === 'object';
}

function terpeneEntries(value: unknown): unknown[] | null {
  if (!Array.isArray(value)) return null;
  const canonical: unknown[] = [];
  for (const entry of value as unknown[]) {
    canonical.push(
      isRecord(entry) ? [entry.name ?? null, entry.lower ?? null, entry.upper ?? null, entry.unit ?? null, entry.percent ?? null] : null,
    );
  }
  return canonical;
}

function cannabinoidEntries(value: unknown): unknown[] | null {
  if (!Array.isArray(value)) return null;
  const canonical: unknown[] = [];
  for (const entry of value as unknown[]) {
    canonical.push(isRecord(entry) ? [entry.name ?? null, entry.lower ?? null, entry.upper ?? null, entry.unit ?? null] : null);
  }
  return canonical;
}

function weightTierEntries(value: unknown): unknown[] | null {
  if (!Array.isArray(value)) return null;
  const canonical: unknown[] = [];
  for (const entry of value as unknown[])
    canonical.push(isRecord(entry) ? [entry.name ?? null, entry.grams ?? null, entry.priceCents ?? null] : null);
  return canonical;
}

// Positions, not object keys, so that key order (a product read back from the database) does not change the hash.
function canonicalProduct(product: Loose): unknown[] {
  const weight = product.weight;
  return [
    product.variantId ?? null,
    product.productId ?? null,
    product.sku ?? null,
    product.name ?? null,
    product.brand ?? null,
    product.description ?? null,
    product.category ?? null,
    product.subtype ?? null,
    product.strainType ?? null,
    product.strainName ?? null,
    terpeneEntries(product.terpenes),
    cannabinoidEntries(product.cannabinoids),
    product.priceCents ?? null,
    product.imageUrl ?? null,
    isRecord(weight) ? [weight.value ?? null, weight.unit ?? null] : null,
    product.purchaseCategory ?? null,
    product.soldByWeight ?? null,
    product.quantityUnit ?? null,
    weightTierEntries(product.weightTiers),
    product.quantity ?? null,
  ];
}

/**
 * A stable content hash of a mapped product (quantity included): equal products give equal fingerprints whatever
 * their key order, so the worker can skip rows that did not change since the last sync. `context` is mixed in
 * for anything else that decides what gets written (e.g. the store's owned fields), so that changing it re-writes.
 * 27 characters (base64url SHA-1).
 */
export function productFingerprint(product: MappedProduct, context?: string): string {
  let text: string;
  try {
    text = JSON.stringify([isRecord(product) ? canonicalProduct(product) : null, typeof context === 'string' ? context : null]);
  } catch {
    // Only values JSON cannot express (a BigInt) end up here; they cannot come from the mapper.
    text = String(Object.prototype.toString.call(product));
  }
  return sha1(text);
}
