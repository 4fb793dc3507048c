// Following each order's Flowhub status on its own: an order whose status cannot be read keeps its error to itself
// and the store's poll goes on; every followed order is read within a bounded number of polls, least recently
// checked first; 404s stop following; a 429 ends the poll where the next one resumes; and a stale read (a poll and
// a postback's re-read reading Flowhub outside the transaction) never moves an order back. Flowhub is msw here.
import type { Queue } from 'bullmq';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Registry } from 'prom-client';
import { createLogger, createSecretBox } from '@flowhub-sync/config';
import { readOrderDetails } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { createFlowhubClient, FlowhubError } from '@flowhub-sync/flowhub-client';
import { testEncryptionKey } from '@flowhub-sync/testing';
import { handlePostback, pollStoreStatuses, type StatusPollDependencies } from './order-status-poll';
import { createStatusPollMetrics, type StatusPollMetrics } from '../metrics';

const API = 'https://api.flowhub.test';
const AUTH = 'https://auth.flowhub.test';
const STORE = 's1';
const secrets = createSecretBox(testEncryptionKey());

/** What the fake Flowhub answers for one order id: a status, an HTTP error, or a body of our choosing. */
type Answer = { status: string } | { httpStatus: number } | { body: unknown };

const server = setupServer();
/** Flowhub order id → its answer (default: `new`). */
const answers = new Map<string, Answer>();
/** Order ids in the order Flowhub was asked for them. */
let reads: string[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let db: TestDatabase;
let deps: StatusPollDependencies;
let metrics: StatusPollMetrics;
let queued: string[];

beforeEach(async () => {
  answers.clear();
  reads = [];
  server.resetHandlers(
    http.post(`${AUTH}/oauth/token`, () => HttpResponse.json({ access_token: 'token-1', token_type: 'Bearer', expires_in: 86_400 })),
    http.get(`${API}/order-ahead/v0/orderStatus/:orderId`, ({ params }) => {
      const orderId = String(params.orderId);
      reads.push(orderId);
      const answer = answers.get(orderId) ?? { status: 'new' };
      if ('httpStatus' in answer)
        return HttpResponse.json(
          { message: `answer ${answer.httpStatus}` },
          { status: answer.httpStatus, headers: answer.httpStatus === 429 ? { 'retry-after': '60' } : {} },
        );
      if ('body' in answer) return HttpResponse.json(answer.body as Record<string, unknown>);
      return HttpResponse.json({ orderId, customerExternalId: null, status: answer.status });
    }),
  );
  db = await createTestDatabase();
  metrics = createStatusPollMetrics(new Registry());
  queued = [];
  const webhookQueue = {
    add: async (_name: string, data: { deliveryId: string }) => void queued.push(data.deliveryId),
  } as unknown as Queue;
  deps = {
    prisma: db.prisma,
    flowhub: createFlowhubClient({ apiUrl: API, authUrl: AUTH, maxRetries: 0 }),
    secrets,
    logger: createLogger({ name: 'follow-test', level: 'silent' }),
    webhookQueue,
    metrics,
  };
  await db.prisma.store.create({
    data: {
      id: STORE,
      enabled: true,
      syncOrders: true,
      orderAheadClientId: 'oa-client',
      orderAheadTokenEncrypted: secrets.encrypt('oa-secret'),
      statusWebhookUrl: 'http://127.0.0.1:1/hook',
      statusWebhookSecretEncrypted: secrets.encrypt('whsec'),
    },
  });
});
afterEach(() => db.drop());

const flowhubId = (index: number) => `fh-${String(index).padStart(5, '0')}`;

/** `count` pushed orders at Flowhub status `new`, pushed one millisecond apart (order 0 the oldest). */
async function pushedOrders(count: number, overrides: { status?: 'confirmed' | 'cancelled' } = {}): Promise<string[]> {
  const start = Date.now() - 60_000;
  const rows = Array.from({ length: count }, (_, index) => ({
    storeId: STORE,
    externalId: `A-${index}`,
    type: 'pickup' as const,
    customer: {},
    contentHash: 'x',
    status: overrides.status ?? ('confirmed' as const),
    cancelledAt: overrides.status === 'cancelled' ? new Date() : null,
    pushState: 'pushed' as const,
    flowhubOrderId: flowhubId(index),
    flowhubStatus: 'new',
    pushedAt: new Date(start + index),
  }));
  for (let offset = 0; offset < rows.length; offset += 1000) await db.prisma.order.createMany({ data: rows.slice(offset, offset + 1000) });
  return rows.map((row) => row.externalId);
}

const orderOf = (externalId: string) =>
  db.prisma.order.findUniqueOrThrow({ where: { storeId_externalId: { storeId: STORE, externalId } } });
const detailsOf = async (externalId: string) => (await readOrderDetails(db.sql, (await orderOf(externalId)).id))!;
/** The reads of one call, by order index. */
async function readsOf(work: () => Promise<unknown>): Promise<number[]> {
  const before = reads.length;
  await work();
  return reads.slice(before).map((orderId) => Number(orderId.slice(3)));
}
const staleCount = async () =>
  ((await metrics.registry.getSingleMetric('flowhub_sync_stale_flowhub_statuses_total')?.get())?.values ?? []).reduce(
    (sum, value) => sum + value.value,
    0,
  );
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

describe('an order whose status cannot be read', () => {
  it.each([
    ['an answer without a status', { body: { orderId: flowhubId(1), customerExternalId: null } }, 'no status'],
    ['a 500 for that order alone', { httpStatus: 500 }, '500'],
  ] as const)('%s: the others still arrive in the same poll, its error shows on the order', async (_case, poison, message) => {
    await pushedOrders(5);
    for (const index of [0, 2, 3, 4]) answers.set(flowhubId(index), { status: 'sold' });
    answers.set(flowhubId(1), poison);

    expect(await pollStoreStatuses(deps, STORE)).toMatchObject({ checked: 4, changed: 4, failed: 1 });
    for (const externalId of ['A-0', 'A-2', 'A-3', 'A-4'])
      expect(await orderOf(externalId)).toMatchObject({ status: 'completed', flowhubStatus: 'sold', followErrorCount: 0 });
    const poisoned = await detailsOf('A-1');
    expect(poisoned).toMatchObject({
      status: 'confirmed',
      followErrorCount: 1,
      followError: expect.stringContaining(message),
      followCheckedAt: expect.any(Date),
      followStoppedReason: null,
    });

    // Still followed, and still failing: the count grows. Once it answers, the error is gone.
    await pollStoreStatuses(deps, STORE);
    expect(await orderOf('A-1')).toMatchObject({ followErrorCount: 2 });
    answers.set(flowhubId(1), { status: 'ready' });
    await pollStoreStatuses(deps, STORE);
    expect(await orderOf('A-1')).toMatchObject({ status: 'ready', followErrorCount: 0, followError: null });
  });

  it('Flowhub failing read after read ends the poll (it is retried); the next one starts with the orders not yet read', async () => {
    await pushedOrders(30);
    for (const index of range(0, 30)) answers.set(flowhubId(index), { httpStatus: 503 });
    await expect(pollStoreStatuses(deps, STORE)).rejects.toThrow(/in a row/);
    expect(reads).toHaveLength(10);
    for (const index of range(0, 30)) answers.set(flowhubId(index), { status: 'ready' });
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual([...range(10, 30), ...range(0, 10)]);
  });

  it('rejected credentials still stop the poll for the store, and no order is blamed', async () => {
    await pushedOrders(3);
    answers.set(flowhubId(0), { httpStatus: 401 });
    await expect(pollStoreStatuses(deps, STORE)).rejects.toThrow(/credentials/);
    expect(await orderOf('A-0')).toMatchObject({ followErrorCount: 0, followCheckedAt: null });
  });
});

describe('every followed order is read', () => {
  it('least recently checked first: 30 orders, 20 a poll, all read within two polls', async () => {
    await pushedOrders(30);
    deps.ordersPerPoll = 20;
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual(range(0, 20));
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual([...range(20, 30), ...range(0, 10)]);
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual(range(10, 30));
  });

  it('at real scale: a poisoned order among 1,500 followed ones, every other one is read within two polls', async () => {
    // Flowhub answers in-process here: through msw, 2,000 reads take tens of seconds on a busy machine (the
    // transport and the answers' parsing are covered above). The poisoned order fails as the client fails it.
    await pushedOrders(1_500);
    deps.flowhub = {
      async getOrderStatus(_credentials, orderId) {
        reads.push(orderId);
        if (orderId === flowhubId(7)) {
          throw new FlowhubError('Flowhub sent a malformed response: the order status answer has no status', {
            kind: 'malformed_response',
            endpoint: 'GET /order-ahead/v0/orderStatus/x',
          });
        }
        // The newest orders moved on in Flowhub: with the oldest read first at every poll, they never were.
        return { orderId, customerExternalId: null, customerNote: null, status: Number(orderId.slice(3)) >= 1_490 ? 'ready' : 'new' };
      },
    };

    const first = await readsOf(() => pollStoreStatuses(deps, STORE));
    const second = await readsOf(() => pollStoreStatuses(deps, STORE));
    expect(first).toHaveLength(1_000);
    expect(second.slice(0, 500)).toEqual(range(1_000, 1_500));
    expect(new Set([...first, ...second]).size).toBe(1_500);
    expect(await db.prisma.order.count({ where: { storeId: STORE, followCheckedAt: null } })).toBe(0);
    expect(await db.prisma.order.count({ where: { storeId: STORE, status: 'ready' } })).toBe(10);
    expect(await db.prisma.order.count({ where: { storeId: STORE, followErrorCount: { gt: 0 } } })).toBe(1);
    // Read in both polls (among the first 1,000, then among the 500 least recently checked).
    expect(await orderOf('A-7')).toMatchObject({
      status: 'confirmed',
      followErrorCount: 2,
      followError: expect.stringContaining('no status'),
    });
  });
});

describe('Flowhub does not know the order', () => {
  it('five 404s in a row stop following: the reason is on the order and follow_stopped is sent', async () => {
    await pushedOrders(2);
    answers.set(flowhubId(0), { httpStatus: 404 });
    for (let poll = 1; poll <= 4; poll += 1) await pollStoreStatuses(deps, STORE);
    expect(await orderOf('A-0')).toMatchObject({ followErrorCount: 4, followStoppedReason: null });
    expect(queued).toEqual([]);

    expect(await pollStoreStatuses(deps, STORE)).toMatchObject({ stopped: 1 });
    const stopped = await detailsOf('A-0');
    expect(stopped).toMatchObject({ followErrorCount: 5, followStoppedReason: expect.stringContaining('404') });
    expect(stopped.events.map((event) => event.event)).toContain('follow_stopped');
    const [delivery] = await db.prisma.webhookDelivery.findMany({ where: { orderId: stopped.id } });
    expect(delivery).toMatchObject({
      event: 'follow_stopped',
      payload: expect.objectContaining({
        event: 'follow_stopped',
        externalId: 'A-0',
        status: 'confirmed',
        reason: stopped.followStoppedReason,
      }),
    });
    expect(queued).toEqual([delivery.id]);

    // No longer read; the other order still is.
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual([1]);
  });

  it('a 404 streak broken by an answer starts again', async () => {
    await pushedOrders(1);
    answers.set(flowhubId(0), { httpStatus: 404 });
    for (let poll = 1; poll <= 4; poll += 1) await pollStoreStatuses(deps, STORE);
    answers.set(flowhubId(0), { status: 'new' });
    await pollStoreStatuses(deps, STORE);
    answers.set(flowhubId(0), { httpStatus: 404 });
    for (let poll = 1; poll <= 4; poll += 1) await pollStoreStatuses(deps, STORE);
    expect(await orderOf('A-0')).toMatchObject({ followErrorCount: 4, followStoppedReason: null });
  });
});

describe('Flowhub throttling', () => {
  it('a 429 mid-poll ends that poll; the next poll starts with the orders it did not check', async () => {
    await pushedOrders(10);
    answers.set(flowhubId(4), { httpStatus: 429 });
    expect(await pollStoreStatuses(deps, STORE)).toMatchObject({ checked: 4, deferred: 6 });
    expect(reads.map((orderId) => Number(orderId.slice(3)))).toEqual(range(0, 5));
    // The throttled order was not checked: it is not blamed.
    expect(await orderOf('A-4')).toMatchObject({ followErrorCount: 0, followCheckedAt: null });

    answers.delete(flowhubId(4));
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual([...range(4, 10), ...range(0, 4)]);
  });
});

/**
 * Flowhub answers the first status read slowly, with `stale` (it was true when Flowhub answered), and every later
 * read at once with `current`: the first reader applies its answer after a later reader applied the newer one.
 */
function slowFirstAnswer(stale: string, current: string) {
  let answered = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  server.use(
    http.get(`${API}/order-ahead/v0/orderStatus/:orderId`, async ({ params }) => {
      reads.push(String(params.orderId));
      answered += 1;
      if (answered === 1) {
        arrived();
        await gate;
        return HttpResponse.json({ orderId: params.orderId, customerExternalId: null, status: stale });
      }
      return HttpResponse.json({ orderId: params.orderId, customerExternalId: null, status: current });
    }),
  );
  return { firstArrived, release };
}

describe('statuses only move forward', () => {
  it('a postback that read ready before a poll read and applied sold changes nothing when it applies last', async () => {
    await pushedOrders(1);
    const order = await orderOf('A-0');
    const flowhub = slowFirstAnswer('ready', 'sold');
    const postback = handlePostback(deps, STORE, order.id);
    await flowhub.firstArrived;
    expect(await pollStoreStatuses(deps, STORE)).toMatchObject({ changed: 1 });
    const sold = await detailsOf('A-0');
    flowhub.release();
    expect(await postback).toMatchObject({ changed: 0 });
    const after = await detailsOf('A-0');
    expect(after).toMatchObject({ status: 'completed', flowhubStatus: 'sold' });
    expect(after.events).toEqual(sold.events);
    expect(await staleCount()).toBe(1);
    // Finished, and not followed again: the next poll does not read it.
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual([]);
  });

  it('a poll that read ready before a postback applied sold changes nothing when it applies last', async () => {
    await pushedOrders(1);
    const order = await orderOf('A-0');
    const flowhub = slowFirstAnswer('ready', 'sold');
    const poll = pollStoreStatuses(deps, STORE);
    await flowhub.firstArrived;
    expect(await handlePostback(deps, STORE, order.id)).toMatchObject({ changed: 1 });
    flowhub.release();
    expect(await poll).toMatchObject({ changed: 0, stale: 1 });
    expect(await orderOf('A-0')).toMatchObject({ status: 'completed', flowhubStatus: 'sold' });
    expect(await staleCount()).toBe(1);
    expect(await readsOf(() => pollStoreStatuses(deps, STORE))).toEqual([]);
  });

  it('an order cancelled here and sold in Flowhub: one conflict webhook, whatever stale read applies after', async () => {
    await pushedOrders(1, { status: 'cancelled' });
    const order = await orderOf('A-0');
    const flowhub = slowFirstAnswer('ready', 'sold');
    const postback = handlePostback(deps, STORE, order.id);
    await flowhub.firstArrived;
    expect(await pollStoreStatuses(deps, STORE)).toMatchObject({ conflicts: 1 });
    flowhub.release();
    await postback;
    // Later polls: the order is not followed again, so its sale is not reported again.
    await pollStoreStatuses(deps, STORE);
    await pollStoreStatuses(deps, STORE);
    expect(await orderOf('A-0')).toMatchObject({ status: 'cancelled', flowhubStatus: 'sold' });
    expect((await db.prisma.webhookDelivery.findMany({ where: { orderId: order.id } })).map((delivery) => delivery.event)).toEqual([
      'conflict',
    ]);
  });
});
