import type { FlowhubSyncClient } from './client';
import type { components } from './generated/api';

/** A product that changed (as GET …/products shows it, with its `change`), or the tombstone of one that left the menu. */
export type ProductChange = components['schemas']['ProductChange'];

/** One entry of the feed, with the cursor to keep once it is handled: pass it as `after` to go on after it. */
export interface MenuChange {
  product: ProductChange;
  cursor: string;
}

export interface MenuChangesOptions {
  /** The cursor kept from the last entry handled (or a page's nextCursor); none: from the beginning (the whole menu first). */
  after?: string;
  /** Page size asked of the API (default 100, at most 1000). */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * The store's menu changes after `after`, one by one, page after page, until the feed has nothing more now; then the
 * iteration ends. Keep the cursor of the last entry handled and start the next round from it: each change is seen
 * once. A change that commits late is handed out late, never skipped (GET …/products/changes).
 *
 *   for await (const { product, cursor } of menuChanges(client, storeId, { after: saved })) {
 *     product.active ? upsert(product) : remove(product.variantId);
 *     saved = cursor;
 *   }
 */
export async function* menuChanges(
  client: FlowhubSyncClient,
  storeId: string,
  options: MenuChangesOptions = {},
): AsyncGenerator<MenuChange> {
  let after = options.after;
  for (;;) {
    const page = await client.GET('/v1/stores/{storeId}/products/changes', {
      params: { path: { storeId }, query: { ...(after ? { after } : {}), ...(options.pageSize ? { limit: options.pageSize } : {}) } },
      signal: options.signal,
    });
    for (const [index, product] of page.items.entries()) {
      // Past the page's last entry, nextCursor; before it, the cursor of the entry itself is the page's position after it.
      const cursor = index === page.items.length - 1 ? page.nextCursor : entryCursor(product);
      yield { product, cursor };
    }
    after = page.nextCursor;
    if (!page.hasMore) return;
  }
}

/** The feed's cursor after an entry: the API's own encoding (change and variantId), as its nextCursor would name it. */
function entryCursor(product: ProductChange): string {
  return Buffer.from(`${product.change}:${product.variantId}`, 'utf8').toString('base64url');
}
