import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { captureLogLines } from '@flowhub-sync/testing';
import { createLogger, tokenId } from '@flowhub-sync/config';
import { startHealthServer } from '@flowhub-sync/queues';
import { operations } from '../openapi/api-document';
import { auth, createProducerHarness, TEST_API_TOKEN, type ProducerHarness } from '../testing/harness';
import { rawRequest, requestText, type RawAnswer } from '../testing/raw-http';

/*
 * The perimeter as a platform's HTTP client meets it: bodies that are empty whatever their Content-Type, a second
 * API token during a rotation (logged by id, never in clear), /metrics behind METRICS_TOKEN, and the headers on
 * every answer, requests the HTTP parser refuses included. What inject or fetch would not send (a Content-Type that
 * is not a media type, a malformed request) is written by hand on a socket.
 */

const NEXT_TOKEN = 'next-api-token-abcdefghijklmnop';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const { destination: logSink, lines: logLines } = captureLogLines();

let h: ProducerHarness;
let port: number;
beforeAll(async () => {
  h = await createProducerHarness({
    logger: createLogger({ name: 'producer-test', level: 'info', destination: logSink }),
    settings: { apiTokens: [NEXT_TOKEN], metricsToken: METRICS_TOKEN },
  });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as net.AddressInfo).port;
  await h.db.prisma.store.create({ data: { id: 's1', enabled: true, syncOrders: false, clientId: 'c', locationId: 'l' } });
});

/** `method target` with the API token, `headers` as written and `body` (give Content-Length or Transfer-Encoding in `headers`). */
const send = (method: string, target: string, headers: string[] = [], body = '') =>
  rawRequest(port, requestText(port, `${method} ${target} HTTP/1.1`, [`Authorization: Bearer ${TEST_API_TOKEN}`, ...headers], body));
const sized = (body: string) => [`Content-Length: ${Buffer.byteLength(body)}`];
const errorOf = (answer: RawAnswer) => JSON.parse(answer.body).error;
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

describe('bodies as a client writes them on the wire', () => {
  const syncUrl = '/v1/stores/s1/sync';

  it.each(['', 'invalid', 'application/', ';', 'application/json, text/plain'])(
    'an empty body is no body even under Content-Type %j that is not a media type',
    async (contentType) => {
      const empty = await send('POST', syncUrl, [`Content-Type: ${contentType}`, 'Content-Length: 0']);
      expect([empty.status, empty.body]).toEqual([202, expect.stringContaining('"jobId"')]);
      const chunked = await send('POST', syncUrl, [`Content-Type: ${contentType}`, 'Transfer-Encoding: chunked'], '0\r\n\r\n');
      expect(chunked.status).toBe(202);
      // No Content-Length nor Transfer-Encoding: no body at all; the store is unknown, and that is the answer.
      const bodiless = await send('DELETE', '/v1/stores/x/flowhub', [`Content-Type: ${contentType}`]);
      expect([bodiless.status, errorOf(bodiless).code]).toEqual([404, 'not_found']);
    },
  );

  it('an empty Content-Type is no Content-Type: a JSON body is read as JSON', async () => {
    const body = '{"acceptShrink":"yes"}';
    const answer = await send('POST', syncUrl, ['Content-Type: ', ...sized(body)], body);
    expect(answer.status).toBe(400);
    expect(errorOf(answer).details).toEqual([expect.objectContaining({ path: 'acceptShrink' })]);
    const good = '{"acceptShrink":true}';
    expect((await send('POST', syncUrl, ['Content-Type:', ...sized(good)], good)).status).toBe(202);
  });

  it.each([
    ['a Content-Type that is not a media type', ['Content-Type: invalid']],
    ['another media type', ['Content-Type: text/plain']],
    ['a charset other than UTF-8', ['Content-Type: application/json; charset=utf-16']],
    ['latin1', ['Content-Type: application/json; charset="latin1"']],
    ['a Content-Encoding', ['Content-Type: application/json', 'Content-Encoding: gzip']],
    ['a Content-Encoding without a Content-Type', ['Content-Encoding: br']],
  ])('a non-empty body under %s is a 415 naming body', async (_what, headers) => {
    const body = '{"acceptShrink":true}';
    const answer = await send('POST', syncUrl, [...headers, ...sized(body)], body);
    expect(answer.status).toBe(415);
    expect(errorOf(answer)).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'body' })] });
  });

  it.each([
    ['Content-Type: application/json; charset=utf-8'],
    ['Content-Type: application/json; charset=UTF8'],
    ['Content-Type: application/json', 'Content-Encoding: identity'],
  ])('UTF-8 and identity are read: %s', async (...headers) => {
    const body = '{"acceptShrink":true}';
    expect((await send('POST', syncUrl, [...headers, ...sized(body)], body)).status).toBe(202);
  });

  it.each([
    ['JSON that does not parse', 'not json', /not valid JSON/],
    ['JSON cut short', '{"a":1', /not valid JSON/],
    ['a __proto__ key', '{"__proto__":{"x":1}}', /__proto__/],
    ['a constructor key', '{"constructor":{"prototype":{"x":1}}}', /constructor/],
  ])('%s is a 400 naming body whose message says what is wrong, with or without a Content-Type', async (_what, body, message) => {
    for (const headers of [['Content-Type: application/json'], []]) {
      const answer = await send('POST', syncUrl, [...headers, ...sized(body)], body);
      expect(answer.status).toBe(400);
      const error = errorOf(answer);
      expect(error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'body' })] });
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/content-type/i);
    }
  });

  it.each(['"x"', '[1,2]', 'null', '0', 'true'])(
    'an action that takes no fields refuses the body %s naming body; {} is taken',
    async (body) => {
      const url = await order(`N-${randomBytes(4).toString('hex')}`, 'pending');
      for (const action of ['confirm', 'cancel', 'complete']) {
        const answer = await send('POST', `${url}/${action}`, ['Content-Type: application/json', ...sized(body)], body);
        expect({ action, status: answer.status }).toEqual({ action, status: 400 });
        expect(errorOf(answer).details).toEqual([expect.objectContaining({ path: 'body' })]);
      }
      const sync = await send('POST', syncUrl, ['Content-Type: application/json', ...sized(body)], body);
      expect([sync.status, errorOf(sync).details]).toEqual([400, [expect.objectContaining({ path: 'body' })]]);
      expect((await h.app.inject({ method: 'GET', url, headers: auth })).json().status).toBe('pending');
      expect((await send('POST', `${url}/confirm`, ['Content-Type: application/json', ...sized('{}')], '{}')).status).toBe(200);
    },
  );
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

  it('the scheme is matched in any case; a refusal says Bearer in WWW-Authenticate', async () => {
    const scrape = (authorization: string) =>
      rawRequest(port, requestText(port, 'GET /metrics HTTP/1.1', [`Authorization: ${authorization}`]));
    for (const authorization of [`bearer ${METRICS_TOKEN}`, `BEARER  ${METRICS_TOKEN}`])
      expect((await scrape(authorization)).status).toBe(200);
    const refused = await scrape(`Bearer ${TEST_API_TOKEN}`);
    expect([refused.status, refused.headers['www-authenticate']]).toEqual([401, 'Bearer']);
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

describe('answers Fastify or the HTTP parser give before any route', () => {
  /** What every such answer carries: the error shape and the headers of every answer. */
  const expectOurs = (answer: RawAnswer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(answer.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store' });
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const error = errorOf(answer);
    expect(error).toMatchObject({ code, message: expect.any(String), details: expect.any(Array) });
  };

  it.each([
    ['a space in the target', 'GET /v1/stores/s1 x/flowhub HTTP/1.1'],
    ['a target starting with a backslash', 'GET \\v1/stores/s1/flowhub HTTP/1.1'],
    ['an unknown method', 'FOO /v1/stores/s1/flowhub HTTP/1.1'],
  ])('a request line the parser refuses (%s): 400 in the error shape, connection closed', async (_what, line) => {
    const answer = await rawRequest(port, requestText(port, line));
    expectOurs(answer, 400, 'validation_failed');
    expect(answer.headers.connection).toBe('close');
  });

  it.each([
    ['both Content-Length and Transfer-Encoding', ['Content-Length: 5', 'Transfer-Encoding: chunked'], '0\r\n\r\n'],
    ['a folded header', ['X-Folded: a', ' b'], ''],
    ['a NUL in a header value', ['X-Nul: a\u0000b'], ''],
  ])('headers the parser refuses (%s): 400 in the error shape, connection closed', async (_what, headers, body) => {
    const answer = await send('POST', '/v1/stores/s1/sync', headers, body);
    expectOurs(answer, 400, 'validation_failed');
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).not.toContain(TEST_API_TOKEN);
  });

  it('headers too large: 431 in the error shape', async () => {
    const answer = await send('GET', '/v1/stores/s1/flowhub', [`X-Big: ${'a'.repeat(20_000)}`]);
    expectOurs(answer, 431, 'validation_failed');
    expect(answer.headers.connection).toBe('close');
  });

  it('a static file outside its folder is a 404 not_found', async () => {
    const answer = await rawRequest(port, requestText(port, 'GET /docs/static/../../../../etc/passwd HTTP/1.1'));
    expect([answer.status, errorOf(answer).code]).toEqual([404, 'not_found']);
    expect(answer.body).not.toContain('root:');
  });
});
