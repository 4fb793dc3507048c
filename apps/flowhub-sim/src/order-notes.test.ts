import { noteOrderIdOf } from './orders';
import { startSimulator, type RunningSimulator } from './simulator';
import { admin, createOrder, getToken, inStockProducts } from './testing/sim-client';

/*
 * flowhub-sync's creates as they are now: the customer as the platform has it (no names, externalId the platform's
 * customer id, or none), and the order named by the customerNote ("Order <externalId>"). Tests count creates per
 * order by that note.
 */

let sim: RunningSimulator;
let token: string;
let productId: string;
beforeAll(async () => {
  sim = await startSimulator({ rows: 200 });
  token = await getToken(sim);
  [{ productId }] = await inStockProducts(sim, 1);
});
afterAll(() => sim.close());

const create = (customerNote: string | undefined, customer: Record<string, unknown>) =>
  createOrder(sim, token, {
    externalCreatedAt: '2026-05-01T17:00:00.000Z',
    customer: { medRecOrBoth: 'rec', ...customer },
    orderItems: [{ productId, quantityPurchased: 1 }],
    orderType: 'pickup',
    ...(customerNote === undefined ? {} : { customerNote }),
  });

describe('creates named by their customerNote', () => {
  it('accepts a customer with a phone and no names or externalId, and counts creates by the order the note names', async () => {
    expect((await create('Order N-1', { phone: '+15555550123' })).status).toBe(200);
    expect((await create('Order N-1: Gate code 1234', { phone: '+15555550123', externalId: 'cust-9' })).status).toBe(200);
    expect((await create('Order N-2', { phone: '+15555550123', externalId: 'cust-9', firstName: 'Ada' })).status).toBe(200);
    expect((await create(undefined, { phone: '+15555550123' })).status).toBe(200);

    expect(sim.state.orders.createsByNoteOrderId()).toEqual({ 'N-1': 2, 'N-2': 1, '': 1 });
    // One customer, two orders: the customer's externalId does not tell the orders apart.
    expect(sim.state.orders.createsByCustomerExternalId()['cust-9']).toBe(2);
    expect(sim.state.orders.all({ noteOrderId: 'N-1' }).map((order) => order.payload.customerNote)).toEqual([
      'Order N-1',
      'Order N-1: Gate code 1234',
    ]);

    const { body } = await admin(sim, 'GET', '/orders?locationId=demo-location&noteOrderId=N-2');
    expect(body.count).toBe(1);
    expect(body.createsByNoteOrderId).toEqual({ 'N-1': 2, 'N-2': 1, '': 1 });
  });

  it('reads the order id at the start of the note only, up to the first character an id cannot hold', () => {
    const of = (customerNote: unknown) => noteOrderIdOf({ payload: { customerNote } });
    expect(of('Order A-1.5_x: Ring twice')).toBe('A-1.5_x');
    expect(of(' Order A-1\nRing twice')).toBe('A-1');
    expect(of('Ring twice. Order A-1')).toBeNull();
    expect(of('Order ')).toBeNull();
    expect(of(undefined)).toBeNull();
  });
});
