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

/** What a feed's writes came to (WritePlanner.finish); the writes themselves went out part by part (WritePlanner.add). */
export interface ProductWritePlan {
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

/**
 * Compares the feed with what is stored (ids and hashes only: readStoredProductHashes) and says what to write, a part
 * of the feed at a time as its products are mapped (productsToWrite, map-feed.ts): each part's writes at once, which
 * stored products left the feed once it is complete.
 */
export class WritePlanner<P extends PlannedProduct> {
  /** Each stored product's position in `stored`, by variant. */
  private readonly byVariant: Map<string, number>;
  /** Which stored products the feed lists (by position). */
  private readonly inFeed: Uint8Array;
  private created = 0;
  private updated = 0;
  private unchanged = 0;

  constructor(
    private readonly stored: readonly StoredProductHash[],
    private readonly unreadable: UnreadableRows = NOTHING_UNREADABLE,
  ) {
    this.byVariant = new Map(stored.map((row, index) => [row.variant_id, index]));
    this.inFeed = new Uint8Array(stored.length);
  }

  /** Products of the feed: those to write (new, changed, or coming back to the feed). */
  add(feed: readonly P[]): P[] {
    const writes: P[] = [];
    for (const item of feed) {
      const index = this.byVariant.get(item.variantId);
      if (index === undefined) {
        this.created += 1;
        writes.push(item);
        continue;
      }
      this.inFeed[index] = 1;
      const existing = this.stored[index];
      if (existing.content_hash !== item.contentHash || !existing.active) {
        this.updated += 1;
        writes.push(item);
      } else {
        this.unchanged += 1;
      }
    }
    return writes;
  }

  /** Every product of the feed was added: the counts, and the stored products that left it or could not be read. */
  finish(): ProductWritePlan {
    const plan = {
      created: this.created,
      updated: this.updated,
      unchanged: this.unchanged,
      leaving: [] as string[],
      unread: [] as string[],
    };
    this.stored.forEach((row, index) => {
      if (this.inFeed[index] === 1) return;
      if (this.unreadable.variantIds.has(row.variant_id) || (row.product_id !== null && this.unreadable.productIds.has(row.product_id)))
        plan.unread.push(row.variant_id);
      else if (row.active) plan.leaving.push(row.variant_id);
    });
    return plan;
  }
}

/** The fingerprint context: what decides a write besides the product itself (the store's owned fields). */
export const ownedFieldsContext = (ownedFields: readonly string[]) => [...ownedFields].sort().join(',');
