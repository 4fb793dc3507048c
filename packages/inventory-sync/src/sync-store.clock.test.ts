// Which consumed holds (sales, Maui pushes) a sync releases is decided on the database's clock alone: the sync's
// start is read from PostgreSQL, as the holds' consumedAt is written by it. A worker whose clock is off can
// neither keep a reflected sale counting for ever, nor release one its feed did not reflect yet (a window in
// which the same units could be sold twice).
import { settleHolds } from '@flowhub-sync/db';
import { enableStore, startSyncTestbed, type SyncTestbed } from './testing/sync-testbed';
import { syncStore, type SyncOutcome, type SyncRequest } from './sync-store';

let bed: SyncTestbed;

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 60, seed: 11 });
});
afterAll(() => bed.close());
afterEach(() => jest.useRealTimers());

const HOUR = 3_600_000;

/** Only Date is faked (timers, ticks and I/O run for real): the worker's clock set `offsetMs` away from the database's. */
function workerClockOff(offsetMs: number) {
  jest.useFakeTimers({
    now: Date.now() + offsetMs,
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

const sync = (storeId: string, request: Partial<SyncRequest> = {}) =>
  syncStore(bed.deps, { storeId, trigger: 'manual', acceptShrink: false, ...request }) as Promise<Extract<SyncOutcome, { runId: string }>>;

/**
 * A synced store and a completed order holding one unit of a product; `consume(at)` records the sale (its holds
 * consumed) as another process would, `at` being that process's clock.
 */
async function storeWithSale(storeId: string) {
  await enableStore(bed, storeId);
  await sync(storeId);
  const product = await bed.prisma.product.findFirstOrThrow({ where: { storeId, active: true }, orderBy: { variantId: 'asc' } });
  const order = await bed.prisma.order.create({
    data: { storeId, externalId: `${storeId}-1`, type: 'pickup', customer: {}, contentHash: 'x', status: 'completed' },
  });
  await bed.prisma.inventoryHold.create({ data: { orderId: order.id, line: 0, storeId, variantId: product.variantId, quantity: 1 } });
  await bed.prisma.product.update({ where: { storeId_variantId: { storeId, variantId: product.variantId } }, data: { heldQuantity: 1 } });
  return {
    consume: (at: Date) => bed.prisma.$transaction((tx) => settleHolds(tx, order.id, 'consumed', at)),
    state: async () => (await bed.prisma.inventoryHold.findFirstOrThrow({ where: { orderId: order.id } })).state,
    held: async () =>
      (await bed.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId: product.variantId } } }))
        .heldQuantity,
  };
}

describe("the sync's start and the holds' consumedAt on one clock", () => {
  it('a worker clock an hour behind still releases a sale made before the sync started', async () => {
    const sale = await storeWithSale('clock-behind');
    await sale.consume(new Date()); // the producer, its clock right
    await new Promise((resolve) => setTimeout(resolve, 5));

    workerClockOff(-HOUR);
    const outcome = await sync('clock-behind');

    expect(outcome).toMatchObject({ status: 'succeeded', releasedHolds: 1 });
    expect(await sale.state()).toBe('released');
    expect(await sale.held()).toBe(0);
  });

  it('a worker clock an hour ahead does not release a sale made after the sync read Flowhub', async () => {
    const sale = await storeWithSale('clock-ahead');

    workerClockOff(HOUR);
    // The sale lands once the feed is read (the sync then maps and writes it): this feed does not reflect it. It is
    // recorded by another process (the producer), whose clock is right.
    let consumed = false;
    const outcome = await sync('clock-ahead', {
      onProgress: async ({ phase }) => {
        if (phase === 'mapping' && !consumed) {
          consumed = true;
          await sale.consume(new Date(Date.now() - HOUR));
        }
      },
    });

    expect(consumed).toBe(true);
    expect(outcome).toMatchObject({ status: 'succeeded', releasedHolds: 0 });
    expect(await sale.state()).toBe('consumed');
    expect(await sale.held()).toBe(1);
  });
});
