import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_LOCATION, startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { buildApp } from '../app';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { WEBHOOK_EVENTS } from '@flowhub-sync/db';
import { openApiDocument, operations } from './api-document';

/**
 * The document against the code: the routes Fastify registered, and real answers of every route (a success and
 * an error each at least) validated against the schema documented for their status.
 */

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
type Json = Record<string, unknown>;

interface Exchange {
  method: Method;
  template: string;
  url: string;
  requestBody?: unknown;
  response: LightMyRequestResponse;
}

const document = openApiDocument() as unknown as Json & { paths: Record<string, Record<string, Json>>; components: Json };

let sim: RunningSimulator;
let h: ProducerHarness;
const exchanges: Exchange[] = [];

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The whole document as one schema, so that a pointer into it compiles with its $refs to #/components resolving.
ajv.addSchema(document, 'openapi.json');
const pointer = (...segments: string[]) => segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Calls a route by its documented path template, e.g. call('get', '/v1/stores/{storeId}/flowhub', { storeId: 's1' }). */
async function call(
  method: Method,
  template: string,
  params: Record<string, string> = {},
  options: { body?: unknown; query?: string; bearer?: boolean; headers?: Record<string, string>; app?: ReturnType<typeof buildApp> } = {},
): Promise<LightMyRequestResponse> {
  const url =
    template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(params[name])) + (options.query ? `?${options.query}` : '');
  const withBearer = options.bearer ?? (template.startsWith('/v1/') && !template.startsWith('/v1/flowhub/postback/'));
  const response = await (options.app ?? h.app).inject({
    method: method.toUpperCase() as 'GET',
    url,
    headers: { ...(withBearer ? auth : {}), ...options.headers },
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
  exchanges.push({ method, template, url, requestBody: options.body, response });
  return response;
}

function expectStatus(response: LightMyRequestResponse, status: number) {
  if (response.statusCode !== status) throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body}`);
}

const storeSettings = (overrides: Json = {}) => ({
  enabled: true,
  clientId: DEMO_LOCATION.clientId,
  apiKey: DEMO_LOCATION.key,
  locationId: DEMO_LOCATION.locationId,
  ...overrides,
});
const customer = { firstName: 'Ada', lastName: 'Lovelace', birthDate: '1990-01-31', phone: '+15555550123', purchaseCategory: 'rec' };
const order = (externalId: string, variantId: string, quantity = 1, overrides: Json = {}) => ({
  externalId,
  type: 'pickup',
  placedAt: '2026-11-27T10:00:00Z',
  customer,
  items: [{ variantId, quantity }],
  ...overrides,
});
const ORDER = '/v1/stores/{storeId}/orders/{externalId}';
const SETTINGS = '/v1/stores/{storeId}/flowhub';
const PRODUCT = '/v1/stores/{storeId}/products/{variantId}';

/** Every route, a success and at least one error each, on a store set up through the API and rows seeded directly. */
async function driveEveryRoute() {
  const prisma = h.db.prisma;

  // Integration settings: "main" verified against the simulator; "bare" saved disabled, with no credentials.
  expectStatus(
    await call('put', SETTINGS, { storeId: 'main' }, { body: storeSettings({ ownedFields: ['name', 'price'], quantityThreshold: 1 }) }),
    200,
  );
  expectStatus(await call('put', SETTINGS, { storeId: 'bare' }, { body: {} }), 200);
  expectStatus(await call('put', SETTINGS, { storeId: 'main' }, { body: storeSettings({ roomIds: ['Main Room'] }) }), 400);
  expectStatus(await call('put', SETTINGS, { storeId: 'wrong-key' }, { body: storeSettings({ apiKey: 'not-the-key' }) }), 422);
  expectStatus(await call('put', SETTINGS, { storeId: 'bad id!' }, { body: {} }), 400);
  // Orders pushed to Flowhub: verified with the Order Ahead token exchange too.
  expectStatus(
    await call(
      'put',
      SETTINGS,
      { storeId: 'pushing' },
      {
        body: storeSettings({
          syncOrders: true,
          orderAheadClientId: DEMO_LOCATION.orderAheadClientId,
          orderAheadToken: DEMO_LOCATION.orderAheadClientSecret,
        }),
      },
    ),
    200,
  );

  expectStatus(await call('get', `${SETTINGS}/rooms`, { storeId: 'main' }), 200);
  expectStatus(await call('get', `${SETTINGS}/rooms`, { storeId: 'bare' }), 409);
  expectStatus(await call('get', `${SETTINGS}/rooms`, { storeId: 'nowhere' }), 404);

  const mappings = '/v1/stores/{storeId}/category-mappings';
  expectStatus(
    await call(
      'put',
      mappings,
      { storeId: 'main' },
      { body: { useDefaults: true, rows: [{ flowhubValue: 'Staff Picks', category: 'Flower' }] } },
    ),
    200,
  );
  expectStatus(
    await call('put', mappings, { storeId: 'main' }, { body: { rows: [{ flowhubValue: 'Staff Picks', category: 'Flowers!' }] } }),
    400,
  );
  expectStatus(await call('get', mappings, { storeId: 'main' }), 200);
  expectStatus(await call('get', mappings, { storeId: 'nowhere' }), 404);

  // Inventory: a finished run with problems, the menu inserted as a sync would have written it.
  await prisma.syncRun.create({
    data: {
      storeId: 'main',
      trigger: 'manual',
      status: 'succeeded',
      startedAt: new Date(Date.now() - 60_000),
      finishedAt: new Date(),
      fetched: 3,
      kept: 2,
      created: 2,
      invalid: 1,
      problems: [
        { variantId: 'v-broken', reason: 'no price' },
        { variantId: null, reason: 'row without a variant id' },
      ],
    },
  });
  await prisma.product.createMany({
    data: [
      {
        storeId: 'main',
        variantId: 'v-cart',
        productId: 'p-cart',
        sku: 'SKU-1',
        name: 'Gelato Cart 1g',
        brand: 'Cookies',
        category: 'Vaporizers',
        subtype: 'Cartridge',
        strainType: 'Indica Hybrid',
        strainName: 'Gelato',
        priceCents: 4500,
        posQuantity: 12,
        contentHash: 'h1',
        lastSyncedAt: new Date(),
        terpenes: [{ name: 'β-Myrcene', lower: 4, upper: 6, unit: 'mg/g', percent: 0.5 }],
        cannabinoids: [{ name: 'thc', lower: 21.3, upper: 21.3, unit: '%' }],
        weight: { value: 1, unit: 'grams' },
        purchaseCategory: 'rec',
      },
      { storeId: 'main', variantId: 'v-gone', name: 'Retired Gummies', posQuantity: 0, active: false, contentHash: 'h2' },
      { storeId: 'pushing', variantId: 'v-push', productId: 'p-push', name: 'Pushed Flower', posQuantity: 20, contentHash: 'h3' },
    ],
  });
  expectStatus(await call('post', '/v1/stores/{storeId}/sync', { storeId: 'main' }, { body: { acceptShrink: true } }), 202);
  expectStatus(await call('post', '/v1/stores/{storeId}/sync', { storeId: 'bare' }), 409);
  expectStatus(await call('post', '/v1/stores/{storeId}/sync', { storeId: 'main' }, { body: { acceptShrink: 'yes' } }), 400);
  expectStatus(await call('get', '/v1/stores/{storeId}/syncs', { storeId: 'main' }, { query: 'limit=5' }), 200);
  expectStatus(await call('get', '/v1/stores/{storeId}/syncs', { storeId: 'main' }, { query: 'limit=0' }), 400);
  expectStatus(await call('get', SETTINGS, { storeId: 'main' }), 200);
  expectStatus(await call('get', SETTINGS, { storeId: 'bare' }), 200);
  expectStatus(await call('get', SETTINGS, { storeId: 'nowhere' }), 404);
  expectStatus(await call('get', SETTINGS, { storeId: 'main' }, { bearer: false }), 401);

  const products = '/v1/stores/{storeId}/products';
  const page = await call('get', products, { storeId: 'main' }, { query: 'active=all&limit=1' });
  expectStatus(page, 200);
  expect(page.json().nextCursor).not.toBeNull();
  expectStatus(await call('get', products, { storeId: 'main' }, { query: 'sellable=true&q=gelato' }), 200);
  expectStatus(await call('get', products, { storeId: 'main' }, { query: 'cursor=not-a-cursor' }), 400);
  expectStatus(await call('get', PRODUCT, { storeId: 'main', variantId: 'v-cart' }), 200);
  expectStatus(await call('get', PRODUCT, { storeId: 'main', variantId: 'v-gone' }), 200);
  expectStatus(await call('get', PRODUCT, { storeId: 'main', variantId: 'v-unknown' }), 404);
  expectStatus(
    await call(
      'patch',
      PRODUCT,
      { storeId: 'main', variantId: 'v-cart' },
      { body: { brand: 'Kiva', weight: { value: 2, unit: 'grams' } } },
    ),
    200,
  );
  expectStatus(await call('patch', PRODUCT, { storeId: 'main', variantId: 'v-cart' }, { body: { name: 'Renamed' } }), 409);
  expectStatus(await call('patch', PRODUCT, { storeId: 'main', variantId: 'v-cart' }, { body: { posQuantity: 99 } }), 400);
  const changes = '/v1/stores/{storeId}/products/changes';
  expectStatus(await call('get', changes, { storeId: 'main' }, { query: 'limit=1000' }), 200);
  expectStatus(await call('get', changes, { storeId: 'main' }, { query: 'after=not-a-cursor' }), 400);
  expectStatus(await call('get', changes, { storeId: 'nowhere' }), 404);

  // Orders on "main" (the platform completes them) and on "pushing" (Flowhub does).
  const orders = '/v1/stores/{storeId}/orders';
  expectStatus(await call('post', orders, { storeId: 'main' }, { body: order('A-1', 'v-cart', 2) }), 201);
  expectStatus(await call('post', orders, { storeId: 'main' }, { body: order('A-1', 'v-cart', 2) }), 200);
  expectStatus(await call('post', orders, { storeId: 'main' }, { body: order('A-2', 'v-cart', 500) }), 409);
  expectStatus(await call('post', orders, { storeId: 'main' }, { body: order('A-1', 'v-cart', 1) }), 409);
  expectStatus(await call('post', orders, { storeId: 'main' }, { body: { externalId: 'A-3', items: [] } }), 400);
  expectStatus(await call('post', orders, { storeId: 'bare' }, { body: order('B-1', 'v-cart') }), 409);
  expectStatus(
    await call(
      'post',
      orders,
      { storeId: 'main' },
      {
        body: order('A-4', 'v-cart', 1, { type: 'delivery', address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' } }),
      },
    ),
    201,
  );
  expectStatus(await call('post', orders, { storeId: 'pushing' }, { body: order('P-1', 'v-push', 1, { status: 'confirmed' }) }), 201);
  expectStatus(await call('post', orders, { storeId: 'pushing' }, { body: order('P-2', 'v-push') }), 201);
  expectStatus(await call('post', orders, { storeId: 'pushing' }, { body: order('P-3', 'v-push') }), 201);

  expectStatus(await call('get', ORDER, { storeId: 'main', externalId: 'A-1' }), 200);
  expectStatus(await call('get', ORDER, { storeId: 'main', externalId: 'A-404' }), 404);
  expectStatus(await call('patch', ORDER, { storeId: 'main', externalId: 'A-1' }, { body: { holdInventory: true } }), 200);
  expectStatus(await call('patch', ORDER, { storeId: 'main', externalId: 'A-1' }, { body: { holdInventory: 'yes' } }), 400);

  expectStatus(await call('post', `${ORDER}/confirm`, { storeId: 'main', externalId: 'A-1' }), 200);
  expectStatus(await call('post', `${ORDER}/confirm`, { storeId: 'pushing', externalId: 'P-2' }), 202);
  expectStatus(await call('post', `${ORDER}/complete`, { storeId: 'main', externalId: 'A-1' }), 200);
  expectStatus(await call('post', `${ORDER}/complete`, { storeId: 'pushing', externalId: 'P-2' }), 409);
  expectStatus(await call('post', `${ORDER}/cancel`, { storeId: 'main', externalId: 'A-4' }), 200);
  expectStatus(await call('post', `${ORDER}/confirm`, { storeId: 'main', externalId: 'A-4' }), 409);
  expectStatus(await call('post', `${ORDER}/cancel`, { storeId: 'main', externalId: 'A-1' }), 409);
  expectStatus(await call('post', `${ORDER}/cancel`, { storeId: 'main', externalId: 'A-404' }), 404);

  // Pushes: one failed, one whose outcome is unknown, one in Flowhub (cancelling it answers with a notice).
  const where = (externalId: string) => ({ storeId_externalId: { storeId: 'pushing', externalId } });
  await prisma.order.update({ where: where('P-1'), data: { pushState: 'failed', pushAttempts: 3, pushError: 'Flowhub answered 500' } });
  await prisma.order.update({
    where: where('P-2'),
    data: { pushState: 'needs_reconciliation', pushAttempts: 1, postbackToken: 'postback-token-0123456789abcdef' },
  });
  await prisma.order.update({
    where: where('P-3'),
    data: { status: 'confirmed', pushState: 'pushed', pushAttempts: 1, flowhubOrderId: 'fh-3', pushedAt: new Date() },
  });
  expectStatus(await call('post', `${ORDER}/push`, { storeId: 'pushing', externalId: 'P-1' }), 202);
  expectStatus(await call('post', `${ORDER}/push`, { storeId: 'pushing', externalId: 'P-3' }, { body: { recreate: true } }), 409);
  expectStatus(await call('post', `${ORDER}/push`, { storeId: 'pushing', externalId: 'P-3' }, { body: { recreate: false } }), 400);
  expectStatus(
    await call('post', '/v1/flowhub/postback/{token}', { token: 'postback-token-0123456789abcdef' }, { body: { orderId: 'fh-2' } }),
    202,
  );
  expectStatus(await call('post', '/v1/flowhub/postback/{token}', { token: 'postback-token-unknown-000000000' }, { body: {} }), 404);
  expectStatus(await call('post', `${ORDER}/push`, { storeId: 'pushing', externalId: 'P-2' }, { body: { flowhubOrderId: 'fh-2' } }), 202);
  const cancelled = await call('post', `${ORDER}/cancel`, { storeId: 'pushing', externalId: 'P-3' });
  expectStatus(cancelled, 200);
  expect(cancelled.json().notice).toMatch(/cancel it in Flowhub too/);
  // The store's orders, and on-call's list (P-3 must be cancelled in Flowhub too).
  const attention = await call('get', orders, { storeId: 'pushing' }, { query: 'attention=true&limit=1' });
  expectStatus(attention, 200);
  expect(attention.json().items[0].attention.length).toBeGreaterThan(0);
  expectStatus(await call('get', orders, { storeId: 'main' }), 200);
  expectStatus(await call('get', orders, { storeId: 'main' }, { query: 'cursor=not-a-cursor' }), 400);

  expectStatus(await call('delete', SETTINGS, { storeId: 'bare' }), 204);
  expectStatus(await call('delete', SETTINGS, { storeId: 'nowhere' }), 404);

  // Operations.
  expectStatus(await call('get', '/healthz'), 200);
  expectStatus(await call('get', '/readyz'), 200);
  expectStatus(await call('get', '/metrics'), 200);
  // A producer with METRICS_TOKEN: /metrics wants that token.
  const metricsToken = 'metrics-token-0123456789abcdef';
  const guarded = buildApp({ ...h.deps, settings: { ...h.deps.settings, metricsToken } });
  expectStatus(await call('get', '/metrics', {}, { app: guarded }), 401);
  expectStatus(await call('get', '/metrics', {}, { app: guarded, headers: { authorization: `Bearer ${metricsToken}` } }), 200);
  await guarded.close();
}

beforeAll(async () => {
  sim = await startSimulator({ rows: 60, seed: 12 });
  h = await createProducerHarness({ flowhubUrl: sim.url });
  await driveEveryRoute();
});

afterAll(async () => {
  await h?.close();
  await sim?.close();
});

/** Schema problems of a JSON value against the schema at a pointer into the document ('' when it matches). */
function problems(value: unknown, ...path: string[]): string {
  const validate = ajv.getSchema(`openapi.json#/${pointer(...path)}`);
  if (!validate) throw new Error(`no schema at ${path.join(' → ')}`);
  return validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}

describe('the OpenAPI document against the routes Fastify registered', () => {
  it('documents every /v1 route, and every documented operation is a registered route', async () => {
    // A second app on the same dependencies, to see every route as Fastify registers it.
    const probe = buildApp(h.deps);
    const registered: string[] = [];
    probe.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD' && route.url.startsWith('/v1/'))
          registered.push(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      }
    });
    await probe.ready();
    await probe.close();

    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(registered.length).toBeGreaterThanOrEqual(19);
    expect(documented.filter((operation) => operation.includes(' /v1/')).sort()).toEqual([...new Set(registered)].sort());
    for (const operation of operations) {
      expect({
        operation: operation.operationId,
        registered: h.app.hasRoute({ method: operation.method.toUpperCase() as 'GET', url: operation.path.replace(/\{(\w+)\}/g, ':$1') }),
      }).toEqual({
        operation: operation.operationId,
        registered: true,
      });
    }
  });

  it('asks for the bearer token on every /v1 route but the postback, and on nothing else', () => {
    const bearerOf = (operation: Json) =>
      (operation.security === undefined ? (document.security as unknown[]) : (operation.security as unknown[])).length > 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect({ method, path, bearer: bearerOf(operation) }).toEqual({
          method,
          path,
          bearer: path.startsWith('/v1/') && !path.startsWith('/v1/flowhub/postback/'),
        });
      }
    }
  });

  it('is structurally sound OpenAPI 3.1: unique operationIds, path parameters declared, every $ref resolves, every schema compiles', () => {
    expect(document.openapi).toBe('3.1.0');
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);

    for (const [path, item] of Object.entries(document.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      for (const [method, operation] of Object.entries(item)) {
        const declared = ((operation.parameters ?? []) as Json[]).filter((parameter) => parameter.in === 'path');
        expect({ method, path, parameters: declared.map((parameter) => parameter.name).sort() }).toEqual({
          method,
          path,
          parameters: templated,
        });
        expect(declared.every((parameter) => parameter.required === true)).toBe(true);
        const responses = operation.responses as Record<string, Json>;
        expect(Object.keys(responses).length).toBeGreaterThan(0);
        for (const response of Object.values(responses)) expect(typeof response.description).toBe('string');
      }
    }

    const refs: string[] = [];
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref' && typeof inner === 'string') refs.push(inner);
          else walk(inner);
        }
      }
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) {
      expect(ref).toMatch(/^#\/components\/schemas\/[A-Za-z]+$/);
      const resolved = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
      expect({ ref, resolves: resolved !== undefined }).toEqual({ ref, resolves: true });
    }
    for (const name of Object.keys(document.components.schemas as Json))
      expect(typeof ajv.getSchema(`openapi.json#/${pointer('components', 'schemas', name)}`)).toBe('function');
  });

  it('documents weight tiers on products and order items, and the package counts of a sync run', () => {
    const schemas = document.components.schemas as Record<string, { properties: Record<string, Json> }>;
    const tier = { name: '1/8 oz', grams: 3.5, priceCents: 3325, availableUnits: 2 };
    expect(problems(tier, 'components', 'schemas', 'Product', 'properties', 'weightTiers', 'items')).toBe('');
    expect(problems({ ...tier, availableUnits: 1.5 }, 'components', 'schemas', 'Product', 'properties', 'weightTiers', 'items')).not.toBe(
      '',
    );
    expect(Object.keys(schemas.Product.properties)).toEqual(expect.arrayContaining(['soldByWeight', 'quantityUnit', 'weightTiers']));
    const item = (line: Json) =>
      problems(
        { externalId: 'A-1', type: 'pickup', customer: { purchaseCategory: 'rec' }, items: [line] },
        'components',
        'schemas',
        'OrderCreate',
      );
    expect(item({ variantId: 'v', quantity: 2, weightTier: '1/8 oz' })).toBe('');
    expect(item({ variantId: 'v', quantity: 2, weightTier: 7 })).not.toBe('');
    const counts = schemas.SyncRun.properties.counts as { properties: Record<string, unknown>; required: string[] };
    expect(counts.required).toEqual(expect.arrayContaining(['packagesMerged', 'repeatedRows']));
  });

  it("documents the store's orderItemId, the customer's id on an order, and postbacks of any shape", () => {
    const settings = (body: Json) => problems(body, 'components', 'schemas', 'SettingsUpdate');
    expect(settings({ orderItemId: 'variantId' })).toBe('');
    expect(settings({ orderItemId: 'sku' })).not.toBe('');
    const shown = (document.components.schemas as Record<string, { properties: Record<string, { enum?: string[] }> }>).Settings.properties
      .orderItemId;
    expect(shown.enum).toEqual(['productId', 'variantId']);
    const order = (customer: Json) =>
      problems(
        { externalId: 'A-1', type: 'pickup', customer, items: [{ variantId: 'v', quantity: 1 }] },
        'components',
        'schemas',
        'OrderCreate',
      );
    expect(order({ id: 'cust-1', phone: '+15555550123', purchaseCategory: 'rec' })).toBe('');
    expect(order({ id: 'customer #1', purchaseCategory: 'rec' })).not.toBe('');
    const postback = document.paths['/v1/flowhub/postback/{token}'].post as {
      requestBody: { required: boolean; content: Record<string, unknown> };
    };
    expect(postback.requestBody.required).toBe(false);
    expect(Object.keys(postback.requestBody.content)).toEqual(['application/json', 'application/x-www-form-urlencoded', '*/*']);
  });

  it("documents the store's status webhook with every event it sends", () => {
    const body = ['webhooks', 'statusWebhook', 'post', 'requestBody', 'content', 'application/json', 'schema'];
    const event = (document.components.schemas as Record<string, { properties: Record<string, { enum?: string[] }> }>).StatusWebhook
      .properties.event;
    expect(event.enum).toEqual([...WEBHOOK_EVENTS]);
    const payload = {
      id: 'd-1',
      storeId: 's1',
      externalId: 'A-1',
      status: 'cancelled',
      flowhubStatus: null,
      sequence: 2,
      at: '2026-12-01T10:00:00.000Z',
    };
    for (const name of ['cancel_required_in_flowhub', 'duplicate_in_flowhub'])
      expect(problems({ ...payload, event: name }, ...body)).toBe('');
    expect(problems({ ...payload, event: 'something_else' }, ...body)).toMatch(/allowed values/);
  });

  it('documents request bodies as the routes validate them: a body the route refuses is outside the document', () => {
    const settingsBody = ['paths', '/v1/stores/{storeId}/flowhub', 'put', 'requestBody', 'content', 'application/json', 'schema'];
    expect(problems({ enabled: true, roomIds: ['0123456789abcdef0123456789abcdef'] }, ...settingsBody)).toBe('');
    expect(problems({ roomIds: ['Main Room'] }, ...settingsBody)).toMatch(/pattern/);
    const orderBody = ['paths', '/v1/stores/{storeId}/orders', 'post', 'requestBody', 'content', 'application/json', 'schema'];
    expect(problems({ externalId: 'A-3', items: [] }, ...orderBody)).toMatch(/must have required property 'type'/);
    const pushBody = ['paths', `${ORDER}/push`, 'post', 'requestBody', 'content', 'application/json', 'schema'];
    expect(problems({ recreate: false }, ...pushBody)).toMatch(/constant/);
  });
});

describe('real answers of every route match the document', () => {
  it.each(operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const))(
    '%s',
    (_name, operation) => {
      const seen = exchanges.filter((exchange) => exchange.method === operation.method && exchange.template === operation.path);
      const documented = document.paths[operation.path][operation.method].responses as Record<
        string,
        { content?: Record<string, unknown> }
      >;

      // Each route was driven to a success, and to an error where it documents one.
      expect(seen.some(({ response }) => response.statusCode < 300)).toBe(true);
      if (Object.keys(documented).some((status) => Number(status) >= 400 && Number(status) !== 503)) {
        expect(seen.some(({ response }) => response.statusCode >= 400)).toBe(true);
      }

      for (const { url, requestBody, response } of seen) {
        const status = String(response.statusCode);
        const answer = documented[status];
        expect({ url, status, documented: answer !== undefined }).toEqual({ url, status, documented: true });
        if (!answer.content) {
          expect({ url, status, body: response.body }).toEqual({ url, status, body: '' });
          continue;
        }
        const [contentType] = Object.keys(answer.content);
        expect(String(response.headers['content-type'])).toContain(contentType);
        if (contentType === 'application/json') {
          expect({
            url,
            status,
            problems: problems(
              response.json(),
              'paths',
              operation.path,
              operation.method,
              'responses',
              status,
              'content',
              contentType,
              'schema',
            ),
          }).toEqual({
            url,
            status,
            problems: '',
          });
        }
        // What a route accepted, the document allows.
        if (response.statusCode < 300 && requestBody !== undefined) {
          expect({
            url,
            problems: problems(
              requestBody,
              'paths',
              operation.path,
              operation.method,
              'requestBody',
              'content',
              'application/json',
              'schema',
            ),
          }).toEqual({ url, problems: '' });
        }
      }
    },
  );

  it('catches an answer that drifts from its schema', () => {
    const getOrder = ['paths', ORDER, 'get', 'responses', '200', 'content', 'application/json', 'schema'];
    const answer = exchanges
      .find((exchange) => exchange.method === 'get' && exchange.template === ORDER && exchange.response.statusCode === 200)!
      .response.json();
    expect(problems(answer, ...getOrder)).toBe('');
    expect(problems({ ...answer, customerEmail: 'ada@example.com' }, ...getOrder)).toMatch(/additional properties/);
    expect(problems({ ...answer, status: 'shipped' }, ...getOrder)).toMatch(/allowed values/);
    const notFound = ['paths', ORDER, 'get', 'responses', '404', 'content', 'application/json', 'schema'];
    expect(problems({ error: { code: 'conflict', message: 'x', details: [] } }, ...notFound)).toMatch(/allowed values/);
  });
});

describe('/openapi.json and /docs', () => {
  it('serves the document, without a bearer token', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('names the producer as its server: PUBLIC_URL when set, the origin it was fetched from otherwise', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/openapi.json' })).json().servers).toEqual([expect.objectContaining({ url: '/' })]);
    const behindProxy = buildApp({ ...h.deps, settings: { ...h.deps.settings, publicUrl: 'https://sync.example.org/flowhub/' } });
    const served = (await behindProxy.inject({ method: 'GET', url: '/openapi.json' })).json();
    await behindProxy.close();
    expect(served.servers).toEqual([expect.objectContaining({ url: 'https://sync.example.org/flowhub' })]);
    expect({ ...served, servers: document.servers }).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('serves a browsable reference whose assets all load, over this same document', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets).toEqual(
      expect.arrayContaining(['/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-ui.css', '/docs/static/swagger-initializer.js']),
    );
    for (const asset of assets) {
      const response = await h.app.inject({ method: 'GET', url: asset });
      expect({ asset, status: response.statusCode }).toEqual({ asset, status: 200 });
      expect(response.body.length).toBeGreaterThan(0);
    }
    // The page loads the document from ./json: the very document /openapi.json serves.
    const initializer = await h.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain("resolveUrl('./json')");
    const loaded = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(loaded.json()).toEqual((await h.app.inject({ method: 'GET', url: '/openapi.json' })).json());
  });
});
