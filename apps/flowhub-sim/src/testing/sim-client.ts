import type { RunningSimulator } from '../simulator';
import { DEMO_LOCATION } from '../state';

/** Small HTTP helpers for the simulator's own tests: real requests, as the product would make them. */

export const DEMO_HEADERS = { clientId: DEMO_LOCATION.clientId, key: DEMO_LOCATION.key };

export type InventoryEndpoint = 'inventoryNonZero' | 'inventoryByRoomsNonZero' | 'inventory';
export type Row = Record<string, unknown>;

export async function getInventory(
  sim: RunningSimulator,
  endpoint: InventoryEndpoint,
  { locationId = DEMO_LOCATION.locationId as string, headers = DEMO_HEADERS as Record<string, string>, query = '' } = {},
): Promise<Row[]> {
  const response = await fetch(`${sim.url}/v0/locations/${locationId}/${endpoint}${query}`, { headers });
  if (response.status !== 200) throw new Error(`${endpoint} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { status: number; data: Row[] };
  if (body.status !== 200 || !Array.isArray(body.data)) throw new Error(`${endpoint} sent an unexpected envelope`);
  return body.data;
}

export async function getToken(
  sim: RunningSimulator,
  clientId: string = DEMO_LOCATION.orderAheadClientId,
  clientSecret: string = DEMO_LOCATION.orderAheadClientSecret,
): Promise<string> {
  const response = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: clientId,
      client_secret: clientSecret,
      audience: 'https://api.flowhub.co',
      grant_type: 'client_credentials',
    }),
  });
  if (response.status !== 200) throw new Error(`token answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export function createOrder(sim: RunningSimulator, token: string, body: unknown): Promise<Response> {
  return fetch(`${sim.url}/order-ahead/v0/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

export function orderStatus(sim: RunningSimulator, token: string, orderId: string): Promise<Response> {
  return fetch(`${sim.url}/order-ahead/v0/orderStatus/${encodeURIComponent(orderId)}`, { headers: { authorization: `Bearer ${token}` } });
}

/** Calls the admin API; returns status and parsed JSON (null for an empty body). */
export async function admin<T = any>(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sim.url}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A pickup order for the given products, valid for a recreational customer with a phone. */
export function pickupOrder(
  externalId: string,
  items: { productId: string; quantityPurchased: number }[],
  extra: Record<string, unknown> = {},
) {
  return {
    externalCreatedAt: '2025-05-01T17:00:00.000Z',
    customer: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      birthDate: '1990-01-31',
      email: 'ada@example.com',
      externalId,
      phone: '+15555550123',
      medRecOrBoth: 'rec',
    },
    orderItems: items,
    orderType: 'pickup',
    customerNote: 'Gate code 1234',
    fees: [],
    ...extra,
  };
}

/** Variants that are in stock, with a plain numeric quantity (not a malformed or string-number row). */
export async function inStockProducts(
  sim: RunningSimulator,
  count: number,
): Promise<{ productId: string; variantId: string; quantity: number }[]> {
  const rows = await getInventory(sim, 'inventoryNonZero');
  return rows
    .filter(
      (row) => typeof row.variantId === 'string' && typeof row.quantity === 'number' && row.quantity >= 5 && row.isSoldByWeight === false,
    )
    .slice(0, count)
    .map((row) => ({ productId: row.productId as string, variantId: row.variantId as string, quantity: row.quantity as number }));
}
