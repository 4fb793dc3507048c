import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger, createSecretBox } from '@flowhub-sync/config';
import { releaseReflectedHolds } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { createFlowhubClient } from '@flowhub-sync/flowhub-client';
import { startSimulator } from '@flowhub-sync/flowhub-sim';
import { startWorkers } from '@flowhub-sync/queues';
import { serviceUrls, testEncryptionKey, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { handlePostback, orderStatusPollProcessor, pollStoreStatuses, type StatusPollDependencies } from './order-status-poll';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
let db: TestDatabase;
let deps: StatusPollDependencies;
let flowhub: ReturnType<typeof createFlowhubClient>;
let productId: string;
const secrets = createSecretBox(testEncryptionKey());

beforeAll(async () => {
  sim = await startSimulator({ rows: 50, seed: 5 });
  const page = (await (await fetch(`${sim.url}/__sim/locations/demo-location/products?limit=5`)).json()) as
    { items?: { productId: string; quantity?: number }[] } | { productId: string }[];
  const items = Array.isArray(page) ? page : page.items!;
  productId = items[0].productId;
});
afterAll(() => sim.close());
beforeEach(async () => {
  db = await createTestDatabase();
  flowhub = createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url, maxRetries: 0 });
  deps = {
    prisma: db.prisma,
    flowhub,
    secrets,
    logger: createLogger({ name: 'poll-test', level: 'silent' }),
  };
  await db.prisma.store.create({
    data: {
      id: 's1',
      enabled: true,
      syncOrders: true,
      orderAheadClientId: 'demo-oa-client',
      orderAheadTokenEncrypted: secrets.encrypt('demo-oa-secret'),
      statusWebhookUrl: 'http://127.0.0.1:1/hook',
      statusWebhookSecretEncrypted: secrets.encrypt('whsec'),
    },
  });
  await db.prisma.product.create({
    data: { storeId: 's1', variantId: 'v1', name: 'Gummies', contentHash: 'x', posQuantity: 10, heldQuantity: 2 },
  });
});
afterEach(() => db.drop());

/**
 * An order Flowhub really has (created in the simulator, its customerNote naming it as a push names it; every order
 * of one customer), pushed, holding 2 units of v1.
 */
async function pushedOrder(
  externalId: string,
  overrides: { status?: 'confirmed' | 'cancelled'; pushState?: 'pushed' | 'needs_reconciliation'; customerNote?: string } = {},
) {
  const created = await flowhub.createOrder({ clientId: 'demo-oa-client', clientSecret: 'demo-oa-secret' }, {
    externalCreatedAt: new Date().toISOString(),
    customer: { externalId: 'cust-1', phone: '+15555550123', medRecOrBoth: 'rec' },
    orderItems: [{ productId, quantityPurchased: 1 }],
    orderType: 'pickup',
    customerNote: overrides.customerNote ?? `Order ${externalId}`,
  } as never);
  const needsReconciliation = overrides.pushState === 'needs_reconciliation';
  const order = await db.prisma.order.create({
    data: {
      storeId: 's1',
      externalId,
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status: overrides.status ?? 'confirmed',
      cancelledAt: overrides.status === 'cancelled' ? new Date() : null,
      pushState: overrides.pushState ?? 'pushed',
      flowhubOrderId: needsReconciliation ? null : created.orderId,
      flowhubStatus: needsReconciliation ? null : 'new',
      pushedAt: new Date(),
      postbackToken: randomBytes(24).toString('base64url'),
      items: { create: [{ line: 0, variantId: 'v1', quantity: 2 }] },
      holds: {
        create: [
          {
            line: 0,
            storeId: 's1',
            variantId: 'v1',
            quantity: 2,
            state: overrides.status === 'cancelled' ? 'released' : 'held',
            releasedAt: overrides.status === 'cancelled' ? new Date() : null,
          },
        ],
      },
    },
  });
  return { order, flowhubOrderId: created.orderId };
}

/**
 * Flowhub as it would be if its orderStatus answer carried the order's customerNote (the published answer does not,
 * and neither does the simulator): the answer of the simulator, with the note its order was created with.
 */
const answersWithNotes = (): StatusPollDependencies['flowhub'] => ({
  async getOrderStatus(credentials, orderId, options) {
    const answer = await flowhub.getOrderStatus(credentials, orderId, options);
    const note = sim.state.orders.get(orderId)?.payload.customerNote;
    return { ...answer, customerNote: typeof note === 'string' ? note : null };
  },
});

const setFlowhubStatus = (flowhubOrderId: string, status: string) =>
  fetch(`${sim.url}/__sim/orders/${flowhubOrderId}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
const orderOf = (externalId: string) =>
  db.prisma.order.findFirstOrThrow({ where: { externalId }, include: { holds: true, events: { orderBy: { at: 'asc' } } } });
const held = async () => (await db.prisma.product.findFirstOrThrow({ where: { variantId: 'v1' } })).heldQuantity;
const statusReads = () => sim.state.requests.snapshot().byEndpoint.orderStatus ?? 0;

describe('status poll', () => {
  it('follows a full lifecycle to completed, holds consumed and then released by the next sync', async () => {
    const { flowhubOrderId } = await pushedOrder('A-1');
    const seen: string[] = [];
    for (const [flowhub, expected] of [
      ['started', 'preparing'],
      ['ready', 'ready'],
      ['inTransit', 'out_for_delivery'],
      ['Sold', 'completed'], // the live API's case drift
    ] as const) {
      await setFlowhubStatus(flowhubOrderId, flowhub);
      const result = await pollStoreStatuses(deps, 's1');
      expect(result).toMatchObject({ checked: 1, changed: 1 });
      seen.push((await orderOf('A-1')).status);
      expect(seen.at(-1)).toBe(expected);
    }
    const order = await orderOf('A-1');
    expect(order.completedAt).not.toBeNull();
    expect(order.holds.map((hold) => hold.state)).toEqual(['consumed']);
    expect(await held()).toBe(2); // the sale may not be in Flowhub's quantity yet
    expect(
      order.events.filter((event) => event.event === 'status_changed').map((event) => `${event.fromStatus}>${event.toStatus}`),
    ).toEqual(['confirmed>preparing', 'preparing>ready', 'ready>out_for_delivery', 'out_for_delivery>completed']);
    const deliveries = await db.prisma.webhookDelivery.findMany({ orderBy: { sequence: 'asc' } });
    expect(deliveries.map((delivery) => [delivery.sequence, (delivery.payload as { status: string }).status])).toEqual([
      [1, 'preparing'],
      [2, 'ready'],
      [3, 'out_for_delivery'],
      [4, 'completed'],
    ]);
    expect(await releaseReflectedHolds(db.prisma, 's1', new Date(), new Date())).toBe(1);
    expect(await held()).toBe(0);

    // Finished: never read from Flowhub again.
    const reads = statusReads();
    expect(await pollStoreStatuses(deps, 's1')).toMatchObject({ checked: 0 });
    expect(statusReads()).toBe(reads);
    expect((await db.prisma.store.findUniqueOrThrow({ where: { id: 's1' } })).lastStatusPollAt).not.toBeNull();
  });

  it('releases the holds when Flowhub cancels the order', async () => {
    const { flowhubOrderId } = await pushedOrder('A-2');
    await setFlowhubStatus(flowhubOrderId, 'unableToComplete');
    await pollStoreStatuses(deps, 's1');
    const order = await orderOf('A-2');
    expect(order.status).toBe('cancelled');
    expect(order.holds.map((hold) => hold.state)).toEqual(['released']);
    expect(await held()).toBe(0);
  });

  it('records a Flowhub sale of an order cancelled here as a conflict, without applying it', async () => {
    const { flowhubOrderId } = await pushedOrder('A-3', { status: 'cancelled' });
    await setFlowhubStatus(flowhubOrderId, 'sold');
    expect(await pollStoreStatuses(deps, 's1')).toMatchObject({ checked: 1, conflicts: 1, changed: 0 });
    const order = await orderOf('A-3');
    expect(order.status).toBe('cancelled');
    expect(order.flowhubStatus).toBe('sold');
    expect(order.events.find((event) => event.event === 'flowhub_conflict')?.details).toMatchObject({
      message: expect.stringContaining('cancelled here'),
    });
    expect((await db.prisma.webhookDelivery.findFirstOrThrow()).event).toBe('conflict');
  });

  it('still follows the open orders of a store that stopped syncing orders', async () => {
    const { flowhubOrderId } = await pushedOrder('A-4');
    await db.prisma.store.update({ where: { id: 's1' }, data: { enabled: false, syncOrders: false } });
    await setFlowhubStatus(flowhubOrderId, 'ready');
    await pollStoreStatuses(deps, 's1');
    expect((await orderOf('A-4')).status).toBe('ready');
  });
});

describe('postbacks', () => {
  it('a postback re-reads Flowhub: the change is visible at once, and a forged status changes nothing', async () => {
    const { order, flowhubOrderId } = await pushedOrder('B-1');
    // Forged: Flowhub still says "new", whatever the caller claims.
    await handlePostback(deps, 's1', order.id, flowhubOrderId);
    expect((await orderOf('B-1')).status).toBe('confirmed');

    await setFlowhubStatus(flowhubOrderId, 'ready');
    const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = `{postback-${randomBytes(3).toString('hex')}}`;
    const worker = startWorkers([orderStatusPollProcessor(deps)], { owns: ['order-status-poll'], connection, prefix, logger: deps.logger });
    const queue = new Queue('order-status-poll', { connection: connection.duplicate(), prefix });
    try {
      await queue.add('order-status-poll:s1', { storeId: 's1', orderId: order.id });
      await waitFor(async () => (await orderOf('B-1')).status === 'ready', { what: 'the postback to apply', timeoutMs: 10_000 });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    }
  });

  it("a postback naming the Flowhub order resolves an order whose push outcome was unknown, when Flowhub's order names it in its customerNote", async () => {
    deps.flowhub = answersWithNotes();
    const { order, flowhubOrderId } = await pushedOrder('B-2', { pushState: 'needs_reconciliation' });
    // Orders of the same customer (customer.externalId cust-1), one of them with a note that only starts like B-2's.
    const other = await pushedOrder('B-3');
    const lookalike = await pushedOrder('B-20');
    for (const claimed of [other.flowhubOrderId, lookalike.flowhubOrderId, 'no-such-order']) {
      expect(await handlePostback(deps, 's1', order.id, claimed)).toMatchObject({ reconciled: false });
    }
    expect((await orderOf('B-2')).pushState).toBe('needs_reconciliation');

    expect(await handlePostback(deps, 's1', order.id, flowhubOrderId)).toMatchObject({ reconciled: true });
    const resolved = await orderOf('B-2');
    expect(resolved).toMatchObject({ pushState: 'pushed', flowhubOrderId, flowhubStatus: 'new' });
    expect(resolved.events.map((event) => event.event)).toContain('reconciled_by_postback');
  });

  it("leaves the order for a person when Flowhub's answer cannot tie the claimed order to it (the published answer has no customerNote)", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    deps.logger = createLogger({ name: 'poll-test', level: 'warn', destination: sink });
    const { order, flowhubOrderId } = await pushedOrder('B-5', { pushState: 'needs_reconciliation' });
    // The simulator answers as Flowhub documents it: {orderId, customerExternalId, status}, no customerNote.
    expect(await handlePostback(deps, 's1', order.id, flowhubOrderId)).toMatchObject({ reconciled: false, checked: 0 });
    expect(await orderOf('B-5')).toMatchObject({ pushState: 'needs_reconciliation', flowhubOrderId: null });
    expect(lines).toEqual([
      expect.objectContaining({
        externalId: 'B-5',
        claimedFlowhubOrderId: flowhubOrderId,
        msg: expect.stringMatching(/cannot be tied to this order.*carries no customerNote.*for a person/),
      }),
    ]);

    // A note naming another order does not tie either, even with the customer's externalId matching.
    deps.flowhub = answersWithNotes();
    const noted = await pushedOrder('B-6', { pushState: 'needs_reconciliation', customerNote: 'Order B-7: Gate code 1234' });
    expect(await handlePostback(deps, 's1', noted.order.id, noted.flowhubOrderId)).toMatchObject({ reconciled: false });
    expect((await orderOf('B-6')).pushState).toBe('needs_reconciliation');
    expect(lines[1]).toMatchObject({ externalId: 'B-6', msg: expect.stringContaining('its customerNote names another order') });
  });

  it('a postback resolving an order cancelled here (on a Maui store) says it must be cancelled in Flowhub, and hands no stock over', async () => {
    deps.flowhub = answersWithNotes();
    await db.prisma.store.update({ where: { id: 's1' }, data: { maui: true } });
    try {
      const { order, flowhubOrderId } = await pushedOrder('B-4', { status: 'cancelled', pushState: 'needs_reconciliation' });
      expect(await handlePostback(deps, 's1', order.id, flowhubOrderId)).toMatchObject({ reconciled: true });
      const resolved = await orderOf('B-4');
      expect(resolved).toMatchObject({ status: 'cancelled', pushState: 'pushed', flowhubOrderId, fulfilled: false });
      expect(resolved.events.find((event) => event.event === 'flowhub_cancel_required')?.details).toMatchObject({ flowhubOrderId });
      const deliveries = await db.prisma.webhookDelivery.findMany({ where: { orderId: order.id } });
      expect(deliveries.map((delivery) => delivery.event)).toContain('cancel_required_in_flowhub');
    } finally {
      await db.prisma.store.update({ where: { id: 's1' }, data: { maui: false } });
    }
  });
});

describe('the order-status-poll processor', () => {
  it('fails a job with an invalid payload at once instead of burning its retries', async () => {
    const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniqueQueuePrefix('status-poll-invalid');
    const worker = startWorkers([orderStatusPollProcessor(deps)], { owns: ['order-status-poll'], connection, prefix, logger: deps.logger });
    const queueConnection = connection.duplicate();
    const queue = new Queue('order-status-poll', { connection: queueConnection, prefix });
    try {
      const job = await queue.add(
        'order-status-poll:s1',
        { storeId: 's1', orderId: 'not-a-uuid' },
        { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
      );
      await waitFor(async () => (await job.getState()) === 'failed', { what: 'the invalid job to fail' });
      const failed = (await queue.getJob(job.id!))!;
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/^invalid order-status-poll job payload: orderId /);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await queueConnection.quit();
      await connection.quit();
    }
  });
});
