import type { Store } from '../generated/client';
import type { FenceSql } from './fence';

/** A store as its inventory sync reads it: what shapes its feed and its products, and its category mappings. */
export type StoreSyncSettings = Pick<
  Store,
  | 'id'
  | 'enabled'
  | 'clientId'
  | 'apiKeyEncrypted'
  | 'locationId'
  | 'roomIds'
  | 'purchaseCategory'
  | 'ownedFields'
  | 'mapCustomCategoryToSubCategory'
  | 'pricesIncludeTax'
  | 'categoryUseDefaults'
> & {
  /**
   * The store's category mappings in the order they were made, by key among those made together (a store's settings
   * are saved in one statement): the same order at every read, as the feed memo's key needs.
   */
  categoryMappings: Array<{ flowhubValue: string; category: string }>;
};

const READ_SQL = `
  SELECT s.id, s.enabled, s.client_id AS "clientId", s.api_key_encrypted AS "apiKeyEncrypted", s.location_id AS "locationId",
    s.room_ids AS "roomIds", s.purchase_category::text AS "purchaseCategory", s.owned_fields AS "ownedFields",
    s.map_custom_category_to_sub_category AS "mapCustomCategoryToSubCategory", s.prices_include_tax AS "pricesIncludeTax",
    s.category_use_defaults AS "categoryUseDefaults",
    coalesce(
      (SELECT json_agg(json_build_object('flowhubValue', m.flowhub_value, 'category', m.category) ORDER BY m.created_at, m.flowhub_key)
       FROM category_mappings m WHERE m.store_id = s.id),
      '[]'
    ) AS "categoryMappings"
  FROM stores s WHERE s.id = $1`;

/**
 * The store's settings and category mappings, fresh for a sync, in one named statement on the sync's pool (a sync reads
 * them first, every time): null when there is no such store.
 */
export async function readStoreSyncSettings(sql: FenceSql, storeId: string): Promise<StoreSyncSettings | null> {
  const { rows } = await sql.query({ name: 'store-sync-settings', text: READ_SQL, values: [storeId] });
  return (rows[0] as StoreSyncSettings | undefined) ?? null;
}
