// A confirmed order whose store was disabled, or stopped syncing orders, before its push ran: the push is
// skipped, but not silently (the reason on the order, the platform's push_skipped webhook), and the order is
// left where the producer queues it again once the store syncs orders again.
import type { Job } from 'bullmq';
import { createLogger, createSecretBox } from '@flowhub-sync/config';
import { isSkippedPush, requeueSkippedPushes, type PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import type { FlowhubClient } from '@flowhub-sync/flowhub-client';
import { testEncryptionKey } from '@flowhub-sync/testing';
import { createPushStore, insertOrder, orderRow } from '../testing/push-fixtures';
import { orderPushProcessor, type OrderPushResult } from './order-push';

let db: TestDatabase;
let prisma: PrismaClient;
let processor: (job: Job) => Promise<OrderPushResult>;
let creates = 0;
const secrets = createSecretBox(testEncryptionKey());

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
  const flowhub: Pick<FlowhubClient, 'createOrder'> = {
    createOrder: async () => {
      creates += 1;
      return { orderId: `fh-${creates}`, status: 'new' } as Awaited<ReturnType<FlowhubClient['createOrder']>>;
    },
  };
  const logger = createLogger({ name: 'order-push-skipped-test', level: 'silent' });
  const push = orderPushProcessor({ prisma, sql: db.sql, flowhub, secrets, logger });
  processor = (job) => push.run(job, undefined, logger);
});
afterAll(() => db?.drop());

const jobOf = (storeId: string, externalId: string) =>
  ({
    id: `order-push:${storeId}:${externalId}`,
    data: { storeId, externalId },
    attemptsMade: 0,
    opts: { attempts: 8 },
    updateData: async () => undefined,
  }) as unknown as Job;

async function storeWithOrder(storeId: string, externalId: string) {
  await createPushStore(prisma, secrets, storeId, { statusWebhookUrl: 'https://platform.example.com/hooks/flowhub' });
  await prisma.product.create({ data: { storeId, variantId: 'v-1', productId: 'p-1', name: 'One', posQuantity: 10, contentHash: 'h' } });
  await insertOrder(prisma, storeId, { externalId, items: [{ variantId: 'v-1', quantity: 2 }] });
}

describe('a push whose store stopped syncing orders before it ran', () => {
  it.each([
    ['stopped syncing orders', { syncOrders: false }, /the store stopped syncing orders to Flowhub before the push ran/],
    ['was disabled', { enabled: false }, /the store was disabled before the push ran/],
  ])('the store %s: not_pushed with the reason, a push_skipped webhook, holds kept', async (_case, change, reason) => {
    const storeId = `skipped-${Object.keys(change)[0]}`;
    await storeWithOrder(storeId, 'SKIP-1');
    await prisma.store.update({ where: { id: storeId }, data: change });
    const before = creates;

    const result = await processor(jobOf(storeId, 'SKIP-1'));

    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringMatching(reason) });
    expect(creates).toBe(before);
    const order = await orderRow(prisma, storeId, 'SKIP-1');
    expect(order).toMatchObject({ status: 'confirmed', pushState: 'not_pushed', pushError: expect.stringMatching(reason) });
    expect(isSkippedPush(order)).toBe(true);
    // The reason in the event's details, never in its cause.
    expect(order.events).toEqual([expect.objectContaining({ event: 'push_skipped', cause: null, details: { reason: order.pushError } })]);
    expect(order.holds.map((hold) => hold.state)).toEqual(['held']);
    const deliveries = await prisma.webhookDelivery.findMany({ where: { orderId: order.id } });
    expect(deliveries).toEqual([expect.objectContaining({ event: 'push_skipped' })]);
    expect(deliveries[0].payload).toMatchObject({ externalId: 'SKIP-1', event: 'push_skipped', status: 'confirmed' });

    // Once the store syncs orders again, the producer queues it again and the push goes through.
    await prisma.store.update({ where: { id: storeId }, data: { enabled: true, syncOrders: true } });
    expect(await requeueSkippedPushes(db.sql, storeId)).toEqual(['SKIP-1']);
    expect(await processor(jobOf(storeId, 'SKIP-1'))).toMatchObject({ status: 'pushed' });
    expect(creates).toBe(before + 1);
  });

  it('an order cancelled before its push is skipped quietly: not an order waiting for its store', async () => {
    await storeWithOrder('skipped-cancelled', 'CANCELLED-1');
    await prisma.order.update({
      where: { storeId_externalId: { storeId: 'skipped-cancelled', externalId: 'CANCELLED-1' } },
      data: { status: 'cancelled' },
    });
    expect(await processor(jobOf('skipped-cancelled', 'CANCELLED-1'))).toMatchObject({ status: 'skipped' });
    const order = await orderRow(prisma, 'skipped-cancelled', 'CANCELLED-1');
    expect(order).toMatchObject({ pushState: 'not_pushed', pushError: null });
    expect(await prisma.webhookDelivery.count({ where: { orderId: order.id } })).toBe(0);
  });
});
