import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimOrder } from './orders';
import { startSimulator, type RunningSimulator } from './simulator';
import { admin, createOrder, getInventory, getToken, inStockProducts, orderStatus, pickupOrder } from './testing/sim-client';

const HOUR = 3_600_000;

describe('order create validation', () => {
  let sim: RunningSimulator;
  let token: string;
  let productId: string;
  beforeAll(async () => {
    sim = await startSimulator({ rows: 200 });
    token = await getToken(sim);
    [{ productId }] = await inStockProducts(sim, 1);
  });
  afterAll(() => sim.close());

  async function rejected(body: unknown): Promise<string[]> {
    const response = await createOrder(sim, token, body);
    expect(response.status).toBe(422);
    const answer = (await response.json()) as { status: number; errors: string[] };
    expect(answer.status).toBe(422);
    return answer.errors;
  }

  it('refuses an order with neither a phone nor a medical id', async () => {
    const order = pickupOrder('A-1', [{ productId, quantityPurchased: 1 }]);
    delete (order.customer as Record<string, unknown>).phone;
    expect(await rejected(order)).toContain('customer.phone or customer.medId is required');
  });

  it('accepts a medical id instead of a phone', async () => {
    const order = pickupOrder('A-2', [{ productId, quantityPurchased: 1 }]);
    const customer = order.customer as Record<string, unknown>;
    delete customer.phone;
    Object.assign(customer, { medRecOrBoth: 'med', medId: 'MED-123', medExp: '2027-01-31' });
    expect((await createOrder(sim, token, order)).status).toBe(200);
  });

  it('refuses a medical customer without medId, and a medId without medExp', async () => {
    const order = pickupOrder('A-3', [{ productId, quantityPurchased: 1 }]);
    (order.customer as Record<string, unknown>).medRecOrBoth = 'med';
    expect(await rejected(order)).toEqual(['customer.medId is required for a medical customer']);
    (order.customer as Record<string, unknown>).medId = 'MED-9';
    expect(await rejected(order)).toEqual(['customer.medExp is required with a customer.medId']);
  });

  it('refuses an unknown productId, a delivery without address and an empty order', async () => {
    expect(await rejected(pickupOrder('A-4', [{ productId: 'no-such-product', quantityPurchased: 1 }]))).toEqual([
      'orderItems[0].productId no-such-product is not a product of this location',
    ]);
    const errors = await rejected(pickupOrder('A-5', [], { orderType: 'delivery' }));
    expect(errors).toEqual(expect.arrayContaining(['address is required for a delivery order', 'orderItems must hold at least one item']));
    expect(await rejected('not an object')).toHaveLength(1);
  });

  it('keeps rejected creates for inspection and records no order for them', async () => {
    const { body } = await admin(sim, 'GET', '/orders?locationId=demo-location');
    expect(body.rejected.length).toBeGreaterThanOrEqual(4);
    expect(body.items.map((order: SimOrder) => order.customerExternalId)).toEqual(['A-2']);
  });

  it("accepts a customer without names, externalId or medRecOrBoth, as Flowhub's published types allow", async () => {
    const order = pickupOrder('A-6', [{ productId, quantityPurchased: 1 }]);
    const customer = order.customer as Record<string, unknown>;
    for (const field of ['firstName', 'lastName', 'externalId', 'medRecOrBoth']) delete customer[field];
    const response = await createOrder(sim, token, order);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ orderId: expect.any(String), customerExternalId: null, status: 'new' });
    expect(
      (
        await createOrder(
          sim,
          token,
          pickupOrder('A-7', [{ productId, quantityPurchased: 1 }], { customer: { ...customer, firstName: '', lastName: '' } }),
        )
      ).status,
    ).toBe(200);
  });

  it('refuses a create without externalCreatedAt, which the published types require', async () => {
    const order: Record<string, unknown> = pickupOrder('A-8', [{ productId, quantityPurchased: 1 }]);
    delete order.externalCreatedAt;
    expect(await rejected(order)).toEqual(['externalCreatedAt is required']);
  });

  it('answers a malformed date with a 404 "…must be in format yyyy-mm-dd", as Flowhub was seen to', async () => {
    const order = pickupOrder('A-9', [{ productId, quantityPurchased: 1 }]);
    (order.customer as Record<string, unknown>).birthDate = '01/31/1990';
    const response = await createOrder(sim, token, order);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ status: 404, message: 'customer.birthDate must be in format yyyy-mm-dd' });
    const { body } = await admin(sim, 'GET', '/orders?locationId=demo-location');
    expect(body.rejected.at(-1)).toEqual(
      expect.objectContaining({ status: 404, errors: ['customer.birthDate must be in format yyyy-mm-dd'] }),
    );
  });
});

describe('orders: create, status, lookups', () => {
  let sim: RunningSimulator;
  let token: string;
  beforeEach(async () => {
    sim = await startSimulator({ rows: 200, lifecycle: { cancelShare: 0, oddCaseShare: 0 }, behaviour: { orderLifecycles: true } });
    token = await getToken(sim);
  });
  afterEach(() => sim.close());

  it('answers {orderId, customerExternalId, status: "new"} and the same shape from orderStatus', async () => {
    const [product] = await inStockProducts(sim, 1);
    const response = await createOrder(sim, token, pickupOrder('A-1001', [{ productId: product.productId, quantityPurchased: 2 }]));
    expect(response.status).toBe(200);
    const created = (await response.json()) as { orderId: string };
    expect(created).toEqual({ orderId: expect.any(String), customerExternalId: 'A-1001', status: 'new' });
    const status = await orderStatus(sim, token, created.orderId);
    expect(await status.json()).toEqual(created);
  });

  it('offers no lookup by our own id: externalId routes answer 404', async () => {
    const [product] = await inStockProducts(sim, 1);
    await createOrder(sim, token, pickupOrder('A-2002', [{ productId: product.productId, quantityPurchased: 1 }]));
    const headers = { authorization: `Bearer ${token}` };
    expect((await orderStatus(sim, token, 'A-2002')).status).toBe(404);
    for (const path of [
      '/order-ahead/v0/orders?externalId=A-2002',
      '/order-ahead/v0/orders/A-2002',
      '/order-ahead/v0/orderStatus?customerExternalId=A-2002',
      '/order-ahead/v0/orderByExternalId/A-2002',
    ]) {
      expect((await fetch(`${sim.url}${path}`, { headers })).status).toBe(404);
    }
  });

  it('has no idempotency: the same create twice makes two orders, counted per customer externalId', async () => {
    const [product] = await inStockProducts(sim, 1);
    const body = pickupOrder('A-3003', [{ productId: product.productId, quantityPurchased: 1 }]);
    const first = (await (await createOrder(sim, token, body)).json()) as { orderId: string };
    const second = (await (await createOrder(sim, token, body)).json()) as { orderId: string };
    expect(first.orderId).not.toBe(second.orderId);
    const { body: orders } = await admin(sim, 'GET', '/orders?customerExternalId=A-3003');
    expect(orders.count).toBe(2);
    expect(orders.createsByCustomerExternalId).toEqual({ 'A-3003': 2 });
    expect(orders.items[0].payload).toEqual(body);
  });

  it("does not show one location's orders to another location's token", async () => {
    sim.state.addLocation({ locationId: 'second-store', rows: 10 });
    const otherToken = await getToken(sim, 'second-store-oa-client', 'second-store-oa-secret');
    const [product] = await inStockProducts(sim, 1);
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-4004', [{ productId: product.productId, quantityPurchased: 1 }]))
    ).json()) as { orderId: string };
    expect((await orderStatus(sim, otherToken, orderId)).status).toBe(404);
    // And products of the first location are unknown to the second.
    expect(
      (await createOrder(sim, otherToken, pickupOrder('A-4005', [{ productId: product.productId, quantityPurchased: 1 }]))).status,
    ).toBe(422);
  });

  it('accepts an update (PATCH /orders/{orderId}) while the order is open, not once it is final', async () => {
    const [a, b] = await inStockProducts(sim, 2);
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-5005', [{ productId: a.productId, quantityPurchased: 1 }]))
    ).json()) as { orderId: string };
    const patch = (body: unknown) =>
      fetch(`${sim.url}/orders/${orderId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const updated = pickupOrder('A-5005', [{ productId: b.productId, quantityPurchased: 1 }]);
    expect((await patch(updated)).status).toBe(200);
    expect(sim.state.orders.get(orderId)!.updates).toEqual([{ at: expect.any(String), payload: updated }]);
    sim.state.advanceClock(2 * HOUR);
    expect((await patch(updated)).status).toBe(422);
  });
});

describe('order lifecycle on the simulated clock', () => {
  let sim: RunningSimulator;
  let token: string;
  afterEach(() => sim.close());

  async function start(lifecycle: { cancelShare?: number; oddCaseShare?: number } = {}) {
    sim = await startSimulator({
      rows: 300,
      lifecycle: { cancelShare: 0, oddCaseShare: 0, ...lifecycle },
      behaviour: { orderLifecycles: true },
    });
    token = await getToken(sim);
  }

  async function statusOf(orderId: string): Promise<string> {
    return ((await (await orderStatus(sim, token, orderId)).json()) as { status: string }).status;
  }

  it('keeps an order at new with the orderLifecycles switch off (the default) until the admin API moves it', async () => {
    sim = await startSimulator({ rows: 300 });
    token = await getToken(sim);
    const [product] = await inStockProducts(sim, 1);
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-1', [{ productId: product.productId, quantityPurchased: 1 }]))
    ).json()) as { orderId: string };
    expect(sim.state.advanceClock(24 * HOUR)).toBe(0);
    expect(await statusOf(orderId)).toBe('new');
    expect((await admin(sim, 'POST', `/orders/${orderId}/status`, { status: 'ready' })).status).toBe(200);
    expect(await statusOf(orderId)).toBe('ready');
  });

  it('moves a pickup order new → started → ready → sold only as the clock advances, and the sale lowers stock', async () => {
    await start();
    const [product] = await inStockProducts(sim, 1);
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-1', [{ productId: product.productId, quantityPurchased: 3 }]))
    ).json()) as { orderId: string };

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await statusOf(orderId)).toBe('new'); // wall-clock time does not move a manual clock

    const advanced = await admin(sim, 'POST', '/clock/advance', { ms: 2 * HOUR });
    expect(advanced.body.statusChanges).toBe(3);
    expect(await statusOf(orderId)).toBe('sold');
    expect(sim.state.orders.get(orderId)!.history.map((entry) => entry.status)).toEqual(['new', 'started', 'ready', 'sold']);

    const after = await getInventory(sim, 'inventoryNonZero');
    const row = after.find((candidate) => candidate.productId === product.productId);
    const remaining = product.quantity - 3;
    if (remaining === 0) expect(row).toBeUndefined();
    else expect(row?.quantity).toBe(remaining);
  });

  it('takes a delivery order through inQueue and inTransit to delivered or sold', async () => {
    await start();
    const [product] = await inStockProducts(sim, 1);
    const body = pickupOrder('A-2', [{ productId: product.productId, quantityPurchased: 1 }], {
      orderType: 'delivery',
      address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
    });
    const { orderId } = (await (await createOrder(sim, token, body)).json()) as { orderId: string };
    sim.state.advanceClock(10 * 60_000);
    expect(['inQueue', 'started']).toContain(await statusOf(orderId));
    sim.state.advanceClock(2 * HOUR);
    const path = sim.state.orders.get(orderId)!.history.map((entry) => entry.status);
    expect(path.slice(0, 5)).toEqual(['new', 'inQueue', 'started', 'ready', 'inTransit']);
    expect(['delivered', 'sold']).toContain(path[5]);
  });

  it('ends some orders on a cancellation path without touching stock', async () => {
    await start({ cancelShare: 1 });
    const [product] = await inStockProducts(sim, 1);
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-3', [{ productId: product.productId, quantityPurchased: 2 }]))
    ).json()) as { orderId: string };
    sim.state.advanceClock(2 * HOUR);
    expect(['unableToComplete', 'unableToVerify', 'deleted']).toContain(await statusOf(orderId));
    expect(sim.state.location('demo-location')!.forSaleQuantity(sim.state.location('demo-location')!.product(product.productId)!)).toBe(
      product.quantity,
    );
  });

  it('sends statuses as documented, in lower camel case, by default', async () => {
    sim = await startSimulator({ rows: 300, lifecycle: { cancelShare: 0 }, behaviour: { orderLifecycles: true } });
    token = await getToken(sim);
    expect(sim.state.lifecycle.oddCaseShare).toBe(0);
    const [product] = await inStockProducts(sim, 1);
    const delivery = { orderType: 'delivery', address: { street1: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' } };
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-4', [{ productId: product.productId, quantityPurchased: 1 }], delivery))
    ).json()) as { orderId: string };
    sim.state.advanceClock(2 * HOUR);
    const { history } = sim.state.orders.get(orderId)!;
    expect(history).toHaveLength(6);
    expect(history.map((step) => step.statusAsSent)).toEqual(history.map((step) => step.status));
  });

  it('sends statuses in another case ("Sold") when oddCaseShare asks for it', async () => {
    await start({ oddCaseShare: 1 });
    const [product] = await inStockProducts(sim, 1);
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-4', [{ productId: product.productId, quantityPurchased: 1 }]))
    ).json()) as { orderId: string };
    sim.state.advanceClock(2 * HOUR);
    const status = await statusOf(orderId);
    expect(status).not.toBe('sold');
    expect(status.toLowerCase()).toBe('sold');
  });

  it('lets the admin API set a status (case-insensitively); a sale lowers stock once', async () => {
    await start();
    const [product] = await inStockProducts(sim, 1);
    const { orderId } = (await (
      await createOrder(sim, token, pickupOrder('A-5', [{ productId: product.productId, quantityPurchased: 2 }]))
    ).json()) as { orderId: string };
    const set = await admin(sim, 'POST', `/orders/${orderId}/status`, { status: 'Sold' });
    expect(set.status).toBe(200);
    expect(set.body.stockTaken).toEqual([{ productId: product.productId, quantity: 2 }]);
    await admin(sim, 'POST', `/orders/${orderId}/status`, { status: 'sold' });
    const item = sim.state.location('demo-location')!.product(product.productId)!;
    expect(sim.state.location('demo-location')!.forSaleQuantity(item)).toBe(product.quantity - 2);
    expect((await admin(sim, 'POST', `/orders/${orderId}/status`, { status: 'shipped' })).status).toBe(400);
    expect((await admin(sim, 'POST', '/orders/nope/status', { status: 'sold' })).status).toBe(404);
  });
});

describe('status postbacks', () => {
  let sim: RunningSimulator;
  let token: string;
  let receiver: Server;
  let receiverUrl: string;
  let received: { url: string; body: Record<string, unknown> }[];
  let answer: (request: IncomingMessage) => number | 'hang';

  beforeEach(async () => {
    received = [];
    answer = () => 200;
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
        const status = answer(request);
        if (status !== 'hang') response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    sim = await startSimulator({
      rows: 200,
      lifecycle: { cancelShare: 0, oddCaseShare: 0 },
      behaviour: { orderLifecycles: true, statusPostbacks: true },
      postbackTimeoutMs: 300,
    });
    token = await getToken(sim);
  });
  afterEach(async () => {
    await sim.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  async function orderWithPostback(postbackUrl: string): Promise<string> {
    const [product] = await inStockProducts(sim, 1);
    const response = await createOrder(
      sim,
      token,
      pickupOrder('A-9', [{ productId: product.productId, quantityPurchased: 1 }], { postbackUrl }),
    );
    return ((await response.json()) as { orderId: string }).orderId;
  }

  it('sends none with the statusPostbacks switch off (the default), though the order moves and a resend answers 204', async () => {
    sim.state.updateBehaviour({ statusPostbacks: false });
    const orderId = await orderWithPostback(`${receiverUrl}/hook`);
    await admin(sim, 'POST', '/clock/advance', { ms: 2 * HOUR });
    const resend = await fetch(`${sim.url}/orderPostback/${orderId}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(resend.status).toBe(204);
    await sim.state.postbacks.idle();
    expect(sim.state.orders.get(orderId)!.status).toBe('sold');
    expect(received).toEqual([]);
    expect(sim.state.postbacks.deliveries).toEqual([]);
  });

  it('POSTs every status change to the postbackUrl and records the deliveries', async () => {
    const orderId = await orderWithPostback(`${receiverUrl}/v1/flowhub/postback/secret-token`);
    await admin(sim, 'POST', '/clock/advance', { ms: 2 * HOUR });
    const { body } = await admin(sim, 'GET', `/postbacks?orderId=${orderId}`);
    expect(body.count).toBe(3);
    expect(body.items.every((delivery: { ok: boolean; httpStatus: number }) => delivery.ok && delivery.httpStatus === 200)).toBe(true);
    expect(received.map((postback) => postback.body.status).sort()).toEqual(['ready', 'sold', 'started']);
    expect(received[0]).toEqual({
      url: '/v1/flowhub/postback/secret-token',
      body: expect.objectContaining({ orderId, customerExternalId: 'A-9' }),
    });
  });

  it('re-sends the current status on POST /orderPostback/{orderId} (204)', async () => {
    const orderId = await orderWithPostback(`${receiverUrl}/hook`);
    const response = await fetch(`${sim.url}/orderPostback/${orderId}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(204);
    await sim.state.postbacks.idle();
    expect(received).toEqual([{ url: '/hook', body: expect.objectContaining({ orderId, status: 'new' }) }]);
    expect(sim.state.postbacks.deliveries[0].reason).toBe('resend');
    const unknown = await fetch(`${sim.url}/orderPostback/nope`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(unknown.status).toBe(404);
  });

  it('records failed deliveries: an error status, an unreachable receiver, a receiver that never answers', async () => {
    answer = () => 500;
    const failing = await orderWithPostback(`${receiverUrl}/hook`);
    const unreachable = await orderWithPostback('http://127.0.0.1:1/hook');
    sim.state.advanceClock(5 * 60_000);
    await sim.state.postbacks.idle();
    answer = () => 'hang';
    const hanging = await orderWithPostback(`${receiverUrl}/slow`);
    sim.state.advanceClock(5 * 60_000);
    await sim.state.postbacks.idle();

    const byOrder = (orderId: string) => sim.state.postbacks.deliveries.filter((delivery) => delivery.orderId === orderId);
    expect(byOrder(failing)[0]).toEqual(expect.objectContaining({ ok: false, httpStatus: 500 }));
    expect(byOrder(unreachable)[0]).toEqual(
      expect.objectContaining({ ok: false, httpStatus: null, error: expect.stringMatching(/fetch failed/) }),
    );
    expect(byOrder(hanging)[0]).toEqual(expect.objectContaining({ ok: false, error: 'timed out' }));
  });
});
