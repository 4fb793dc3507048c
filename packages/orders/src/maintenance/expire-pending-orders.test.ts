import { createPrismaClient, type OrderStatus, type PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { expirePendingOrders } from './expire-pending-orders';

let testDatabase: TestDatabase;
/** A client of the package's own type (the test database's is typed from the package's sources). */
let db: { prisma: PrismaClient };
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  db = { prisma: createPrismaClient(testDatabase.url, { max: 4 }) };
});
afterAll(async () => {
  await db.prisma.$disconnect();
  await testDatabase.drop();
});

const minutes = (n: number) => n * 60_000;
const T0 = new Date('2026-11-27T10:00:00.000Z');

/** An order as the producer's create leaves it: its lines held and the products' heldQuantity raised. */
async function seedOrder(
  storeId: string,
  externalId: string,
  lines: { variantId: string; quantity: number }[],
  { status = 'pending', createdAt = T0 }: { status?: OrderStatus; createdAt?: Date } = {},
) {
  const order = await db.prisma.order.create({
    data: {
      storeId,
      externalId,
      status,
      type: 'pickup',
      customer: { purchaseCategory: 'rec', phone: '+15555550123' },
      contentHash: `hash-${externalId}`,
      createdAt,
      items: { createMany: { data: lines.map((line, index) => ({ line: index, ...line })) } },
      holds: { createMany: { data: lines.map((line, index) => ({ line: index, storeId, ...line, createdAt })) } },
    },
  });
  for (const line of lines) {
    await db.prisma.product.update({
      where: { storeId_variantId: { storeId, variantId: line.variantId } },
      data: { heldQuantity: { increment: line.quantity } },
    });
  }
  return order;
}

async function seedStore(id: string, pendingHoldMinutes: number, stock: Record<string, number>) {
  await db.prisma.store.create({ data: { id, enabled: true, pendingHoldMinutes } });
  for (const [variantId, posQuantity] of Object.entries(stock)) {
    await db.prisma.product.create({ data: { storeId: id, variantId, name: variantId, posQuantity, contentHash: variantId } });
  }
}

const held = async (storeId: string, variantId: string) =>
  (await db.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId } } })).heldQuantity;
const statusOf = async (storeId: string, externalId: string) =>
  (await db.prisma.order.findUniqueOrThrow({ where: { storeId_externalId: { storeId, externalId } } })).status;

describe('expirePendingOrders', () => {
  it("expires pending orders older than their store's pendingHoldMinutes and releases their holds", async () => {
    await seedStore('s30', 30, { 'v-a': 10, 'v-b': 10 });
    await seedStore('s90', 90, { 'v-a': 10 });
    await seedOrder('s30', 'old', [
      { variantId: 'v-a', quantity: 2 },
      { variantId: 'v-b', quantity: 1 },
      { variantId: 'v-a', quantity: 1 },
    ]);
    await seedOrder('s30', 'young', [{ variantId: 'v-a', quantity: 4 }], { createdAt: new Date(T0.getTime() + minutes(20)) });
    await seedOrder('s30', 'confirmed', [{ variantId: 'v-b', quantity: 3 }], { status: 'confirmed' });
    await seedOrder('s90', 'patient', [{ variantId: 'v-a', quantity: 5 }]);
    expect(await held('s30', 'v-a')).toBe(7);

    // 30 minutes exactly is not older than 30 minutes.
    expect((await expirePendingOrders(db.prisma, { now: new Date(T0.getTime() + minutes(30)) })).expired).toEqual([]);

    const now = new Date(T0.getTime() + minutes(31));
    const { expired } = await expirePendingOrders(db.prisma, { now });
    expect(expired).toEqual([{ storeId: 's30', externalId: 'old', releasedHolds: 3 }]);
    expect(await statusOf('s30', 'old')).toBe('expired');
    expect(await statusOf('s30', 'young')).toBe('pending');
    expect(await statusOf('s30', 'confirmed')).toBe('confirmed');
    expect(await statusOf('s90', 'patient')).toBe('pending');
    // Only the expired order's quantities go back on sale.
    expect(await held('s30', 'v-a')).toBe(4);
    expect(await held('s30', 'v-b')).toBe(3);
    expect(await held('s90', 'v-a')).toBe(5);

    const order = await db.prisma.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId: 's30', externalId: 'old' } },
      include: { holds: { orderBy: { line: 'asc' } }, events: true },
    });
    expect(order.holds.map((hold) => [hold.state, hold.releasedAt?.toISOString()])).toEqual([
      ['released', now.toISOString()],
      ['released', now.toISOString()],
      ['released', now.toISOString()],
    ]);
    expect(
      order.events.map(({ event, fromStatus, toStatus, cause, at }) => ({ event, fromStatus, toStatus, cause, at: at.toISOString() })),
    ).toEqual(
      expect.arrayContaining([
        { event: 'status_changed', fromStatus: 'pending', toStatus: 'expired', cause: 'expired', at: now.toISOString() },
        { event: 'hold_released', fromStatus: null, toStatus: null, cause: 'expired', at: now.toISOString() },
      ]),
    );
    expect(order.events).toHaveLength(2);

    // Later runs: the young order's turn comes; the expired one is not touched again.
    const later = await expirePendingOrders(db.prisma, { now: new Date(T0.getTime() + minutes(95)) });
    expect(later.expired.map((entry) => entry.externalId).sort()).toEqual(['patient', 'young']);
    expect(await held('s30', 'v-a')).toBe(0);
    expect(await held('s90', 'v-a')).toBe(0);
    expect(await db.prisma.orderEvent.count({ where: { orderId: order.id } })).toBe(2);
  });

  it('works through more due orders than one batch', async () => {
    await seedStore('many', 10, { 'v-a': 100 });
    for (let i = 0; i < 7; i++) await seedOrder('many', `m-${i}`, [{ variantId: 'v-a', quantity: 1 }]);
    const { expired } = await expirePendingOrders(db.prisma, { now: new Date(T0.getTime() + minutes(11)), batchSize: 3 });
    expect(expired).toHaveLength(7);
    expect(await held('many', 'v-a')).toBe(0);
  });
});
