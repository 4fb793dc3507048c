import { randomBytes } from 'node:crypto';
import { captureLogLines } from '@flowhub-sync/testing';
import { createLogger, tokenId } from '@flowhub-sync/config';
import { startHealthServer } from '@flowhub-sync/queues';
import { operations } from '../openapi/api-document';
import { auth, createProducerHarness, TEST_API_TOKEN, type ProducerHarness } from '../testing/harness';

/*
 * The perimeter as a platform's HTTP client meets it: bodies that are empty whatever their Content-Type, a second
 * API token during a rotation (logged by id, never in clear), /metrics behind METRICS_TOKEN, and the headers on
 * every answer.
 */

const NEXT_TOKEN = 'next-api-token-abcdefghijklmnop';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const { destination: logSink, lines: logLines } = captureLogLines();

let h: ProducerHarness;
beforeAll(async () => {
  h = await createProducerHarness({
    logger: createLogger({ name: 'producer-test', level: 'info', destination: logSink }),
    settings: { apiTokens: [NEXT_TOKEN], metricsToken: METRICS_TOKEN },
  });
  await h.db.prisma.store.create({ data: { id: 's1', enabled: true, syncOrders: false, clientId: 'c', locationId: 'l' } });
});
afterAll(() => h.close());

async function order(externalId: string, status: 'pending' | 'confirmed') {
  await h.db.prisma.order.create({
    data: {
      storeId: 's1',
      externalId,
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status,
      postbackToken: randomBytes(24).toString('base64url'),
    },
  });
  return `/v1/stores/s1/orders/${externalId}`;
}

describe('an optional body may be empty whatever its Content-Type', () => {
  const optional = operations
    .filter((operation) => operation.bearer && operation.body && !operation.body.required)
    .map((operation) => operation.operationId);

  it('the OpenAPI document marks the body optional on every action that takes none or an optional one', () => {
    expect(optional).toEqual(expect.arrayContaining(['confirmOrder', 'cancelOrder', 'completeOrder', 'pushOrder', 'requestSync']));
  });

  it.each([
    ['application/json', ''],
    ['application/json; charset=utf-8', ''],
    ['application/json', '  \r\n'],
    ['text/plain', ''],
    ['application/x-www-form-urlencoded', ''],
    ['application/octet-stream', ''],
  ])('Content-Type %s with body %j: confirm, complete, cancel, push and sync do their work', async (contentType, payload) => {
    const id = randomBytes(4).toString('hex');
    const headers = { ...auth, 'content-type': contentType };
    const confirmed = await order(`C-${id}`, 'pending');
    const confirm = await h.app.inject({ method: 'POST', url: `${confirmed}/confirm`, headers, payload });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json().status).toBe('confirmed');
    const complete = await h.app.inject({ method: 'POST', url: `${confirmed}/complete`, headers, payload });
    expect(complete.statusCode).toBe(200);
    expect(complete.json().status).toBe('completed');

    const cancelled = await order(`X-${id}`, 'pending');
    const cancel = await h.app.inject({ method: 'POST', url: `${cancelled}/cancel`, headers, payload });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().status).toBe('cancelled');

    // The store does not sync orders: the push is refused for that reason, not for its body.
    const push = await h.app.inject({ method: 'POST', url: `${await order(`P-${id}`, 'confirmed')}/push`, headers, payload });
    expect(push.json().error.code).not.toBe('validation_failed');
    expect(push.statusCode).toBe(409);

    const sync = await h.app.inject({ method: 'POST', url: '/v1/stores/s1/sync', headers, payload });
    expect(sync.statusCode).toBe(202);
  });

  it('a malformed non-empty JSON body is still a 400 naming body', async () => {
    const url = `${await order(`M-${randomBytes(4).toString('hex')}`, 'pending')}/confirm`;
    for (const payload of ['{', 'not json', '{"a":1']) {
      const response = await h.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json' }, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'body' })] });
    }
    const poisoned = await h.app.inject({
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"__proto__":{"x":1}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: url.replace('/confirm', ''), headers: auth })).json().status).toBe('pending');
  });

  it('a non-empty body of another type is a 415 naming body; JSON without a Content-Type is read as JSON', async () => {
    const form = await h.app.inject({
      method: 'POST',
      url: '/v1/stores/s1/sync',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'acceptShrink=true',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.details).toEqual([expect.objectContaining({ path: 'body' })]);
    const bare = await h.app.inject({
      method: 'POST',
      url: '/v1/stores/s1/sync',
      headers: auth,
      payload: Buffer.from('{"acceptShrink":"yes"}'),
    });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.details).toEqual([expect.objectContaining({ path: 'acceptShrink' })]);
  });

  it('a route that needs a body refuses an empty one naming body', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/stores/s1/orders',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ path: 'body' })]);
  });
});

describe('API tokens', () => {
  it('accepts API_TOKEN and every API_TOKENS entry, and logs which by id, never in clear', async () => {
    logLines.length = 0;
    for (const token of [TEST_API_TOKEN, NEXT_TOKEN]) {
      expect(
        (await h.app.inject({ method: 'GET', url: '/v1/stores/s1/flowhub', headers: { authorization: `Bearer ${token}` } })).statusCode,
      ).toBe(200);
    }
    expect(
      (await h.app.inject({ method: 'GET', url: '/v1/stores/s1/flowhub', headers: { authorization: `Bearer ${NEXT_TOKEN.slice(0, -1)}` } }))
        .statusCode,
    ).toBe(401);
    const requests = logLines.filter((line) => line.msg === 'request' && line.route === '/v1/stores/:storeId/flowhub');
    expect(requests.map((line) => [line.status, line.tokenId])).toEqual([
      [200, tokenId(TEST_API_TOKEN)],
      [200, tokenId(NEXT_TOKEN)],
      [401, undefined],
    ]);
    expect(tokenId(NEXT_TOKEN)).toMatch(/^[0-9a-f]{8}$/);
    const everything = JSON.stringify(logLines);
    expect(everything).not.toContain(TEST_API_TOKEN);
    expect(everything).not.toContain(NEXT_TOKEN);
  });
});

describe('/metrics behind METRICS_TOKEN', () => {
  it('the producer refuses a scraper without the token and serves one with it', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/metrics', headers: auth })).statusCode).toBe(401);
    const ok = await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# TYPE');
  });

  it("a worker's health port does the same, and leaves /healthz open", async () => {
    const health = await startHealthServer({
      port: 0,
      readiness: async () => ({ redis: 'up' }),
      metrics: async () => ({ contentType: 'text/plain', body: '# TYPE x counter\nx 1\n' }),
      metricsToken: METRICS_TOKEN,
    });
    try {
      const base = `http://127.0.0.1:${health.port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('x 1');
      const live = await fetch(`${base}/healthz`);
      expect(live.status).toBe(200);
      expect(live.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await health.close();
    }
  });
});

describe('headers', () => {
  it.each([
    ['a /v1 answer', 'GET', '/v1/stores/s1/flowhub', auth, true],
    ['a /v1 refusal', 'GET', '/v1/stores/s1/flowhub', {}, true],
    ['a /v1 not-found', 'GET', '/v1/stores/nope/flowhub', auth, true],
    ['liveness', 'GET', '/healthz', {}, false],
    ['the OpenAPI document', 'GET', '/openapi.json', {}, false],
    ['an unknown route', 'GET', '/nothing-here', {}, false],
    ['the reference page', 'GET', '/docs', {}, false],
    ['Bull Board', 'GET', '/admin/queues', {}, false],
  ])('%s carries nosniff and DENY, and no-store only on /v1', async (_what, method, url, headers, noStore) => {
    const response = await h.app.inject({ method: method as 'GET', url, headers });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['cache-control'] === 'no-store').toBe(noStore);
    expect(response.headers['content-security-policy']).toBeUndefined();
  });
});
