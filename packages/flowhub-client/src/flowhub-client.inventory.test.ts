import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createFlowhubClient, type FlowhubClientOptions } from './flowhub-client';
import { rawInventoryRow } from './testing/inventory-fixtures';
import { expectNoSecret, failure } from './testing/assertions';

const API = 'https://api.flowhub.test';
const credentials = { clientId: 'client-42', apiKey: 'inv-key-SECRET-9f8e7d', locationId: 'loc-7' };
const inventoryUrl = `${API}/v0/locations/loc-7/inventoryNonZero`;
const byRoomsUrl = `${API}/v0/locations/loc-7/inventoryByRoomsNonZero`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(overrides: Partial<FlowhubClientOptions> = {}) {
  return createFlowhubClient({ apiUrl: API, authUrl: 'https://auth.flowhub.test', retryBaseDelayMs: 10, ...overrides });
}

describe('getInventory', () => {
  it('sends the clientId and key headers and reads the envelope', async () => {
    let headers: Headers | undefined;
    server.use(
      http.get(inventoryUrl, ({ request }) => {
        headers = request.headers;
        return HttpResponse.json({ status: 200, data: [rawInventoryRow(1), rawInventoryRow(2)] });
      }),
    );
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(headers?.get('clientId')).toBe('client-42');
    expect(headers?.get('key')).toBe('inv-key-SECRET-9f8e7d');
    expect(result.fetched).toBe(2);
    expect(result.problems).toEqual([]);
    expect(result.rows.map((row) => row.variantId)).toEqual(['variant-1', 'variant-2']);
  });

  it('reads the by-rooms endpoint with its rooms', async () => {
    server.use(
      http.get(byRoomsUrl, () =>
        HttpResponse.json({
          status: 200,
          data: [
            rawInventoryRow(1, { roomId: 'room-a', roomName: 'Sales Floor', upc: '123' }),
            rawInventoryRow(1, { roomId: 'room-b', roomName: 'Vault', quantity: 4 }),
          ],
        }),
      ),
    );
    const { rows } = await client().getInventory(credentials, { byRooms: true });
    expect(rows.map((row) => [row.variantId, row.roomId, row.roomName, row.quantity])).toEqual([
      ['variant-1', 'room-a', 'Sales Floor', 2],
      ['variant-1', 'room-b', 'Vault', 4],
    ]);
  });

  it("keeps what tells a variant's packages apart, and how an item sold by weight is sold", async () => {
    const tiers = [
      { gramAmount: 3.5, name: '1/8 oz', preTaxPriceInPennies: 3325, postTaxPriceInPennies: 3990, pricePerUnitInMinorUnits: 950 },
      { gramAmount: '28', name: '1 oz', preTaxPriceInPennies: 22400, postTaxPriceInPennies: 26880, pricePerUnitInMinorUnits: 800 },
    ];
    server.use(
      http.get(byRoomsUrl, () =>
        HttpResponse.json({
          status: 200,
          data: [
            rawInventoryRow(1, {
              roomId: 'room-a',
              regulatoryId: '1A4-PKG-1',
              quantity: 120.5,
              isSoldByWeight: true,
              inventoryUnitOfMeasure: 'grams',
              weightTierInformation: tiers,
            }),
            rawInventoryRow(1, {
              roomId: 'room-a',
              regulatoryId: '1A4-PKG-2',
              manifestId: null,
              invoiceNumber: null,
              expirationDate: '2027-03-01',
              quantity: 30,
              isSoldByWeight: true,
              inventoryUnitOfMeasure: 'grams',
              weightTierInformation: tiers,
            }),
          ],
        }),
      ),
    );
    const { rows, problems } = await client().getInventory(credentials, { byRooms: true });
    expect(problems).toEqual([]);
    expect(
      rows.map((row) => [
        row.variantId,
        row.regulatoryId,
        row.manifestId,
        row.invoiceNumber,
        row.expirationDate,
        row.supplierName,
        row.quantity,
      ]),
    ).toEqual([
      ['variant-1', '1A4-PKG-1', '0004512345', 'INV-1', null, 'Sunny Farms LLC', 120.5],
      ['variant-1', '1A4-PKG-2', null, null, '2027-03-01', 'Sunny Farms LLC', 30],
    ]);
    expect(rows[1]).toMatchObject({ isSoldByWeight: true, inventoryUnitOfMeasure: 'grams' });
    expect(rows[1].weightTierInformation).toEqual([
      { name: '1/8 oz', gramAmount: 3.5, preTaxPriceInPennies: 3325, postTaxPriceInPennies: 3990 },
      { name: '1 oz', gramAmount: 28, preTaxPriceInPennies: 22400, postTaxPriceInPennies: 26880 },
    ]);
  });

  it('accepts a bare array as well as the envelope', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.json([rawInventoryRow(1)])));
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(result.rows).toHaveLength(1);
  });

  it('skips envelope fields around data, whichever order they come in', async () => {
    const body = `{"page":1,"page_size":5000,"extra":{"data":[1,2]},"data":[${JSON.stringify(rawInventoryRow(9))}],"status":200}`;
    server.use(http.get(inventoryUrl, () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } })));
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(result.rows.map((row) => row.variantId)).toEqual(['variant-9']);
  });

  it('keeps the good rows of a mixed answer and reports each bad one with its reason', async () => {
    server.use(
      http.get(inventoryUrl, () =>
        HttpResponse.json({
          status: 200,
          data: [
            rawInventoryRow(1),
            rawInventoryRow(2, { variantId: null }),
            rawInventoryRow(3, { quantity: 'many' }),
            rawInventoryRow(4, { quantity: '7', preTaxPriceInPennies: '1999', surprise: { nested: true } }),
            'not a row',
            rawInventoryRow(5, { quantity: -1 }),
          ],
        }),
      ),
    );
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(result.fetched).toBe(6);
    expect(result.rows.map((row) => row.variantId)).toEqual(['variant-1', 'variant-4']);
    expect(result.rows[1]).toMatchObject({ quantity: 7, preTaxPriceInPennies: 1999 });
    expect(result.rows[1]).not.toHaveProperty('surprise');
    // Each bad row names its product when it can (the sync keeps such a product on the menu as it was).
    const product = (index: number) => `5f2b8c1e-0000-4000-8000-${String(index).padStart(12, '0')}`;
    expect(result.problems).toEqual([
      { index: 1, variantId: null, productId: product(2), roomId: null, purchaseCategory: 'rec', reason: 'variantId: missing' },
      {
        index: 2,
        variantId: 'variant-3',
        productId: product(3),
        roomId: null,
        purchaseCategory: 'rec',
        reason: 'quantity: expected a number, got "many"',
      },
      {
        index: 4,
        variantId: null,
        productId: null,
        roomId: null,
        purchaseCategory: null,
        reason: 'row is not an object (got "not a row")',
      },
      {
        index: 5,
        variantId: 'variant-5',
        productId: product(5),
        roomId: null,
        purchaseCategory: 'rec',
        reason: 'quantity: expected a quantity of 0 or more, got -1',
      },
    ]);
  });

  it('reports a row that is not valid JSON as a problem of that row, and keeps the rows after it', async () => {
    const good = (index: number) => JSON.stringify(rawInventoryRow(index));
    const body = `{"status":200,"data":[${good(1)},{"productId":"p-2","variantId":"variant-2","quantity": tru},${good(3)}]}`;
    server.use(http.get(inventoryUrl, () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } })));
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(result.fetched).toBe(3);
    expect(result.rows.map((row) => row.variantId)).toEqual(['variant-1', 'variant-3']);
    // Its ids are still read from its top level: the row names its product even though it cannot be parsed.
    expect(result.problems).toEqual([
      {
        index: 1,
        variantId: 'variant-2',
        productId: 'p-2',
        roomId: null,
        purchaseCategory: null,
        reason: expect.stringMatching(/^row is not valid JSON \(/),
      },
    ]);
  });

  it('fails the whole call as malformed when the structure is broken, since later rows cannot be trusted', async () => {
    const body = `{"status":200,"data":[${JSON.stringify(rawInventoryRow(1))},{"variantId":["variant-2"}]}`;
    server.use(http.get(inventoryUrl, () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } })));
    const error = await failure(client().getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toMatch(/'}' does not close what it should .* after 1 rows/);
  });

  it('reads rows whose text arrives in many small pieces, multi-byte characters cut in half included', async () => {
    const rows = [
      rawInventoryRow(1, { productName: 'Crème Brûlée 😀 3.5g', productDescription: '東京の花 — “smooth”' }),
      rawInventoryRow(2, { productName: 'Kush 🌿 1g' }),
    ];
    const bytes = new TextEncoder().encode(JSON.stringify({ status: 200, data: rows }));
    server.use(
      http.get(inventoryUrl, () => {
        const stream = new ReadableStream({
          start(controller) {
            // 5-byte pieces: every 3- and 4-byte character above is cut somewhere.
            for (let at = 0; at < bytes.length; at += 5) controller.enqueue(bytes.slice(at, at + 5));
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(result.problems).toEqual([]);
    expect(result.bytes).toBe(bytes.length); // bytes, not characters
    expect(result.rows.map((row) => [row.productName, row.productDescription])).toEqual([
      ['Crème Brûlée 😀 3.5g', '東京の花 — “smooth”'],
      ['Kush 🌿 1g', rows[1].productDescription],
    ]);
  });

  it('turns a lone surrogate escaped in a row (which PostgreSQL would refuse) into U+FFFD, and keeps escaped text as sent', async () => {
    // A lone high surrogate, a well-formed pair and a quote, all as JSON escapes; the second row has none.
    const body = `{"status":200,"data":[${JSON.stringify(rawInventoryRow(1)).replace(
      '"productName":',
      '"productName":"Lemon \\ud83c Haze \\ud83c\\udf3f \\"OG\\" 3.5g","ignored":',
    )},${JSON.stringify(rawInventoryRow(2, { productName: 'Plain Name 1g' }))}]}`;
    server.use(http.get(inventoryUrl, () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } })));
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(result.rows.map((row) => row.productName)).toEqual(['Lemon \ufffd Haze 🌿 "OG" 3.5g', 'Plain Name 1g']);
  });

  it('fails the whole call as malformed when the body ends early', async () => {
    const rows = [rawInventoryRow(1), rawInventoryRow(2)].map((row) => JSON.stringify(row)).join(',');
    const truncated = `{"status":200,"data":[${rows},{"productId":"p-3","varia`;
    server.use(http.get(inventoryUrl, () => new HttpResponse(truncated, { headers: { 'content-type': 'application/json' } })));
    const error = await failure(client().getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('malformed_response');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/incomplete or invalid .* after 2 rows/);
  });

  it.each([
    ['an answer without data', { status: 200, message: 'ok' }, /no "data" list/],
    ['data that is not a list', { status: 200, data: { rows: [] } }, /"data" is not a list/],
    ['a JSON string', 'inventory', /no "data" list/],
  ])('fails as malformed on %s', async (_name, body, message) => {
    server.use(http.get(inventoryUrl, () => HttpResponse.json(body)));
    const error = await failure(client().getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toMatch(message);
  });

  it('fails as malformed on an HTML page with status 200', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.html('<html><body>Maintenance</body></html>')));
    const error = await failure(client().getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('malformed_response');
  });

  it('reports a 403 HTML page from the gateway as rejected credentials, without retrying', async () => {
    let calls = 0;
    server.use(
      http.get(inventoryUrl, () => {
        calls += 1;
        return HttpResponse.html('<html><head><title>403 Forbidden</title></head><body>Forbidden</body></html>', { status: 403 });
      }),
    );
    const error = await failure(client().getInventory(credentials, { byRooms: false }));
    expect(calls).toBe(1);
    expect(error).toMatchObject({ kind: 'credentials_rejected', status: 403, retryable: false });
    expect(error.message).toBe(
      'Flowhub rejected the inventory credentials (Client ID / API Key) (403) (an HTML page from its gateway) [GET /v0/locations/loc-7/inventoryNonZero]',
    );
  });

  it('reports an unknown location as not found', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.json({ message: 'Location not found' }, { status: 404 })));
    const error = await failure(client().getInventory(credentials, { byRooms: false }));
    expect(error).toMatchObject({ kind: 'not_found', status: 404, retryable: false, messages: ['Location not found'] });
  });

  it('rides out a 429 storm, honouring Retry-After, then returns the inventory', async () => {
    const seenAt: number[] = [];
    server.use(
      http.get(inventoryUrl, () => {
        seenAt.push(Date.now());
        if (seenAt.length === 1)
          return HttpResponse.json({ message: 'Too many requests' }, { status: 429, headers: { 'Retry-After': '1' } });
        if (seenAt.length === 2) return HttpResponse.json({ message: 'Too many requests' }, { status: 429 });
        return HttpResponse.json({ status: 200, data: [rawInventoryRow(1)] });
      }),
    );
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(result.rows).toHaveLength(1);
    expect(seenAt).toHaveLength(3);
    expect(seenAt[1] - seenAt[0]).toBeGreaterThanOrEqual(990);
  });

  it('hands a Retry-After longer than it will sleep to the caller, as an HTTP date too', async () => {
    let calls = 0;
    server.use(
      http.get(inventoryUrl, () => {
        calls += 1;
        const retryAt = new Date(Date.now() + 30_000).toUTCString();
        return new HttpResponse(null, { status: 429, headers: { 'Retry-After': retryAt } });
      }),
    );
    const error = await failure(client({ maxRetryWaitMs: 5000 }).getInventory(credentials, { byRooms: false }));
    expect(calls).toBe(1);
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(28_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('gives up after its retries with a backoff wait for the caller when 429s never stop', async () => {
    let calls = 0;
    server.use(
      http.get(inventoryUrl, () => {
        calls += 1;
        return new HttpResponse(null, { status: 429 });
      }),
    );
    const error = await failure(client({ maxRetries: 2 }).getInventory(credentials, { byRooms: false }));
    expect(calls).toBe(3);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });

  it('retries a 503 and succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(inventoryUrl, () => {
        calls += 1;
        return calls === 1 ? new HttpResponse('upstream error', { status: 503 }) : HttpResponse.json({ status: 200, data: [] });
      }),
    );
    const result = await client().getInventory(credentials, { byRooms: false });
    expect(calls).toBe(2);
    expect(result).toEqual({ rows: [], problems: [], fetched: 0, bytes: Buffer.byteLength('{"status":200,"data":[]}') });
  });

  it('reports a persistent 5xx as transient and retryable after its retries', async () => {
    let calls = 0;
    server.use(
      http.get(inventoryUrl, () => {
        calls += 1;
        return HttpResponse.json({ error: 'Internal Server Error' }, { status: 500 });
      }),
    );
    const error = await failure(client({ maxRetries: 1 }).getInventory(credentials, { byRooms: false }));
    expect(calls).toBe(2);
    expect(error).toMatchObject({ kind: 'transient', status: 500, retryable: true });
  });

  it('times out when Flowhub does not answer', async () => {
    server.use(
      http.get(inventoryUrl, async () => {
        await delay(800);
        return HttpResponse.json({ status: 200, data: [] });
      }),
    );
    const started = Date.now();
    const error = await failure(client({ inventoryTimeoutMs: 150, maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toMatchObject({ kind: 'transient', retryable: true });
    expect(error.message).toContain('did not answer within 150 ms');
  });

  it('times out when the body stalls half way', async () => {
    server.use(
      http.get(inventoryUrl, () => {
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`{"status":200,"data":[${JSON.stringify(rawInventoryRow(1))},`));
            // never closed: the rest does not come
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const error = await failure(client({ inventoryTimeoutMs: 200, maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('did not answer within 200 ms');
  });

  it('stops when the caller aborts', async () => {
    server.use(
      http.get(inventoryUrl, async () => {
        await delay(800);
        return HttpResponse.json({ status: 200, data: [] });
      }),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await failure(client().getInventory(credentials, { byRooms: false, signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: 'aborted', retryable: false });
  });

  it('stops waiting between retries when the caller aborts', async () => {
    server.use(http.get(inventoryUrl, () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '5' } })));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(client().getInventory(credentials, { byRooms: false, signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.kind).toBe('aborted');
  });

  it('keeps the API key out of errors, even when Flowhub echoes it back', async () => {
    server.use(
      http.get(inventoryUrl, ({ request }) => HttpResponse.json({ message: `invalid key ${request.headers.get('key')}` }, { status: 401 })),
    );
    const error = await failure(client().getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('credentials_rejected');
    expect(error.messages).toEqual(['invalid key [redacted]']);
    expectNoSecret(error, credentials.apiKey);
  });

  it('keeps the API key out of network errors', async () => {
    server.use(http.get(inventoryUrl, () => HttpResponse.error()));
    const error = await failure(client({ maxRetries: 0 }).getInventory(credentials, { byRooms: false }));
    expect(error.kind).toBe('transient');
    expectNoSecret(error, credentials.apiKey);
  });

  it('refuses empty credentials without calling Flowhub', async () => {
    const error = await failure(client().getInventory({ ...credentials, apiKey: ' ' }, { byRooms: false }));
    expect(error).toMatchObject({ kind: 'invalid', messages: ['apiKey is empty'] });
  });
});

describe('getLocations', () => {
  const locationsUrl = `${API}/v0/clientsLocations`;

  it('lists the client locations from the envelope or a bare array', async () => {
    const location = {
      locationId: 'loc-7',
      importId: 'imp-1',
      locationName: 'Main Street',
      timeZone: 'America/Denver',
      licenseType: ['rec', 'med'],
      address: { address1: '1 Main St', city: 'Denver', state: 'CO', zip: 80202 },
      somethingElse: true,
    };
    let headers: Headers | undefined;
    server.use(
      http.get(locationsUrl, ({ request }) => {
        headers = request.headers;
        return HttpResponse.json({ status: 200, data: [location, { locationName: 'no id' }] });
      }),
    );
    const locations = await client().getLocations(credentials);
    expect(headers?.get('clientId')).toBe('client-42');
    expect(headers?.get('key')).toBe(credentials.apiKey);
    expect(locations).toEqual([
      {
        locationId: 'loc-7',
        importId: 'imp-1',
        locationName: 'Main Street',
        timeZone: 'America/Denver',
        licenseType: ['rec', 'med'],
        address: { address1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
      },
    ]);

    server.use(http.get(locationsUrl, () => HttpResponse.json([{ locationId: 12, licenseType: 'rec' }])));
    expect(await client().getLocations(credentials)).toEqual([
      { locationId: '12', importId: null, locationName: null, timeZone: null, licenseType: ['rec'], address: null },
    ]);
  });

  it('reports bad credentials', async () => {
    server.use(http.get(locationsUrl, () => HttpResponse.json({ message: 'Unauthorized' }, { status: 401 })));
    const error = await failure(client().getLocations(credentials));
    expect(error).toMatchObject({ kind: 'credentials_rejected', status: 401 });
    expect(error.message).toBe(
      'Flowhub rejected the inventory credentials (Client ID / API Key) (401): Unauthorized [GET /v0/clientsLocations]',
    );
  });

  it('reports a non-JSON answer as malformed', async () => {
    server.use(http.get(locationsUrl, () => HttpResponse.text('hello')));
    const error = await failure(client().getLocations(credentials));
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toContain('not JSON');
  });
});
