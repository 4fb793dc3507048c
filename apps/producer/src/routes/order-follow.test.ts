// GET of an order shows how following its Flowhub status goes: what the order-worker records on the order when a
// read fails (packages/db recordFollowFailure), and when it succeeds (applyFlowhubRead), is what the API shows.
import { applyFlowhubRead, FOLLOW_STOP_AFTER_NOT_FOUND, inOrderTransaction, recordFollowFailure } from '@flowhub-sync/db';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';

let h: ProducerHarness;
beforeAll(async () => {
  h = await createProducerHarness();
  await h.db.prisma.store.create({
    data: { id: 's1', enabled: true, syncOrders: true, statusWebhookUrl: 'https://hooks.example.com/flowhub' },
  });
});
afterAll(() => h.close());

const get = async (externalId: string) =>
  (await h.app.inject({ method: 'GET', url: `/v1/stores/s1/orders/${externalId}`, headers: auth })).json();
const pushedOrder = (externalId: string) =>
  h.db.prisma.order.create({
    data: {
      storeId: 's1',
      externalId,
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status: 'confirmed',
      pushState: 'pushed',
      flowhubOrderId: `fh-${externalId}`,
      flowhubStatus: 'new',
      pushedAt: new Date(),
    },
  });
const failRead = (orderId: string, message: string, notFound = false) =>
  inOrderTransaction(h.db.prisma, (tx) => recordFollowFailure(tx, orderId, new Date(), { message, notFound }));

describe('GET /v1/stores/{storeId}/orders/{externalId}: follow', () => {
  it('a pushed order never read yet', async () => {
    await pushedOrder('F-1');
    expect((await get('F-1')).follow).toEqual({ lastCheckedAt: null, lastError: null, errorCount: 0, stoppedReason: null });
  });

  it("the last read's error and the failures in a row; a successful read clears them", async () => {
    const order = await pushedOrder('F-2');
    await failRead(order.id, 'Flowhub sent a malformed response: the order status answer has no status');
    await failRead(order.id, 'Flowhub is unavailable (500)');
    const failing = await get('F-2');
    expect(failing.follow).toEqual({
      lastCheckedAt: expect.any(String),
      lastError: 'Flowhub is unavailable (500)',
      errorCount: 2,
      stoppedReason: null,
    });

    await applyFlowhubRead(h.db.prisma, order.id, 'ready', new Date(), 'poll');
    const read = await get('F-2');
    expect(read).toMatchObject({
      status: 'ready',
      flowhubStatus: 'ready',
      follow: { lastError: null, errorCount: 0, stoppedReason: null },
    });
    expect(Date.parse(read.follow.lastCheckedAt)).toBeGreaterThanOrEqual(Date.parse(failing.follow.lastCheckedAt));
  });

  it('following stopped after 404s: the reason, in the history too', async () => {
    const order = await pushedOrder('F-3');
    for (let read = 0; read < FOLLOW_STOP_AFTER_NOT_FOUND; read += 1)
      await failRead(order.id, 'Flowhub does not know this resource (404)', true);
    const stopped = await get('F-3');
    expect(stopped.follow).toMatchObject({ errorCount: FOLLOW_STOP_AFTER_NOT_FOUND, stoppedReason: expect.stringContaining('404') });
    expect(stopped.history.at(-1)).toMatchObject({
      event: 'follow_stopped',
      cause: 'flowhub',
      details: { reason: stopped.follow.stoppedReason },
    });
  });
});
