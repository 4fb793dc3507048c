import { Writable } from 'node:stream';
import { delay, http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import pino from 'pino';
import { createFlowhubClient, type FlowhubClientOptions } from './flowhub-client';
import type { OrderAheadCreate } from './order-ahead';
import { expectNoSecret, failure } from './testing/assertions';

const API = 'https://api.flowhub.test';
const AUTH = 'https://auth.flowhub.test';
const credentials = { clientId: 'oa-client-1', clientSecret: 'oa-secret-TOP-5e6f7a8b' };
const createUrl = `${API}/order-ahead/v0/create`;

const order: OrderAheadCreate = {
  externalCreatedAt: '2024-05-01T17:03:00.000Z',
  customer: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    birthDate: '1990-12-10',
    email: 'ada@example.test',
    externalId: 'aiq-customer-9',
    phone: '+13035550123',
    medRecOrBoth: 'rec',
  },
  orderItems: [{ productId: '5f2b8c1e-0000-4000-8000-000000000007', quantityPurchased: 2 }],
  orderType: 'delivery',
  address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
  customerNote: 'Ring twice',
  fees: [{ name: 'Delivery fee', amount: 500 }],
  postbackUrl: 'https://sync.example.test/flowhub/postback/abc',
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface TokenServer {
  requests: Array<Record<string, unknown>>;
}

/** An auth server issuing token-1, token-2, ... */
function tokenServer(expiresIn = 86_400): TokenServer {
  const state: TokenServer = { requests: [] };
  server.use(
    http.post(`${AUTH}/oauth/token`, async ({ request }) => {
      state.requests.push((await request.json()) as Record<string, unknown>);
      return HttpResponse.json({
        access_token: `token-${state.requests.length}`,
        token_type: 'Bearer',
        expires_in: expiresIn,
        scope: 'create:orders',
      });
    }),
  );
  return state;
}

function client(overrides: Partial<FlowhubClientOptions> = {}) {
  return createFlowhubClient({ apiUrl: API, authUrl: AUTH, retryBaseDelayMs: 10, ...overrides });
}

describe('Order Ahead token', () => {
  it('asks for a client-credentials token with the audience', async () => {
    const auth = tokenServer();
    expect(await client().getAccessToken(credentials)).toBe('token-1');
    expect(auth.requests).toEqual([
      {
        client_id: 'oa-client-1',
        client_secret: 'oa-secret-TOP-5e6f7a8b',
        audience: 'https://api.flowhub.co',
        grant_type: 'client_credentials',
      },
    ]);
  });

  it('reuses one token for a store until shortly before it expires, and shares one request', async () => {
    const auth = tokenServer(1);
    const flowhub = client();
    const first = await Promise.all([flowhub.getAccessToken(credentials), flowhub.getAccessToken(credentials)]);
    expect(first).toEqual(['token-1', 'token-1']);
    expect(await flowhub.getAccessToken(credentials)).toBe('token-1');
    expect(auth.requests).toHaveLength(1);
    // expires_in 1 s: usable for 0.9 s (the margin is at most a tenth of the life)
    await delay(950);
    expect(await flowhub.getAccessToken(credentials)).toBe('token-2');
  });

  it('keeps separate tokens for separate stores', async () => {
    tokenServer();
    const flowhub = client();
    expect(await flowhub.getAccessToken(credentials)).toBe('token-1');
    expect(await flowhub.getAccessToken({ clientId: 'oa-client-2', clientSecret: 'other-secret-1234' })).toBe('token-2');
    expect(await flowhub.getAccessToken(credentials)).toBe('token-1');
  });

  it('reports credentials the auth server rejects, without the secret', async () => {
    server.use(
      http.post(`${AUTH}/oauth/token`, () =>
        HttpResponse.json({ error: 'access_denied', error_description: 'Unauthorized' }, { status: 401 }),
      ),
    );
    const error = await failure(client().getAccessToken(credentials));
    expect(error).toMatchObject({ kind: 'credentials_rejected', status: 401, endpoint: 'POST /oauth/token', retryable: false });
    expect(error.message).toBe('Flowhub rejected the Order Ahead credentials (401): Unauthorized [POST /oauth/token]');
    expectNoSecret(error, credentials.clientSecret);
  });

  it('reports a token answer without access_token as malformed', async () => {
    server.use(http.post(`${AUTH}/oauth/token`, () => HttpResponse.json({ token_type: 'Bearer' })));
    const error = await failure(client().getAccessToken(credentials));
    expect(error.kind).toBe('malformed_response');
  });
});

describe('createOrder', () => {
  it('creates the order with the Bearer token and returns Flowhub’s order id', async () => {
    tokenServer();
    let seen: { authorization: string | null; body: unknown } | undefined;
    server.use(
      http.post(createUrl, async ({ request }) => {
        seen = { authorization: request.headers.get('authorization'), body: await request.json() };
        return HttpResponse.json({ orderId: 'fh-order-1', customerExternalId: 'aiq-customer-9', status: 'New' });
      }),
    );
    const created = await client().createOrder(credentials, order);
    expect(created).toEqual({ orderId: 'fh-order-1', status: 'new', customerExternalId: 'aiq-customer-9', customerNote: null });
    expect(seen?.authorization).toBe('Bearer token-1');
    expect(seen?.body).toEqual(order);
  });

  it('accepts the answer inside an envelope and a numeric order id', async () => {
    tokenServer();
    server.use(http.post(createUrl, () => HttpResponse.json({ status: 200, data: { orderId: 9912, status: 'new' } })));
    expect(await client().createOrder(credentials, order)).toEqual({
      orderId: '9912',
      status: 'new',
      customerExternalId: null,
      customerNote: null,
    });
  });

  it('uses the cached token for the next orders', async () => {
    const auth = tokenServer();
    server.use(http.post(createUrl, () => HttpResponse.json({ orderId: 'fh-order-1', status: 'new' })));
    const flowhub = client();
    await flowhub.createOrder(credentials, order);
    await flowhub.createOrder(credentials, order);
    expect(auth.requests).toHaveLength(1);
  });

  it('fetches a new token once when Flowhub answers 401, then creates the order', async () => {
    const auth = tokenServer();
    const tokensSeen: Array<string | null> = [];
    server.use(
      http.post(createUrl, ({ request }) => {
        tokensSeen.push(request.headers.get('authorization'));
        return tokensSeen.length === 1
          ? HttpResponse.json({ message: 'jwt expired' }, { status: 401 })
          : HttpResponse.json({ orderId: 'fh-order-2', status: 'new' });
      }),
    );
    const created = await client().createOrder(credentials, order);
    expect(created.orderId).toBe('fh-order-2');
    expect(tokensSeen).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(auth.requests).toHaveLength(2);
  });

  it('fetches a new token once when Flowhub answers 403 too (a 4xx: no order was created), then creates the order', async () => {
    const auth = tokenServer();
    const tokensSeen: Array<string | null> = [];
    server.use(
      http.post(createUrl, ({ request }) => {
        tokensSeen.push(request.headers.get('authorization'));
        return tokensSeen.length === 1
          ? HttpResponse.json({ message: 'Forbidden' }, { status: 403 })
          : HttpResponse.json({ orderId: 'fh-order-3', status: 'new' });
      }),
    );
    const created = await client().createOrder(credentials, order);
    expect(created.orderId).toBe('fh-order-3');
    expect(tokensSeen).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(auth.requests).toHaveLength(2);
  });

  it('refreshes only once after a 403 too: a second one is rejected credentials, not sent a third time', async () => {
    const auth = tokenServer();
    let creates = 0;
    server.use(
      http.post(createUrl, () => {
        creates += 1;
        return HttpResponse.html('<html><body><h1>403 Forbidden</h1></body></html>', { status: 403 });
      }),
    );
    const error = await failure(client().createOrder(credentials, order));
    expect(creates).toBe(2);
    expect(auth.requests).toHaveLength(2);
    expect(error).toMatchObject({ kind: 'credentials_rejected', status: 403, sendOutcome: 'rejected', retryable: false });
  });

  it('gives a create 30 s by default, longer than a read, and createTimeoutMs when set', async () => {
    tokenServer();
    server.use(
      http.post(createUrl, async () => {
        await delay(300);
        return HttpResponse.json({ orderId: 'fh-slow', status: 'new' });
      }),
    );
    // timeoutMs (reads) does not bound the create: it waits out a slow answer rather than lose it.
    expect((await client({ timeoutMs: 100 }).createOrder(credentials, order)).orderId).toBe('fh-slow');
    const error = await failure(client({ timeoutMs: 10_000, createTimeoutMs: 100 }).createOrder(credentials, order));
    expect(error).toMatchObject({ kind: 'transient', sendOutcome: 'unknown' });
    expect(error.message).toContain('did not answer within 100 ms');
    expect(() => client({ createTimeoutMs: 0 })).toThrow('createTimeoutMs must be a positive number of milliseconds');
  });

  it('refreshes only once: a second 401 is rejected credentials', async () => {
    const auth = tokenServer();
    let creates = 0;
    server.use(
      http.post(createUrl, () => {
        creates += 1;
        return new HttpResponse('Unauthorized', { status: 401 });
      }),
    );
    const error = await failure(client().createOrder(credentials, order));
    expect(creates).toBe(2);
    expect(auth.requests).toHaveLength(2);
    expect(error).toMatchObject({ kind: 'credentials_rejected', status: 401, sendOutcome: 'rejected', retryable: false });
  });

  it('says the order was not sent when the auth server rejects the credentials', async () => {
    server.use(http.post(`${AUTH}/oauth/token`, () => HttpResponse.json({ error: 'access_denied' }, { status: 403 })));
    const error = await failure(client().createOrder(credentials, order));
    expect(error).toMatchObject({ kind: 'credentials_rejected', status: 403, sendOutcome: 'not_sent' });
  });

  it('returns Flowhub’s messages when it refuses the order as invalid', async () => {
    tokenServer();
    server.use(
      http.post(createUrl, () =>
        HttpResponse.json(
          { errors: ['orderItems[0].productId is not a valid product', 'customer.birthDate is required'] },
          { status: 422 },
        ),
      ),
    );
    const error = await failure(client().createOrder(credentials, order));
    expect(error).toMatchObject({
      kind: 'invalid',
      status: 422,
      sendOutcome: 'rejected',
      retryable: false,
      messages: ['orderItems[0].productId is not a valid product', 'customer.birthDate is required'],
    });
    expect(error.message).toContain('Flowhub refused the request as invalid (422): orderItems[0].productId is not a valid product');
  });

  it('does not send an order Flowhub would refuse, and says it was not sent', async () => {
    const auth = tokenServer();
    const noContact: OrderAheadCreate = { ...order, customer: { ...order.customer, phone: undefined }, address: undefined };
    const error = await failure(client().createOrder(credentials, noContact));
    expect(error).toMatchObject({ kind: 'invalid', sendOutcome: 'not_sent' });
    expect(error.messages).toEqual(['customer.phone: Flowhub needs a phone number or a medical id', 'address: required for a delivery']);
    expect(auth.requests).toHaveLength(0);
  });

  it('never retries a create after a 5xx: the outcome is unknown', async () => {
    tokenServer();
    let creates = 0;
    server.use(
      http.post(createUrl, () => {
        creates += 1;
        return new HttpResponse('Bad gateway', { status: 502 });
      }),
    );
    const error = await failure(client({ maxRetries: 3 }).createOrder(credentials, order));
    expect(creates).toBe(1);
    expect(error).toMatchObject({ kind: 'transient', status: 502, sendOutcome: 'unknown', retryable: false });
  });

  it('reports a timeout after sending as outcome unknown, sent exactly once', async () => {
    tokenServer();
    const received: unknown[] = [];
    server.use(
      http.post(createUrl, async ({ request }) => {
        received.push(await request.json());
        await delay(800);
        return HttpResponse.json({ orderId: 'too-late', status: 'new' });
      }),
    );
    const error = await failure(client({ createTimeoutMs: 150, maxRetries: 3 }).createOrder(credentials, order));
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'transient', sendOutcome: 'unknown', retryable: false });
    expect(error.message).toContain('did not answer within 150 ms');
    expectNoSecret(error, credentials.clientSecret, 'token-1');
  });

  it('reports a refused connection as not sent (safe to try again)', async () => {
    tokenServer();
    server.use(http.post('http://127.0.0.1:1/order-ahead/v0/create', () => passthrough()));
    const error = await failure(client({ apiUrl: 'http://127.0.0.1:1' }).createOrder(credentials, order));
    expect(error).toMatchObject({ kind: 'transient', sendOutcome: 'not_sent', networkCode: 'ECONNREFUSED', retryable: true });
    expectNoSecret(error, credentials.clientSecret, 'token-1');
  });

  it('reports a dropped connection after sending as outcome unknown', async () => {
    tokenServer();
    server.use(http.post(createUrl, () => HttpResponse.error()));
    const error = await failure(client().createOrder(credentials, order));
    expect(error).toMatchObject({ kind: 'transient', sendOutcome: 'unknown', retryable: false });
  });

  it.each([301, 302, 303, 307, 308])('reports a %i answer to a create as outcome unknown, sent once and not followed', async (status) => {
    tokenServer();
    let creates = 0;
    server.use(
      http.post(createUrl, () => {
        creates += 1;
        // A redirect after a POST it may have processed: following it or sending again could duplicate the order.
        return new HttpResponse(null, { status, headers: { Location: `${API}/order-ahead/v0/orders/fh-1?token=secret` } });
      }),
    );
    const error = await failure(client({ maxRetries: 3 }).createOrder(credentials, order));
    expect(creates).toBe(1);
    expect(error).toMatchObject({ status, sendOutcome: 'unknown', retryable: false });
    expect(error.message).toContain(`unexpected status ${status}`);
  });

  it('reports a 2xx it cannot read as malformed with outcome unknown', async () => {
    tokenServer();
    server.use(http.post(createUrl, () => HttpResponse.html('<html>OK</html>')));
    const error = await failure(client().createOrder(credentials, order));
    expect(error).toMatchObject({ kind: 'malformed_response', sendOutcome: 'unknown', retryable: false });
  });

  it('does not retry a throttled create itself but says it was refused and when to try again', async () => {
    tokenServer();
    let creates = 0;
    server.use(
      http.post(createUrl, () => {
        creates += 1;
        return new HttpResponse(null, { status: 429, headers: { 'Retry-After': '2' } });
      }),
    );
    const error = await failure(client().createOrder(credentials, order));
    expect(creates).toBe(1);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000, sendOutcome: 'rejected', retryable: true });
  });

  it('says whether a cancelled create was sent', async () => {
    tokenServer();
    server.use(
      http.post(createUrl, async () => {
        await delay(800);
        return HttpResponse.json({ orderId: 'x', status: 'new' });
      }),
    );
    const cancelled = new AbortController();
    cancelled.abort();
    expect(await failure(client().createOrder(credentials, order, { signal: cancelled.signal }))).toMatchObject({
      kind: 'aborted',
      sendOutcome: 'not_sent',
    });
    const inFlight = new AbortController();
    setTimeout(() => inFlight.abort(), 100);
    expect(await failure(client().createOrder(credentials, order, { signal: inFlight.signal }))).toMatchObject({
      kind: 'aborted',
      sendOutcome: 'unknown',
    });
  });

  it('keeps the secret and the token out of errors and logs, even when Flowhub echoes them', async () => {
    tokenServer();
    server.use(
      http.post(createUrl, ({ request }) =>
        HttpResponse.json(
          { message: `bad header ${request.headers.get('authorization')} for ${credentials.clientSecret}` },
          { status: 401 },
        ),
      ),
    );
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const error = await failure(client({ logger }).createOrder(credentials, order));
    expect(error.messages).toEqual(['bad header Bearer [redacted] for [redacted]']);
    expectNoSecret(error, credentials.clientSecret, 'token-1', 'token-2');
    expect(lines.length).toBeGreaterThan(2);
    const logged = lines.join('');
    for (const secret of [credentials.clientSecret, 'token-1', 'token-2']) expect(logged).not.toContain(secret);
  });
});

describe('getOrderStatus', () => {
  const statusUrl = `${API}/order-ahead/v0/orderStatus/:orderId`;

  it('reads the status with the Bearer token, in its known spelling whatever the case', async () => {
    tokenServer();
    let authorization: string | null = null;
    server.use(
      http.get(statusUrl, ({ request, params }) => {
        authorization = request.headers.get('authorization');
        const status = params.orderId === 'fh-1' ? 'Sold' : params.orderId === 'fh-2' ? 'INQUEUE' : 'onHold';
        return HttpResponse.json({ orderId: params.orderId, customerExternalId: 'aiq-customer-9', status });
      }),
    );
    const flowhub = client();
    expect(await flowhub.getOrderStatus(credentials, 'fh-1')).toEqual({
      orderId: 'fh-1',
      status: 'sold',
      customerExternalId: 'aiq-customer-9',
      customerNote: null,
    });
    expect(authorization).toBe('Bearer token-1');
    expect((await flowhub.getOrderStatus(credentials, 'fh-2')).status).toBe('inQueue');
    // unknown statuses are passed on as sent, for the caller to decide
    expect((await flowhub.getOrderStatus(credentials, 'fh-3')).status).toBe('onHold');
  });

  it("passes on the order's customerNote when the answer carries one (the published answer does not), flat or in the envelope", async () => {
    tokenServer();
    server.use(
      http.get(statusUrl, ({ params }) =>
        params.orderId === 'fh-1'
          ? HttpResponse.json({ orderId: 'fh-1', customerExternalId: null, status: 'new', customerNote: 'Order A-1001: Gate code 1234' })
          : HttpResponse.json({ status: 200, data: { orderId: params.orderId, status: 'ready', customerNote: 'Order A-1002' } }),
      ),
    );
    const flowhub = client();
    expect(await flowhub.getOrderStatus(credentials, 'fh-1')).toEqual({
      orderId: 'fh-1',
      status: 'new',
      customerExternalId: null,
      customerNote: 'Order A-1001: Gate code 1234',
    });
    expect((await flowhub.getOrderStatus(credentials, 'fh-2')).customerNote).toBe('Order A-1002');
  });

  it('reports an unknown order as not found', async () => {
    tokenServer();
    server.use(http.get(statusUrl, () => HttpResponse.json({ message: 'Order not found' }, { status: 404 })));
    const error = await failure(client().getOrderStatus(credentials, 'nope'));
    expect(error).toMatchObject({ kind: 'not_found', status: 404, retryable: false, endpoint: 'GET /order-ahead/v0/orderStatus/nope' });
    expect(error.sendOutcome).toBeUndefined();
  });

  it('retries a status read after a 503', async () => {
    tokenServer();
    let calls = 0;
    server.use(
      http.get(statusUrl, ({ params }) => {
        calls += 1;
        return calls === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ orderId: params.orderId, status: 'ready' });
      }),
    );
    expect((await client().getOrderStatus(credentials, 'fh-1')).status).toBe('ready');
    expect(calls).toBe(2);
  });

  it('reads the status again with a fresh token after a 403', async () => {
    const auth = tokenServer();
    const tokensSeen: Array<string | null> = [];
    server.use(
      http.get(statusUrl, ({ request, params }) => {
        tokensSeen.push(request.headers.get('authorization'));
        return tokensSeen.length === 1
          ? new HttpResponse(null, { status: 403 })
          : HttpResponse.json({ orderId: params.orderId, status: 'new' });
      }),
    );
    expect((await client().getOrderStatus(credentials, 'fh-1')).status).toBe('new');
    expect(tokensSeen).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(auth.requests).toHaveLength(2);
  });

  it('reports an answer without a status as malformed', async () => {
    tokenServer();
    server.use(http.get(statusUrl, ({ params }) => HttpResponse.json({ orderId: params.orderId })));
    expect((await failure(client().getOrderStatus(credentials, 'fh-1'))).kind).toBe('malformed_response');
  });
});
