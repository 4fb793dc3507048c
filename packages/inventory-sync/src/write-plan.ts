import type { StoredProductHash } from '@flowhub-sync/db';
import type { MappedProduct } from '@flowhub-sync/mapping';
import type { UnreadableRows } from './fetch-feed';

/**
 * Writing a feed into the store's menu: only what changed. A product whose content hash (mapped Flowhub content plus
 * what decides the write, see `ownedFieldsContext`) matches the stored one and that is still active is not written at
 * all; the rest go to the bulk upsert (upsertProducts, packages/db/src/sync/product-writes.ts, which holds the SQL).
 */

export interface HashedProduct {
  product: MappedProduct;
  contentHash: string;
}

/** What the plan compares of a product of the feed (a HashedProduct's product, or the feed memo's FeedProduct). */
export interface PlannedProduct {
  variantId: string;
  contentHash: string;
}

export interface ProductWritePlan<P extends PlannedProduct = PlannedProduct> {
  /** New products, and existing ones whose content changed or that come back to the feed. */
  writes: P[];
  created: number;
  updated: number;
  unchanged: number;
  /** Active products of the store that are not in the feed. */
  leaving: string[];
  /**
   * Products of the store that Flowhub still lists in rows that could not be read (UnreadableRows): neither written
   * nor leaving, they keep their last good values (an active one stays on the menu, its quantity as last read).
   */
  unread: string[];
}

const NOTHING_UNREADABLE: UnreadableRows = { variantIds: new Set(), productIds: new Set() };

/** Compares the feed with what is stored (ids and hashes only: readStoredProductHashes) and says what to write. */
export function planProductWrites<P extends PlannedProduct>(
  stored: readonly StoredProductHash[],
  feed: readonly P[],
  unreadable: UnreadableRows = NOTHING_UNREADABLE,
): ProductWritePlan<P> {
  const byVariant = new Map(stored.map((row) => [row.variant_id, row]));
  const plan: ProductWritePlan<P> = { writes: [], created: 0, updated: 0, unchanged: 0, leaving: [], unread: [] };
  const inFeed = new Set<string>();
  for (const item of feed) {
    inFeed.add(item.variantId);
    const existing = byVariant.get(item.variantId);
    if (!existing) {
      plan.created += 1;
      plan.writes.push(item);
    } else if (existing.content_hash !== item.contentHash || !existing.active) {
      plan.updated += 1;
      plan.writes.push(item);
    } else {
      plan.unchanged += 1;
    }
  }
  for (const row of stored) {
    if (inFeed.has(row.variant_id)) continue;
    if (unreadable.variantIds.has(row.variant_id) || (row.product_id !== null && unreadable.productIds.has(row.product_id)))
      plan.unread.push(row.variant_id);
    else if (row.active) plan.leaving.push(row.variant_id);
  }
  return plan;
}

/** The fingerprint context: what decides a write besides the product itself (the store's owned fields). */
export const ownedFieldsContext = (ownedFields: readonly string[]) => [...ownedFields].sort().join(',');
