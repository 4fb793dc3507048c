import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { operations } from '../openapi/api-document';
import { auth, createProducerHarness, TEST_API_TOKEN, type ProducerHarness } from '../testing/harness';
import { rawRequest, requestText } from '../testing/raw-http';

/*
 * The bearer token is demanded by the route that matched, not by the text of the request target. HTTP test
 * helpers (inject, fetch) normalise targets before sending, so these requests are written by hand on a TCP
 * socket: every tricky spelling of every /v1 operation of the OpenAPI route table answers 401 or 404 without a
 * token, and the database and queues are unchanged afterwards.
 */

let h: ProducerHarness;
let port: number;
beforeAll(async () => {
  h = await createProducerHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as AddressInfo).port;
  await h.db.prisma.store.create({ data: { id: 's1', enabled: true, syncOrders: false, clientId: 'c', locationId: 'l' } });
  await h.db.prisma.order.create({
    data: {
      storeId: 's1',
      externalId: 'A-1',
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status: 'confirmed',
      postbackToken: randomBytes(24).toString('base64url'),
    },
  });
});
afterAll(() => h.close());

/** One request exactly as written, on its own connection (testing/raw-http.ts). */
function raw(method: string, target: string, { body, headers = {} }: { body?: string; headers?: Record<string, string> } = {}) {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  if (body !== undefined) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return rawRequest(port, requestText(port, `${method} ${target} HTTP/1.1`, lines, body));
}

const encodeAll = (path: string) =>
  path
    .split('/')
    .map((segment) => [...segment].map((char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join(''))
    .join('/');

/** Spellings of one path that a router or a proxy may take for it, and that no guard may take for anything else. */
function trickyTargets(path: string): string[] {
  const rest = path.slice('/v1'.length); // "/stores/s1/…"
  const targets = [
    `/%761${rest}`,
    `/%561${rest}`,
    `/v%31${rest}`,
    `/%76%31${rest}`,
    encodeAll(path),
    `/v1${rest.replace('/stores/', '/%73tores/')}`,
    `/v1${rest.replace('/stores/', '/st%6Fres/')}`,
    `http://127.0.0.1:${port}${path}`,
    `http://evil.example${path}`,
    `HTTP://127.0.0.1:${port}/%761${rest}`,
    `${path}/`,
    `${path}//`,
    `/${path}`,
    `//v1${rest}`,
    `/v1/${rest}`,
    `/v1/.${rest}`,
    `/v1/./${rest.slice(1)}`,
    `/x/..${path}`,
    `/v1/x/..${rest}`,
    `/v1/%2e${rest}`,
    `/v1%2F${rest.slice(1)}`,
    `/V1${rest}`,
    `/v1${rest.toUpperCase()}`,
    `/v1;x=1${rest}`,
    `/v1${rest};x=1`,
    `/v1${rest.replace('/s1', '/s1;jsessionid=1')}`,
    `${path}?`,
    `${path}?token=x`,
    `${path}#x`,
    `${path}%20`,
    `${path}%00`,
  ];
  return [...new Set(targets)];
}

const concrete = (path: string) => path.replace('{storeId}', 's1').replace('{externalId}', 'A-1').replace('{variantId}', 'v-1');
const guarded = operations.filter((operation) => operation.path.startsWith('/v1/') && !operation.path.startsWith('/v1/flowhub/postback/'));

/** Bodies that would change something if a handler were reached. */
const bodies: Record<string, string> = {
  replaceSettings: JSON.stringify({ enabled: false, clientId: 'attacker' }),
  createOrder: JSON.stringify({
    externalId: 'B-1',
    type: 'pickup',
    customer: { phone: '5555555555' },
    items: [{ variantId: 'v-1', quantity: 1 }],
  }),
  pushOrder: JSON.stringify({ flowhubOrderId: 'fh-forged' }),
  setHoldInventory: JSON.stringify({ holdInventory: true }),
  editProduct: JSON.stringify({ name: 'forged' }),
};

async function snapshot() {
  const [stores, orders, events, products, runs, jobs] = await Promise.all([
    h.db.prisma.store.findMany({ orderBy: { id: 'asc' } }),
    h.db.prisma.order.findMany({ orderBy: { id: 'asc' } }),
    h.db.prisma.orderEvent.count(),
    h.db.prisma.product.findMany({ orderBy: [{ storeId: 'asc' }, { variantId: 'asc' }] }),
    h.db.prisma.syncRun.count(),
    Promise.all(Object.values(h.deps.queues).map((queue) => queue.getJobCounts())),
  ]);
  return { stores, orders, events, products, runs, jobs };
}

it('covers every guarded operation of the route table', () => {
  expect(guarded.length).toBeGreaterThanOrEqual(17);
});

it('the router does take these spellings for the routes (so the 401s below are the guard at work)', async () => {
  const path = '/v1/stores/s1/flowhub';
  for (const target of [`/%761${path.slice(3)}`, `/v%31${path.slice(3)}`, `http://127.0.0.1:${port}${path}`, `${path}/`]) {
    const answer = await raw('GET', target, { headers: auth });
    expect({ target, status: answer.status }).toEqual({ target, status: 200 });
    expect((await raw('GET', target)).status).toBe(401);
  }
});

describe.each(guarded.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const))(
  '%s',
  (_name, operation) => {
    it('answers 401 or 404 to every tricky target without the token, and nothing changes', async () => {
      const before = await snapshot();
      const path = concrete(operation.path);
      const body = bodies[operation.operationId] ?? (operation.body ? '{}' : undefined);
      const answers: { target: string; status: number }[] = [];
      for (const target of trickyTargets(path)) {
        const answer = await raw(operation.method.toUpperCase(), target, { body });
        answers.push({ target, status: answer.status });
        expect(answer.body).not.toContain('"storeId":"s1"');
      }
      expect(answers.filter((answer) => answer.status !== 401 && answer.status !== 404)).toEqual([]);
      expect(await snapshot()).toEqual(before);
    });
  },
);

/** `GET target`, with the token or without, written as is. */
const get = (target: string, token: boolean) =>
  rawRequest(port, requestText(port, `GET ${target} HTTP/1.1`, token ? [`Authorization: Bearer ${TEST_API_TOKEN}`] : []));

describe('path parameters of any length reach the route, which names the one too long', () => {
  it.each([
    ['storeId', `/v1/stores/${'s'.repeat(101)}/flowhub`],
    ['storeId', `/v1/stores/${'s'.repeat(5000)}/orders`],
    ['externalId', `/v1/stores/s1/orders/${'A'.repeat(101)}`],
    ['variantId', `/v1/stores/s1/products/${'v'.repeat(201)}`],
  ])('an over-long %s is a 400 naming it (401 without the token)', async (param, target) => {
    const answer = await get(target, true);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: param })] });
    expect(answer.headers['cache-control']).toBe('no-store');
    expect((await get(target, false)).status).toBe(401);
  });

  it('a variantId of up to 200 characters is looked up (404 for an unknown one, not a refusal of its length)', async () => {
    for (const length of [101, 128, 200]) {
      const answer = await get(`/v1/stores/s1/products/${'v'.repeat(length)}`, true);
      expect([length, answer.status, JSON.parse(answer.body).error.code]).toEqual([length, 404, 'not_found']);
    }
  });

  it('an over-long postback token is an unknown postback', async () => {
    const answer = await rawRequest(
      port,
      requestText(port, `POST /v1/flowhub/postback/${'x'.repeat(300)} HTTP/1.1`, ['Content-Length: 0']),
    );
    expect([answer.status, JSON.parse(answer.body).error.code]).toEqual([404, 'not_found']);
  });
});

describe('a request target that does not decode', () => {
  const targets = [
    '/v1/stores/%ZZ/orders',
    '/v1/stores/s1/products/%C0%AF',
    '/v1/stores/s1/products/%E0%A4%A',
    '/v1/stores/s1/orders/A-1%',
    'ftp://x/v1/stores/s1/orders',
  ];

  it.each(targets)(
    '%s: 400 naming url in the error shape, with the headers of every answer, token or not, nothing changed',
    async (target) => {
      const before = await snapshot();
      for (const token of [true, false]) {
        const answer = await get(target, token);
        expect({ target, token, status: answer.status }).toEqual({ target, token, status: 400 });
        expect(JSON.parse(answer.body).error).toMatchObject({
          code: 'validation_failed',
          details: [expect.objectContaining({ path: 'url' })],
        });
        expect(answer.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'cache-control': 'no-store',
        });
        expect(answer.body).not.toContain('"storeId":"s1"');
      }
      expect(await snapshot()).toEqual(before);
    },
  );
});
