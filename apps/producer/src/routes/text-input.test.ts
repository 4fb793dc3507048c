// Text a request sends that PostgreSQL cannot keep as sent: NUL (refused in text) and unpaired surrogates (which
// would be stored as U+FFFD). Every route answers 400 naming each such field, and stores nothing.
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { orderBody, seedProduct, seedStore } from '../testing/orders';

let h: ProducerHarness;
beforeAll(async () => {
  h = await createProducerHarness();
  await seedStore(h.db.prisma, 's1', { syncOrders: true });
  // The sync owns no field of this store's products: the store may edit every one.
  await h.db.prisma.store.update({ where: { id: 's1' }, data: { ownedFields: [] } });
  await seedProduct(h.db.prisma, 's1', 'v-1', 10);
});
afterAll(() => h.close());

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
const send = (method: Method, url: string, payload?: unknown) =>
  h.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

/** The paths a 400 names, sorted. */
function refusedPaths(response: { statusCode: number; json(): any }): string[] {
  expect(response.statusCode).toBe(400);
  expect(response.json().error.code).toBe('validation_failed');
  return response
    .json()
    .error.details.map((detail: { path: string }) => detail.path)
    .sort();
}

describe('text a request sends that cannot be stored as sent', () => {
  it('an order naming NUL or an unpaired surrogate anywhere is a 400 naming each field, and nothing is held', async () => {
    const response = await send(
      'POST',
      '/v1/stores/s1/orders',
      orderBody('A-nul', [{ variantId: `v-${NUL}1`, quantity: 1 }], {
        customer: { firstName: `Ada${NUL}`, lastName: `Love${LONE_SURROGATE}lace`, phone: '+15555550123', purchaseCategory: 'rec' },
        deliveryNotes: `Gate${NUL}code`,
      }),
    );
    expect(refusedPaths(response)).toEqual(['customer.firstName', 'customer.lastName', 'deliveryNotes', 'items[0].variantId']);
    expect(await h.db.prisma.order.count({ where: { storeId: 's1' } })).toBe(0);

    // A surrogate escaped in the JSON text itself, as a client's serializer would write it.
    const escaped = JSON.stringify(orderBody('A-esc', [{ variantId: 'v-1', quantity: 1 }], { deliveryNotes: 'x' })).replace(
      '"deliveryNotes":"x"',
      '"deliveryNotes":"\\udc00 after"',
    );
    const raw = await h.app.inject({
      method: 'POST',
      url: '/v1/stores/s1/orders',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: escaped,
    });
    expect(refusedPaths(raw)).toEqual(['deliveryNotes']);

    // Free text keeps its line breaks and tabs, and a well-formed pair of surrogates is an ordinary character.
    const fine = await send(
      'POST',
      '/v1/stores/s1/orders',
      orderBody('A-fine', [{ variantId: 'v-1', quantity: 1 }], { deliveryNotes: 'Gate code 1234\r\n\tring twice 🌿' }),
    );
    expect(fine.statusCode).toBe(201);
    expect((await send('GET', '/v1/stores/s1/orders/A-fine')).statusCode).toBe(200);
  });

  it('integration settings and category mappings naming NUL are a 400 naming each field', async () => {
    const settings = await send('PUT', '/v1/stores/s9/flowhub?verify=false', {
      enabled: true,
      clientId: `client${NUL}`,
      apiKey: 'key',
      locationId: 'loc-1',
      statusWebhookUrl: `https://platform.example/hooks/${NUL}flowhub`,
      statusWebhookSecret: 'secret',
    });
    expect(refusedPaths(settings)).toEqual(['clientId', 'statusWebhookUrl']);
    expect((await send('GET', '/v1/stores/s9/flowhub')).statusCode).toBe(404);

    const mappings = await send('PUT', '/v1/stores/s1/category-mappings', {
      rows: [
        { flowhubValue: 'Staff Picks', category: 'Flower' },
        { flowhubValue: `Staff${NUL}Picks`, category: 'Flower' },
      ],
    });
    expect(refusedPaths(mappings)).toEqual(['rows[1].flowhubValue']);
    expect((await send('GET', '/v1/stores/s1/category-mappings')).json().rows).toEqual([]);
  });

  it("a product edit naming NUL is a 400 naming each field, and the product's id in the path is checked too", async () => {
    const edit = await send('PATCH', '/v1/stores/s1/products/v-1', {
      brand: `Kiva${NUL}`,
      description: `line one\n${NUL}`,
      weight: { value: 1, unit: `g${NUL}` },
      imageUrl: `https://cdn.example/${NUL}.png`,
    });
    expect(refusedPaths(edit)).toEqual(['brand', 'description', 'imageUrl', 'weight.unit']);
    expect((await send('GET', '/v1/stores/s1/products/v-1')).json()).toMatchObject({ brand: null, description: null });

    expect(refusedPaths(await send('GET', '/v1/stores/s1/products/a%00b'))).toEqual(['variantId']);
    expect(refusedPaths(await send('PATCH', '/v1/stores/s1/products/a%00b', { description: 'x' }))).toEqual(['variantId']);
  });

  it('a product search or cursor holding NUL is a 400 naming it', async () => {
    expect(refusedPaths(await send('GET', '/v1/stores/s1/products?q=%00'))).toEqual(['q']);
    // "AA" decodes to a NUL: not a cursor this API gave out.
    const cursor = await send('GET', '/v1/stores/s1/products?cursor=AA');
    expect(refusedPaths(cursor)).toEqual(['cursor']);
    expect(cursor.json().error.details[0].message).toContain('not a cursor this API gave out');
    const changes = await send('GET', `/v1/stores/s1/products/changes?after=${Buffer.from(`0:${NUL}`).toString('base64url')}`);
    expect(refusedPaths(changes)).toEqual(['after']);
  });

  it('a Flowhub order id holding NUL or another control character is a 400 naming it, and nothing is recorded', async () => {
    const created = await send(
      'POST',
      '/v1/stores/s1/orders',
      orderBody('A-push', [{ variantId: 'v-1', quantity: 1 }], { status: 'confirmed' }),
    );
    expect(created.statusCode).toBe(201);
    await h.db.prisma.order.update({
      where: { storeId_externalId: { storeId: 's1', externalId: 'A-push' } },
      data: { pushState: 'needs_reconciliation' },
    });
    for (const flowhubOrderId of [`fh${NUL}1`, 'a\u0001b', 'fh-1\u007f']) {
      const push = await send('POST', '/v1/stores/s1/orders/A-push/push', { flowhubOrderId });
      expect({ flowhubOrderId, paths: refusedPaths(push) }).toEqual({ flowhubOrderId, paths: ['flowhubOrderId'] });
    }
    expect((await send('GET', '/v1/stores/s1/orders/A-push')).json().push).toMatchObject({
      state: 'needs_reconciliation',
      flowhubOrderId: null,
    });
  });
});
