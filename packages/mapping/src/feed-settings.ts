import { normalizeRoomId } from './room';

/** The settings that choose which Flowhub feed a store's sync reads. */
export interface FeedSettings {
  clientId: string | null;
  locationId: string | null;
  roomIds: readonly string[];
  purchaseCategory: string;
}

/** The feed settings in the form they are compared in: absent is null, rooms normalised (normalizeRoomId) and sorted. */
function feedOf(settings: FeedSettings) {
  const { clientId, locationId, roomIds, purchaseCategory } = (settings ?? {}) as Partial<FeedSettings>;
  return {
    fields: [clientId ?? null, locationId ?? null, purchaseCategory ?? null],
    rooms: Array.isArray(roomIds) ? roomIds.map(normalizeRoomId).sort() : [],
  };
}

/**
 * Whether two versions of a store's settings read the same feed: the same client, location and purchase category, and
 * the same rooms in any order and spelling (normalizeRoomId). A store whose feed changed wants a sync at once.
 */
export function sameFeed(before: FeedSettings, after: FeedSettings): boolean {
  const a = feedOf(before);
  const b = feedOf(after);
  return (
    a.fields.every((field, index) => Object.is(field, b.fields[index])) &&
    a.rooms.length === b.rooms.length &&
    a.rooms.every((room, index) => room === b.rooms[index])
  );
}
