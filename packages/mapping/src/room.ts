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
