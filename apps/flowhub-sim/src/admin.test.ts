import { startSimulator, type RunningSimulator } from './simulator';
import { admin, createOrder, DEMO_HEADERS, getInventory, getToken, inStockProducts, pickupOrder } from './testing/sim-client';

describe('admin API (/__sim)', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await startSimulator({ rows: 120, seed: 3 });
  });
  afterEach(() => sim.close());

  it('creates a location with its own credentials, rooms, rows and seed', async () => {
    const rooms = [
      { roomId: '0123456789abcdef0123456789abcdef', roomName: 'Front', forSale: true },
      { roomName: 'Safe', forSale: false },
    ];
    const created = await admin(sim, 'POST', '/locations', {
      locationId: 'north',
      clientId: 'north-client',
      key: 'north-key',
      orderAheadClientId: 'north-oa',
      orderAheadClientSecret: 'north-secret',
      rows: 40,
      seed: 9,
      rooms,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        locationId: 'north',
        rows: 40,
        seed: 9,
        rooms: [rooms[0], expect.objectContaining({ roomName: 'Safe', forSale: false })],
      }),
    );
    const rows = await getInventory(sim, 'inventoryByRoomsNonZero', {
      locationId: 'north',
      headers: { clientId: 'north-client', key: 'north-key' },
    });
    expect(rows.every((row) => (row.roomId as string).replace(/-/g, '').toLowerCase() === rooms[0].roomId)).toBe(true);
    expect(await getToken(sim, 'north-oa', 'north-secret')).toEqual(expect.any(String));
  });

  it('refuses bad location options with a 400 naming the problem', async () => {
    expect((await admin(sim, 'POST', '/locations', { locationId: 'x y' })).body.error).toContain('locationId');
    expect((await admin(sim, 'POST', '/locations', { locationId: 'big', rows: 100_001 })).body.error).toContain('rows');
    expect(
      (await admin(sim, 'POST', '/locations', { locationId: 'r', rooms: [{ roomName: 'A', roomId: 'not-hex' }] })).body.error,
    ).toContain('32');
    const taken = await admin(sim, 'POST', '/locations', { locationId: 'copy', orderAheadClientId: 'demo-oa-client' });
    expect(taken.status).toBe(400);
    expect(taken.body.error).toContain('demo-oa-client');
  });

  it('changes quantities (per room or in total), edits fields, adds and removes products', async () => {
    const [first, second] = await inStockProducts(sim, 2);
    expect((await admin(sim, 'PATCH', `/locations/demo-location/products/${first.variantId}`, { quantity: 0 })).status).toBe(200);
    const edited = await admin(sim, 'PATCH', `/locations/demo-location/products/${second.variantId}`, {
      quantity: 42,
      fields: { productName: 'Renamed', preTaxPriceInPennies: 1234 },
    });
    expect(edited.body.quantity).toBe(42);
    // Another For-Sale room gets 8 more, named in another format (upper case) than the canonical id.
    const otherRoom = (edited.body.stock as { roomId: string; forSale: boolean; quantity: number }[]).find(
      (room) => room.forSale && room.quantity === 0,
    )!.roomId;
    await admin(sim, 'PATCH', `/locations/demo-location/products/${second.variantId}`, { quantity: 8, roomId: otherRoom.toUpperCase() });
    const added = await admin(sim, 'POST', '/locations/demo-location/products', {
      quantity: 5,
      fields: { productName: 'New Gummies', category: 'Edibles' },
    });
    expect(added.status).toBe(201);

    const nonZero = await getInventory(sim, 'inventoryNonZero');
    expect(nonZero.find((row) => row.variantId === first.variantId)).toBeUndefined();
    expect(nonZero.find((row) => row.variantId === second.variantId)).toEqual(
      expect.objectContaining({ productName: 'Renamed', preTaxPriceInPennies: 1234, quantity: 50 }),
    );
    expect(nonZero.find((row) => row.variantId === added.body.variantId)).toEqual(
      expect.objectContaining({ productName: 'New Gummies', category: 'Edibles', quantity: 5 }),
    );
    const all = await getInventory(sim, 'inventory');
    expect(all.find((row) => row.variantId === first.variantId)?.quantity).toBe(0);

    expect((await admin(sim, 'DELETE', `/locations/demo-location/products/${added.body.variantId}`)).status).toBe(204);
    expect((await getInventory(sim, 'inventory')).some((row) => row.variantId === added.body.variantId)).toBe(false);
    expect((await admin(sim, 'PATCH', '/locations/demo-location/products/nope', { quantity: 1 })).status).toBe(404);
    expect((await admin(sim, 'PATCH', `/locations/demo-location/products/${second.variantId}`, { quantity: -1 })).status).toBe(400);
    expect(
      (await admin(sim, 'PATCH', `/locations/demo-location/products/${second.variantId}`, { quantity: 1, roomId: 'nope' })).status,
    ).toBe(400);
  });

  it('lists and reads products with their stock per room', async () => {
    const { body } = await admin(sim, 'GET', '/locations/demo-location/products?limit=5&offset=10');
    expect(body.total).toBe(120);
    expect(body.items).toHaveLength(5);
    const one = await admin(sim, 'GET', `/locations/demo-location/products/${body.items[0].variantId}`);
    expect(one.body.stock).toHaveLength(4);
    expect(one.body.row).toEqual(expect.objectContaining({ productId: body.items[0].productId }));
  });

  it('resets a location (stock restored, options changed) and deletes one', async () => {
    const before = await getInventory(sim, 'inventory');
    const [product] = await inStockProducts(sim, 1);
    await admin(sim, 'PATCH', `/locations/demo-location/products/${product.variantId}`, { quantity: 0 });
    expect((await admin(sim, 'POST', '/locations/demo-location/reset')).status).toBe(200);
    expect(await getInventory(sim, 'inventory')).toEqual(before);

    const resized = await admin(sim, 'POST', '/locations/demo-location/reset', { rows: 30, seed: 4 });
    expect(resized.body.rows).toBe(30);
    expect(await getInventory(sim, 'inventory')).toHaveLength(30);

    expect((await admin(sim, 'DELETE', '/locations/demo-location')).status).toBe(204);
    expect((await fetch(`${sim.url}/v0/locations/demo-location/inventory`, { headers: DEMO_HEADERS })).status).toBe(403);
    expect((await admin(sim, 'GET', '/locations/demo-location')).status).toBe(404);
  });

  it('counts requests per endpoint and location, and resets everything', async () => {
    await getInventory(sim, 'inventoryNonZero');
    await getInventory(sim, 'inventoryNonZero');
    const token = await getToken(sim);
    const [product] = await inStockProducts(sim, 1);
    await createOrder(sim, token, pickupOrder('A-1', [{ productId: product.productId, quantityPurchased: 1 }]));
    const { body } = await admin(sim, 'GET', '/requests');
    expect(body.byEndpoint).toEqual({ inventoryNonZero: 3, token: 1, orderCreate: 1 });
    expect(body.byLocation['demo-location']).toEqual({ inventoryNonZero: 3, orderCreate: 1 });
    expect(body.total).toBe(5);

    await admin(sim, 'POST', '/faults', { kind: 'serverError' });
    expect((await admin(sim, 'POST', '/reset')).status).toBe(200);
    expect((await admin(sim, 'GET', '/requests')).body.total).toBe(0);
    expect((await admin(sim, 'GET', '/orders')).body.count).toBe(0);
    expect((await admin(sim, 'GET', '/faults')).body.items).toEqual([]);
    expect((await fetch(`${sim.url}/order-ahead/v0/orderStatus/x`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('reads and advances the clock, and tunes the lifecycle', async () => {
    const before = Date.parse((await admin(sim, 'GET', '/clock')).body.now);
    const advanced = await admin(sim, 'POST', '/clock/advance', { ms: 60_000 });
    expect(Date.parse(advanced.body.now) - before).toBe(60_000);
    expect((await admin(sim, 'POST', '/clock/advance', { ms: -5 })).status).toBe(400);
    const tuned = await admin(sim, 'PUT', '/lifecycle', { cancelShare: 0, timeScale: 0.01 });
    expect(tuned.body).toEqual({ cancelShare: 0, oddCaseShare: 0, timeScale: 0.01 });
    expect((await admin(sim, 'PUT', '/lifecycle', { cancelShare: 3 })).status).toBe(400);
    const state = await admin(sim, 'GET', '/state');
    expect(state.body).toEqual(
      expect.objectContaining({
        clock: 'manual',
        orders: 0,
        locations: [expect.objectContaining({ locationId: 'demo-location', rows: 120 })],
      }),
    );
  });

  it('switches invented behaviours, all off by default, and a reset switches them off again', async () => {
    const allOff = { forbiddenAsHtml: false, orderLifecycles: false, statusPostbacks: false, gatewayHtmlPages: false, tokenExpiry: false };
    expect((await admin(sim, 'GET', '/behaviour')).body).toEqual(allOff);
    const wrongKey = () => fetch(`${sim.url}/v0/clientsLocations`, { headers: { clientId: 'demo-client', key: 'wrong' } });
    expect((await wrongKey()).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await admin(sim, 'PUT', '/behaviour', { forbiddenAsHtml: true })).body).toEqual({ ...allOff, forbiddenAsHtml: true });
    expect(await (await wrongKey()).text()).toContain('<h1>403 Forbidden</h1>');
    expect((await admin(sim, 'PUT', '/behaviour', { meteor: true })).body.error).toContain('forbiddenAsHtml');
    expect((await admin(sim, 'PUT', '/behaviour', { forbiddenAsHtml: 'yes' })).status).toBe(400);
    await admin(sim, 'POST', '/reset');
    expect((await admin(sim, 'GET', '/state')).body.behaviour).toEqual(allOff);
  });

  it('answers unknown paths with 404 JSON', async () => {
    const response = await fetch(`${sim.url}/v1/anything`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ status: 404, message: 'Not Found' });
  });
});

describe('real clock mode', () => {
  it('moves lifecycles with wall-clock time', async () => {
    const sim = await startSimulator({
      rows: 50,
      clock: 'real',
      lifecycle: { cancelShare: 0, timeScale: 0.0001 },
      behaviour: { orderLifecycles: true },
    });
    try {
      const token = await getToken(sim);
      const [product] = await inStockProducts(sim, 1);
      const { orderId } = (await (
        await createOrder(sim, token, pickupOrder('A-1', [{ productId: product.productId, quantityPurchased: 1 }]))
      ).json()) as { orderId: string };
      // The whole lifecycle takes at most about 0.3 s of wall-clock time here, applied by the simulator's once-a-second
      // tick: wait for the ticks (a loaded machine delays timers) rather than a fixed time.
      const deadline = Date.now() + 10_000;
      while (sim.state.orders.get(orderId)!.status !== 'sold' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(sim.state.orders.get(orderId)!.status).toBe('sold');
    } finally {
      await sim.close();
    }
  });
});
