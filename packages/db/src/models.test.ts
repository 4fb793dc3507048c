// Every model through the generated client against a migrated database, including the constraints
// that keep the data correct (uniques, foreign keys, and the CHECKs that live in migration SQL).
import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient } from './index';
import { createTestDatabase, type TestDatabase } from './testing';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The constraint a rejected write ran into, as PostgreSQL named it. */
async function violatedConstraint(write: Promise<unknown>): Promise<string> {
  try {
    await write;
  } catch (error) {
    // Prisma reports a CHECK violation as a generic database error; the name is in its message.
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('the write was accepted');
}

async function store(overrides: Partial<Prisma.StoreUncheckedCreateInput> = {}) {
  return prisma.store.create({ data: { id: id('store'), ...overrides } });
}

async function product(storeId: string, variantId = id('variant'), overrides: Partial<Prisma.ProductUncheckedCreateInput> = {}) {
  return prisma.product.create({
    data: { storeId, variantId, name: 'Blue Dream 3.5g', contentHash: 'h1', posQuantity: 10, ...overrides },
  });
}

async function order(storeId: string, overrides: Partial<Prisma.OrderUncheckedCreateInput> = {}) {
  return prisma.order.create({
    data: {
      storeId,
      externalId: id('A'),
      type: 'pickup',
      customer: { firstName: 'Ada', purchaseCategory: 'rec' },
      contentHash: 'c1',
      ...overrides,
    },
  });
}

describe('Store', () => {
  it('takes the contract defaults and keeps secrets as the ciphertext it is given', async () => {
    const created = await store({ apiKeyEncrypted: 'v1:abcd1234:iv:tag:cipher', roomIds: ['0123456789abcdef0123456789abcdef'] });

    const read = await prisma.store.findUniqueOrThrow({ where: { id: created.id } });
    expect(read).toMatchObject({
      enabled: false,
      maui: false,
      purchaseCategory: 'all',
      syncOrders: false,
      mapCustomCategoryToSubCategory: false,
      pricesIncludeTax: false,
      quantityThreshold: 0,
      pendingHoldMinutes: 60,
      categoryUseDefaults: true,
      apiKeyEncrypted: 'v1:abcd1234:iv:tag:cipher',
      roomIds: ['0123456789abcdef0123456789abcdef'],
      lastStatusPollAt: null,
    });
    expect(read.ownedFields).toEqual([
      'name',
      'description',
      'brand',
      'category',
      'strainType',
      'cannabinoids',
      'terpenes',
      'price',
      'image',
      'weight',
    ]);
    expect(read.createdAt).toBeInstanceOf(Date);
  });

  it('moves updatedAt on update', async () => {
    const created = await store();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await prisma.store.update({ where: { id: created.id }, data: { enabled: true } });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
  });

  it.each([
    ['an id outside the platform format', { id: 'bad id!' }, 'stores_id_format'],
    ['an id longer than 64 characters', { id: 'x'.repeat(65) }, 'stores_id_format'],
    ['a negative quantity threshold', { quantityThreshold: -1 }, 'stores_quantity_threshold_non_negative'],
    ['a pending hold of 0 minutes', { pendingHoldMinutes: 0 }, 'stores_pending_hold_minutes_positive'],
    ['an unknown owned field', { ownedFields: ['name', 'quantity'] }, 'stores_owned_fields_known'],
    [
      'a previous webhook secret without the time of its change',
      { statusWebhookPreviousSecretEncrypted: 'sealed' },
      'stores_previous_webhook_secret_has_change_time',
    ],
  ])('refuses %s', async (_case, data, constraint) => {
    expect(await violatedConstraint(store(data))).toContain(constraint);
  });

  it('refuses a purchase category outside all/med/rec', async () => {
    const storeId = id('store');
    await expect(
      prisma.$executeRaw`INSERT INTO stores (id, purchase_category) VALUES (${storeId}, 'both'::purchase_category_filter)`,
    ).rejects.toThrow(/invalid input value for enum purchase_category_filter/);
  });

  it("sends each item's inventory productId unless set to variantId (orderItemId), and takes nothing else", async () => {
    expect((await store()).orderItemId).toBe('productId');
    expect((await store({ orderItemId: 'variantId' })).orderItemId).toBe('variantId');
    const storeId = id('store');
    await expect(prisma.$executeRaw`INSERT INTO stores (id, order_item_id) VALUES (${storeId}, 'sku'::order_item_id)`).rejects.toThrow(
      /invalid input value for enum order_item_id/,
    );
  });
});

describe('CategoryMapping', () => {
  it('keeps one row per store and normalised key', async () => {
    const { id: storeId } = await store();
    const other = await store();
    await prisma.categoryMapping.create({ data: { storeId, flowhubValue: 'Staff Picks', flowhubKey: 'staff picks', category: 'Flower' } });
    // The same key in another store is fine.
    await prisma.categoryMapping.create({
      data: { storeId: other.id, flowhubValue: 'staff-picks', flowhubKey: 'staff picks', category: 'Edibles' },
    });

    const duplicate = prisma.categoryMapping.create({
      data: { storeId, flowhubValue: 'STAFF_PICKS', flowhubKey: 'staff picks', category: 'Edibles' },
    });
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' });
    expect(await prisma.categoryMapping.count({ where: { storeId } })).toBe(1);
  });

  it('goes with its store', async () => {
    const { id: storeId } = await store();
    await prisma.categoryMapping.create({ data: { storeId, flowhubValue: 'Bud', flowhubKey: 'bud', category: 'Flower' } });
    await prisma.store.delete({ where: { id: storeId } });
    expect(await prisma.categoryMapping.count({ where: { storeId } })).toBe(0);
  });
});

describe('Product', () => {
  it('is keyed by (store, variant) and stores the mapped fields', async () => {
    const { id: storeId } = await store();
    const terpenes = [{ name: 'β-Myrcene', lower: 4, upper: 6, unit: 'mg/g', percent: 0.5 }];
    await product(storeId, 'v-1', {
      productId: 'p-1',
      sku: 'SKU1',
      brand: 'Acme',
      category: 'Vaporizers',
      subtype: 'Cartridge',
      strainType: 'Indica Hybrid',
      strainName: 'Blue Dream',
      terpenes,
      cannabinoids: [{ name: 'thc', lower: 21.3, upper: 21.3, unit: '%' }],
      priceCents: 4500,
      weight: { value: 1, unit: 'grams' },
      purchaseCategory: 'rec',
      posQuantity: 2.5,
      editedFields: ['description'],
    });

    const read = await prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId: 'v-1' } } });
    expect(read).toMatchObject({
      productId: 'p-1',
      terpenes,
      priceCents: 4500,
      weight: { value: 1, unit: 'grams' },
      posQuantity: 2.5,
      heldQuantity: 0,
      active: true,
      editedFields: ['description'],
      contentHash: 'h1',
    });
    await expect(product(storeId, 'v-1')).rejects.toMatchObject({ code: 'P2002' });
    // The same variant id in another store is another product.
    const other = await store();
    await expect(product(other.id, 'v-1')).resolves.toMatchObject({ storeId: other.id });
  });

  it.each([
    ['a negative Flowhub quantity', { posQuantity: -1 }, 'products_pos_quantity_non_negative'],
    ['a negative held quantity', { heldQuantity: -0.5 }, 'products_held_quantity_non_negative'],
    ['a negative price', { priceCents: -1 }, 'products_price_cents_non_negative'],
    ['terpenes that are not a list', { terpenes: { name: 'Linalool' } }, 'products_terpenes_array'],
    ['weight tiers that are not a list', { weightTiers: { name: '1g', grams: 1 } }, 'products_weight_tiers_array'],
  ])('refuses %s', async (_case, data, constraint) => {
    const { id: storeId } = await store();
    expect(await violatedConstraint(product(storeId, id('v'), data))).toContain(constraint);
  });

  it('refuses to take held quantity below zero in an update (the availability check relies on it)', async () => {
    const { id: storeId } = await store();
    const created = await product(storeId, id('v'), { heldQuantity: 1 });
    const update = prisma.product.update({
      where: { storeId_variantId: { storeId, variantId: created.variantId } },
      data: { heldQuantity: { decrement: 2 } },
    });
    expect(await violatedConstraint(update)).toContain('products_held_quantity_non_negative');
  });

  it('needs an existing store', async () => {
    await expect(product('no-such-store')).rejects.toMatchObject({ code: 'P2003' });
  });
});

describe('Order, OrderItem and OrderEvent', () => {
  it('stores an order with its items, delivery details and history', async () => {
    const { id: storeId } = await store();
    const created = await prisma.order.create({
      data: {
        storeId,
        externalId: 'A-1001',
        status: 'confirmed',
        type: 'delivery',
        placedAt: new Date('2026-01-02T10:00:00Z'),
        customer: { firstName: 'Ada', phone: '+15555550123', purchaseCategory: 'rec' },
        deliveryNotes: 'Gate code 1234',
        deliveryFeeCents: 500,
        address: { street1: '1 Main St', street2: null, city: 'Denver', state: 'CO', zip: '80202' },
        requestedWindow: { start: '2026-01-02T12:00:00Z', end: '2026-01-02T13:00:00Z' },
        contentHash: 'c1',
        items: {
          create: [
            { line: 0, variantId: 'v-1', quantity: 2 },
            { line: 1, variantId: 'v-2', quantity: 0.5 },
          ],
        },
        events: { create: [{ event: 'created', toStatus: 'confirmed', cause: 'api' }] },
      },
      include: { items: { orderBy: { line: 'asc' } }, events: true },
    });

    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({
      pushState: 'not_pushed',
      pushAttempts: 0,
      fulfilled: false,
      holdInventory: false,
      webhookSequence: 0,
      flowhubOrderId: null,
      deliveryFeeCents: 500,
    });
    expect(created.items.map((item) => [item.line, item.variantId, item.quantity])).toEqual([
      [0, 'v-1', 2],
      [1, 'v-2', 0.5],
    ]);
    expect(created.events[0]).toMatchObject({ event: 'created', fromStatus: null, toStatus: 'confirmed', cause: 'api' });

    const pushed = await prisma.order.update({
      where: { storeId_externalId: { storeId, externalId: 'A-1001' } },
      data: {
        pushState: 'pushed',
        pushAttempts: { increment: 1 },
        pushedAt: new Date(),
        flowhubOrderId: 'fh-1',
        flowhubStatus: 'new',
        events: { create: { event: 'status_changed', fromStatus: 'confirmed', toStatus: 'ready', details: { flowhubStatus: 'ready' } } },
      },
      include: { events: { orderBy: { at: 'asc' } } },
    });
    expect(pushed.events.map((event) => event.event)).toEqual(['created', 'status_changed']);
  });

  it('keeps externalId unique per store', async () => {
    const { id: storeId } = await store();
    const other = await store();
    await order(storeId, { externalId: 'A-1' });
    await expect(order(other.id, { externalId: 'A-1' })).resolves.toBeDefined();
    await expect(order(storeId, { externalId: 'A-1' })).rejects.toMatchObject({ code: 'P2002' });
  });

  it('keeps a Flowhub order id unique per store once set, and a postback token unique overall', async () => {
    const { id: storeId } = await store();
    const other = await store();
    // Many orders have no Flowhub id yet.
    await order(storeId);
    await order(storeId);
    await order(storeId, { flowhubOrderId: 'fh-9', postbackToken: 'tok-1' });
    await expect(order(other.id, { flowhubOrderId: 'fh-9' })).resolves.toBeDefined();
    await expect(order(storeId, { flowhubOrderId: 'fh-9' })).rejects.toMatchObject({ code: 'P2002' });
    await expect(order(other.id, { postbackToken: 'tok-1' })).rejects.toMatchObject({ code: 'P2002' });
  });

  it('finds confirmed orders with no push under way, and a store’s open pushed orders', async () => {
    const { id: storeId } = await store();
    const waiting = await order(storeId, { status: 'confirmed', pushState: 'not_pushed' });
    await order(storeId, { status: 'confirmed', pushState: 'pushing' });
    const open = await order(storeId, { status: 'preparing', pushState: 'pushed' });
    await order(storeId, { status: 'completed', pushState: 'pushed' });

    const outbox = await prisma.order.findMany({ where: { storeId, status: 'confirmed', pushState: 'not_pushed' } });
    expect(outbox.map((row) => row.id)).toEqual([waiting.id]);
    const polled = await prisma.order.findMany({
      where: { storeId, pushState: 'pushed', status: { notIn: ['completed', 'cancelled', 'expired'] } },
    });
    expect(polled.map((row) => row.id)).toEqual([open.id]);
  });

  it.each([
    ['an externalId outside the platform format', { externalId: 'A 1' }, 'orders_external_id_format'],
    ['a negative delivery fee', { deliveryFeeCents: -100 }, 'orders_delivery_fee_cents_non_negative'],
    ['a customer that is not an object', { customer: ['Ada'] }, 'orders_customer_object'],
  ])('refuses %s', async (_case, data, constraint) => {
    const { id: storeId } = await store();
    expect(await violatedConstraint(order(storeId, data))).toContain(constraint);
  });

  it('refuses an item quantity of zero and a repeated line', async () => {
    const { id: storeId } = await store();
    const { id: orderId } = await order(storeId);
    expect(await violatedConstraint(prisma.orderItem.create({ data: { orderId, line: 0, variantId: 'v', quantity: 0 } }))).toContain(
      'order_items_quantity_positive',
    );
    await prisma.orderItem.create({ data: { orderId, line: 0, variantId: 'v', quantity: 1 } });
    await expect(prisma.orderItem.create({ data: { orderId, line: 0, variantId: 'w', quantity: 1 } })).rejects.toMatchObject({
      code: 'P2002',
    });
  });

  it.each([
    ['a weight tier without its grams', { weightTier: '1/8 oz' }],
    ['grams without a weight tier', { tierGrams: 3.5 }],
    ['a weight tier of 0 grams', { weightTier: '1/8 oz', tierGrams: 0 }],
  ])('refuses an item with %s', async (_case, data) => {
    const { id: storeId } = await store();
    const { id: orderId } = await order(storeId);
    expect(
      await violatedConstraint(prisma.orderItem.create({ data: { orderId, line: 0, variantId: 'v', quantity: 1, ...data } })),
    ).toContain('order_items_tier_grams_positive');
    await expect(
      prisma.orderItem.create({ data: { orderId, line: 0, variantId: 'v', quantity: 2, weightTier: '1/8 oz', tierGrams: 3.5 } }),
    ).resolves.toMatchObject({
      weightTier: '1/8 oz',
      tierGrams: 3.5,
    });
  });

  it('keeps a store that still has orders', async () => {
    const { id: storeId } = await store();
    await order(storeId);
    await expect(prisma.store.delete({ where: { id: storeId } })).rejects.toThrow();
    expect(await prisma.store.count({ where: { id: storeId } })).toBe(1);
  });
});

describe('InventoryHold', () => {
  async function orderWithProduct() {
    const { id: storeId } = await store();
    const { variantId } = await product(storeId);
    const { id: orderId } = await order(storeId, { items: { create: { line: 0, variantId, quantity: 2 } } });
    return { storeId, variantId, orderId };
  }

  it('holds an order line and moves heldQuantity with it in one transaction', async () => {
    const { storeId, variantId, orderId } = await orderWithProduct();
    const key = { storeId_variantId: { storeId, variantId } };

    await prisma.$transaction([
      prisma.inventoryHold.create({ data: { orderId, line: 0, storeId, variantId, quantity: 2 } }),
      prisma.product.update({ where: key, data: { heldQuantity: { increment: 2 } } }),
    ]);
    expect((await prisma.product.findUniqueOrThrow({ where: key })).heldQuantity).toBe(2);

    const consumedAt = new Date();
    await prisma.$transaction([
      prisma.inventoryHold.updateMany({ where: { orderId, state: 'held' }, data: { state: 'consumed', consumedAt } }),
      prisma.product.update({ where: key, data: { heldQuantity: { decrement: 2 } } }),
    ]);
    const holds = await prisma.inventoryHold.findMany({ where: { storeId, variantId, state: 'consumed' } });
    expect(holds).toHaveLength(1);
    expect(holds[0].consumedAt).toEqual(consumedAt);
    expect((await prisma.product.findUniqueOrThrow({ where: key })).heldQuantity).toBe(0);
  });

  it('keeps one hold per order line', async () => {
    const { storeId, variantId, orderId } = await orderWithProduct();
    await prisma.inventoryHold.create({ data: { orderId, line: 0, storeId, variantId, quantity: 2 } });
    await expect(prisma.inventoryHold.create({ data: { orderId, line: 0, storeId, variantId, quantity: 2 } })).rejects.toMatchObject({
      code: 'P2002',
    });
  });

  it('refuses a hold on a product the store does not have', async () => {
    const { storeId, orderId } = await orderWithProduct();
    await expect(
      prisma.inventoryHold.create({ data: { orderId, line: 0, storeId, variantId: 'unknown', quantity: 1 } }),
    ).rejects.toMatchObject({ code: 'P2003' });
  });

  it.each([
    ['a quantity of zero', { quantity: 0 }, 'inventory_holds_quantity_positive'],
    ['a consumed hold without consumedAt', { state: 'consumed' as const }, 'inventory_holds_consumed_at_set'],
    ['a released hold without releasedAt', { state: 'released' as const }, 'inventory_holds_released_at_set'],
  ])('refuses %s', async (_case, data, constraint) => {
    const { storeId, variantId, orderId } = await orderWithProduct();
    const write = prisma.inventoryHold.create({ data: { orderId, line: 0, storeId, variantId, quantity: 1, ...data } });
    expect(await violatedConstraint(write)).toContain(constraint);
  });

  it('goes with its order', async () => {
    const { storeId, variantId, orderId } = await orderWithProduct();
    await prisma.inventoryHold.create({ data: { orderId, line: 0, storeId, variantId, quantity: 1 } });
    await prisma.order.delete({ where: { id: orderId } });
    expect(await prisma.inventoryHold.count({ where: { orderId } })).toBe(0);
    expect(await prisma.orderItem.count({ where: { orderId } })).toBe(0);
  });
});

describe('SyncRun', () => {
  it('records a run with its counts and problems, newest first per store', async () => {
    const { id: storeId } = await store();
    const older = await prisma.syncRun.create({
      data: { storeId, trigger: 'initial', status: 'succeeded', createdAt: new Date('2026-01-01T00:00:00Z') },
    });
    const newer = await prisma.syncRun.create({
      data: {
        storeId,
        trigger: 'manual',
        status: 'suspicious',
        jobId: 'sync-store-1',
        acceptShrink: true,
        startedAt: new Date(),
        finishedAt: new Date(),
        fetched: 120,
        kept: 118,
        created: 3,
        updated: 5,
        unchanged: 110,
        invalid: 2,
        unknownTerpenes: 4,
        problems: [{ variantId: 'v-9', reason: 'missing productName' }],
        feedFingerprint: 'rooms:0123456789abcdef0123456789abcdef',
      },
    });

    const runs = await prisma.syncRun.findMany({ where: { storeId }, orderBy: { createdAt: 'desc' } });
    expect(runs.map((run) => run.id)).toEqual([newer.id, older.id]);
    expect(runs[0]).toMatchObject({ fetched: 120, deactivated: 0, unknownStrainTypes: 0, problemsTruncated: false });
    expect(runs[0].problems).toEqual([{ variantId: 'v-9', reason: 'missing productName' }]);
    expect(older).toMatchObject({ problems: [], error: null, acceptShrink: false });
  });

  it('takes at most 100 problems and no negative count', async () => {
    const { id: storeId } = await store();
    const problem = { variantId: 'v', reason: 'bad row' };
    await expect(
      prisma.syncRun.create({ data: { storeId, trigger: 'scheduled', problems: Array(100).fill(problem), problemsTruncated: true } }),
    ).resolves.toBeDefined();
    expect(
      await violatedConstraint(prisma.syncRun.create({ data: { storeId, trigger: 'scheduled', problems: Array(101).fill(problem) } })),
    ).toContain('sync_runs_problems_at_most_100');
    expect(await violatedConstraint(prisma.syncRun.create({ data: { storeId, trigger: 'scheduled', kept: -1 } }))).toContain(
      'sync_runs_counts_non_negative',
    );
  });
});

describe('WebhookDelivery', () => {
  it('queues a delivery and records its outcome; one delivery per order and sequence', async () => {
    const { id: storeId } = await store();
    const { id: orderId } = await order(storeId);
    const payload = { storeId, externalId: 'A-1', event: 'status_changed', status: 'ready', sequence: 1 };
    const created = await prisma.webhookDelivery.create({ data: { storeId, orderId, event: 'status_changed', sequence: 1, payload } });
    expect(created).toMatchObject({ status: 'pending', attempts: 0, deliveredAt: null });

    await prisma.webhookDelivery.update({
      where: { id: created.id },
      data: { status: 'delivered', attempts: 1, responseStatus: 204, deliveredAt: new Date() },
    });
    const pending = await prisma.webhookDelivery.findMany({ where: { status: 'pending' }, orderBy: { createdAt: 'asc' } });
    expect(pending.map((row) => row.id)).not.toContain(created.id);

    await expect(
      prisma.webhookDelivery.create({ data: { storeId, orderId, event: 'status_changed', sequence: 1, payload } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    expect(
      await violatedConstraint(prisma.webhookDelivery.create({ data: { storeId, orderId, event: 'x', sequence: 0, payload } })),
    ).toContain('webhook_deliveries_sequence_positive');
  });
});

describe('CHECK constraints (they live only in migration SQL, where the drift check cannot see them)', () => {
  it('are all in place after migrating', async () => {
    const rows = await prisma.$queryRaw<{ name: string }[]>`
      SELECT conname AS name FROM pg_constraint
      WHERE contype = 'c' AND connamespace = 'public'::regnamespace ORDER BY conname`;
    expect(rows.map((row) => row.name)).toEqual([
      'inventory_holds_consumed_at_set',
      'inventory_holds_line_non_negative',
      'inventory_holds_quantity_positive',
      'inventory_holds_released_at_set',
      'order_items_line_non_negative',
      'order_items_quantity_positive',
      'order_items_tier_grams_positive',
      'orders_customer_object',
      'orders_delivery_fee_cents_non_negative',
      'orders_duplicate_flowhub_order_ids_not_null',
      'orders_external_id_format',
      'orders_follow_counts_non_negative',
      'orders_push_attempts_non_negative',
      'orders_webhook_sequence_non_negative',
      'products_cannabinoids_array',
      'products_edited_fields_not_null',
      'products_held_quantity_non_negative',
      'products_pos_quantity_non_negative',
      'products_price_cents_non_negative',
      'products_terpenes_array',
      'products_weight_tiers_array',
      'stores_id_format',
      'stores_owned_fields_known',
      'stores_pending_hold_minutes_positive',
      'stores_previous_webhook_secret_has_change_time',
      'stores_quantity_threshold_non_negative',
      'stores_room_ids_not_null',
      'sync_runs_counts_non_negative',
      'sync_runs_problems_at_most_100',
      'webhook_deliveries_attempts_non_negative',
      'webhook_deliveries_sequence_positive',
    ]);
  });
});
