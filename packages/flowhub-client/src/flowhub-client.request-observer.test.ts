import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createFlowhubClient, type FlowhubClientOptions } from './flowhub-client';
import type { FlowhubRequestEvent } from './flowhub-http';
import type { RequestBudget } from './request-budget';
import { rawInventoryRow } from './testing/inventory-fixtures';

const API = 'https://api.flowhub.test';
const AUTH = 'https://auth.flowhub.test';
const inventory = { clientId: 'client-42', apiKey: 'inv-key-SECRET-9f8e7d', locationId: 'loc-7' };
const orderAhead = { clientId: 'oa-client-1', clientSecret: 'oa-secret-TOP-5e6f7a8b' };
const inventoryUrl = `${API}/v0/locations/loc-7/inventoryNonZero`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A client whose observer records every event. */
function observed(overrides: Partial<FlowhubClientOptions> = {}) {
  const events: FlowhubRequestEvent[] = [];
  const client = createFlowhubClient({
    apiUrl: API,
    authUrl: AUTH,
    retryBaseDelayMs: 10,
    onRequest: (event) => events.push(event),
    ...overrides,
  });
  return { client, events };
}

/** What a Prometheus counter would keep: the labels, without the duration. */
const labelsOf = (events: FlowhubRequestEvent[]) =>
  events.map(({ endpoint, method, status, outcome }) => ({ endpoint, method, status, outcome }));

describe('onRequest', () => {
  it('reports a successful read once, with its endpoint name, status and duration', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.json({ status: 200, data: [rawInventoryRow(1)] })));
    const { client, events } = observed();
    await client.getInventory(inventory, { byRooms: false });
    expect(labelsOf(events)).toEqual([{ endpoint: 'inventoryNonZero', method: 'GET', status: 200, outcome: 'ok' }]);
    expect(events[0].ms).toBeGreaterThanOrEqual(0);
    expect(events[0].ms).toBeLessThan(5000);
  });

  it('reports each attempt: a 429, then the retry that succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/v0/locations/loc-7/inventoryByRoomsNonZero`, () => {
        calls += 1;
        if (calls === 1) return HttpResponse.json({ message: 'Too many requests' }, { status: 429, headers: { 'Retry-After': '0' } });
        return HttpResponse.json({ status: 200, data: [] });
      }),
    );
    const { client, events } = observed();
    await client.getInventory(inventory, { byRooms: true });
    expect(labelsOf(events)).toEqual([
      { endpoint: 'inventoryByRoomsNonZero', method: 'GET', status: 429, outcome: 'rate_limited' },
      { endpoint: 'inventoryByRoomsNonZero', method: 'GET', status: 200, outcome: 'ok' },
    ]);
  });

  it('reports a 403 once, as rejected credentials (not retried)', async () => {
    server.use(http.get(`${API}/v0/clientsLocations`, () => HttpResponse.json({ message: 'Forbidden' }, { status: 403 })));
    const { client, events } = observed();
    await expect(client.getLocations(inventory)).rejects.toMatchObject({ kind: 'credentials_rejected' });
    expect(labelsOf(events)).toEqual([{ endpoint: 'clientsLocations', method: 'GET', status: 403, outcome: 'credentials_rejected' }]);
  });

  it('reports a failure without an answer with a null status', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.error()));
    const { client, events } = observed({ maxRetries: 1 });
    await expect(client.getInventory(inventory, { byRooms: false })).rejects.toMatchObject({ kind: 'transient' });
    expect(labelsOf(events)).toEqual([
      { endpoint: 'inventoryNonZero', method: 'GET', status: null, outcome: 'transient' },
      { endpoint: 'inventoryNonZero', method: 'GET', status: null, outcome: 'transient' },
    ]);
  });

  it('reports a 200 that cannot be read as malformed, with its status', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.json({ status: 200, message: 'no data here' })));
    const { client, events } = observed();
    await expect(client.getInventory(inventory, { byRooms: false })).rejects.toMatchObject({ kind: 'malformed_response' });
    expect(labelsOf(events)).toEqual([{ endpoint: 'inventoryNonZero', method: 'GET', status: 200, outcome: 'malformed_response' }]);
  });

  it('names the Order Ahead calls (token, create, status) without ids or secrets, a token refresh included', async () => {
    let tokens = 0;
    let statusCalls = 0;
    server.use(
      http.post(`${AUTH}/oauth/token`, () => {
        tokens += 1;
        return HttpResponse.json({ access_token: `token-${tokens}-abcdef`, expires_in: 86_400 });
      }),
      http.post(`${API}/order-ahead/v0/create`, () => HttpResponse.json({ orderId: 'order-777', status: 'Created' })),
      http.get(`${API}/order-ahead/v0/orderStatus/order-777`, () => {
        statusCalls += 1;
        // The first token is refused: the client fetches another and asks again.
        return statusCalls === 1
          ? HttpResponse.json({ message: 'jwt expired' }, { status: 401 })
          : HttpResponse.json({ orderId: 'order-777', status: 'Sold' });
      }),
    );
    const { client, events } = observed();
    const created = await client.createOrder(orderAhead, {
      externalCreatedAt: '2024-05-01T17:03:00.000Z',
      customer: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        externalId: 'aiq-customer-9',
        birthDate: '1990-12-10',
        phone: '+13035550123',
        medRecOrBoth: 'rec',
      },
      orderItems: [{ productId: 'p-1', quantityPurchased: 1 }],
      orderType: 'pickup',
    });
    await client.getOrderStatus(orderAhead, created.orderId);
    expect(labelsOf(events)).toEqual([
      { endpoint: 'token', method: 'POST', status: 200, outcome: 'ok' },
      { endpoint: 'createOrder', method: 'POST', status: 200, outcome: 'ok' },
      { endpoint: 'orderStatus', method: 'GET', status: 401, outcome: 'credentials_rejected' },
      { endpoint: 'token', method: 'POST', status: 200, outcome: 'ok' },
      { endpoint: 'orderStatus', method: 'GET', status: 200, outcome: 'ok' },
    ]);
    const seen = JSON.stringify(events);
    for (const hidden of ['order-777', 'token-1', orderAhead.clientId, orderAhead.clientSecret]) expect(seen).not.toContain(hidden);
  });

  it('reports nothing when no request was sent (no budget slot)', async () => {
    const budget: RequestBudget = { reserve: async () => ({ granted: false, retryInMs: 700 }) };
    const { client, events } = observed({ budget });
    await expect(client.getInventory(inventory, { byRooms: false, budgetWaitMs: 0 })).rejects.toMatchObject({ kind: 'rate_limited' });
    expect(events).toEqual([]);
  });

  it('keeps the call going when the observer throws', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.json({ status: 200, data: [rawInventoryRow(1)] })));
    const warnings: object[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (obj: object) => warnings.push(obj), error: () => {} };
    const client = createFlowhubClient({
      apiUrl: API,
      authUrl: AUTH,
      logger,
      onRequest: () => {
        throw new Error('registry is gone');
      },
    });
    const result = await client.getInventory(inventory, { byRooms: false });
    expect(result.rows).toHaveLength(1);
    expect(warnings).toEqual([{ endpoint: 'GET /v0/locations/loc-7/inventoryNonZero', err: 'registry is gone' }]);
  });
});
