import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { operations } from '../openapi/api-document';
import { auth, createProducerHarness, TEST_API_TOKEN, type ProducerHarness } from '../testing/harness';
import { rawRequest, requestText } from '../testing/raw-http';

/*
 * Every /v1 route from the OpenAPI route table (so a new route cannot be forgotten here) refuses a request
 * without the bearer token or with a wrong one, before it reads or changes anything.
 */

const board = { user: 'ops', password: 'board-password-123' };
let h: ProducerHarness;
let port: number;
beforeAll(async () => {
  h = await createProducerHarness({ bullBoard: board });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as net.AddressInfo).port;
  await h.db.prisma.store.create({ data: { id: 's1', enabled: true, syncOrders: true, clientId: 'c', locationId: 'l' } });
  await h.db.prisma.order.create({
    data: {
      storeId: 's1',
      externalId: 'A-1',
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status: 'pending',
      postbackToken: randomBytes(24).toString('base64url'),
    },
  });
});
afterAll(() => h.close());

const concrete = (path: string) =>
  path.replace('{storeId}', 's1').replace('{externalId}', 'A-1').replace('{variantId}', 'v-1').replace('{token}', 'x'.repeat(32));
const guarded = operations.filter((operation) => operation.path.startsWith('/v1/') && !operation.path.startsWith('/v1/flowhub/postback/'));

const wrongTokens: [string, Record<string, string>][] = [
  ['no Authorization header', {}],
  ['a wrong token', { authorization: 'Bearer not-the-token' }],
  ['the token with a character added', { authorization: `Bearer ${TEST_API_TOKEN}x` }],
  ['the token as Basic', { authorization: `Basic ${Buffer.from(`x:${TEST_API_TOKEN}`).toString('base64')}` }],
  ['the token without the scheme', { authorization: TEST_API_TOKEN }],
  ['an empty bearer', { authorization: 'Bearer ' }],
];

it('the route table covers every /v1 route but the postback (so this file cannot silently test nothing)', () => {
  expect(guarded.length).toBeGreaterThanOrEqual(17);
  expect(guarded.every((operation) => operation.bearer)).toBe(true);
  for (const operation of guarded)
    expect(h.app.hasRoute({ method: operation.method.toUpperCase() as 'GET', url: operation.path.replace(/\{(\w+)\}/g, ':$1') })).toBe(
      true,
    );
});

describe.each(guarded.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const))(
  '%s',
  (_name, operation) => {
    it.each(wrongTokens)('with %s: 401 in the error shape, nothing changed', async (_what, headers) => {
      const before = await snapshot();
      const response = await h.app.inject({
        method: operation.method.toUpperCase() as 'GET',
        url: concrete(operation.path),
        headers,
        ...(operation.body ? { payload: {} } : {}),
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(response.body).not.toContain(TEST_API_TOKEN);
      expect(await snapshot()).toEqual(before);
    });
  },
);

async function snapshot() {
  const [stores, orders, jobs] = await Promise.all([
    h.db.prisma.store.findMany({ orderBy: { id: 'asc' } }),
    h.db.prisma.order.findMany({ orderBy: { id: 'asc' } }),
    Promise.all(Object.values(h.deps.queues).map((queue) => queue.getJobCounts())),
  ]);
  return { stores, orders, jobs };
}

it('the right token passes the same guard (the 401s above are the guard, not a broken route)', async () => {
  expect((await h.app.inject({ method: 'GET', url: '/v1/stores/s1/orders/A-1', headers: auth })).statusCode).toBe(200);
});

it('a wrong postback token is a 404 and queues nothing, changes nothing', async () => {
  const before = await snapshot();
  for (const token of [randomBytes(24).toString('base64url'), 'x'.repeat(32), 'A-1', '%00', "' OR 1=1 --"]) {
    const response = await h.app.inject({
      method: 'POST',
      url: `/v1/flowhub/postback/${encodeURIComponent(token)}`,
      payload: { orderId: 'fh-1', status: 'sold' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  }
  expect(await snapshot()).toEqual(before);
});

it.each(['/admin/queues', '/admin/queues/api/queues', '/admin/queues/api/queues?activeQueue=order-push&page=1'])(
  'Bull Board %s without credentials is a 401 that shows nothing',
  async (url) => {
    const response = await h.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toMatch(/order-push|inventory-sync|<html/i);
    // The API token is not a Bull Board credential either.
    expect((await h.app.inject({ method: 'GET', url, headers: auth })).statusCode).toBe(401);
  },
);

describe('the Authorization header as clients write it (RFC 9110: the scheme in any case, then one or more spaces)', () => {
  const getOrder = (authorization?: string) =>
    rawRequest(
      port,
      requestText(port, 'GET /v1/stores/s1/orders/A-1 HTTP/1.1', authorization === undefined ? [] : [`Authorization: ${authorization}`]),
    );

  it.each([
    `bearer ${TEST_API_TOKEN}`,
    `BEARER ${TEST_API_TOKEN}`,
    `bEaReR ${TEST_API_TOKEN}`,
    `Bearer  ${TEST_API_TOKEN}`,
    `Bearer    ${TEST_API_TOKEN}`,
  ])('%j is the token', async (authorization) => {
    const answer = await getOrder(authorization);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).externalId).toBe('A-1');
  });

  it.each([
    ['no header', undefined],
    ['a tab for the space', `Bearer\t${TEST_API_TOKEN}`],
    ['no separator', `Bearer${TEST_API_TOKEN}`],
    ['another scheme', `Token ${TEST_API_TOKEN}`],
    ['a wrong token in lower case', 'bearer not-the-token'],
    ['the token with a space inside', `Bearer ${TEST_API_TOKEN.slice(0, 4)} ${TEST_API_TOKEN.slice(4)}`],
  ])('%s: 401 in the error shape with WWW-Authenticate: Bearer', async (_what, authorization) => {
    const answer = await getOrder(authorization);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(answer.body).error.code).toBe('unauthorized');
  });

  it('Bull Board still asks for Basic credentials, and takes no bearer token', async () => {
    for (const authorization of [[], [`Authorization: bearer ${TEST_API_TOKEN}`]]) {
      const answer = await rawRequest(port, requestText(port, 'GET /admin/queues HTTP/1.1', authorization));
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
    const basic = Buffer.from(`${board.user}:${board.password}`).toString('base64');
    expect((await rawRequest(port, requestText(port, 'GET /admin/queues HTTP/1.1', [`Authorization: Basic ${basic}`]))).status).toBe(200);
  });
});
