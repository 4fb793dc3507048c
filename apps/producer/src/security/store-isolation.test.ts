import { randomBytes } from 'node:crypto';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';

/*
 * Nothing of store A can be read or changed through store B's routes: A's product, order and sync run asked
 * for under B's path are "not found" (not "forbidden", which would confirm they exist), and A's rows are
 * unchanged after B's writes aimed at them.
 */

let h: ProducerHarness;
const tokenOfA = randomBytes(24).toString('base64url');
beforeAll(async () => {
  h = await createProducerHarness();
  const prisma = h.db.prisma;
  for (const id of ['store-a', 'store-b'])
    await prisma.store.create({ data: { id, enabled: true, syncOrders: true, clientId: 'c', locationId: `loc-${id}`, ownedFields: [] } });
  await prisma.product.create({ data: { storeId: 'store-a', variantId: 'v-a', name: 'A only', posQuantity: 10, contentHash: 'h' } });
  await prisma.order.create({
    data: {
      storeId: 'store-a',
      externalId: 'ORDER-A',
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status: 'pending',
      postbackToken: tokenOfA,
    },
  });
  await prisma.syncRun.create({ data: { storeId: 'store-a', trigger: 'manual', status: 'succeeded' } });
});
afterAll(() => h.close());

const storeAState = async () => ({
  products: await h.db.prisma.product.findMany({ where: { storeId: 'store-a' } }),
  orders: await h.db.prisma.order.findMany({ where: { storeId: 'store-a' }, include: { events: true, holds: true } }),
  runs: await h.db.prisma.syncRun.findMany({ where: { storeId: 'store-a' } }),
});

it("store A's data is there under A's own path (the 404s below are about the store)", async () => {
  expect((await h.app.inject({ method: 'GET', url: '/v1/stores/store-a/products/v-a', headers: auth })).statusCode).toBe(200);
  expect((await h.app.inject({ method: 'GET', url: '/v1/stores/store-a/orders/ORDER-A', headers: auth })).statusCode).toBe(200);
  expect((await h.app.inject({ method: 'GET', url: '/v1/stores/store-a/syncs', headers: auth })).json().items).toHaveLength(1);
});

it.each([
  ['GET', '/v1/stores/store-b/products/v-a', undefined],
  ['PATCH', '/v1/stores/store-b/products/v-a', { name: 'taken over' }],
  ['GET', '/v1/stores/store-b/orders/ORDER-A', undefined],
  ['PATCH', '/v1/stores/store-b/orders/ORDER-A', { holdInventory: true }],
  ['POST', '/v1/stores/store-b/orders/ORDER-A/confirm', undefined],
  ['POST', '/v1/stores/store-b/orders/ORDER-A/cancel', undefined],
  ['POST', '/v1/stores/store-b/orders/ORDER-A/complete', undefined],
  ['POST', '/v1/stores/store-b/orders/ORDER-A/push', undefined],
] as const)("%s %s (store A's) is a 404, and store A is unchanged", async (method, url, payload) => {
  const before = await storeAState();
  const response = await h.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  expect(response.statusCode).toBe(404);
  expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  expect(response.body).not.toMatch(/A only|store-a/);
  expect(await storeAState()).toEqual(before);
});

it("store B's lists show nothing of store A", async () => {
  const products = await h.app.inject({ method: 'GET', url: '/v1/stores/store-b/products', headers: auth });
  expect(products.statusCode).toBe(200);
  expect(products.json().items).toEqual([]);
  const syncs = await h.app.inject({ method: 'GET', url: '/v1/stores/store-b/syncs', headers: auth });
  expect(syncs.json().items).toEqual([]);
  expect((await h.app.inject({ method: 'GET', url: '/v1/stores/store-b/flowhub', headers: auth })).json()).toMatchObject({
    storeId: 'store-b',
    locationId: 'loc-store-b',
  });
});

it("an order of B with A's externalId is B's own: A's order is untouched", async () => {
  const before = await storeAState();
  await h.db.prisma.product.create({ data: { storeId: 'store-b', variantId: 'v-a', name: 'B item', posQuantity: 10, contentHash: 'h' } });
  const created = await h.app.inject({
    method: 'POST',
    url: '/v1/stores/store-b/orders',
    headers: auth,
    payload: {
      externalId: 'ORDER-A',
      type: 'pickup',
      customer: {
        firstName: 'B',
        lastName: 'B',
        birthDate: '1990-01-01',
        email: 'b@example.com',
        phone: '+15555550111',
        purchaseCategory: 'rec',
      },
      items: [{ variantId: 'v-a', quantity: 1 }],
    },
  });
  expect(created.statusCode).toBe(201);
  expect(await storeAState()).toEqual(before);
});

it('guessing postback tokens reaches no order: only the exact token of an order does', async () => {
  const guesses = [
    tokenOfA.slice(0, -1) + (tokenOfA.endsWith('A') ? 'B' : 'A'),
    tokenOfA.toUpperCase(),
    tokenOfA.slice(1),
    `${tokenOfA}x`,
    randomBytes(24).toString('base64url'),
  ];
  for (const guess of guesses) {
    expect((await h.app.inject({ method: 'POST', url: `/v1/flowhub/postback/${guess}`, payload: {} })).statusCode).toBe(404);
  }
  expect(await h.deps.queues['order-status-poll'].count()).toBe(0);
});
