import { buildOrderAheadPayload, flowhubProductIdOf, toE164, type PushableLine, type PushableOrder } from './order-ahead-payload';

const baseOrder: PushableOrder = {
  externalId: 'A-1001',
  type: 'delivery',
  placedAt: new Date('2026-05-01T17:00:00.000Z'),
  createdAt: new Date('2026-05-01T17:00:05.000Z'),
  customer: {
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
          externalId: 'A-1001',
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
        customerNote: 'Gate code 1234',
        fees: [{ name: 'Delivery Fee', amount: 500 }],
        requestedFulfillmentTimeStart: '2026-05-01T18:00:00.000Z',
        requestedFulfillmentTimeEnd: '2026-05-01T19:00:00.000Z',
        postbackUrl: 'https://sync.example.com/v1/flowhub/postback/tok-123',
      },
    });
  });

  it('leaves out what the order does not have: no postbackUrl without PUBLIC_URL, no fee, no note, no address for a pickup', () => {
    const result = buildOrderAheadPayload(
      { ...baseOrder, type: 'pickup', deliveryNotes: null, deliveryFeeCents: null, requestedWindow: null, placedAt: null },
      lines,
    );
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.payload).not.toHaveProperty('postbackUrl');
    expect(result.payload).not.toHaveProperty('fees');
    expect(result.payload).not.toHaveProperty('customerNote');
    expect(result.payload).not.toHaveProperty('address');
    expect(result.payload.externalCreatedAt).toBe('2026-05-01T17:00:05.000Z');
  });

  it('refuses an order with neither a phone nor a medical id, saying so', () => {
    const result = buildOrderAheadPayload({ ...baseOrder, customer: { firstName: 'Ada', lastName: 'Lovelace', purchaseCategory: 'rec' } }, lines);
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('needs a phone number or a medical id')] });
  });

  it('sends a North American phone number in E.164, and drops one it cannot read when a medical id is there', () => {
    const written = buildOrderAheadPayload({ ...baseOrder, customer: { ...(baseOrder.customer as object), phone: '(555) 555-0123' } }, lines);
    expect(written.ok && written.payload.customer.phone).toBe('+15555550123');
    const unreadable = buildOrderAheadPayload({ ...baseOrder, customer: { ...(baseOrder.customer as object), phone: '12' } }, lines);
    expect(unreadable.ok && unreadable.payload.customer).not.toHaveProperty('phone');
    expect(unreadable.ok && unreadable.payload.customer.medId).toBe('MED-42');
  });

  it('refuses an item whose variant has no synced Flowhub product id', () => {
    const result = buildOrderAheadPayload(baseOrder, [{ line: 0, variantId: 'gone', quantity: 1, product: null }]);
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('variant gone has no Flowhub product id')] });
  });

  it('refuses what Flowhub would refuse: a delivery without an address, a customer without a name', () => {
    const noAddress = buildOrderAheadPayload({ ...baseOrder, address: null }, lines);
    expect(noAddress).toEqual({ ok: false, problems: [expect.stringContaining('address')] });
    const noName = buildOrderAheadPayload({ ...baseOrder, customer: { ...(baseOrder.customer as object), firstName: null } }, lines);
    expect(noName).toEqual({ ok: false, problems: [expect.stringContaining('customer.firstName')] });
  });
});

describe('the single choice of an item\'s Flowhub product id', () => {
  it('is the inventory productId of the variant, as Flowhub gave it', () => {
    expect(flowhubProductIdOf({ productId: '4f0c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6' })).toBe('4f0c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6');
    expect(flowhubProductIdOf({ productId: '  ' })).toBeUndefined();
    expect(flowhubProductIdOf({ productId: null })).toBeUndefined();
  });
});

describe('toE164', () => {
  it.each([
    ['+15555550123', '+15555550123'],
    ['555-555-0123', '+15555550123'],
    ['1 (555) 555 0123', '+15555550123'],
    ['+44 20 7946 0958', '+442079460958'],
    ['5550123', undefined],
    ['call me', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(toE164(raw)).toBe(expected);
  });
});
