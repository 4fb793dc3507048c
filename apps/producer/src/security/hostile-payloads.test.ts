import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { orderBody } from '../testing/orders';

/*
 * Random and hostile payloads at every write route: the answer is always a 4xx in the error shape with a
 * message naming what is wrong, never a 5xx, and the database is exactly as it was (every table compared).
 * Bodies are a valid request with one field, at any depth, replaced by a value of another JSON type, or
 * something that is not a request at all.
 */

let h: ProducerHarness;
let sql: Client;
const postbackToken = randomBytes(24).toString('base64url');

beforeAll(async () => {
  h = await createProducerHarness();
  sql = new Client({ connectionString: h.db.url });
  await sql.connect();
  const prisma = h.db.prisma;
  await prisma.store.create({ data: { id: 's1', enabled: true, syncOrders: true, clientId: 'c', locationId: 'l' } });
  await prisma.product.create({ data: { storeId: 's1', variantId: 'v-1', name: 'Gelato 3.5g', posQuantity: 50, contentHash: 'h' } });
  await prisma.order.create({
    data: { storeId: 's1', externalId: 'A-1', type: 'pickup', customer: {}, contentHash: 'x', status: 'pending', postbackToken },
  });
});
afterAll(async () => {
  await sql.end();
  await h.close();
});

/** Every row of every table, hashed per table: any write shows. */
async function databaseSnapshot(): Promise<Record<string, string>> {
  const { rows: tables } = await sql.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> '_prisma_migrations' order by 1",
  );
  const snapshot: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await sql.query(
      `select count(*)::int as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest from "${name}" t`,
    );
    snapshot[name] = `${rows[0].n}:${rows[0].digest}`;
  }
  return snapshot;
}

const hostileStrings = [
  '\'; DROP TABLE "Store"; --',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '\u0000\u0001\uffff',
  '𝕳𝖔𝖘𝖙𝖎𝖑𝖊 ✨ \u202e',
  '{{7*7}}${7*7}',
];
/** A value of any JSON type but `like`'s (and never null: null is a valid "clear" for some fields). */
const otherTypeThan = (like: unknown): fc.Arbitrary<unknown> => {
  const kinds: fc.Arbitrary<unknown>[] = [];
  if (typeof like !== 'string')
    kinds.push(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 20 }), fc.constant('x'.repeat(200_000)));
  if (typeof like !== 'number') kinds.push(fc.oneof(fc.integer(), fc.constantFrom(-1, 1e308, -0, Number.MAX_SAFE_INTEGER + 2)));
  if (typeof like !== 'boolean') kinds.push(fc.boolean());
  if (!Array.isArray(like))
    kinds.push(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.constant(Array.from({ length: 5_000 }, () => 'x')));
  if (like === null || typeof like !== 'object' || Array.isArray(like)) {
    kinds.push(
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
    );
  }
  return fc.oneof(...kinds);
};

/** Every path into a JSON value: ['customer', 'phone'], ['items', 0, 'quantity'], … */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [...(prefix.length ? [prefix] : []), ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}
const at = (value: unknown, path: (string | number)[]) => path.reduce<any>((node, key) => node?.[key], value);
function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[path[0]] = replaced(copy[path[0]], path.slice(1), replacement);
  return copy;
}

/** A valid body with one field, anywhere, turned into another type. */
const oneFieldBroken = (valid: Record<string, unknown>) =>
  fc
    .constantFrom(...pathsOf(valid))
    .chain((path) => otherTypeThan(at(valid, path)).map((value) => ({ path, body: replaced(valid, path, value) })));

/** Not a request body at all: scalars, arrays, and text that is not JSON. */
const notABody = fc.oneof(
  fc
    .oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 2 })))
    .map((body) => ({ path: ['body'], body, raw: false })),
  fc
    .constantFrom('{"unterminated": ', '{"a":1}}', 'NaN', '\u0000', '{"a": undefined}')
    .map((body) => ({ path: ['body'], body, raw: true })),
);

interface WriteRoute {
  name: string;
  method: 'PUT' | 'POST' | 'PATCH';
  url: string;
  valid: Record<string, unknown>;
}
const writeRoutes: WriteRoute[] = [
  {
    name: 'settings PUT (?verify=false)',
    method: 'PUT',
    url: '/v1/stores/s1/flowhub?verify=false',
    valid: {
      enabled: true,
      clientId: 'client-1',
      apiKey: 'api-key-1234',
      locationId: 'loc-1',
      roomIds: [],
      purchaseCategory: 'rec',
      quantityThreshold: 2,
      ownedFields: ['price', 'image'],
    },
  },
  {
    name: 'category mappings PUT',
    method: 'PUT',
    url: '/v1/stores/s1/category-mappings',
    valid: { useDefaults: true, rows: [{ flowhubValue: 'Flower', category: 'Flower' }] },
  },
  {
    name: 'order create',
    method: 'POST',
    url: '/v1/stores/s1/orders',
    valid: orderBody('NEW-1', [{ variantId: 'v-1', quantity: 1 }], { deliveryFeeCents: 500 }),
  },
  { name: 'order PATCH', method: 'PATCH', url: '/v1/stores/s1/orders/A-1', valid: { holdInventory: true } },
  { name: 'product PATCH', method: 'PATCH', url: '/v1/stores/s1/products/v-1', valid: { name: 'Renamed', brand: 'Brand' } },
];

async function send(route: { method: WriteRoute['method']; url: string }, body: unknown, raw = false) {
  return h.app.inject({
    method: route.method,
    url: route.url,
    headers: { ...auth, 'content-type': 'application/json' },
    payload: raw ? (body as string) : JSON.stringify(body),
  });
}

function expectClearRefusal(response: Awaited<ReturnType<typeof send>>, what: string) {
  if (response.statusCode < 400 || response.statusCode >= 500)
    throw new Error(`${what}: answered ${response.statusCode} ${response.body.slice(0, 300)}`);
  const body = response.json();
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.stringMatching(/\S/) }));
  expect(body.error.code).not.toBe('internal');
}

describe.each(writeRoutes.map((route) => [route.name, route] as const))('%s', (_name, route) => {
  it('a valid body passes (so the refusals below are about the payload)', async () => {
    // Probed on a copy of the route whose effect is undone: only its status matters here.
    const probe = route.name === 'order create' ? { ...route.valid, externalId: 'PROBE-1' } : route.valid;
    const response = await send(route, probe);
    expect(response.statusCode).toBeLessThan(300);
  });

  it('one field of any type but its own, anywhere in the body: a 4xx naming it, the database unchanged', async () => {
    const before = await databaseSnapshot();
    await fc.assert(
      fc.asyncProperty(oneFieldBroken(route.valid), async ({ path, body }) => {
        const response = await send(route, body);
        expectClearRefusal(response, `${path.join('.')} = ${JSON.stringify(body).slice(0, 200)}`);
      }),
      { numRuns: 60 },
    );
    expect(await databaseSnapshot()).toEqual(before);
  });

  it('something that is not a request body at all: a 4xx, the database unchanged', async () => {
    const before = await databaseSnapshot();
    await fc.assert(
      fc.asyncProperty(notABody, async ({ body, raw }) => {
        expectClearRefusal(await send(route, body, raw), JSON.stringify(body).slice(0, 200));
      }),
      { numRuns: 30 },
    );
    expect(await databaseSnapshot()).toEqual(before);
  });
});

describe('postback', () => {
  it('random tokens with random bodies: always a 404, nothing queued, the database unchanged', async () => {
    const before = await databaseSnapshot();
    const queued = await h.deps.queues['order-status-poll'].count();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.constantFrom(...hostileStrings)),
        fc.jsonValue({ maxDepth: 3 }),
        async (token, body) => {
          const response = await send({ method: 'POST', url: `/v1/flowhub/postback/${encodeURIComponent(token)}` }, body);
          expect(response.statusCode).toBe(404);
          expect(response.json().error.code).toBe('not_found');
        },
      ),
      { numRuns: 80 },
    );
    expect(await h.deps.queues['order-status-poll'].count()).toBe(queued);
    expect(await databaseSnapshot()).toEqual(before);
  });

  it('the right token with a hostile body: always accepted (a re-read is queued; nothing in the body is trusted), the order untouched', async () => {
    const before = await databaseSnapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ orderId: otherTypeThan('fh-1'), status: fc.constantFrom(...hostileStrings) })),
        async (body) => {
          const response = await send({ method: 'POST', url: `/v1/flowhub/postback/${postbackToken}` }, body);
          // Postbacks take any body (a `__proto__` key included: the body's keys are only read, never merged).
          expect(response.statusCode).toBe(202);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 40 },
    );
    expect(await databaseSnapshot()).toEqual(before);
  });
});
