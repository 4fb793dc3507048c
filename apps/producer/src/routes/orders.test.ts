import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@flowhub-sync/config';
import { databaseNow, releaseReflectedHolds } from '@flowhub-sync/db';
import type { FlowhubClient, OrderAheadCreate } from '@flowhub-sync/flowhub-client';
import { orderPushProcessor } from '@flowhub-sync/orders';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { appServingOrders, heldQuantity, orderBody, seedProduct, seedStore } from '../testing/orders';

let h: ProducerHarness;
let app: FastifyInstance;
beforeAll(async () => {
  h = await createProducerHarness();
  app = await appServingOrders(h);
});
afterAll(async () => {
  if (app !== (h.app as unknown)) await app.close();
  await h.close();
});

let storeSeq = 0;
/** Each test gets a store of its own in the file's database. */
async function freshStore(settings: Parameters<typeof seedStore>[2] = {}, stock: Record<string, number> = { 'v-a': 10, 'v-b': 5 }) {
  const storeId = `store-${++storeSeq}`;
  await seedStore(h.db.prisma, storeId, settings);
  for (const [variantId, quantity] of Object.entries(stock)) await seedProduct(h.db.prisma, storeId, variantId, quantity);
  return storeId;
}

/** Marks a product as sold by weight (grams), as a sync of a bulk item does: its quantities may be fractional. */
const sellByWeight = (storeId: string, variantId: string) =>
  h.db.prisma.product.update({ where: { storeId_variantId: { storeId, variantId } }, data: { soldByWeight: true, quantityUnit: 'grams' } });

const create = (storeId: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders`, headers: auth, payload: body as object });
const act = (storeId: string, externalId: string, action: 'confirm' | 'cancel' | 'complete') =>
  app.inject({ method: 'POST', url: `/v1/stores/${storeId}/orders/${externalId}/${action}`, headers: auth });
const get = (storeId: string, externalId: string) =>
  app.inject({ method: 'GET', url: `/v1/stores/${storeId}/orders/${externalId}`, headers: auth });
const patch = (storeId: string, externalId: string, body: unknown) =>
  app.inject({ method: 'PATCH', url: `/v1/stores/${storeId}/orders/${externalId}`, headers: auth, payload: body as object });
const held = (storeId: string, variantId: string) => heldQuantity(h.db.prisma, storeId, variantId);
const detailsByPath = (response: { json(): any }) =>
  Object.fromEntries(response.json().error.details.map((detail: { path: string; message: string }) => [detail.path, detail.message]));

describe('POST /v1/stores/{storeId}/orders', () => {
  it('creates the order and holds its quantities at once', async () => {
    const storeId = await freshStore();
    await sellByWeight(storeId, 'v-b');
    const response = await create(
      storeId,
      orderBody('A-1001', [
        { variantId: 'v-a', quantity: 2 },
        { variantId: 'v-b', quantity: 1.5 },
      ]),
    );
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      externalId: 'A-1001',
      status: 'pending',
      fulfilled: false,
      holdInventory: false,
      push: { state: 'not_pushed', attempts: 0, flowhubOrderId: null, pushedAt: null, error: null },
      flowhubStatus: null,
      holds: [
        { variantId: 'v-a', quantity: 2, state: 'held' },
        { variantId: 'v-b', quantity: 1.5, state: 'held' },
      ],
      history: [{ event: 'created', from: null, to: 'pending', cause: 'platform' }],
    });
    expect(JSON.stringify(response.json())).not.toContain('Lovelace');
    expect(await held(storeId, 'v-a')).toBe(2);
    expect(await held(storeId, 'v-b')).toBe(1.5);
    // The answer is the order as stored.
    expect((await app.inject({ method: 'GET', url: `/v1/stores/${storeId}/orders/A-1001`, headers: auth })).json()).toEqual(
      response.json(),
    );
  });

  it('refuses a short order with 409 listing each short item, and holds nothing', async () => {
    const storeId = await freshStore({}, { 'v-a': 10, 'v-b': 1, 'v-off': 7 });
    await h.db.prisma.product.update({ where: { storeId_variantId: { storeId, variantId: 'v-off' } }, data: { active: false } });
    const response = await create(
      storeId,
      orderBody('A-short', [
        { variantId: 'v-a', quantity: 2 },
        { variantId: 'v-b', quantity: 3 },
        { variantId: 'v-unknown', quantity: 1 },
        { variantId: 'v-off', quantity: 1 },
      ]),
    );
    expect(response.statusCode).toBe(409);
    const { error } = response.json();
    expect(error.code).toBe('insufficient_inventory');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { path: 'items[1]', message: expect.stringContaining('only 1 can be sold'), variantId: 'v-b', requested: 3, sellable: 1 },
        { path: 'items[2]', message: expect.any(String), variantId: 'v-unknown', requested: 1, sellable: 0 },
        { path: 'items[3]', message: expect.any(String), variantId: 'v-off', requested: 1, sellable: 0 },
      ]),
    );
    expect(error.details).toHaveLength(3);
    // The line that could be held was not: all or nothing.
    expect(await held(storeId, 'v-a')).toBe(0);
    expect(await h.db.prisma.order.count({ where: { storeId } })).toBe(0);
    expect((await get(storeId, 'A-short')).statusCode).toBe(404);
  });

  it('adds up the lines that name the same variant, and keeps the quantity threshold back', async () => {
    const storeId = await freshStore({ quantityThreshold: 2 }, { 'v-a': 6 });
    const tooMuch = await create(
      storeId,
      orderBody('A-dup', [
        { variantId: 'v-a', quantity: 3 },
        { variantId: 'v-a', quantity: 2 },
      ]),
    );
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error.details).toEqual([
      {
        path: 'items[0]',
        message: expect.stringMatching(/items\[0\] and items\[1\] ask for 5 together.*only 4/),
        variantId: 'v-a',
        requested: 5,
        sellable: 4,
      },
    ]);

    const fits = await create(
      storeId,
      orderBody('A-dup', [
        { variantId: 'v-a', quantity: 3 },
        { variantId: 'v-a', quantity: 1 },
      ]),
    );
    expect(fits.statusCode).toBe(201);
    expect(fits.json().holds).toEqual([
      { variantId: 'v-a', quantity: 3, state: 'held' },
      { variantId: 'v-a', quantity: 1, state: 'held' },
    ]);
    expect(await held(storeId, 'v-a')).toBe(4);
    const oneMore = await create(storeId, orderBody('A-more', [{ variantId: 'v-a', quantity: 1 }]));
    expect(oneMore.json().error.details[0]).toMatchObject({ requested: 1, sellable: 0 });
  });

  it('holds fractional quantities exactly (items sold by weight)', async () => {
    const storeId = await freshStore({}, { 'v-g': 0.6 });
    await sellByWeight(storeId, 'v-g');
    for (const [index, quantity] of [0.1, 0.2, 0.3].entries()) {
      expect((await create(storeId, orderBody(`W-${index}`, [{ variantId: 'v-g', quantity }]))).statusCode).toBe(201);
    }
    expect(await held(storeId, 'v-g')).toBe(0.6);
    for (const index of [0, 1, 2]) await act(storeId, `W-${index}`, 'cancel');
    expect(await held(storeId, 'v-g')).toBe(0);
  });

  describe('weight tiers', () => {
    /** A store with bulk flower sold by weight (grams) and its tiers, beside an item sold by the unit. */
    async function weighedStore(grams: number) {
      const storeId = await freshStore({}, { 'v-bulk': grams, 'v-a': 10 });
      await h.db.prisma.product.update({
        where: { storeId_variantId: { storeId, variantId: 'v-bulk' } },
        data: {
          soldByWeight: true,
          quantityUnit: 'grams',
          weightTiers: [
            { name: '1g', grams: 1, priceCents: 1000 },
            { name: '1/8 oz', grams: 3.5, priceCents: 3325 },
            { name: '1 oz', grams: 28, priceCents: 22400 },
          ],
        },
      });
      return storeId;
    }

    it("holds quantity × the tier's grams for an item that names a weight tier, and shows the tier on the item", async () => {
      const storeId = await weighedStore(30);
      const response = await create(
        storeId,
        orderBody('T-1', [
          { variantId: 'v-bulk', quantity: 2, weightTier: '1/8 oz' },
          { variantId: 'v-a', quantity: 1 },
          { variantId: 'v-bulk', quantity: 0.75 },
        ]),
      );
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        items: [
          { variantId: 'v-bulk', quantity: 2, weightTier: '1/8 oz', tierGrams: 3.5 },
          { variantId: 'v-a', quantity: 1 },
          { variantId: 'v-bulk', quantity: 0.75 },
        ],
        holds: [
          { variantId: 'v-bulk', quantity: 7, state: 'held' },
          { variantId: 'v-a', quantity: 1, state: 'held' },
          { variantId: 'v-bulk', quantity: 0.75, state: 'held' },
        ],
      });
      expect(response.json().items[1]).not.toHaveProperty('weightTier');
      expect(await held(storeId, 'v-bulk')).toBe(7.75);
      expect((await get(storeId, 'T-1')).json()).toEqual(response.json());
    });

    it('refuses an unknown weight tier with a 400 naming items[i].weightTier and the tiers there are, holding nothing', async () => {
      const storeId = await weighedStore(30);
      const response = await create(
        storeId,
        orderBody('T-unknown', [
          { variantId: 'v-bulk', quantity: 1, weightTier: '1/8 oz' },
          { variantId: 'v-bulk', quantity: 1, weightTier: 'half ounce' },
          { variantId: 'v-a', quantity: 1, weightTier: '1g' },
        ]),
      );
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'validation_failed',
        message: 'invalid order: items[1].weightTier, items[2].weightTier',
      });
      expect(detailsByPath(response)).toEqual({
        'items[1].weightTier': '"half ounce" is not a weight tier of v-bulk: its tiers are "1g", "1/8 oz", "1 oz"',
        'items[2].weightTier': '"1g" is not a weight tier of v-a: it has no weight tiers (it is not sold by weight)',
      });
      expect(await held(storeId, 'v-bulk')).toBe(0);
      expect(await h.db.prisma.order.count({ where: { storeId } })).toBe(0);
    });

    it('counts a tier in grams against what can be sold: 409 says how many grams were asked and how many can be sold', async () => {
      const storeId = await weighedStore(30);
      const response = await create(
        storeId,
        orderBody('T-short', [
          { variantId: 'v-bulk', quantity: 1, weightTier: '1 oz' },
          { variantId: 'v-bulk', quantity: 1, weightTier: '1/8 oz' },
        ]),
      );
      expect(response.statusCode).toBe(409);
      expect(response.json().error.details).toEqual([
        {
          path: 'items[0]',
          message: 'items[0] and items[1] ask for 31.5 g together of v-bulk, but only 30 g can be sold',
          variantId: 'v-bulk',
          requested: 31.5,
          sellable: 30,
        },
      ]);
      expect(await held(storeId, 'v-bulk')).toBe(0);
    });

    it('needs a whole number of tier units, and a tier name that is not empty', async () => {
      const storeId = await weighedStore(30);
      const response = await create(
        storeId,
        orderBody('T-bad', [
          { variantId: 'v-bulk', quantity: 1.5, weightTier: '1/8 oz' },
          { variantId: 'v-bulk', quantity: 1, weightTier: ' ' },
        ]),
      );
      expect(response.statusCode).toBe(400);
      expect(detailsByPath(response)).toEqual({
        'items[0].quantity': 'must be a whole number of units of the weight tier',
        'items[1].weightTier': 'must not be empty',
      });
    });

    it('needs whole numbers for an item not sold by weight: a 400 naming each such quantity beside each unknown tier, nothing held', async () => {
      const storeId = await weighedStore(30);
      const response = await create(
        storeId,
        orderBody('T-fraction', [
          { variantId: 'v-a', quantity: 0.5 },
          { variantId: 'v-bulk', quantity: 0.75 },
          { variantId: 'v-a', quantity: 2.25 },
          { variantId: 'v-bulk', quantity: 1, weightTier: 'half ounce' },
        ]),
      );
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toBe('invalid order: items[0].quantity, items[2].quantity, items[3].weightTier');
      expect(detailsByPath(response)).toEqual({
        'items[0].quantity': 'must be a whole number: v-a is not sold by weight',
        'items[2].quantity': 'must be a whole number: v-a is not sold by weight',
        'items[3].weightTier': expect.stringContaining('is not a weight tier of v-bulk'),
      });
      expect([await held(storeId, 'v-a'), await held(storeId, 'v-bulk')]).toEqual([0, 0]);
      expect(await h.db.prisma.order.count({ where: { storeId } })).toBe(0);

      const whole = await create(
        storeId,
        orderBody('T-fraction', [
          { variantId: 'v-a', quantity: 2 },
          { variantId: 'v-bulk', quantity: 0.75 },
        ]),
      );
      expect(whole.statusCode).toBe(201);
      expect([await held(storeId, 'v-a'), await held(storeId, 'v-bulk')]).toEqual([2, 0.75]);
    });

    it('treats a repeat naming the same tier as the same order, and another tier as other content', async () => {
      const storeId = await weighedStore(30);
      const body = orderBody('T-repeat', [{ variantId: 'v-bulk', quantity: 1, weightTier: '1/8 oz' }]);
      expect((await create(storeId, body)).statusCode).toBe(201);
      expect((await create(storeId, body)).statusCode).toBe(200);
      expect((await create(storeId, orderBody('T-repeat', [{ variantId: 'v-bulk', quantity: 1, weightTier: '1g' }]))).statusCode).toBe(409);
      expect(await held(storeId, 'v-bulk')).toBe(3.5);
    });
  });

  it('answers a repeat with the same content 200 with the order unchanged, and other content 409', async () => {
    const storeId = await freshStore();
    const body = orderBody('A-2000', [{ variantId: 'v-a', quantity: 2 }], { deliveryNotes: null });
    const first = await create(storeId, body);
    expect(first.statusCode).toBe(201);

    // Same content: keys in another order, a null field left out, the same instant written differently.
    const { deliveryNotes: _notes, ...withoutNotes } = body;
    const repeat = await create(storeId, { ...withoutNotes, placedAt: '2026-11-27T10:00:00.000Z', status: 'pending' });
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toEqual(first.json());
    expect(await held(storeId, 'v-a')).toBe(2);

    const changed = await create(storeId, orderBody('A-2000', [{ variantId: 'v-a', quantity: 3 }]));
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('conflict');
    expect(await held(storeId, 'v-a')).toBe(2);
    expect((await get(storeId, 'A-2000')).json().history).toHaveLength(1);
  });

  it("takes the platform's customer id (customer.id) as part of the order's content: another id is other content", async () => {
    const storeId = await freshStore();
    const customer = { id: 'cust-42', phone: '+15555550123', purchaseCategory: 'rec' };
    const first = await create(storeId, orderBody('A-2100', [{ variantId: 'v-a', quantity: 1 }], { customer }));
    expect(first.statusCode).toBe(201);
    expect(JSON.stringify(first.json())).not.toContain('cust-42'); // the customer is not echoed back
    expect((await h.db.prisma.order.findFirstOrThrow({ where: { storeId, externalId: 'A-2100' } })).customer).toEqual(customer);
    expect((await create(storeId, orderBody('A-2100', [{ variantId: 'v-a', quantity: 1 }], { customer }))).statusCode).toBe(200);
    const other = await create(
      storeId,
      orderBody('A-2100', [{ variantId: 'v-a', quantity: 1 }], { customer: { ...customer, id: 'cust-43' } }),
    );
    expect(other.statusCode).toBe(409);
    const { id: _id, ...anonymous } = customer;
    expect((await create(storeId, orderBody('A-2100', [{ variantId: 'v-a', quantity: 1 }], { customer: anonymous }))).statusCode).toBe(409);
    expect(await held(storeId, 'v-a')).toBe(1);
  });

  it('ends concurrent creates of one externalId as one order and repeats', async () => {
    const storeId = await freshStore();
    const body = orderBody('A-race', [{ variantId: 'v-a', quantity: 1 }]);
    const answers = await Promise.all(Array.from({ length: 8 }, () => create(storeId, body)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(await held(storeId, 'v-a')).toBe(1);
    expect(await h.db.prisma.order.count({ where: { storeId } })).toBe(1);
  });

  it('404 for an unknown store, 409 integration_disabled for a disabled one', async () => {
    expect((await create('nobody', orderBody('A-1', [{ variantId: 'v-a', quantity: 1 }]))).statusCode).toBe(404);
    const storeId = await freshStore({ enabled: false });
    const disabled = await create(storeId, orderBody('A-1', [{ variantId: 'v-a', quantity: 1 }]));
    expect(disabled.statusCode).toBe(409);
    expect(disabled.json().error.code).toBe('integration_disabled');
    expect(await held(storeId, 'v-a')).toBe(0);
  });
});

describe('order validation (400 naming each wrong field, nothing created)', () => {
  it('names every missing required field in one answer', async () => {
    const storeId = await freshStore();
    const response = await create(storeId, { customer: {}, items: [] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
    expect(detailsByPath(response)).toMatchObject({
      externalId: 'is required',
      type: 'is required',
      'customer.purchaseCategory': 'is required',
      items: expect.stringContaining('at least one item'),
    });
    expect(await h.db.prisma.order.count({ where: { storeId } })).toBe(0);
  });

  it('names malformed fields with their paths', async () => {
    const storeId = await freshStore();
    const response = await create(
      storeId,
      orderBody(
        'bad id!',
        [
          { variantId: 'v-a', quantity: 1 },
          { variantId: 'v-b', quantity: 0 },
          { variantId: 'v-b', quantity: '2' },
          { variantId: '', quantity: -1 },
          { variantId: 'v-a', quantity: 0.0000001 },
        ],
        {
          type: 'delivery',
          status: 'completed',
          customer: { id: 'customer #7', phone: '555-0123', email: 'nope', birthDate: '31/01/1990', purchaseCategory: 'adult' },
          address: { street1: '1 Main St', city: 'Springfield', state: 'IL', zip: '1234' },
          deliveryFeeCents: 4.5,
          requestedWindow: { start: '2026-11-27T12:00:00Z', end: '2026-11-27T11:00:00Z' },
        },
      ),
    );
    expect(response.statusCode).toBe(400);
    const paths = Object.keys(detailsByPath(response));
    expect(paths).toEqual(
      expect.arrayContaining([
        'externalId',
        'status',
        'customer.id',
        'customer.phone',
        'customer.email',
        'customer.birthDate',
        'customer.purchaseCategory',
        'items[1].quantity',
        'items[2].quantity',
        'items[3].variantId',
        'items[3].quantity',
        'items[4].quantity',
        'address.zip',
        'deliveryFeeCents',
        'requestedWindow.end',
      ]),
    );
    expect(paths).not.toContain('items[0].quantity');
    expect(detailsByPath(response)['customer.phone']).toMatch(/E\.164/);
    expect(response.json().error.message).toContain('customer.phone');
  });

  it('refuses a quantity below a millionth, which would be held as 0, naming it', async () => {
    const storeId = await freshStore();
    await sellByWeight(storeId, 'v-a');
    for (const quantity of [5e-13, 1e-300, 4e-7]) {
      const response = await create(storeId, orderBody('Q-tiny', [{ variantId: 'v-a', quantity }]));
      expect({ quantity, status: response.statusCode, details: detailsByPath(response) }).toEqual({
        quantity,
        status: 400,
        details: { 'items[0].quantity': 'must have at most 6 decimal places' },
      });
    }
    expect(await held(storeId, 'v-a')).toBe(0);
    expect((await create(storeId, orderBody('Q-tiny', [{ variantId: 'v-a', quantity: 0.000001 }]))).statusCode).toBe(201);
    expect(await held(storeId, 'v-a')).toBe(0.000001);
  });

  it('needs an address for a delivery', async () => {
    const storeId = await freshStore();
    const response = await create(storeId, orderBody('D-1', [{ variantId: 'v-a', quantity: 1 }], { type: 'delivery' }));
    expect(response.statusCode).toBe(400);
    expect(detailsByPath(response)).toEqual({ address: 'is required for a delivery' });
    const withAddress = await create(
      storeId,
      orderBody('D-1', [{ variantId: 'v-a', quantity: 1 }], {
        type: 'delivery',
        address: { street1: '1 Main St', street2: null, city: 'Springfield', state: 'IL', zip: '62701' },
        deliveryNotes: 'Gate code 1234',
        deliveryFeeCents: 500,
      }),
    );
    expect(withAddress.statusCode).toBe(201);
  });

  it('needs the medical id and its expiry of a med customer', async () => {
    const storeId = await freshStore();
    const med = (customer: Record<string, unknown>) =>
      create(
        storeId,
        orderBody('M-1', [{ variantId: 'v-a', quantity: 1 }], {
          customer: { phone: '+15555550123', purchaseCategory: 'med', ...customer },
        }),
      );
    const neither = await med({});
    expect(neither.statusCode).toBe(400);
    expect(Object.keys(detailsByPath(neither)).sort()).toEqual(['customer.medicalId', 'customer.medicalIdExpiration']);
    const noExpiry = await med({ medicalId: 'MED-123' });
    expect(Object.keys(detailsByPath(noExpiry))).toEqual(['customer.medicalIdExpiration']);
    expect((await med({ medicalId: 'MED-123', medicalIdExpiration: '2027-01-31' })).statusCode).toBe(201);
  });

  it('needs a phone or a medical id when the store syncs orders, kiosk orders included', async () => {
    const syncing = await freshStore({ syncOrders: true });
    const anonymous = { firstName: 'Kim', purchaseCategory: 'rec' };
    for (const type of ['kiosk', 'pickup']) {
      const response = await create(syncing, orderBody(`K-${type}`, [{ variantId: 'v-a', quantity: 1 }], { type, customer: anonymous }));
      expect(response.statusCode).toBe(400);
      expect(Object.keys(detailsByPath(response)).sort()).toEqual(['customer.medicalId', 'customer.phone']);
      expect(detailsByPath(response)['customer.phone']).toMatch(/phone or a medical id/);
    }
    const withMedicalId = await create(
      syncing,
      orderBody('K-2', [{ variantId: 'v-a', quantity: 1 }], {
        type: 'kiosk',
        customer: { ...anonymous, medicalId: 'MED-9', medicalIdExpiration: '2027-01-31' },
      }),
    );
    expect(withMedicalId.statusCode).toBe(201);
    expect(await held(syncing, 'v-a')).toBe(1);

    // A store that does not push orders to Flowhub takes them without either.
    const local = await freshStore();
    expect(
      (await create(local, orderBody('K-3', [{ variantId: 'v-a', quantity: 1 }], { type: 'kiosk', customer: anonymous }))).statusCode,
    ).toBe(201);
  });

  it('takes a medical id without its expiry beside a phone: the push sends the phone and leaves the id out', async () => {
    const storeId = await freshStore({ syncOrders: true });
    await h.db.prisma.store.update({
      where: { id: storeId },
      data: { orderAheadClientId: 'oa-client', orderAheadTokenEncrypted: h.deps.secrets.encrypt('oa-secret') },
    });
    await h.db.prisma.product.update({ where: { storeId_variantId: { storeId, variantId: 'v-a' } }, data: { productId: 'p-a' } });
    const customer = { firstName: 'Kim', phone: '+15555550123', medicalId: 'MED-9', purchaseCategory: 'rec' };

    const response = await create(storeId, orderBody('MID-1', [{ variantId: 'v-a', quantity: 1 }], { status: 'confirmed', customer }));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'confirmed', push: { state: 'queued' } });

    const sent: OrderAheadCreate[] = [];
    const flowhub: Pick<FlowhubClient, 'createOrder'> = {
      createOrder: async (_credentials, payload) => {
        sent.push(payload);
        return { orderId: 'fh-mid-1', status: 'new', customerExternalId: null, customerNote: null };
      },
    };
    const logger = createLogger({ name: 'orders-test', level: 'silent' });
    const push = orderPushProcessor({ prisma: h.deps.prisma, sql: h.deps.sql, flowhub, secrets: h.deps.secrets, logger });
    const job = { id: 'push-MID-1', data: { storeId, externalId: 'MID-1' }, attemptsMade: 0, opts: { attempts: 8 } } as unknown as Job;
    expect(await push.run(job, undefined, logger)).toMatchObject({ status: 'pushed', flowhubOrderId: 'fh-mid-1' });
    expect(sent.map((payload) => payload.customer)).toEqual([{ firstName: 'Kim', phone: '+15555550123', medRecOrBoth: 'rec' }]);
  });

  it('refuses a medical id without its expiry and without a phone when the store syncs orders, naming the expiry', async () => {
    const syncing = await freshStore({ syncOrders: true });
    const customer = { firstName: 'Kim', medicalId: 'MED-9', purchaseCategory: 'rec' };
    const response = await create(syncing, orderBody('MID-2', [{ variantId: 'v-a', quantity: 1 }], { status: 'confirmed', customer }));
    expect(response.statusCode).toBe(400);
    expect(detailsByPath(response)).toEqual({ 'customer.medicalIdExpiration': expect.stringMatching(/medical id only with its expiry/) });
    expect(await held(syncing, 'v-a')).toBe(0);

    // A store that does not push orders to Flowhub takes it.
    const local = await freshStore();
    expect((await create(local, orderBody('MID-2', [{ variantId: 'v-a', quantity: 1 }], { customer }))).statusCode).toBe(201);
  });

  it('refuses a phone too short for Flowhub (+1555), naming it, before holding anything', async () => {
    const syncing = await freshStore({ syncOrders: true });
    for (const [index, phone] of ['+1555', '+1234567'].entries()) {
      const response = await create(
        syncing,
        orderBody(`PH-${index}`, [{ variantId: 'v-a', quantity: 1 }], {
          status: 'confirmed',
          customer: { phone, purchaseCategory: 'rec' },
        }),
      );
      expect({ phone, status: response.statusCode, paths: Object.keys(detailsByPath(response)) }).toEqual({
        phone,
        status: 400,
        paths: ['customer.phone'],
      });
    }
    expect(await held(syncing, 'v-a')).toBe(0);
    // The shortest it takes: 8 digits after the plus.
    const shortest = { phone: '+12345678', purchaseCategory: 'rec' };
    expect((await create(syncing, orderBody('PH-8', [{ variantId: 'v-a', quantity: 1 }], { customer: shortest }))).statusCode).toBe(201);
  });

  it('refuses a body that is not a JSON object, and a malformed store id', async () => {
    const storeId = await freshStore();
    const notObject = await app.inject({
      method: 'POST',
      url: `/v1/stores/${storeId}/orders`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '[1,2]',
    });
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().error.details[0].path).toBe('body');
    const badStore = await create('bad%20store!', orderBody('A-1', [{ variantId: 'v-a', quantity: 1 }]));
    expect(badStore.statusCode).toBe(400);
    expect(badStore.json().error.details[0].path).toBe('storeId');
  });
});

describe('order transitions', () => {
  it('confirm: 200 for a store that does not sync orders, 202 with the push queued for one that does, 200 unchanged again', async () => {
    const local = await freshStore();
    await create(local, orderBody('C-1', [{ variantId: 'v-a', quantity: 1 }]));
    const confirmed = await act(local, 'C-1', 'confirm');
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', push: { state: 'not_pushed' }, confirmedAt: expect.any(String) });

    const syncing = await freshStore({ syncOrders: true });
    await create(syncing, orderBody('C-2', [{ variantId: 'v-a', quantity: 1 }]));
    const queued = await act(syncing, 'C-2', 'confirm');
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ status: 'confirmed', push: { state: 'queued' } });
    expect(queued.json().history.map((entry: { event: string }) => entry.event)).toEqual(['created', 'status_changed', 'push_queued']);

    const again = await act(syncing, 'C-2', 'confirm');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(queued.json());
  });

  it('creates and confirms in one call with status "confirmed"', async () => {
    const syncing = await freshStore({ syncOrders: true });
    const response = await create(syncing, orderBody('C-3', [{ variantId: 'v-a', quantity: 2 }], { status: 'confirmed' }));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'confirmed', push: { state: 'queued' }, holds: [{ state: 'held', quantity: 2 }] });
    expect((await app.inject({ method: 'GET', url: `/v1/stores/${syncing}/orders/C-3`, headers: auth })).json()).toEqual(response.json());
    expect(await held(syncing, 'v-a')).toBe(2);
  });

  it('cancel: releases the holds and records it; a repeat changes nothing', async () => {
    const storeId = await freshStore();
    await create(
      storeId,
      orderBody('X-1', [
        { variantId: 'v-a', quantity: 3 },
        { variantId: 'v-b', quantity: 1 },
      ]),
    );
    await act(storeId, 'X-1', 'confirm');
    const cancelled = await act(storeId, 'X-1', 'cancel');
    expect(cancelled.statusCode).toBe(200);
    const body = cancelled.json();
    expect(body.status).toBe('cancelled');
    expect(body.notice).toBeUndefined();
    expect(body.holds.map((hold: { state: string }) => hold.state)).toEqual(['released', 'released']);
    expect(body.history.slice(-2)).toEqual([
      { at: expect.any(String), event: 'status_changed', from: 'confirmed', to: 'cancelled', cause: 'platform', details: null },
      {
        at: expect.any(String),
        event: 'hold_released',
        from: null,
        to: null,
        cause: 'cancelled',
        details: {
          holds: [
            { variantId: 'v-a', quantity: 3 },
            { variantId: 'v-b', quantity: 1 },
          ],
        },
      },
    ]);
    expect(await held(storeId, 'v-a')).toBe(0);
    expect(await held(storeId, 'v-b')).toBe(0);
    // The released stock can be ordered again.
    expect((await create(storeId, orderBody('X-2', [{ variantId: 'v-a', quantity: 10 }]))).statusCode).toBe(201);

    const repeat = await act(storeId, 'X-1', 'cancel');
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json().history).toHaveLength(body.history.length);
    expect(await held(storeId, 'v-a')).toBe(10);
  });

  it('cancel of an order already pushed to Flowhub says it must be cancelled there too', async () => {
    const storeId = await freshStore({ syncOrders: true });
    await create(storeId, orderBody('P-1', [{ variantId: 'v-a', quantity: 1 }], { status: 'confirmed' }));
    await h.db.prisma.order.update({
      where: { storeId_externalId: { storeId, externalId: 'P-1' } },
      data: { pushState: 'pushed', flowhubOrderId: 'fh-777', pushedAt: new Date(), pushAttempts: 1 },
    });
    const response = await act(storeId, 'P-1', 'cancel');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.notice).toMatch(/cancel it in Flowhub too/);
    expect(body.notice).toContain('fh-777');
    expect(body.history.at(-1)).toMatchObject({
      event: 'flowhub_cancel_required',
      details: { flowhubOrderId: 'fh-777', message: body.notice },
    });
    expect(await held(storeId, 'v-a')).toBe(0);
  });

  it('complete: holds become consumed (a store that syncs orders is told Flowhub reports completion)', async () => {
    const storeId = await freshStore({}, { 'v-a': 5 });
    await create(storeId, orderBody('F-1', [{ variantId: 'v-a', quantity: 2 }]));
    const before = Date.now();
    const completed = await act(storeId, 'F-1', 'complete');
    expect(completed.statusCode).toBe(200);
    expect(completed.json()).toMatchObject({
      status: 'completed',
      completedAt: expect.any(String),
      holds: [{ state: 'consumed', quantity: 2 }],
    });
    expect(
      completed
        .json()
        .history.slice(-2)
        .map((entry: { event: string }) => entry.event),
    ).toEqual(['status_changed', 'holds_consumed']);
    const [hold] = await h.db.prisma.inventoryHold.findMany({ where: { storeId } });
    expect(hold.consumedAt!.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(hold.releasedAt).toBeNull();
    // The sale may not be in Flowhub's quantity yet: the consumed units stay held, availability does not jump up.
    expect(await held(storeId, 'v-a')).toBe(2);
    expect((await act(storeId, 'F-1', 'complete')).statusCode).toBe(200);

    // The inventory worker's release: a sync that started before the completion releases nothing; the first one
    // that started after it releases the consumed hold and its units.
    expect(await releaseReflectedHolds(h.db.prisma, storeId, new Date(hold.consumedAt!.getTime() - 1_000), new Date())).toBe(0);
    expect(await held(storeId, 'v-a')).toBe(2);
    expect(await releaseReflectedHolds(h.db.prisma, storeId, new Date(hold.consumedAt!.getTime() + 1), new Date())).toBe(1);
    expect(await held(storeId, 'v-a')).toBe(0);
    expect((await get(storeId, 'F-1')).json().holds).toEqual([{ variantId: 'v-a', quantity: 2, state: 'released' }]);

    const syncing = await freshStore({ syncOrders: true });
    await create(syncing, orderBody('F-2', [{ variantId: 'v-a', quantity: 1 }]));
    const refused = await act(syncing, 'F-2', 'complete');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'conflict', message: expect.stringContaining('Flowhub reports') });
    expect(await held(syncing, 'v-a')).toBe(1);
  });

  it('refuses transitions that make no sense with 409, changing nothing', async () => {
    const storeId = await freshStore();
    await create(storeId, orderBody('I-cancelled', [{ variantId: 'v-a', quantity: 1 }]));
    await act(storeId, 'I-cancelled', 'cancel');
    await create(storeId, orderBody('I-completed', [{ variantId: 'v-a', quantity: 1 }]));
    await act(storeId, 'I-completed', 'complete');
    await create(storeId, orderBody('I-expired', [{ variantId: 'v-a', quantity: 1 }]));
    await h.db.prisma.order.update({ where: { storeId_externalId: { storeId, externalId: 'I-expired' } }, data: { status: 'expired' } });

    for (const [externalId, action] of [
      ['I-cancelled', 'confirm'],
      ['I-expired', 'confirm'],
      ['I-completed', 'cancel'],
      ['I-cancelled', 'complete'],
      ['I-expired', 'complete'],
    ] as const) {
      const before = (await get(storeId, externalId)).json();
      const response = await act(storeId, externalId, action);
      expect({ externalId, action, status: response.statusCode, code: response.json().error?.code }).toEqual({
        externalId,
        action,
        status: 409,
        code: 'conflict',
      });
      expect(response.json().error.message).toContain(`it is ${before.status}`);
      expect((await get(storeId, externalId)).json()).toEqual(before);
    }
  });

  it('404 for an unknown order or store, 400 for a malformed externalId', async () => {
    const storeId = await freshStore();
    for (const action of ['confirm', 'cancel', 'complete'] as const) {
      const response = await act(storeId, 'nope', action);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.message).toContain('order nope');
    }
    expect((await get(storeId, 'nope')).statusCode).toBe(404);
    expect((await get('no-store', 'nope')).json().error.message).toContain('store');
    const bad = await get(storeId, 'bad%20id!');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('externalId');
  });
});

describe('PATCH /v1/stores/{storeId}/orders/{externalId}', () => {
  it('stores holdInventory and records the change', async () => {
    const storeId = await freshStore();
    await create(storeId, orderBody('H-1', [{ variantId: 'v-a', quantity: 1 }]));
    const on = await patch(storeId, 'H-1', { holdInventory: true });
    expect(on.statusCode).toBe(200);
    expect(on.json().holdInventory).toBe(true);
    expect(on.json().history.at(-1)).toMatchObject({
      event: 'hold_inventory_changed',
      cause: 'platform',
      details: { holdInventory: true, previous: false },
    });
    expect((await patch(storeId, 'H-1', { holdInventory: true })).json().history).toHaveLength(on.json().history.length);
    expect((await get(storeId, 'H-1')).json().holdInventory).toBe(true);

    const bad = await patch(storeId, 'H-1', { holdInventory: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('holdInventory');
    expect((await patch(storeId, 'H-1', {})).json().error.details[0]).toEqual({ path: 'holdInventory', message: 'is required' });
  });

  it('turned off after a Maui push, the held stock is handed over as the push would have: consumed until the next sync', async () => {
    const storeId = await freshStore({ syncOrders: true }, { 'v-a': 5 });
    await h.db.prisma.store.update({ where: { id: storeId }, data: { maui: true } });
    await create(storeId, orderBody('MH-1', [{ variantId: 'v-a', quantity: 2 }], { status: 'confirmed' }));
    await patch(storeId, 'MH-1', { holdInventory: true });
    // The Maui push (the order worker): pushed and fulfilled, the stock kept held as asked.
    await h.db.prisma.order.update({
      where: { storeId_externalId: { storeId, externalId: 'MH-1' } },
      data: { pushState: 'pushed', flowhubOrderId: 'fh-mh-1', pushedAt: new Date(), pushAttempts: 1, fulfilled: true },
    });
    expect((await get(storeId, 'MH-1')).json()).toMatchObject({ fulfilled: true, holds: [{ state: 'held' }] });

    const off = await patch(storeId, 'MH-1', { holdInventory: false });

    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ holdInventory: false, holds: [{ state: 'consumed', quantity: 2 }] });
    expect(off.json().history.map((entry: { event: string }) => entry.event)).toEqual(
      expect.arrayContaining(['hold_inventory_changed', 'holds_consumed']),
    );
    expect(await held(storeId, 'v-a')).toBe(2); // no window before the next sync reads Flowhub's quantity
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await releaseReflectedHolds(h.db.prisma, storeId, await databaseNow(h.db.prisma), new Date())).toBe(1);
    expect(await held(storeId, 'v-a')).toBe(0);

    // Before any push, turning it off changes nothing but the flag.
    await create(storeId, orderBody('MH-2', [{ variantId: 'v-a', quantity: 1 }], { status: 'confirmed' }));
    await patch(storeId, 'MH-2', { holdInventory: true });
    expect((await patch(storeId, 'MH-2', { holdInventory: false })).json()).toMatchObject({ fulfilled: false, holds: [{ state: 'held' }] });
  });
});

describe('availability', () => {
  it('never goes below 0, even when a sync brings the quantity below what is held', async () => {
    const storeId = await freshStore({}, { 'v-a': 5 });
    await create(storeId, orderBody('N-1', [{ variantId: 'v-a', quantity: 4 }]));
    // The next sync reads 1 left in Flowhub (sold in store meanwhile): 4 still held.
    await h.db.prisma.product.update({ where: { storeId_variantId: { storeId, variantId: 'v-a' } }, data: { posQuantity: 1 } });
    const short = await create(storeId, orderBody('N-2', [{ variantId: 'v-a', quantity: 1 }]));
    expect(short.statusCode).toBe(409);
    expect(short.json().error.details[0]).toMatchObject({ variantId: 'v-a', requested: 1, sellable: 0 });

    await act(storeId, 'N-1', 'cancel');
    expect(await held(storeId, 'v-a')).toBe(0);
    expect((await create(storeId, orderBody('N-3', [{ variantId: 'v-a', quantity: 1 }]))).statusCode).toBe(201);
  });
});

describe('the order history', () => {
  it('records every change with its time and cause', async () => {
    const storeId = await freshStore();
    await create(storeId, orderBody('L-1', [{ variantId: 'v-a', quantity: 2 }]));
    await act(storeId, 'L-1', 'confirm');
    await patch(storeId, 'L-1', { holdInventory: true });
    await act(storeId, 'L-1', 'complete');
    const { history } = (await get(storeId, 'L-1')).json();
    expect(history.map(({ at: _at, details: _details, ...entry }: Record<string, unknown>) => entry)).toEqual([
      { event: 'created', from: null, to: 'pending', cause: 'platform' },
      { event: 'status_changed', from: 'pending', to: 'confirmed', cause: 'platform' },
      { event: 'hold_inventory_changed', from: null, to: null, cause: 'platform' },
      { event: 'status_changed', from: 'confirmed', to: 'completed', cause: 'platform' },
      { event: 'holds_consumed', from: null, to: null, cause: 'completed' },
    ]);
    const times = history.map((entry: { at: string }) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(history[0].details).toEqual({ holds: [{ variantId: 'v-a', quantity: 2 }] });
  });
});

describe('without Redis', () => {
  it('still creates and confirms orders (their pushes wait in PostgreSQL)', async () => {
    const offline = await createProducerHarness({ redisUrl: 'redis://127.0.0.1:1' });
    const offlineApp = await appServingOrders(offline);
    try {
      await seedStore(offline.db.prisma, 's1', { syncOrders: true });
      await seedProduct(offline.db.prisma, 's1', 'v-a', 3);
      const created = await offlineApp.inject({
        method: 'POST',
        url: '/v1/stores/s1/orders',
        headers: auth,
        payload: orderBody('R-1', [{ variantId: 'v-a', quantity: 2 }]),
      });
      expect(created.statusCode).toBe(201);
      const confirmed = await offlineApp.inject({ method: 'POST', url: '/v1/stores/s1/orders/R-1/confirm', headers: auth });
      expect(confirmed.statusCode).toBe(202);
      expect(confirmed.json().push.state).toBe('queued');
      expect(await heldQuantity(offline.db.prisma, 's1', 'v-a')).toBe(2);
    } finally {
      if (offlineApp !== (offline.app as unknown)) await offlineApp.close();
      await offline.close();
    }
  });
});
