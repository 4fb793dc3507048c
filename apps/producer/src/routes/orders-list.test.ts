// GET /v1/stores/{storeId}/orders: the store's orders newest first with cursor paging, and `attention=true`,
// the one list on-call needs (packages/db/src/orders/order-list.ts); and the orders-by-push-state gauge.
import type { OrderStatus, Prisma, PushState } from '@flowhub-sync/db';
import { metricSample } from '@flowhub-sync/testing';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';

let h: ProducerHarness;
beforeAll(async () => {
  h = await createProducerHarness();
  await h.db.prisma.store.createMany({
    data: [{ id: 'oncall', enabled: true, syncOrders: true }, { id: 'other', enabled: true }, { id: 'empty' }],
  });
  await seed();
});
afterAll(() => h.close());

const list = (storeId: string, query = '') =>
  h.app.inject({ method: 'GET', url: `/v1/stores/${storeId}/orders${query ? `?${query}` : ''}`, headers: auth });

const base = Date.parse('2026-11-27T10:00:00.000Z');
let minute = 0;
async function order(
  externalId: string,
  data: {
    status?: OrderStatus;
    pushState?: PushState;
    pushError?: string;
    flowhubStatus?: string;
    duplicateFlowhubOrderIds?: string[];
    followStoppedReason?: string;
  } = {},
  events: { event: string; cause?: string; details?: Prisma.InputJsonValue }[] = [],
  storeId = 'oncall',
) {
  const created = await h.db.prisma.order.create({
    data: {
      storeId,
      externalId,
      type: 'pickup',
      customer: {},
      contentHash: 'c',
      status: data.status ?? 'confirmed',
      pushState: data.pushState ?? 'pushed',
      pushError: data.pushError ?? null,
      flowhubStatus: data.flowhubStatus ?? null,
      ...(data.duplicateFlowhubOrderIds ? { duplicateFlowhubOrderIds: data.duplicateFlowhubOrderIds } : {}),
      ...(data.followStoppedReason ? { followStoppedReason: data.followStoppedReason } : {}),
      createdAt: new Date(base + ++minute * 60_000),
    },
  });
  for (const event of events) await h.db.prisma.orderEvent.create({ data: { orderId: created.id, ...event } });
}

const CANCEL_MESSAGE =
  "the order was already pushed to Flowhub (Flowhub order fh-e): cancel it in Flowhub too, Flowhub's API offers no cancel";

/** Oldest first: the list answers newest first. */
async function seed() {
  await order('A-fine', { flowhubStatus: 'new' });
  await order('B-failed', { pushState: 'failed', pushError: 'Flowhub refused the order: product p-1 is not a product of this location' });
  await order('C-unknown', { pushState: 'needs_reconciliation', pushError: "Flowhub's answer to the create was lost" });
  await order('D-duplicate', { duplicateFlowhubOrderIds: ['fh-d2'] });
  await order('E-cancel', { status: 'cancelled', flowhubStatus: 'new' }, [
    { event: 'flowhub_cancel_required', cause: 'cancelled', details: { flowhubOrderId: 'fh-e', message: CANCEL_MESSAGE } },
  ]);
  await order('F-cancelled-there', { status: 'cancelled', flowhubStatus: 'deleted' }, [
    { event: 'flowhub_cancel_required', cause: 'cancelled', details: { message: 'cancel it' } },
  ]);
  await order('G-unfollowed', { followStoppedReason: 'Flowhub answered 404 for this order 5 times in a row' });
  await order('H-sold-there', { status: 'cancelled', flowhubStatus: 'sold' }, [
    { event: 'flowhub_cancel_required', cause: 'cancelled', details: { message: 'cancel it in Flowhub too' } },
    { event: 'flowhub_conflict', cause: 'flowhub' },
  ]);
  await order('I-duplicate-event', {}, [{ event: 'duplicate_in_flowhub', cause: 'a late answer', details: { flowhubOrderId: 'fh-i2' } }]);
  await order('J-skipped', { pushState: 'not_pushed', pushError: 'not pushed: the store was disabled before the push ran' });
  await order('K-completed', { status: 'completed', flowhubStatus: 'sold' });
  await order('Z-failed-elsewhere', { pushState: 'failed', pushError: 'x' }, [], 'other');
}

describe('GET /v1/stores/{storeId}/orders?attention=true', () => {
  it('lists the orders that need a person, newest first, each with why', async () => {
    const response = await list('oncall', 'attention=true');
    expect(response.statusCode).toBe(200);
    const { items, nextCursor } = response.json();
    expect(nextCursor).toBeNull();
    expect(items.map((item: { externalId: string }) => item.externalId)).toEqual([
      'I-duplicate-event',
      'H-sold-there',
      'G-unfollowed',
      'E-cancel',
      'D-duplicate',
      'C-unknown',
      'B-failed',
    ]);
    const byId = Object.fromEntries(items.map((item: { externalId: string; attention: unknown }) => [item.externalId, item.attention]));
    expect(byId).toEqual({
      'B-failed': [{ reason: 'push_failed', message: 'Flowhub refused the order: product p-1 is not a product of this location' }],
      'C-unknown': [{ reason: 'needs_reconciliation', message: "Flowhub's answer to the create was lost" }],
      'D-duplicate': [{ reason: 'duplicate_in_flowhub', message: expect.stringContaining('fh-d2') }],
      'E-cancel': [{ reason: 'flowhub_cancel_required', message: CANCEL_MESSAGE }],
      'G-unfollowed': [{ reason: 'follow_stopped', message: 'Flowhub answered 404 for this order 5 times in a row' }],
      'H-sold-there': [{ reason: 'flowhub_cancel_required', message: 'cancel it in Flowhub too' }],
      'I-duplicate-event': [{ reason: 'duplicate_in_flowhub', message: expect.stringContaining('fh-i2') }],
    });
    expect(items.find((item: { externalId: string }) => item.externalId === 'B-failed')).toMatchObject({
      storeId: 'oncall',
      status: 'confirmed',
      push: { state: 'failed', error: expect.stringContaining('Flowhub refused') },
      createdAt: expect.any(String),
    });
    expect(items[0]).not.toHaveProperty('history');
  });

  it('pages with an opaque cursor, in the same order, nothing twice', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await list('oncall', `attention=true&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item: { externalId: string }) => item.externalId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['I-duplicate-event', 'H-sold-there', 'G-unfollowed', 'E-cancel', 'D-duplicate', 'C-unknown', 'B-failed']);
  });

  it('without attention: every order of the store, newest first', async () => {
    const first = (await list('oncall', 'limit=2')).json();
    expect(first.items.map((item: { externalId: string }) => item.externalId)).toEqual(['K-completed', 'J-skipped']);
    expect(first.items[1]).toMatchObject({ push: { state: 'not_pushed', error: expect.stringContaining('disabled') }, attention: [] });
    const rest = (await list('oncall', `limit=100&cursor=${first.nextCursor}`)).json();
    expect(rest.items).toHaveLength(9);
    expect(rest.nextCursor).toBeNull();
    expect((await list('empty', 'attention=true')).json()).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a malformed query with 400 naming the field, and an unknown store with 404', async () => {
    const badCursor = await list('oncall', 'attention=true&cursor=not-a-cursor');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.details[0].path).toBe('cursor');
    expect((await list('oncall', 'attention=yes')).json().error.details[0].path).toBe('attention');
    expect((await list('oncall', 'limit=0')).statusCode).toBe(400);
    expect((await list('nowhere', 'attention=true')).statusCode).toBe(404);
  });
});

describe('GET /metrics', () => {
  it('serves flowhub_sync_orders_by_push_state per store and push state, 0 included', async () => {
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    const sample = (store: string, state: string) => metricSample(text, 'flowhub_sync_orders_by_push_state', { store, push_state: state });
    expect(sample('oncall', 'pushed')).toBe(8);
    expect(sample('oncall', 'failed')).toBe(1);
    expect(sample('oncall', 'needs_reconciliation')).toBe(1);
    expect(sample('oncall', 'not_pushed')).toBe(1);
    expect(sample('oncall', 'queued')).toBe(0);
    expect(sample('other', 'failed')).toBe(1);
    expect(sample('other', 'pushed')).toBe(0);
    expect(sample('empty', 'failed')).toBeUndefined();
  });
});
