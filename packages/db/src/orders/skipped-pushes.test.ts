// Pushes skipped because the store stopped syncing orders: recorded with their reason and a webhook, queued
// again when the store syncs orders again, and never crossed by a settings save that switches order sync back on.
import { randomUUID } from 'node:crypto';
import { isSkippedPush, recordPushSkipped, requeueSkippedPushes, type PrismaClient, type PushState, type OrderStatus } from '../index';
import { createTestDatabase, type TestDatabase } from '../testing';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

async function store(settings: { enabled?: boolean; syncOrders?: boolean; webhook?: boolean } = {}) {
  const id = `skip-${randomUUID().slice(0, 8)}`;
  await prisma.store.create({
    data: {
      id,
      enabled: settings.enabled ?? false,
      syncOrders: settings.syncOrders ?? true,
      ...(settings.webhook ? { statusWebhookUrl: 'https://platform.example.com/hook', statusWebhookSecretEncrypted: 'sealed' } : {}),
    },
  });
  return id;
}

async function order(
  storeId: string,
  externalId: string,
  data: { status?: OrderStatus; pushState?: PushState; pushError?: string | null } = {},
) {
  return prisma.order.create({
    data: {
      storeId,
      externalId,
      type: 'pickup',
      customer: {},
      contentHash: 'c',
      status: data.status ?? 'confirmed',
      pushState: data.pushState ?? 'queued',
      pushError: data.pushError ?? null,
    },
  });
}

const REASON = 'not pushed: the store was disabled before the push ran';

describe('recordPushSkipped', () => {
  it('not_pushed with the reason, a push_skipped event and the push_skipped webhook', async () => {
    const storeId = await store({ webhook: true });
    const { id } = await order(storeId, 'S-1');

    const outcome = await recordPushSkipped(prisma, id, REASON);

    expect(outcome).toEqual({ skipped: true, deliveries: [expect.any(String)] });
    const row = await prisma.order.findUniqueOrThrow({ where: { id }, include: { events: true, webhookDeliveries: true } });
    expect(row).toMatchObject({ pushState: 'not_pushed', pushError: REASON });
    expect(isSkippedPush(row)).toBe(true);
    expect(row.events).toEqual([expect.objectContaining({ event: 'push_skipped', cause: null, details: { reason: REASON } })]);
    expect(row.webhookDeliveries).toEqual([
      expect.objectContaining({ id: outcome.skipped ? outcome.deliveries[0] : '', event: 'push_skipped' }),
    ]);
    expect(row.webhookDeliveries[0].payload).toMatchObject({ externalId: 'S-1', event: 'push_skipped', status: 'confirmed' });

    // Again (a second run of the job): nothing more.
    expect(await recordPushSkipped(prisma, id, REASON)).toEqual({ skipped: false, storeSyncsOrders: false });
    expect(await prisma.orderEvent.count({ where: { orderId: id } })).toBe(1);
  });

  it('skips nothing when the store syncs orders again by the time it is recorded', async () => {
    const storeId = await store({ enabled: true });
    const { id } = await order(storeId, 'S-2');
    expect(await recordPushSkipped(prisma, id, REASON)).toEqual({ skipped: false, storeSyncsOrders: true });
    expect(await prisma.order.findUniqueOrThrow({ where: { id } })).toMatchObject({ pushState: 'queued', pushError: null });
  });

  it('waits for a settings save under way, and then sees it', async () => {
    const storeId = await store();
    const { id } = await order(storeId, 'S-3');
    // A save that switches order sync on holds the store's row until it commits.
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const save = prisma.$transaction(async (tx) => {
      await tx.store.update({ where: { id: storeId }, data: { enabled: true } });
      locked();
      await committed;
    });
    await isLocked;
    const skip = recordPushSkipped(prisma, id, REASON);
    await new Promise((resolve) => setTimeout(resolve, 100));
    commit();
    await save;
    expect(await skip).toEqual({ skipped: false, storeSyncsOrders: true });
  });
});

describe('requeueSkippedPushes', () => {
  it("queues again the store's skipped confirmed orders, and only those", async () => {
    const storeId = await store();
    const skipped = await order(storeId, 'R-1');
    await recordPushSkipped(prisma, skipped.id, REASON);
    const neverQueued = await order(storeId, 'R-2', { pushState: 'not_pushed' }); // confirmed while the store did not sync orders
    const cancelled = await order(storeId, 'R-3', { status: 'cancelled', pushState: 'not_pushed', pushError: REASON });
    const failed = await order(storeId, 'R-4', { pushState: 'failed', pushError: 'Flowhub refused the order' });
    const otherStore = await store();
    const elsewhere = await order(otherStore, 'R-5');
    await recordPushSkipped(prisma, elsewhere.id, REASON);

    // Not while the store still does not sync orders.
    expect(await requeueSkippedPushes(db.sql, storeId)).toEqual([]);

    await prisma.store.update({ where: { id: storeId }, data: { enabled: true, syncOrders: true } });
    expect(await requeueSkippedPushes(db.sql, storeId)).toEqual(['R-1']);

    const state = async (id: string) => prisma.order.findUniqueOrThrow({ where: { id }, select: { pushState: true, pushError: true } });
    expect(await state(skipped.id)).toEqual({ pushState: 'queued', pushError: null });
    expect(await state(neverQueued.id)).toEqual({ pushState: 'not_pushed', pushError: null });
    expect(await state(cancelled.id)).toEqual({ pushState: 'not_pushed', pushError: REASON });
    expect(await state(failed.id)).toEqual({ pushState: 'failed', pushError: 'Flowhub refused the order' });
    expect(await state(elsewhere.id)).toEqual({ pushState: 'not_pushed', pushError: REASON });
    const [requeued] = await prisma.orderEvent.findMany({ where: { orderId: skipped.id, event: 'push_queued' } });
    expect(requeued).toMatchObject({ cause: null, details: { skippedBecause: REASON, reason: 'the store syncs orders again' } });

    // Once only.
    expect(await requeueSkippedPushes(db.sql, storeId)).toEqual([]);
  });
});
