import { canonicalOrderStatus, orderAheadPayloadProblems, parseOrderAnswer, type OrderAheadCreate } from './order-ahead';
import { MalformedResponse } from './flowhub-http';

const pickup: OrderAheadCreate = {
  externalCreatedAt: '2024-05-01T17:03:00.000Z',
  customer: { firstName: 'Ada', lastName: 'Lovelace', externalId: 'c-1', phone: '+13035550123', medRecOrBoth: 'rec' },
  orderItems: [{ productId: 'p-1', quantityPurchased: 1 }],
  orderType: 'pickup',
};

describe('orderAheadPayloadProblems', () => {
  it('lets a complete order through', () => {
    expect(orderAheadPayloadProblems(pickup).problems).toEqual([]);
    expect(orderAheadPayloadProblems({ ...pickup, orderItems: [{ productId: 12345, quantityPurchased: 0.5 }] }).problems).toEqual([]);
  });

  it('lets a customer without names or externalId through: Flowhub requires only a phone or a medical id', () => {
    const nameless = { ...pickup, customer: { phone: '+13035550123', medRecOrBoth: 'rec' }, customerNote: 'Order A-1' };
    expect(orderAheadPayloadProblems(nameless).problems).toEqual([]);
    const onlyMedId = { ...pickup, customer: { medRecOrBoth: 'med', medId: 'MED-1', medExp: '2026-01-01' } };
    expect(orderAheadPayloadProblems(onlyMedId).problems).toEqual([]);
    expect(orderAheadPayloadProblems({ ...pickup, customer: { medRecOrBoth: 'rec' } }).problems).toEqual([
      'customer.phone: Flowhub needs a phone number or a medical id',
    ]);
  });

  it('accepts a medical id instead of a phone number', () => {
    const medical = {
      ...pickup,
      customer: { ...pickup.customer, phone: undefined, medRecOrBoth: 'med', medId: 'MED-1', medExp: '2026-01-01' },
    };
    expect(orderAheadPayloadProblems(medical).problems).toEqual([]);
  });

  it('names every problem that would make Flowhub refuse the order', () => {
    const bad = {
      ...pickup,
      externalCreatedAt: 'yesterday',
      customer: { ...pickup.customer, phone: '303-555-0123', medRecOrBoth: 'med', medId: 'MED-1' },
      orderItems: [{ productId: '', quantityPurchased: 0 }],
      fees: [{ name: 'Delivery fee', amount: 4.5 }],
    };
    expect(orderAheadPayloadProblems(bad).problems).toEqual([
      'externalCreatedAt: must be an ISO date-time',
      'customer.phone: must be an E.164 phone number (+15551234567)',
      'orderItems.0.productId: must not be empty',
      'orderItems.0.quantityPurchased: must be more than 0',
      'fees.0.amount: must be whole pennies',
    ]);
  });

  it('asks for the medical expiry with a medical id, and a medical id on a medical order', () => {
    const medical = { ...pickup, customer: { ...pickup.customer, phone: undefined, medRecOrBoth: 'med' } };
    expect(orderAheadPayloadProblems(medical).problems).toEqual([
      'customer.phone: Flowhub needs a phone number or a medical id',
      'customer.medId: required for a medical order',
    ]);
    const noExpiry = { ...pickup, customer: { ...pickup.customer, medId: 'MED-1' } };
    expect(orderAheadPayloadProblems(noExpiry).problems).toEqual(['customer.medExp: required with a medical id']);
  });

  it('describes an answer that is not an order at all', () => {
    expect(orderAheadPayloadProblems(null).problems).toEqual(['order: Invalid input: expected object, received null']);
  });
});

describe('parseOrderAnswer', () => {
  it('reads the flat answer and the envelope', () => {
    expect(parseOrderAnswer({ orderId: 'o-1', customerExternalId: 'c-1', status: 'unableToVerify' })).toEqual({
      orderId: 'o-1',
      customerExternalId: 'c-1',
      status: 'unableToVerify',
      customerNote: null,
      shape: 'flat',
    });
    expect(parseOrderAnswer({ status: 200, data: { orderId: 7, status: 'DELIVERED' } })).toEqual({
      orderId: '7',
      customerExternalId: null,
      status: 'delivered',
      customerNote: null,
      shape: 'envelope',
    });
  });

  it('reads an envelope whose data is a list of that one order, and no list of several', () => {
    expect(parseOrderAnswer({ status: 200, data: [{ orderId: 'o-9', status: 'new', customerExternalId: 'c-9' }] })).toEqual({
      orderId: 'o-9',
      customerExternalId: 'c-9',
      status: 'new',
      customerNote: null,
      shape: 'envelope',
    });
    expect(() => parseOrderAnswer({ status: 200, data: [{ orderId: 'o-1' }, { orderId: 'o-2' }] })).toThrow(
      'the order answer has no orderId',
    );
    expect(() => parseOrderAnswer({ status: 200, data: [] })).toThrow('the order answer has no orderId');
    expect(() => parseOrderAnswer({ status: 200, data: [['o-1']] })).toThrow('the order answer has no orderId');
  });

  it("reads the order's customerNote when the answer has one, and nothing else as one", () => {
    expect(parseOrderAnswer({ orderId: 'o-1', status: 'new', customerNote: 'Order A-1' }).customerNote).toBe('Order A-1');
    expect(parseOrderAnswer({ status: 200, data: { orderId: 'o-1', customerNote: 'Order A-2' } }).customerNote).toBe('Order A-2');
    expect(parseOrderAnswer({ orderId: 'o-1', customerNote: 42 }).customerNote).toBeNull();
    expect(parseOrderAnswer({ orderId: 'o-1', customerNote: null }).customerNote).toBeNull();
  });

  it('refuses an answer without an order id', () => {
    expect(() => parseOrderAnswer({ status: 'new' })).toThrow(MalformedResponse);
    expect(() => parseOrderAnswer({ orderId: '  ' })).toThrow('the order answer has no orderId');
    expect(() => parseOrderAnswer('ok')).toThrow('the order answer is not an object');
  });
});

describe('canonicalOrderStatus', () => {
  it('compares case-insensitively and keeps unknown statuses as sent', () => {
    expect(canonicalOrderStatus('Sold')).toBe('sold');
    expect(canonicalOrderStatus(' intransit ')).toBe('inTransit');
    expect(canonicalOrderStatus('UNABLETOCOMPLETE')).toBe('unableToComplete');
    expect(canonicalOrderStatus('onHold')).toBe('onHold');
  });
});
