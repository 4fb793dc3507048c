// The order statements on plain SQL (place, confirm, read back) against a migrated database: what they write is
// what Prisma reads, the hold ledger adds up under concurrency, and every refusal writes nothing.
import { randomUUID } from 'node:crypto';
import {
  confirmPendingOrder,
  createPrismaClient,
  createSqlPool,
  placeOrder,
  productQuantities,
  readOrderDetails,
  readOrderDetailsByRef,
  type NewOrder,
  type PrismaClient,
} from '../index';
import { createTestDatabase, type TestDatabase } from '../testing';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A store with these products and stock; those named in `weighed` are sold by weight (fractional quantities). */
async function storeWith(
  stock: Record<string, number>,
  settings: { enabled?: boolean; syncOrders?: boolean; weighed?: string[] } = {},
): Promise<string> {
  const storeId = id('store');
  await prisma.store.create({ data: { id: storeId, enabled: settings.enabled ?? true, syncOrders: settings.syncOrders ?? true } });
  for (const [variantId, posQuantity] of Object.entries(stock)) {
    const soldByWeight = settings.weighed?.includes(variantId) ?? false;
    await prisma.product.create({
      data: {
        storeId,
        variantId,
        name: variantId,
        contentHash: 'h',
        posQuantity,
        soldByWeight,
        quantityUnit: soldByWeight ? 'grams' : 'each',
      },
    });
  }
  return storeId;
}

function newOrder(storeId: string, items: [string, number][], overrides: Partial<NewOrder> = {}): NewOrder {
  const lines = items.map(([variantId, quantity], line) => ({ line, variantId, quantity }));
  return {
    storeId,
    externalId: id('order'),
    status: 'pending',
    type: 'delivery',
    placedAt: new Date('2026-11-27T10:00:00.000Z'),
    customer: { firstName: 'Ada', phone: '+15555550123', purchaseCategory: 'rec' },
    deliveryNotes: 'ring twice',
    deliveryFeeCents: 500,
    address: { line1: '1 Main St', city: 'Denver' },
    requestedWindow: { start: '2026-11-27T11:00:00.000Z', end: '2026-11-27T12:00:00.000Z' },
    contentHash: 'content-1',
    confirmedAt: null,
    pushState: 'not_pushed',
    createdAt: new Date('2026-11-27T10:00:01.000Z'),
    lines,
    events: [
      {
        event: 'created',
        to: 'pending',
        cause: 'platform',
        details: { holds: lines.map(({ variantId, quantity }) => ({ variantId, quantity })) },
      },
    ],
    ...overrides,
  };
}

const held = async (storeId: string, variantId: string) =>
  (await prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId } } })).heldQuantity;

describe('placeOrder', () => {
  it("writes the order, its lines, one hold per line and its history, and raises the products' held quantity", async () => {
    const storeId = await storeWith({ a: 10, b: 3 }, { weighed: ['b'] });
    const order = newOrder(storeId, [
      ['b', 1],
      ['a', 2],
      ['b', 1.5],
    ]);
    const placed = await placeOrder(db.sql, order, 0);
    if (placed.outcome !== 'placed') throw new Error(`not placed: ${placed.outcome}`);
    // The answer is the order as written: what reading it back gives.
    expect(placed.order).toEqual(await readOrderDetails(db.sql, placed.order.id));

    const stored = await prisma.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId, externalId: order.externalId } },
      include: { items: { orderBy: { line: 'asc' } }, holds: { orderBy: { line: 'asc' } }, events: true },
    });
    expect(stored).toMatchObject({
      status: 'pending',
      type: 'delivery',
      placedAt: order.placedAt,
      customer: order.customer,
      deliveryNotes: 'ring twice',
      deliveryFeeCents: 500,
      address: order.address,
      requestedWindow: order.requestedWindow,
      contentHash: 'content-1',
      pushState: 'not_pushed',
      createdAt: order.createdAt,
      updatedAt: order.createdAt,
    });
    expect(stored.items.map(({ line, variantId, quantity }) => [line, variantId, quantity])).toEqual([
      [0, 'b', 1],
      [1, 'a', 2],
      [2, 'b', 1.5],
    ]);
    expect(stored.holds.map(({ line, variantId, quantity, state }) => [line, variantId, quantity, state])).toEqual([
      [0, 'b', 1, 'held'],
      [1, 'a', 2, 'held'],
      [2, 'b', 1.5, 'held'],
    ]);
    expect(stored.events).toEqual([
      expect.objectContaining({
        event: 'created',
        fromStatus: null,
        toStatus: 'pending',
        cause: 'platform',
        at: order.createdAt,
        details: { holds: expect.any(Array) },
      }),
    ]);
    expect([await held(storeId, 'a'), await held(storeId, 'b')]).toEqual([2, 2.5]);
  });

  it('writes nothing when one variant cannot spare its quantity, and says what each short variant could sell', async () => {
    const storeId = await storeWith({ a: 10, b: 3, c: 5 });
    await prisma.product.update({ where: { storeId_variantId: { storeId, variantId: 'c' } }, data: { active: false } });
    const order = newOrder(storeId, [
      ['a', 1],
      ['b', 2],
      ['b', 2],
      ['c', 1],
      ['gone', 1],
    ]);
    expect(await placeOrder(db.sql, order, 0.5)).toEqual({
      outcome: 'short',
      short: [
        { variantId: 'b', requested: 4, sellable: 2.5 },
        { variantId: 'c', requested: 1, sellable: 0 },
        { variantId: 'gone', requested: 1, sellable: 0 },
      ],
    });
    expect(await prisma.order.count({ where: { storeId } })).toBe(0);
    expect(await prisma.inventoryHold.count({ where: { storeId } })).toBe(0);
    expect(await held(storeId, 'a')).toBe(0);
  });

  it('holds up to what the product view calls sellable, rounding included (productQuantities)', async () => {
    // Available is rounded before the threshold is taken off: 1.0000005 → 1.000001, − 0.0000004 → 1.000001 sellable.
    const storeId = await storeWith({ a: 1.0000005 }, { weighed: ['a'] });
    const sellable = productQuantities({ posQuantity: 1.0000005, heldQuantity: 0, active: true }, 0.0000004).sellableQuantity;
    expect(sellable).toBe(1.000001);
    expect(await placeOrder(db.sql, newOrder(storeId, [['a', 1.000002]]), 0.0000004)).toEqual({
      outcome: 'short',
      short: [{ variantId: 'a', requested: 1.000002, sellable }],
    });
    expect((await placeOrder(db.sql, newOrder(storeId, [['a', sellable]]), 0.0000004)).outcome).toBe('placed');
    expect(await held(storeId, 'a')).toBe(1.000001);
  });

  describe('weight tiers', () => {
    const TIERS = [
      { name: '1g', grams: 1, priceCents: 1000 },
      { name: '1/8 oz', grams: 3.5, priceCents: 3325 },
      { name: '1 oz', grams: 28, priceCents: 22400 },
    ];
    async function bulkStore(grams: number): Promise<string> {
      const storeId = await storeWith({ bulk: grams, each: 10 });
      await prisma.product.update({
        where: { storeId_variantId: { storeId, variantId: 'bulk' } },
        data: { soldByWeight: true, quantityUnit: 'grams', weightTiers: TIERS },
      });
      return storeId;
    }
    const tierOrder = (storeId: string, lines: { variantId: string; quantity: number; weightTier?: string }[]) =>
      newOrder(storeId, [], { lines: lines.map((line, index) => ({ line: index, ...line })) });

    it("holds quantity × the tier's grams, and keeps the tier and its grams on the line", async () => {
      const storeId = await bulkStore(100);
      const order = tierOrder(storeId, [
        { variantId: 'bulk', quantity: 2, weightTier: '1/8 oz' },
        { variantId: 'each', quantity: 1 },
        { variantId: 'bulk', quantity: 1.25 }, // grams, no tier
      ]);
      const placed = await placeOrder(db.sql, order, 0);
      if (placed.outcome !== 'placed') throw new Error(`not placed: ${placed.outcome}`);
      expect(placed.order).toEqual(await readOrderDetails(db.sql, placed.order.id));
      expect(placed.order.items).toEqual([
        { line: 0, variantId: 'bulk', quantity: 2, weightTier: '1/8 oz', tierGrams: 3.5 },
        { line: 1, variantId: 'each', quantity: 1, weightTier: null, tierGrams: null },
        { line: 2, variantId: 'bulk', quantity: 1.25, weightTier: null, tierGrams: null },
      ]);
      expect(placed.order.holds.map(({ variantId, quantity }) => [variantId, quantity])).toEqual([
        ['bulk', 7],
        ['each', 1],
        ['bulk', 1.25],
      ]);
      expect([await held(storeId, 'bulk'), await held(storeId, 'each')]).toEqual([8.25, 1]);
    });

    it('writes nothing when a line names a tier its product does not list, and names the line and the tiers there are', async () => {
      const storeId = await bulkStore(100);
      const order = tierOrder(storeId, [
        { variantId: 'bulk', quantity: 1, weightTier: '1/8 oz' },
        { variantId: 'bulk', quantity: 1, weightTier: '1/4 oz' },
        { variantId: 'each', quantity: 1, weightTier: '1g' },
      ]);
      expect(await placeOrder(db.sql, order, 0)).toEqual({
        outcome: 'invalid_lines',
        unknownTiers: [
          { line: 1, variantId: 'bulk', weightTier: '1/4 oz', tiers: ['1g', '1/8 oz', '1 oz'] },
          { line: 2, variantId: 'each', weightTier: '1g', tiers: [] },
        ],
        notWhole: [],
      });
      expect(await prisma.order.count({ where: { storeId } })).toBe(0);
      expect(await held(storeId, 'bulk')).toBe(0);
    });

    it('writes nothing when an item not sold by weight asks for a fraction, and names each such line', async () => {
      const storeId = await bulkStore(100);
      const order = tierOrder(storeId, [
        { variantId: 'each', quantity: 0.5 },
        { variantId: 'bulk', quantity: 0.5 },
        { variantId: 'each', quantity: 2 },
        { variantId: 'bulk', quantity: 1, weightTier: '1/4 oz' },
        { variantId: 'each', quantity: 1.000001 },
        { variantId: 'gone', quantity: 0.5 },
      ]);
      expect(await placeOrder(db.sql, order, 0)).toEqual({
        outcome: 'invalid_lines',
        unknownTiers: [{ line: 3, variantId: 'bulk', weightTier: '1/4 oz', tiers: ['1g', '1/8 oz', '1 oz'] }],
        // An unknown variant cannot be judged: it is short (nothing can be sold), as a whole quantity of it would be.
        notWhole: [
          { line: 0, variantId: 'each' },
          { line: 4, variantId: 'each' },
        ],
      });
      expect(await prisma.order.count({ where: { storeId } })).toBe(0);
      expect([await held(storeId, 'bulk'), await held(storeId, 'each')]).toEqual([0, 0]);
      const whole = tierOrder(storeId, [
        { variantId: 'each', quantity: 2 },
        { variantId: 'bulk', quantity: 0.5 },
      ]);
      expect((await placeOrder(db.sql, whole, 0)).outcome).toBe('placed');
      expect([await held(storeId, 'bulk'), await held(storeId, 'each')]).toEqual([0.5, 2]);
    });

    it('compares what a tier line holds in grams with the grams that can be sold', async () => {
      const storeId = await bulkStore(30);
      const order = tierOrder(storeId, [
        { variantId: 'bulk', quantity: 1, weightTier: '1 oz' },
        { variantId: 'bulk', quantity: 1, weightTier: '1/8 oz' },
      ]);
      expect(await placeOrder(db.sql, order, 0)).toEqual({
        outcome: 'short',
        short: [{ variantId: 'bulk', requested: 31.5, sellable: 30 }],
      });
      const fits = await placeOrder(db.sql, tierOrder(storeId, [{ variantId: 'bulk', quantity: 1, weightTier: '1 oz' }]), 0);
      expect(fits.outcome).toBe('placed');
      expect(await held(storeId, 'bulk')).toBe(28);
    });

    it('never holds more grams than the stock when tier orders race', async () => {
      const storeId = await bulkStore(50);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          placeOrder(
            db.sql,
            tierOrder(storeId, [
              { variantId: 'bulk', quantity: 1 + (n % 2), weightTier: '1/8 oz' },
              { variantId: 'each', quantity: 1 },
            ]),
            0,
          ),
        ),
      );
      expect(results.filter((result) => result.outcome !== 'placed').every((result) => result.outcome === 'short')).toBe(true);
      const { _sum } = await prisma.inventoryHold.aggregate({
        where: { storeId, variantId: 'bulk', state: 'held' },
        _sum: { quantity: true },
      });
      expect(await held(storeId, 'bulk')).toBe(_sum.quantity ?? 0);
      expect(await held(storeId, 'bulk')).toBeLessThanOrEqual(50);
      expect(await held(storeId, 'bulk')).toBeGreaterThan(40);
    });
  });

  it('answers with the order already under that externalId, even when its own holds have used the stock up since', async () => {
    const storeId = await storeWith({ a: 2 });
    const order = newOrder(storeId, [['a', 2]]);
    const first = await placeOrder(db.sql, order, 0);
    if (first.outcome !== 'placed') throw new Error('not placed');
    expect(await placeOrder(db.sql, order, 0)).toEqual({ outcome: 'exists', orderId: first.order.id, contentHash: 'content-1' });
    expect(await placeOrder(db.sql, { ...order, contentHash: 'other' }, 0)).toEqual({
      outcome: 'exists',
      orderId: first.order.id,
      contentHash: 'content-1',
    });
    expect(await held(storeId, 'a')).toBe(2);
    expect(await prisma.inventoryHold.count({ where: { storeId } })).toBe(1);
  });

  it('never holds more than the stock when many orders for the same products race, in any line order, without deadlocks', async () => {
    const storeId = await storeWith({ a: 30, b: 30, c: 30 });
    const shapes: [string, number][][] = [
      [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ],
      [
        ['c', 1],
        ['b', 1],
        ['a', 1],
      ],
      [
        ['b', 2],
        ['a', 1],
      ],
      [['c', 1]],
    ];
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, n) => placeOrder(db.sql, newOrder(storeId, shapes[n % shapes.length]), 0)),
    );
    const placed = results.filter((result) => result.outcome === 'placed').length;
    expect(placed).toBeGreaterThan(0);
    expect(results.filter((result) => result.outcome !== 'placed').every((result) => result.outcome === 'short')).toBe(true);
    // The ledger adds up: each product's held quantity is the sum of its holds, and within its stock.
    for (const variantId of ['a', 'b', 'c']) {
      const { _sum } = await prisma.inventoryHold.aggregate({ where: { storeId, variantId, state: 'held' }, _sum: { quantity: true } });
      expect(await held(storeId, variantId)).toBe(_sum.quantity ?? 0);
      expect(await held(storeId, variantId)).toBeLessThanOrEqual(30);
    }
    expect(await prisma.order.count({ where: { storeId } })).toBe(placed);
  });

  it('answers a create racing its own repeat with the order, not with "short", when the order took the last units', async () => {
    for (let round = 0; round < 5; round++) {
      const storeId = await storeWith({ last: 1 });
      const order = newOrder(storeId, [['last', 1]]);
      const results = await Promise.all([placeOrder(db.sql, order, 0), placeOrder(db.sql, order, 0), placeOrder(db.sql, order, 0)]);
      expect(results.map((result) => result.outcome).sort()).toEqual(['exists', 'exists', 'placed']);
      expect(await held(storeId, 'last')).toBe(1);
    }
  });

  it('takes the same externalId once when it is placed twice at the same moment', async () => {
    const storeId = await storeWith({ a: 10 });
    const order = newOrder(storeId, [['a', 1]]);
    const results = await Promise.all([placeOrder(db.sql, order, 0), placeOrder(db.sql, order, 0), placeOrder(db.sql, order, 0)]);
    expect(results.map((result) => result.outcome).sort()).toEqual(['exists', 'exists', 'placed']);
    expect(await held(storeId, 'a')).toBe(1);
  });
});

describe('confirmPendingOrder', () => {
  it('confirms a pending order once, queueing its push only for an enabled store that syncs orders', async () => {
    for (const [settings, pushState] of [
      [{ syncOrders: true }, 'queued'],
      [{ syncOrders: false }, 'not_pushed'],
      [{ enabled: false, syncOrders: true }, 'not_pushed'],
    ] as const) {
      const storeId = await storeWith({ a: 5 }, settings);
      const order = newOrder(storeId, [['a', 1]]);
      await placeOrder(db.sql, order, 0);
      const at = new Date('2026-11-27T10:05:00.000Z');
      const first = await confirmPendingOrder(db.sql, order, at);
      expect(first).toMatchObject({ status: 'pending', confirmed: true, pushState });
      expect(await confirmPendingOrder(db.sql, order, new Date())).toMatchObject({ status: 'confirmed', confirmed: false, pushState });
      const stored = await prisma.order.findUniqueOrThrow({
        where: { storeId_externalId: { storeId, externalId: order.externalId } },
        include: { events: true },
      });
      expect(stored).toMatchObject({ status: 'confirmed', confirmedAt: at, updatedAt: at, pushState });
      expect(stored.events.map((event) => event.event).sort()).toEqual(
        pushState === 'queued' ? ['created', 'push_queued', 'status_changed'] : ['created', 'status_changed'],
      );
    }
  });

  it('leaves a cancelled order as it is and says so; null for an unknown order', async () => {
    const storeId = await storeWith({ a: 5 });
    const order = newOrder(storeId, [['a', 1]]);
    await placeOrder(db.sql, order, 0);
    await prisma.order.update({ where: { storeId_externalId: { storeId, externalId: order.externalId } }, data: { status: 'cancelled' } });
    expect(await confirmPendingOrder(db.sql, order, new Date())).toMatchObject({
      status: 'cancelled',
      confirmed: false,
      pushState: 'not_pushed',
    });
    expect(await prisma.orderEvent.count({ where: { order: { storeId } } })).toBe(1);
    expect(await confirmPendingOrder(db.sql, { storeId, externalId: 'nope' }, new Date())).toBeNull();
  });
});

describe('readOrderDetails', () => {
  it('reads an order exactly as Prisma does, with its lines, holds and history', async () => {
    const storeId = await storeWith({ a: 5, b: 5 });
    const order = newOrder(storeId, [
      ['b', 1],
      ['a', 2],
    ]);
    const placed = await placeOrder(db.sql, order, 0);
    if (placed.outcome !== 'placed') throw new Error('not placed');
    await confirmPendingOrder(db.sql, order, new Date('2026-11-27T10:05:00.000Z'));
    await prisma.order.update({
      where: { id: placed.order.id },
      data: { pushState: 'pushed', flowhubOrderId: 'fh-1', pushedAt: new Date(), postbackToken: id('token') },
    });

    const viaPrisma = await prisma.order.findUniqueOrThrow({
      where: { id: placed.order.id },
      include: { items: true, holds: true, events: true },
    });
    const viaSql = await readOrderDetails(db.sql, placed.order.id);
    const { items, holds, events, ...orderFields } = viaPrisma;
    expect(viaSql).toEqual({
      ...orderFields,
      items: items
        .map(({ line, variantId, quantity, weightTier, tierGrams }) => ({ line, variantId, quantity, weightTier, tierGrams }))
        .sort((x, y) => x.line - y.line),
      holds: holds.map(({ line, variantId, quantity, state }) => ({ line, variantId, quantity, state })).sort((x, y) => x.line - y.line),
      events: expect.arrayContaining(
        events.map(({ at, event, fromStatus, toStatus, cause, details }) => ({ at, event, fromStatus, toStatus, cause, details })),
      ),
    });
    expect(viaSql?.events).toHaveLength(events.length);
    expect(await readOrderDetailsByRef(db.sql, order)).toEqual(viaSql);
    expect(await readOrderDetails(db.sql, randomUUID())).toBeNull();
  });

  it('is planned once per connection, and finds the products it holds by index however many the store lists', async () => {
    // A store with thousands of products: a plan that scanned them would show in the table's sequential scans.
    const storeId = await storeWith({});
    await db.sql.query(
      `INSERT INTO products (store_id, variant_id, name, content_hash, pos_quantity)
       SELECT $1, 'v-' || lpad(n::text, 5, '0'), 'product ' || n, 'h', 100 FROM generate_series(1, 3000) AS n`,
      [storeId],
    );
    await db.sql.query('ANALYZE products');
    const connection = await db.sql.connect();
    try {
      const scans = async () => {
        // This session's counts reach the statistics views once it flushes them (forced, when it is next idle).
        await connection.query('SELECT pg_stat_force_next_flush()');
        const { rows } = await connection.query<{ seq: string; idx: string }>(
          "SELECT seq_scan AS seq, idx_scan AS idx FROM pg_stat_user_tables WHERE relname = 'products'",
        );
        return { seq: Number(rows[0]!.seq), idx: Number(rows[0]!.idx) };
      };
      const plans = async () => {
        const { rows } = await connection.query<{ generic: string; custom: string }>(
          "SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements WHERE name = 'place-order'",
        );
        return { generic: Number(rows[0]?.generic ?? 0), custom: Number(rows[0]?.custom ?? 0) };
      };
      const [before, plannedBefore] = [await scans(), await plans()];
      for (let n = 1; n <= 8; n++) {
        const lines: [string, number][] = [
          [`v-${String(n * 7).padStart(5, '0')}`, 1],
          [`v-${String(n * 300).padStart(5, '0')}`, 2],
        ];
        expect((await placeOrder(connection, newOrder(storeId, lines), 0)).outcome).toBe('placed');
      }
      const [after, plannedAfter] = [await scans(), await plans()];
      // The one generic plan, used by all eight: none made for one order's values (createSqlPool's sessions).
      expect({ generic: plannedAfter.generic - plannedBefore.generic, custom: plannedAfter.custom }).toEqual({ generic: 8, custom: 0 });
      expect(after.seq - before.seq).toBe(0);
      expect(after.idx).toBeGreaterThan(before.idx);
    } finally {
      connection.release();
    }
  });

  it('runs on a pool of its own, apart from Prisma, which refuses to share it', async () => {
    const pool = createSqlPool(db.url, { max: 1 });
    try {
      const mode = async (query: Promise<{ plan_cache_mode: string }[]>) => (await query)[0]?.plan_cache_mode;
      expect(await mode(pool.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode').then((result) => result.rows))).toBe(
        'force_generic_plan',
      );
      // Prisma's statements are unnamed, planned for their values at each call, as PostgreSQL chooses.
      expect(await mode(prisma.$queryRawUnsafe('SHOW plan_cache_mode'))).toBe('auto');
      expect(() => createPrismaClient(db.url, { pool })).toThrow(/createSqlPool/);
    } finally {
      await pool.end();
    }
  });
});
