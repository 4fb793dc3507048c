import { startSimulator, type RunningSimulator } from './simulator';
import { admin, createOrder, DEMO_HEADERS, getToken, inStockProducts, pickupOrder } from './testing/sim-client';

describe('fault injection', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await startSimulator({
      rows: 100,
      locations: [
        { locationId: 'demo-location', orderAheadClientId: 'demo-oa-client', orderAheadClientSecret: 'demo-oa-secret' },
        { locationId: 'calm-store' },
      ],
    });
  });
  afterEach(() => sim.close());

  const inventory = (locationId = 'demo-location', endpoint = 'inventoryNonZero', init: RequestInit = {}) =>
    fetch(`${sim.url}/v0/locations/${locationId}/${endpoint}`, { headers: DEMO_HEADERS, ...init });
  const addFault = async (spec: Record<string, unknown>) => {
    const { status, body } = await admin(sim, 'POST', '/faults', spec);
    expect(status).toBe(201);
    return body as { id: string };
  };

  it('rateLimit: 429 without any rate-limit header by default, as Flowhub sends it', async () => {
    await addFault({ kind: 'rateLimit', count: 1 });
    const limited = await inventory();
    expect(limited.status).toBe(429);
    expect([...limited.headers.keys()].filter((name) => /retry-after|ratelimit/i.test(name))).toEqual([]);
    expect((await admin(sim, 'GET', '/faults')).body.items).toEqual([]);
  });

  it('rateLimit with retryAfterSeconds: 429 with Retry-After for `count` requests, then normal answers', async () => {
    await addFault({ kind: 'rateLimit', count: 2, retryAfterSeconds: 3 });
    const first = await inventory();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await inventory()).status).toBe(429);
    expect((await inventory()).status).toBe(200);
    const { body } = await admin(sim, 'GET', '/requests');
    expect(body.byStatus.inventoryNonZero).toEqual({ 200: 1, 429: 2 });
    expect((await admin(sim, 'GET', '/faults')).body.items).toEqual([]);
  });

  it('rateLimit with a probability hits only a share of requests, reproducibly for a seed', async () => {
    await addFault({ kind: 'rateLimit', probability: 0.5, retryAfterSeconds: null });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await inventory()).status);
    const limited = statuses.filter((status) => status === 429).length;
    expect(limited).toBeGreaterThan(5);
    expect(limited).toBeLessThan(35);
    const response = await fetch(`${sim.url}/v0/locations/demo-location/inventory`, { headers: DEMO_HEADERS });
    if (response.status === 429) expect(response.headers.get('retry-after')).toBeNull();
  });

  it('serverError: JSON by default, 502-504 as the gateway HTML page with the gatewayHtmlPages switch', async () => {
    await addFault({ kind: 'serverError', count: 1 });
    await addFault({ kind: 'serverError', status: 503, count: 1 });
    const first = await inventory();
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({ status: 500, message: 'Internal Server Error' });
    const second = await inventory();
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({ status: 503, message: 'Service Unavailable' });

    sim.state.updateBehaviour({ gatewayHtmlPages: true });
    await addFault({ kind: 'serverError', status: 503, count: 1 });
    const third = await inventory();
    expect(third.status).toBe(503);
    expect(third.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await third.text()).toContain('503 Service Temporarily Unavailable');
  });

  it('latency: delays the answer', async () => {
    await addFault({ kind: 'latency', latencyMs: 400, count: 1 });
    const started = Date.now();
    expect((await inventory()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('timeout: never answers; the client gives up, and closing the simulator does not hang', async () => {
    await addFault({ kind: 'timeout', count: 1 });
    await expect(inventory('demo-location', 'inventoryNonZero', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await inventory()).status).toBe(200);
    await addFault({ kind: 'timeout' });
    const hanging = inventory().then(
      (response) => `answered ${response.status}`,
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sim.close();
    expect(await hanging).toBe('fetch failed'); // the connection was closed, not answered
  });

  it('forbiddenHtml: the 403 HTML page even with the right credentials', async () => {
    await addFault({ kind: 'forbiddenHtml', count: 1 });
    const response = await inventory();
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('403 Forbidden');
  });

  it('malformedRows: corrupts the given share of rows (no variantId, bad quantity, no name)', async () => {
    await addFault({ kind: 'malformedRows', share: 1, count: 1 });
    const { data } = (await (await inventory()).json()) as { data: Record<string, unknown>[] };
    expect(data.length).toBeGreaterThan(0);
    const broken = (row: Record<string, unknown>) =>
      !('variantId' in row) || row.quantity === 'abc' || (typeof row.quantity === 'number' && row.quantity < 0) || row.productName === null;
    expect(data.every(broken)).toBe(true);
    const { data: clean } = (await (await inventory()).json()) as { data: Record<string, unknown>[] };
    expect(clean.filter(broken).length).toBeLessThanOrEqual(1); // only the catalogue's own ~1 in 500
  });

  it('truncatedBody: `abort` drops the connection mid-body, `cut` ends cleanly with JSON that does not parse', async () => {
    await addFault({ kind: 'truncatedBody', count: 1 });
    const aborted = await inventory();
    expect(aborted.status).toBe(200);
    await expect(aborted.text()).rejects.toThrow();

    await addFault({ kind: 'truncatedBody', mode: 'cut', count: 1 });
    const cut = await inventory();
    expect(cut.status).toBe(200);
    const text = await cut.text();
    expect(text.startsWith('{"status":200,"data":[')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('emptyInventory: a 200 with no rows', async () => {
    await addFault({ kind: 'emptyInventory', count: 1 });
    expect(await (await inventory('demo-location', 'inventory')).json()).toEqual({ status: 200, data: [] });
    expect(((await (await inventory('demo-location', 'inventory')).json()) as { data: unknown[] }).data).toHaveLength(100);
  });

  it('dropAfterCreate: the order is recorded but the connection drops before the answer', async () => {
    const token = await getToken(sim);
    const [product] = await inStockProducts(sim, 1);
    await addFault({ kind: 'dropAfterCreate', count: 1 });
    await expect(createOrder(sim, token, pickupOrder('A-77', [{ productId: product.productId, quantityPurchased: 1 }]))).rejects.toThrow();
    const { body } = await admin(sim, 'GET', '/orders');
    expect(body.createsByCustomerExternalId).toEqual({ 'A-77': 1 });
    expect(body.items[0]).toEqual(expect.objectContaining({ customerExternalId: 'A-77', answered: false, status: 'new' }));
    // A lookup by Flowhub's id still works for whoever learns it (e.g. from a postback).
    expect(
      (await fetch(`${sim.url}/order-ahead/v0/orderStatus/${body.items[0].orderId}`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);
  });

  it('scopes a fault to one order: its status answer without the status, or a 500 for it alone', async () => {
    const token = await getToken(sim);
    const products = await inStockProducts(sim, 1);
    const created = async (externalId: string) =>
      (await (
        await createOrder(sim, token, pickupOrder(externalId, [{ productId: products[0].productId, quantityPurchased: 1 }]))
      ).json()) as { orderId: string };
    const [poisoned, other] = [await created('A-80'), await created('A-81')];
    const status = (orderId: string) =>
      fetch(`${sim.url}/order-ahead/v0/orderStatus/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
    await addFault({ kind: 'missingStatus', orderId: poisoned.orderId });
    expect(await (await status(poisoned.orderId)).json()).toEqual({ orderId: poisoned.orderId, customerExternalId: 'A-80' });
    expect(await (await status(other.orderId)).json()).toMatchObject({ orderId: other.orderId, status: 'new' });

    await admin(sim, 'DELETE', '/faults');
    await addFault({ kind: 'serverError', orderId: other.orderId });
    expect((await status(other.orderId)).status).toBe(500);
    expect((await status(poisoned.orderId)).status).toBe(200);
    expect((await inventory()).status).toBe(200);
    expect((await admin(sim, 'POST', '/faults', { kind: 'missingStatus', orderId: '' })).status).toBe(400);
  });

  it('scopes faults to a location and to endpoints', async () => {
    await addFault({ kind: 'serverError', locationId: 'calm-store' });
    await addFault({ kind: 'rateLimit', endpoints: ['inventory'] });
    expect((await inventory('calm-store')).status).toBe(500);
    expect((await inventory('demo-location')).status).toBe(200);
    expect((await inventory('demo-location', 'inventory')).status).toBe(429);
  });

  it('applies global faults to the token endpoint too', async () => {
    await addFault({ kind: 'serverError', status: 502, endpoints: ['token'], count: 1 });
    await expect(getToken(sim)).rejects.toThrow('token answered 502');
    await expect(getToken(sim)).resolves.toEqual(expect.any(String));
  });

  it('refuses a bad fault with a 400 saying why, and can remove faults', async () => {
    expect((await admin(sim, 'POST', '/faults', { kind: 'meteor' })).status).toBe(400);
    const misplaced = await admin(sim, 'POST', '/faults', { kind: 'malformedRows', endpoints: ['orderCreate'] });
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.error).toContain('applies only to');
    expect((await admin(sim, 'POST', '/faults', { kind: 'latency' })).body.error).toContain('latencyMs');
    expect((await admin(sim, 'POST', '/faults', { kind: 'rateLimit', probability: 2 })).status).toBe(400);

    const { id } = await addFault({ kind: 'serverError' });
    expect((await inventory()).status).toBe(500);
    expect((await admin(sim, 'DELETE', `/faults/${id}`)).status).toBe(204);
    expect((await inventory()).status).toBe(200);
    await addFault({ kind: 'serverError' });
    expect((await admin(sim, 'DELETE', '/faults')).status).toBe(204);
    expect((await inventory()).status).toBe(200);
  });
});
