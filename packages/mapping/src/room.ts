const ROOM_ID = /^[A-Za-z0-9]{32}$/;

/**
 * Whether a value is a Flowhub room id as the store settings accept it: exactly 32 ASCII letters and digits.
 * A UUID with dashes, a room name or anything with a space is not.
 */
export function isValidRoomId(value: unknown): boolean {
  return typeof value === 'string' && ROOM_ID.test(value);
}

/**
 * The form in which room ids are compared: dashes stripped, lower case, trimmed. Inventory rows may carry the
 * store's room id as a dashed UUID or in another case. Non-strings give ''.
 */
export function normalizeRoomId(value: string): string {
  if (typeof value !== 'string') return '';
  return value.trim().replace(/-/g, '').toLowerCase();
}

/** One room of a by-rooms inventory answer: its id as the store settings take it, its name, and its rows. */
export interface RoomRows {
  roomId: string;
  roomName: string | null;
  rows: number;
}

/**
 * The rooms that rows of the by-rooms inventory are in, ids normalised (`normalizeRoomId`, so a room sent dashed on
 * some rows and plain on others is one room), each with its number of rows and the name of its first row, sorted by
 * name. Rows without a room id (or not objects) are not counted.
 */
export function countRoomRows(rows: readonly { roomId: string | null; roomName: string | null }[]): RoomRows[] {
  const rooms = new Map<string, RoomRows>();
  for (const row of Array.isArray(rows) ? rows : []) {
    if (row === null || typeof row !== 'object' || typeof row.roomId !== 'string' || row.roomId === '') continue;
    const roomId = normalizeRoomId(row.roomId);
    const room = rooms.get(roomId) ?? { roomId, roomName: typeof row.roomName === 'string' ? row.roomName : null, rows: 0 };
    room.rows += 1;
    rooms.set(roomId, room);
  }
  return [...rooms.values()].sort((a, b) => (a.roomName ?? '').localeCompare(b.roomName ?? ''));
}
