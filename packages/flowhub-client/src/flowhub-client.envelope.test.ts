// A 200 whose envelope says the request failed (`{"status": 500, "message": "…", "data": []}`): an error of
// the kind its status calls for, never an empty or partial feed, wherever the status comes in the stream.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createFlowhubClient, type FlowhubClientOptions } from './flowhub-client';
import type { FlowhubRequestEvent } from './flowhub-http';
import { rawInventoryRow } from './testing/inventory-fixtures';
import { expectNoSecret, failure } from './testing/assertions';

const API = 'https://api.flowhub.test';
const credentials = { clientId: 'client-42', apiKey: 'inv-key-SECRET-9f8e7d', locationId: 'loc-7' };
const inventoryUrl = `${API}/v0/locations/loc-7/inventoryNonZero`;
const locationsUrl = `${API}/v0/clientsLocations`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(overrides: Partial<FlowhubClientOptions> = {}) {
  return createFlowhubClient({ apiUrl: API, authUrl: 'https://auth.flowhub.test', retryBaseDelayMs: 5, ...overrides });
}

const row = (index: number) => JSON.stringify(rawInventoryRow(index));

/** Flowhub answering HTTP 200 with these bodies in turn (the last one again), counting the calls. */
function answers(...bodies: string[]): { calls: number } {
  const state = { calls: 0 };
  server.use(
    http.get(inventoryUrl, () => {
      const body = bodies[Math.min(state.calls, bodies.length - 1)];
      state.calls += 1;
      return new HttpResponse(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
  return state;
}

/** The body sent in pieces of `size` bytes, so that fields and values are cut between chunks. */
function inPieces(body: string, size: number) {
  const bytes = new TextEncoder().encode(body);
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.slice(at, at + size));
      controller.close();
    },
  });
}

describe('getInventory: an envelope that says the request failed', () => {
  it('is a transient error, retried like a 5xx, when the status comes before the list', async () => {
    const flowhub = answers(`{"status":500,"message":"Internal server error","data":[]}`);
    const error = await failure(client({ maxRetries: 2 }).getInventory(credentials, { byRooms: false }));
    expect(flowhub.calls).toBe(3);
    expect(error).toMatchObject({ kind: 'transient', status: 500, retryable: true, messages: ['Internal server error'] });
    expect(error.message).toBe(
      'Flowhub is unavailable (500 in the body of an HTTP 200 answer): Internal server error [GET /v0/locations/loc-7/inventoryNonZero]',
    );
  });

  it('returns none of the rows that came before a failing status', async () => {
    answers(`{"data":[${row(1)},${row(2)}],"message":"partial: the database timed out","status":503}`);
    const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(error).toMatchObject({ kind: 'transient', status: 503, messages: ['partial: the database timed out'] });
  });

  it('succeeds once a retry brings a good answer', async () => {
    const flowhub = answers(`{"status":502,"data":[]}`, `{"status":200,"data":[${row(1)}]}`);
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(flowhub.calls).toBe(2);
    expect(result.rows.map((item) => item.variantId)).toEqual(['variant-1']);
  });

  it('reads the status and its message wherever the chunks cut them', async () => {
    const body = `{"data":[${row(1)},${row(2)}],"errors":["inventory service unavailable"],"status":500}`;
    for (const size of [1, 3, 7]) {
      server.use(http.get(inventoryUrl, () => new HttpResponse(inPieces(body, size), { headers: { 'content-type': 'application/json' } })));
      const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
      expect(error).toMatchObject({ kind: 'transient', status: 500, messages: ['inventory service unavailable'] });
    }
  });

  it.each<[string, unknown, Record<string, unknown>]>([
    ['a 401', 401, { kind: 'credentials_rejected', status: 401, retryable: false }],
    ['a 403', 403, { kind: 'credentials_rejected', status: 403, retryable: false }],
    ['a 404', 404, { kind: 'not_found', status: 404, retryable: false }],
    ['a 400', 400, { kind: 'invalid', status: 400, retryable: false }],
    ['a numeric string', '500', { kind: 'transient', status: 500 }],
    ['"error"', 'error', { kind: 'transient', retryable: true }],
    ['false', false, { kind: 'transient' }],
    ['an object', { code: 500 }, { kind: 'malformed_response', retryable: false }],
  ])('is the error its status calls for: %s', async (_name, status, expected) => {
    const flowhub = answers(JSON.stringify({ status, data: [] }));
    const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(flowhub.calls).toBe(1);
    expect(error).toMatchObject(expected);
  });

  it('says what the status was when it is no HTTP status', async () => {
    answers(`{"status":"error","message":"something broke","data":[]}`);
    const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(error.message).toBe(
      'Flowhub answered HTTP 200 but its body says status "error": something broke [GET /v0/locations/loc-7/inventoryNonZero]',
    );
  });

  it('waits and tries again after a 429 in the envelope', async () => {
    const flowhub = answers(`{"status":429,"data":[]}`, `{"status":200,"data":[${row(1)}]}`);
    const result = await client({ retryBaseDelayMs: 5 }).getInventory(credentials, { byRooms: false });
    expect(flowhub.calls).toBe(2);
    expect(result.rows).toHaveLength(1);
  });

  it('stays the reason when the body after the failing status is broken too', async () => {
    answers(`{"status":500,"message":"out of memory","data":[${row(1)},{"productId":`);
    const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(error).toMatchObject({ kind: 'transient', status: 500, messages: ['out of memory'] });
  });

  it('is malformed when the status cannot be read', async () => {
    answers(`{"status":tru,"data":[${row(1)}]}`);
    const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('malformed_response');
  });

  it('accepts the success statuses: 200, 2xx, "200", "ok", true, null, and none at all', async () => {
    for (const status of [200, 204, '200', 'OK', 'success', true, null, undefined]) {
      answers(JSON.stringify({ status, data: [rawInventoryRow(1)] }));
      const result = await client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false });
      expect(result.rows).toHaveLength(1);
    }
  });

  it('ignores a status nested inside another envelope field or a row', async () => {
    answers(`{"meta":{"status":500},"data":[${JSON.stringify({ ...rawInventoryRow(1), status: 'error' })}],"status":200}`);
    const result = await client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false });
    expect(result.rows).toHaveLength(1);
  });

  it('keeps the API key out of the error when the envelope echoes it', async () => {
    answers(JSON.stringify({ status: 'denied for key inv-key-SECRET-9f8e7d', message: `bad key ${credentials.apiKey}`, data: [] }));
    const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expectNoSecret(error, credentials.apiKey);
  });

  it('is reported to onRequest as an HTTP 200 with the error kind', async () => {
    answers(`{"status":500,"data":[]}`);
    const events: FlowhubRequestEvent[] = [];
    await failure(client({ maxRetries: 0, onRequest: (event) => events.push(event) }).getInventory(credentials, { byRooms: false }));
    expect(events).toEqual([expect.objectContaining({ endpoint: 'inventoryNonZero', status: 200, outcome: 'transient' })]);
  });
});

describe('getLocations: an envelope that says the request failed', () => {
  it('is an error, not a client without locations', async () => {
    let calls = 0;
    server.use(
      http.get(locationsUrl, () => {
        calls += 1;
        return HttpResponse.json({ status: 500, message: 'Internal server error', data: [] });
      }),
    );
    const error = await failure(client({ maxRetries: 1 }).getLocations(credentials));
    expect(calls).toBe(2);
    expect(error).toMatchObject({ kind: 'transient', status: 500, messages: ['Internal server error'] });
  });

  it('is rejected credentials when the envelope says 403', async () => {
    server.use(http.get(locationsUrl, () => HttpResponse.json({ status: 403, message: 'Forbidden', data: [] })));
    const error = await failure(client().getLocations(credentials));
    expect(error).toMatchObject({ kind: 'credentials_rejected', status: 403 });
  });
});
