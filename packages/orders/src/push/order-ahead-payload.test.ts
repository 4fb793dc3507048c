import {
  buildOrderAheadPayload,
  customerNoteFor,
  customerNoteNamesOrder,
  flowhubProductIdOf,
  orderItemIdHint,
  quantityPurchasedOf,
  toE164,
  type PushableLine,
  type PushableOrder,
} from './order-ahead-payload';

const baseOrder: PushableOrder = {
  externalId: 'A-1001',
  type: 'delivery',
  placedAt: new Date('2026-05-01T17:00:00.000Z'),
  createdAt: new Date('2026-05-01T17:00:05.000Z'),
  customer: {
    id: 'cust-77',
    firstName: 'Ada',
    lastName: 'Lovelace',
    birthDate: '1990-01-31',
    email: 'ada@example.com',
    phone: '+15555550123',
    medicalId: 'MED-42',
    medicalIdExpiration: '2027-01-31',
    purchaseCategory: 'med',
  },
  deliveryNotes: 'Gate code 1234',
  deliveryFeeCents: 500,
  address: { street1: '1 Main St', street2: null, city: 'Denver', state: 'CO', zip: '80202' },
  requestedWindow: { start: '2026-05-01T18:00:00.000Z', end: '2026-05-01T19:00:00.000Z' },
  postbackToken: 'tok-123',
};

const lines: PushableLine[] = [
  { line: 1, variantId: 'v-2', quantity: 1.5, product: { productId: 'p-2' } },
  { line: 0, variantId: 'v-1', quantity: 2, product: { productId: 'p-1' } },
];

describe('the Order Ahead payload', () => {
  it('carries the delivery notes, the delivery fee, the customer, the window and the items as Flowhub expects', () => {
    const result = buildOrderAheadPayload(baseOrder, lines, { publicUrl: 'https://sync.example.com/' });
    expect(result).toEqual({
      ok: true,
      payload: {
        externalCreatedAt: '2026-05-01T17:00:00.000Z',
        customer: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          externalId: 'cust-77',
          birthDate: '1990-01-31',
          email: 'ada@example.com',
          phone: '+15555550123',
          medRecOrBoth: 'med',
          medId: 'MED-42',
          medExp: '2027-01-31',
        },
        orderItems: [
          { productId: 'p-1', quantityPurchased: 2 },
          { productId: 'p-2', quantityPurchased: 1.5 },
        ],
        orderType: 'delivery',
        address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
        customerNote: 'Order A-1001: Gate code 1234',
        fees: [{ name: 'Delivery Fee', amount: 500 }],
        requestedFulfillmentTimeStart: '2026-05-01T18:00:00.000Z',
        requestedFulfillmentTimeEnd: '2026-05-01T19:00:00.000Z',
        postbackUrl: 'https://sync.example.com/v1/flowhub/postback/tok-123',
      },
    });
  });

  it('leaves out what the order does not have: no postbackUrl without PUBLIC_URL, no fee, no delivery notes, no address for a pickup', () => {
    const result = buildOrderAheadPayload(
      { ...baseOrder, type: 'pickup', deliveryNotes: null, deliveryFeeCents: null, requestedWindow: null, placedAt: null },
      lines,
    );
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.payload).not.toHaveProperty('postbackUrl');
    expect(result.payload).not.toHaveProperty('fees');
    expect(result.payload.customerNote).toBe('Order A-1001');
    expect(result.payload).not.toHaveProperty('address');
    expect(result.payload.externalCreatedAt).toBe('2026-05-01T17:00:05.000Z');
  });

  it('refuses an order with neither a phone nor a medical id, saying so', () => {
    const result = buildOrderAheadPayload(
      { ...baseOrder, customer: { firstName: 'Ada', lastName: 'Lovelace', purchaseCategory: 'rec' } },
      lines,
    );
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('needs a phone number or a medical id')] });
  });

  it('sends a North American phone number in E.164, and drops one it cannot read when a medical id is there', () => {
    const written = buildOrderAheadPayload(
      { ...baseOrder, customer: { ...(baseOrder.customer as object), phone: '(555) 555-0123' } },
      lines,
    );
    expect(written.ok && written.payload.customer.phone).toBe('+15555550123');
    const unreadable = buildOrderAheadPayload({ ...baseOrder, customer: { ...(baseOrder.customer as object), phone: '12' } }, lines);
    expect(unreadable.ok && unreadable.payload.customer).not.toHaveProperty('phone');
    expect(unreadable.ok && unreadable.payload.customer.medId).toBe('MED-42');
  });

  it('refuses an item whose variant has no synced Flowhub product id', () => {
    const result = buildOrderAheadPayload(baseOrder, [{ line: 0, variantId: 'gone', quantity: 1, product: null }]);
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('variant gone has no Flowhub product id')] });
  });

  it('refuses what Flowhub would refuse: a delivery without an address', () => {
    const noAddress = buildOrderAheadPayload({ ...baseOrder, address: null }, lines);
    expect(noAddress).toEqual({ ok: false, problems: [expect.stringContaining('address')] });
  });
});

describe('the customer, as the platform has it', () => {
  it('is sent without the names it lacks: a phone (or a medical id) is what Flowhub requires', () => {
    const result = buildOrderAheadPayload(
      { ...baseOrder, customer: { phone: '+15555550123', purchaseCategory: 'rec', firstName: '  ', lastName: null } },
      lines,
    );
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.payload.customer).toEqual({ phone: '+15555550123', medRecOrBoth: 'rec' });
    const onlyFirst = buildOrderAheadPayload(
      { ...baseOrder, customer: { firstName: 'Ada', medicalId: 'MED-1', medicalIdExpiration: '2027-01-31', purchaseCategory: 'med' } },
      lines,
    );
    expect(onlyFirst.ok && onlyFirst.payload.customer).toEqual({
      firstName: 'Ada',
      medRecOrBoth: 'med',
      medId: 'MED-1',
      medExp: '2027-01-31',
    });
  });

  it('sends a medical id only with its expiry: beside a phone the id is left out, without one the push is refused', () => {
    const rec = { firstName: 'Kim', medicalId: 'MED-9', purchaseCategory: 'rec' };
    const withPhone = buildOrderAheadPayload({ ...baseOrder, customer: { ...rec, phone: '+15555550123' } }, lines);
    expect(withPhone.ok && withPhone.payload.customer).toEqual({ firstName: 'Kim', phone: '+15555550123', medRecOrBoth: 'rec' });
    const noPhone = buildOrderAheadPayload({ ...baseOrder, customer: rec }, lines);
    expect(noPhone).toEqual({ ok: false, problems: [expect.stringMatching(/^customer\.medicalIdExpiration: .*nor a phone number/)] });
    // A med customer needs both, phone or not.
    const med = buildOrderAheadPayload({ ...baseOrder, customer: { ...rec, phone: '+15555550123', purchaseCategory: 'med' } }, lines);
    expect(med).toEqual({ ok: false, problems: [expect.stringMatching(/^customer\.medicalIdExpiration: /)] });
  });

  it("sends the platform's customer id as customer.externalId, and none without one; the note names the order", () => {
    const { id: _id, ...anonymous } = baseOrder.customer as Record<string, unknown>;
    const result = buildOrderAheadPayload({ ...baseOrder, customer: anonymous }, lines);
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.payload.customer).not.toHaveProperty('externalId');
    expect(result.payload.customerNote).toBe('Order A-1001: Gate code 1234');
  });
});

describe('the customerNote that names our order', () => {
  it('starts with "Order <externalId>", then the delivery notes', () => {
    expect(customerNoteFor({ externalId: 'A-1', deliveryNotes: '  Ring twice ' })).toBe('Order A-1: Ring twice');
    expect(customerNoteFor({ externalId: 'A-1', deliveryNotes: null })).toBe('Order A-1');
  });

  it('names exactly that order, whatever follows the id', () => {
    expect(customerNoteNamesOrder('Order A-1', 'A-1')).toBe(true);
    expect(customerNoteNamesOrder('Order A-1: Ring twice', 'A-1')).toBe(true);
    expect(customerNoteNamesOrder(' Order A-1\nRing twice', 'A-1')).toBe(true);
    expect(customerNoteNamesOrder('Order A-10', 'A-1')).toBe(false);
    expect(customerNoteNamesOrder('Order A-1.5', 'A-1')).toBe(false);
    expect(customerNoteNamesOrder('Ring twice. Order A-1', 'A-1')).toBe(false);
    expect(customerNoteNamesOrder('', 'A-1')).toBe(false);
    expect(customerNoteNamesOrder(null, 'A-1')).toBe(false);
  });
});

describe('an item that names a weight tier', () => {
  it("is sent as its grams, quantity × the tier's grams (Flowhub's order item has no tier field)", () => {
    const weighed: PushableLine[] = [
      { line: 0, variantId: 'bulk', quantity: 2, tierGrams: 3.5, product: { productId: 'p-bulk' } },
      { line: 1, variantId: 'bulk', quantity: 1.25, tierGrams: null, product: { productId: 'p-bulk' } },
      { line: 2, variantId: 'oz', quantity: 3, tierGrams: 28.349523, product: { productId: 'p-oz' } },
    ];
    const result = buildOrderAheadPayload(baseOrder, weighed);
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.payload.orderItems).toEqual([
      { productId: 'p-bulk', quantityPurchased: 7 },
      { productId: 'p-bulk', quantityPurchased: 1.25 },
      { productId: 'p-oz', quantityPurchased: 85.048569 },
    ]);
  });

  it('is chosen in one place', () => {
    expect(quantityPurchasedOf({ quantity: 4, tierGrams: 7 })).toBe(28);
    expect(quantityPurchasedOf({ quantity: 4, tierGrams: null })).toBe(4);
    expect(quantityPurchasedOf({ quantity: 4 })).toBe(4);
  });
});

describe("the single choice of an item's Flowhub product id", () => {
  it('is by default the inventory productId of the variant, as Flowhub gave it', () => {
    expect(flowhubProductIdOf({ variantId: 'v-1', productId: '4f0c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6' })).toBe(
      '4f0c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6',
    );
    expect(flowhubProductIdOf({ variantId: 'v-1', productId: '4f0c2a9e' }, 'productId')).toBe('4f0c2a9e');
    expect(flowhubProductIdOf({ variantId: 'v-1', productId: '  ' })).toBeUndefined();
    expect(flowhubProductIdOf({ variantId: 'v-1', productId: null })).toBeUndefined();
  });

  it("is the variant's id for a store whose orderItemId is variantId", () => {
    expect(flowhubProductIdOf({ variantId: 'v-1', productId: 'p-1' }, 'variantId')).toBe('v-1');
    expect(flowhubProductIdOf({ variantId: 'v-1', productId: null }, 'variantId')).toBe('v-1');
    const result = buildOrderAheadPayload(baseOrder, lines, { orderItemId: 'variantId' });
    expect(result.ok && result.payload.orderItems).toEqual([
      { productId: 'v-1', quantityPurchased: 2 },
      { productId: 'v-2', quantityPurchased: 1.5 },
    ]);
    // A variant the store no longer has is still refused before sending.
    expect(
      buildOrderAheadPayload(baseOrder, [{ line: 0, variantId: 'gone', quantity: 1, product: null }], { orderItemId: 'variantId' }).ok,
    ).toBe(false);
  });

  it("names the other setting when Flowhub's refusal is about the items, and says nothing otherwise", () => {
    expect(orderItemIdHint(['orderItems[0].productId 4f0c is not a product of this location'], 'productId')).toMatch(
      /set the store's orderItemId to "variantId"/,
    );
    expect(orderItemIdHint(['Invalid productId'], 'variantId')).toMatch(/set the store's orderItemId to "productId"/);
    expect(orderItemIdHint(['"orderItems.0.productId" must be a number'], 'productId')).toMatch(/sends each item's productId/);
    expect(orderItemIdHint(['customer.phone must be an E.164 phone number'], 'productId')).toBeUndefined();
    expect(orderItemIdHint([], 'productId')).toBeUndefined();
  });
});

describe('toE164', () => {
  it.each([
    ['+15555550123', '+15555550123'],
    ['555-555-0123', '+15555550123'],
    ['1 (555) 555 0123', '+15555550123'],
    ['+44 20 7946 0958', '+442079460958'],
    ['5550123', undefined],
    ['+12345678', '+12345678'],
    ['+1234567', undefined],
    ['+1555', undefined],
    ['call me', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(toE164(raw)).toBe(expected);
  });
});
