/** Names of the Flowhub endpoints the simulator serves: used by request counters and to aim faults. */
export const ENDPOINTS = [
  'token',
  'clientsLocations',
  'inventoryNonZero',
  'inventoryByRoomsNonZero',
  'inventory',
  'orderCreate',
  'orderUpdate',
  'orderStatus',
  'orderPostback',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export const INVENTORY_ENDPOINTS: readonly Endpoint[] = ['inventoryNonZero', 'inventoryByRoomsNonZero', 'inventory'];

export function isEndpoint(value: unknown): value is Endpoint {
  return typeof value === 'string' && (ENDPOINTS as readonly string[]).includes(value);
}
