// Applying a Flowhub status read: only forward in the ranking beside the mapping table, checked against the row
// as locked, so that a stale read (a poll and a postback's re-read, or two order-workers, reading Flowhub outside
// the transaction) never moves an order back, whatever order the appliers commit in.
import { randomUUID } from 'node:crypto';
import {
  Prisma,
  applyFlowhubStatus,
  flowhubStatusMove,
  followedOrdersDue,
  followedOrdersDueSql,
  inOrderTransaction,
  recordFollowFailure,
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

/** A store with a webhook URL and one pushed order of it, at the given statuses. */
async function pushedOrder(flowhubStatus: string, status: 'confirmed' | 'cancelled' | 'completed' | 'ready' = 'confirmed') {
  const storeId = id('store');
  await prisma.store.create({ data: { id: storeId, enabled: true, syncOrders: true, statusWebhookUrl: 'http://127.0.0.1:1/hook' } });
  return prisma.order.create({
    data: {
      storeId,
      externalId: id('order'),
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status,
      cancelledAt: status === 'cancelled' ? new Date() : null,
      pushState: 'pushed',
      flowhubOrderId: id('fh'),
      flowhubStatus,
      pushedAt: new Date(),
    },
  });
}

const apply = (orderId: string, flowhubStatus: string, via: 'poll' | 'postback' = 'poll') =>
  inOrderTransaction(prisma, (tx) => applyFlowhubStatus(tx, orderId, flowhubStatus, new Date(), via));
const orderOf = (orderId: string) =>
  prisma.order.findUniqueOrThrow({
    where: { id: orderId },
    include: { events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] }, webhookDeliveries: true },
  });

describe('the ranking of Flowhub statuses', () => {
  it.each([
    [null, 'new', 'forward'],
    ['new', 'started', 'forward'],
    ['new', 'inQueue', 'same'],
    ['inQueue', 'new', 'same'],
    ['started', 'ready', 'forward'],
    ['ready', 'inTransit', 'forward'],
    ['inTransit', 'delivered', 'forward'],
    ['delivered', 'sold', 'forward'],
    ['ready', 'Sold', 'forward'],
    ['ready', 'unableToComplete', 'forward'],
    ['delivered', 'deleted', 'forward'],
    ['ready', 'ready', 'same'],
    ['ready', 'READY', 'same'],
    ['sold', 'ready', 'stale'],
    ['ready', 'new', 'stale'],
    ['inTransit', 'started', 'stale'],
    ['delivered', 'inTransit', 'stale'],
    ['sold', 'unableToComplete', 'stale'],
    ['unableToComplete', 'sold', 'stale'],
    ['unableToVerify', 'new', 'stale'],
    ['deleted', 'ready', 'stale'],
  ] as const)('%s → %s is %s', (current, observed, move) => {
    expect(flowhubStatusMove(current, observed)).toBe(move);
  });
});

describe('applyFlowhubStatus moves forward only', () => {
  it('a ready read after sold changes nothing and says it was stale', async () => {
    const order = await pushedOrder('new');
    expect(await apply(order.id, 'sold')).toMatchObject({ changed: true, to: 'completed', stale: false });
    const before = await orderOf(order.id);

    expect(await apply(order.id, 'ready', 'postback')).toMatchObject({
      changed: false,
      from: 'completed',
      to: 'completed',
      stale: true,
      deliveryIds: [],
    });
    const after = await orderOf(order.id);
    expect(after).toMatchObject({ status: 'completed', flowhubStatus: 'sold' });
    expect(after.events).toEqual(before.events);
    expect(after.webhookDeliveries).toHaveLength(before.webhookDeliveries.length);
  });

  it('a stale read of an order cancelled here sends no second conflict webhook', async () => {
    const order = await pushedOrder('new', 'cancelled');
    expect(await apply(order.id, 'sold')).toMatchObject({ conflict: true, changed: false });
    expect(await apply(order.id, 'ready')).toMatchObject({ conflict: false, stale: true });
    expect(await apply(order.id, 'sold')).toMatchObject({ conflict: false, stale: false, changed: false });
    const after = await orderOf(order.id);
    expect(after).toMatchObject({ status: 'cancelled', flowhubStatus: 'sold' });
    expect(after.webhookDeliveries.map((delivery) => delivery.event)).toEqual(['conflict']);
  });

  it('a final status never changes', async () => {
    const order = await pushedOrder('unableToComplete', 'cancelled');
    expect(await apply(order.id, 'sold')).toMatchObject({ changed: false, conflict: false, stale: true });
    expect(await apply(order.id, 'inTransit')).toMatchObject({ stale: true });
    expect(await orderOf(order.id)).toMatchObject({ status: 'cancelled', flowhubStatus: 'unableToComplete' });
  });

  it('a read of the same rank (inQueue after new) changes nothing and is not stale', async () => {
    const order = await pushedOrder('new');
    expect(await apply(order.id, 'inQueue')).toMatchObject({ changed: false, stale: false });
    expect(await orderOf(order.id)).toMatchObject({ status: 'confirmed', flowhubStatus: 'new' });
  });

  it('every read counts as a check of the order: its last error is cleared', async () => {
    const order = await pushedOrder('new');
    await inOrderTransaction(prisma, (tx) =>
      recordFollowFailure(tx, order.id, new Date(), { message: 'Flowhub is unavailable (500)', notFound: false }),
    );
    expect(await orderOf(order.id)).toMatchObject({ followError: 'Flowhub is unavailable (500)', followErrorCount: 1 });
    await apply(order.id, 'new');
    expect(await orderOf(order.id)).toMatchObject({ followError: null, followErrorCount: 0, followCheckedAt: expect.any(Date) });
  });
});

describe('concurrent appliers', () => {
  /** Whether some connection is waiting for a row lock (the second applier, on the order's row). */
  async function someoneWaitsForALock(): Promise<boolean> {
    const rows = await prisma.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return rows[0].waiting > 0;
  }

  it('a stale ready waiting on the row while sold commits does not move the order back', async () => {
    const order = await pushedOrder('ready', 'ready');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const hasLock = new Promise<void>((resolve) => (locked = resolve));
    // The first applier applies sold and keeps its transaction (and the row lock) open...
    const first = prisma.$transaction(
      async (tx) => {
        const outcome = await applyFlowhubStatus(tx, order.id, 'sold', new Date(), 'postback');
        locked();
        await held;
        return outcome;
      },
      { timeout: 20_000 },
    );
    await hasLock;
    // ...while the second, holding an older read (ready), starts applying it and waits on the row.
    const second = apply(order.id, 'ready', 'poll');
    const deadline = Date.now() + 10_000;
    while (!(await someoneWaitsForALock())) {
      if (Date.now() > deadline) throw new Error('the second applier never waited on the row lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    expect(await first).toMatchObject({ changed: true, to: 'completed' });
    expect(await second).toMatchObject({ changed: false, stale: true });
    const after = await orderOf(order.id);
    expect(after).toMatchObject({ status: 'completed', flowhubStatus: 'sold' });
    expect(
      after.events.filter((event) => event.event === 'flowhub_status_changed').map((event) => (event.details as { to: string }).to),
    ).toEqual(['sold']);
  });

  it('many appliers in any order end at the furthest status, and the recorded changes only go forward', async () => {
    const lifecycle = ['new', 'inQueue', 'started', 'ready', 'inTransit', 'delivered', 'sold'];
    for (let round = 0; round < 5; round += 1) {
      const order = await pushedOrder('new');
      const shuffled = [...lifecycle].sort(() => Math.random() - 0.5);
      const outcomes = await Promise.all(shuffled.map((status) => apply(order.id, status)));
      const after = await orderOf(order.id);
      expect(after).toMatchObject({ status: 'completed', flowhubStatus: 'sold' });
      // No status recorded twice (an order going back and forth would), and the platform's notices, in the order
      // they were committed (their sequence), only go forward.
      const recorded = after.events
        .filter((event) => event.event === 'flowhub_status_changed')
        .map((event) => (event.details as { to: string }).to);
      expect(new Set(recorded).size).toBe(recorded.length);
      const progress = ['confirmed', 'preparing', 'ready', 'out_for_delivery', 'completed'];
      const notices = after.webhookDeliveries
        .sort((a, b) => a.sequence - b.sequence)
        .map((delivery) => progress.indexOf((delivery.payload as { status: string }).status));
      expect(notices).toEqual([...new Set(notices)].sort((a, b) => a - b));
      expect(outcomes.filter((outcome) => outcome.changed).length).toBe(notices.length);
    }
  });
});

describe('the followed orders a poll reads', () => {
  it('least recently checked first, never checked before all, oldest push first; finished, stopped and long-cancelled orders left out', async () => {
    const storeId = id('store');
    await prisma.store.create({ data: { id: storeId, enabled: true, syncOrders: true } });
    const base = Date.now() - 3_600_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const orders: [string, Partial<Prisma.OrderUncheckedCreateInput>][] = [
      ['checked-late', { followCheckedAt: at(30), pushedAt: at(1) }],
      ['checked-early', { followCheckedAt: at(10), pushedAt: at(2) }],
      ['never-pushed-later', { pushedAt: at(4) }],
      ['never-pushed-earlier', { pushedAt: at(3) }],
      ['sold', { flowhubStatus: 'sold', pushedAt: at(0) }],
      ['delivered', { flowhubStatus: 'delivered', pushedAt: at(0) }],
      ['stopped', { followStoppedReason: 'Flowhub answered 404', pushedAt: at(0) }],
      ['cancelled-long-ago', { status: 'cancelled', cancelledAt: new Date(Date.now() - 8 * 86_400_000), pushedAt: at(0) }],
      ['cancelled-lately', { status: 'cancelled', cancelledAt: new Date(), followCheckedAt: at(20), pushedAt: at(0) }],
      ['not-pushed', { pushState: 'failed', flowhubOrderId: null, pushedAt: null }],
    ];
    for (const [externalId, overrides] of orders) {
      await prisma.order.create({
        data: {
          storeId,
          externalId,
          type: 'pickup',
          customer: {},
          contentHash: 'x',
          status: 'confirmed',
          pushState: 'pushed',
          flowhubOrderId: `fh-${externalId}`,
          flowhubStatus: 'new',
          ...overrides,
        },
      });
    }
    const due = await followedOrdersDue(prisma, storeId, 100);
    expect(due.map((order) => order.externalId)).toEqual([
      'never-pushed-earlier',
      'never-pushed-later',
      'checked-early',
      'cancelled-lately',
      'checked-late',
    ]);
    expect(due[0]).toEqual({ id: expect.any(String), externalId: 'never-pushed-earlier', flowhubOrderId: 'fh-never-pushed-earlier' });
    expect((await followedOrdersDue(prisma, storeId, 2)).map((order) => order.externalId)).toEqual([
      'never-pushed-earlier',
      'never-pushed-later',
    ]);
  });

  it('is served by the index of followed orders, in its order', async () => {
    // A store with many finished orders and a few thousand followed ones, half of them checked.
    const storeId = id('store');
    await prisma.store.create({ data: { id: storeId, enabled: true, syncOrders: true } });
    await prisma.$executeRaw`
      INSERT INTO orders (store_id, external_id, type, customer, content_hash, status, push_state, flowhub_order_id, flowhub_status, pushed_at, follow_checked_at)
      SELECT ${storeId}, 'o-' || n, 'pickup', '{}', 'x', 'confirmed', 'pushed', 'fh-' || n, CASE WHEN n % 4 = 0 THEN 'new' ELSE 'sold' END,
             now() - n * interval '1 second', CASE WHEN n % 8 = 0 THEN now() - n * interval '1 millisecond' END
      FROM generate_series(1, 20000) AS n`;
    await prisma.$executeRawUnsafe('ANALYZE orders');
    const plan = await prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${followedOrdersDueSql(storeId, 1000)}`);
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('orders_follow_due_idx');
    // In the index's order: at most the ties of one check time are sorted (incremental sort), never the whole set.
    expect(text).not.toMatch(/^\s*(->\s*)?Sort\s+\(/m);
  });
});
