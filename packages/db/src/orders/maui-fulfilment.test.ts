// A Maui push hands the order's stock over to Flowhub: its holds become consumed, still counting against
// availability until the first successful inventory sync that started after the push releases them, on the
// database's clock. A Flowhub cancel before that releases them; holdInventory keeps them held.
import { randomUUID } from 'node:crypto';
import { applyFlowhubStatus, databaseNow, fulfilMauiPush, placeOrder, releaseReflectedHolds, type PrismaClient } from '../index';
import { createTestDatabase, type TestDatabase } from '../testing';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

const HOUR = 3_600_000;

/** A Maui store with 5 units of `a`, and a confirmed order pushed (not yet fulfilled) holding 2 of them. */
async function pushedOrder(options: { holdInventory?: boolean; webhook?: boolean } = {}) {
  const storeId = `maui-${randomUUID().slice(0, 8)}`;
  await prisma.store.create({
    data: {
      id: storeId,
      enabled: true,
      syncOrders: true,
      maui: true,
      ...(options.webhook ? { statusWebhookUrl: 'https://platform.example.com/hook', statusWebhookSecretEncrypted: 'sealed' } : {}),
    },
  });
  await prisma.product.create({ data: { storeId, variantId: 'a', name: 'a', contentHash: 'h', posQuantity: 5 } });
  const placed = await placeOrder(
    db.sql,
    {
      storeId,
      externalId: 'M-1',
      status: 'confirmed',
      type: 'pickup',
      placedAt: null,
      customer: { phone: '+15555550123', purchaseCategory: 'rec' },
      deliveryNotes: null,
      deliveryFeeCents: null,
      address: null,
      requestedWindow: null,
      contentHash: 'c',
      confirmedAt: new Date(),
      pushState: 'queued',
      createdAt: new Date(),
      lines: [{ line: 0, variantId: 'a', quantity: 2 }],
      events: [],
    },
    0,
  );
  if (placed.outcome !== 'placed') throw new Error(placed.outcome);
  const orderId = placed.order.id;
  await prisma.order.update({
    where: { id: orderId },
    data: {
      pushState: 'pushed',
      flowhubOrderId: `fh-${storeId}`,
      pushedAt: new Date(),
      flowhubStatus: 'new',
      holdInventory: options.holdInventory ?? false,
    },
  });
  return { storeId, orderId };
}

const fulfil = (orderId: string, options: { at?: Date; holdInventory?: boolean; fulfilled?: boolean } = {}) =>
  prisma.$transaction((tx) =>
    fulfilMauiPush(
      tx,
      { id: orderId, holdInventory: options.holdInventory ?? false, fulfilled: options.fulfilled ?? false },
      options.at ?? new Date(),
      { reason: 'pushed to Flowhub Maui' },
    ),
  );
const held = async (storeId: string) =>
  (await prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId: 'a' } } })).heldQuantity;
const holdStates = async (orderId: string) =>
  (await prisma.inventoryHold.findMany({ where: { orderId }, orderBy: { line: 'asc' } })).map((hold) => hold.state);
const events = async (orderId: string) =>
  (await prisma.orderEvent.findMany({ where: { orderId }, orderBy: { at: 'asc' } })).map((event) => event.event);

describe('fulfilMauiPush', () => {
  it('marks the order fulfilled and consumes its holds: the units keep counting until a sync that started after the push releases them', async () => {
    const { storeId, orderId } = await pushedOrder({ webhook: true });
    const syncBefore = await databaseNow(prisma);

    const result = await fulfil(orderId);

    expect(result).toMatchObject({ fulfilled: true, consumed: [{ variantId: 'a', line: 0, quantity: 2 }] });
    expect(result.deliveries).toHaveLength(1);
    expect(await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).toMatchObject({ fulfilled: true });
    expect(await holdStates(orderId)).toEqual(['consumed']);
    // No window: the units are not available again before Flowhub's lower quantity is read.
    expect(await held(storeId)).toBe(2);
    expect(await events(orderId)).toEqual(expect.arrayContaining(['fulfilled', 'holds_consumed']));
    expect(await prisma.webhookDelivery.findMany({ where: { orderId } })).toEqual([
      expect.objectContaining({ event: 'fulfilled_changed' }),
    ]);

    // A sync that started before the push read a feed without the order: it releases nothing.
    expect(await releaseReflectedHolds(prisma, storeId, syncBefore, new Date())).toBe(0);
    expect(await held(storeId)).toBe(2);
    // The first one that started after it does.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await releaseReflectedHolds(prisma, storeId, await databaseNow(prisma), new Date())).toBe(1);
    expect(await holdStates(orderId)).toEqual(['released']);
    expect(await held(storeId)).toBe(0);
  });

  it("stamps consumedAt with the database's clock, not the caller's: a worker clock an hour behind cannot open the window", async () => {
    const { storeId, orderId } = await pushedOrder();
    const syncStarted = await databaseNow(prisma); // a sync starts, then reads Flowhub before the push lands

    await fulfil(orderId, { at: new Date(Date.now() - HOUR) });

    const [hold] = await prisma.inventoryHold.findMany({ where: { orderId } });
    expect(hold.consumedAt!.getTime()).toBeGreaterThanOrEqual(syncStarted.getTime());
    expect(await releaseReflectedHolds(prisma, storeId, syncStarted, new Date())).toBe(0);
    expect(await held(storeId)).toBe(2);
  });

  it('holdInventory keeps the holds held (fulfilled all the same), and a second call changes nothing', async () => {
    const { storeId, orderId } = await pushedOrder({ holdInventory: true });
    expect(await fulfil(orderId, { holdInventory: true })).toMatchObject({ fulfilled: true, consumed: [], deliveries: [] });
    expect(await holdStates(orderId)).toEqual(['held']);
    expect(await held(storeId)).toBe(2);
    expect(await releaseReflectedHolds(prisma, storeId, new Date(Date.now() + HOUR), new Date())).toBe(0);

    const { orderId: other } = await pushedOrder();
    await fulfil(other);
    expect(await fulfil(other, { fulfilled: true })).toEqual({ fulfilled: true, consumed: [], deliveries: [] });
    expect((await events(other)).filter((event) => event === 'fulfilled')).toHaveLength(1);
  });

  it('a Flowhub cancel before the next sync releases the consumed holds at once', async () => {
    const { storeId, orderId } = await pushedOrder();
    await fulfil(orderId);
    expect(await held(storeId)).toBe(2);

    const outcome = await prisma.$transaction((tx) => applyFlowhubStatus(tx, orderId, 'deleted', new Date(), 'poll'));

    expect(outcome).toMatchObject({ changed: true, to: 'cancelled' });
    expect(await holdStates(orderId)).toEqual(['released']);
    expect(await held(storeId)).toBe(0);
  });

  it('a Flowhub sale after the push leaves the consumed holds to the sync', async () => {
    const { storeId, orderId } = await pushedOrder();
    await fulfil(orderId);
    await prisma.$transaction((tx) => applyFlowhubStatus(tx, orderId, 'sold', new Date(), 'poll'));
    expect(await holdStates(orderId)).toEqual(['consumed']);
    expect(await held(storeId)).toBe(2);
  });
});
