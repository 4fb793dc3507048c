import { createHash } from 'node:crypto';
import { normalizeRoomId } from './room';

/** The settings that choose which Flowhub feed a store's sync reads. */
export interface FeedSettings {
  clientId: string | null;
  locationId: string | null;
  roomIds: readonly string[];
  purchaseCategory: string;
}

/**
 * THE identity of a store's feed: its location, its rooms (normalizeRoomId, each once, in any order) and its purchase
 * category. Sync runs record it (SyncRun.feedFingerprint): the shrink guard lets a feed shrink at once when it changed.
 * Its formula is stored with every run: changing it makes every store's next run look like a new feed.
 */
export function feedIdentity(settings: Pick<FeedSettings, 'locationId' | 'roomIds' | 'purchaseCategory'>): string {
  const { locationId, roomIds, purchaseCategory } = (settings ?? {}) as Partial<FeedSettings>;
  const rooms = [...new Set((Array.isArray(roomIds) ? roomIds : []).map(normalizeRoomId))].sort();
  return createHash('sha1')
    .update(JSON.stringify([locationId ?? '', rooms, purchaseCategory]))
    .digest('base64url');
}

/**
 * Whether two versions of a store's settings read the same feed with the same credentials' client: the same
 * feedIdentity and the same clientId. A store whose feed changed wants a sync at once.
 */
export function sameFeed(before: FeedSettings, after: FeedSettings): boolean {
  const clientOf = (settings: FeedSettings) => (settings as Partial<FeedSettings> | null)?.clientId ?? null;
  return clientOf(before) === clientOf(after) && feedIdentity(before) === feedIdentity(after);
}
