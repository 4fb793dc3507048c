import { Prisma, type OrderStatus, type PrismaClient } from '../generated/client';
import { recordWebhookDelivery } from '../webhooks';
import { settleHolds, type Transaction } from './holds';
import { recordEvents, type OrderEventInput } from './order-events';
import { inOrderTransaction } from './transaction';

/** Flowhub status → order status (api-contract.md), compared case-insensitively. */
const FLOWHUB_TO_ORDER: Record<string, OrderStatus> = {
  new: 'confirmed',
  inqueue: 'confirmed',
  started: 'preparing',
  ready: 'ready',
  intransit: 'out_for_delivery',
  delivered: 'completed',
  sold: 'completed',
  unabletocomplete: 'cancelled',
  unabletoverify: 'cancelled',
  deleted: 'cancelled',
};

/**
 * How far along its lifecycle a Flowhub status puts an order; applying a read only ever moves forward in it
 * (api-contract.md): new = inQueue < started < ready < inTransit < delivered < sold. sold, unableToComplete,
 * unableToVerify and deleted are final: nothing moves an order out of them. A cancellation (the other three) follows
 * any status that is not final. Keys are lower case (statuses are compared case-insensitively).
 */
const FLOWHUB_RANK: Record<string, number> = { new: 0, inqueue: 0, started: 1, ready: 2, intransit: 3, delivered: 4, sold: 5 };
const FLOWHUB_FINAL = new Set(['sold', 'unabletocomplete', 'unabletoverify', 'deleted']);

/**
 * What applying `observed` would do to an order whose recorded Flowhub status is `current`: `forward` moves it on;
 * `same` changes nothing (the same status, or one of the same rank: inQueue after new); `stale` is behind what is
 * recorded (a read made before a newer one was applied), or tries to leave a final status: it changes nothing.
 * A status the table does not know is recorded only while no known status is (it has no place in the ranking).
 */
export function flowhubStatusMove(current: string | null | undefined, observed: string): 'forward' | 'same' | 'stale' {
  const from = typeof current === 'string' ? current.trim().toLowerCase() : '';
  const to = observed.trim().toLowerCase();
  if (from === '') return 'forward';
  if (from === to) return 'same';
  if (FLOWHUB_FINAL.has(from)) return 'stale';
  if (FLOWHUB_FINAL.has(to)) return 'forward';
  const fromRank = FLOWHUB_RANK[from];
  const toRank = FLOWHUB_RANK[to];
  if (fromRank === undefined) return 'forward';
  if (toRank === undefined || toRank === fromRank) return 'same';
  return toRank > fromRank ? 'forward' : 'stale';
}

/**
 * Flowhub statuses after which an order is no longer followed (polled): the final ones, and delivered (the order is
 * completed either way; a later sold, from a postback, still applies).
 */
export const FINAL_FLOWHUB_STATUSES = ['delivered', 'sold', 'unableToComplete', 'unableToVerify', 'deleted'] as const;

/** How long an order cancelled here is still followed in Flowhub (to catch a sale there) if Flowhub never finishes it. */
export const CANCELLED_FOLLOW_DAYS = 7;

/** Consecutive reads Flowhub answers 404 after which an order is no longer followed (follow_stopped). */
export const FOLLOW_STOP_AFTER_NOT_FOUND = 5;

export function orderStatusForFlowhub(flowhubStatus: string | null | undefined): OrderStatus | null {
  if (typeof flowhubStatus !== 'string') return null;
  return FLOWHUB_TO_ORDER[flowhubStatus.trim().toLowerCase()] ?? null;
}

/**
 * The orders whose Flowhub status is still followed: pushed, with a Flowhub id, not finished in Flowhub, following
 * not stopped (follow_stopped). That includes orders cancelled here (for a while: a Flowhub sale of one is a conflict
 * to report), and orders of stores since disabled or switched off order sync. A poll's cost grows with these, not
 * with every order ever pushed. `includeStopped`: also those whose following stopped (a postback's re-read).
 */
export function followedOrdersWhere(now = new Date(), options: { includeStopped?: boolean } = {}): Prisma.OrderWhereInput {
  return {
    pushState: 'pushed',
    flowhubOrderId: { not: null },
    status: { not: 'expired' },
    ...(options.includeStopped ? {} : { followStoppedReason: null }),
    OR: [{ flowhubStatus: null }, { flowhubStatus: { notIn: [...FINAL_FLOWHUB_STATUSES] } }],
    NOT: { status: 'cancelled', cancelledAt: { lt: new Date(now.getTime() - CANCELLED_FOLLOW_DAYS * 86_400_000) } },
  };
}

/** The stores that have followed orders (followedOrdersWhere). `storeId`: that store only. */
export async function storesWithFollowedOrders(prisma: PrismaClient, storeId?: string): Promise<Set<string>> {
  const rows = await prisma.order.groupBy({ by: ['storeId'], where: { ...followedOrdersWhere(), ...(storeId ? { storeId } : {}) } });
  return new Set(rows.map((row) => row.storeId));
}

/**
 * Push states from which an order may still become pushed without the producer seeing it: `pushing` (its create may
 * be on its way; the worker records Flowhub's answer) and `needs_reconciliation` (a Flowhub postback may resolve it).
 */
export const PUSH_STATES_THAT_MAY_LAND = ['pushing', 'needs_reconciliation'] as const;

/**
 * The stores whose Flowhub statuses are polled, enabled or not (packages/queues/src/schedules.ts, storeSchedules):
 * those with followed orders (storesWithFollowedOrders), and those with an order whose push may still land
 * (PUSH_STATES_THAT_MAY_LAND). The latter keep the poll because the store's schedules are decided when its
 * settings change: a store disabled while a create is on its way would otherwise lose its poll before the order is
 * pushed, and nothing would schedule it again until the next reconciliation. `storeId`: that store only.
 */
export async function storesWithStatusPoll(prisma: PrismaClient, storeId?: string): Promise<Set<string>> {
  // One statement, one snapshot: an order is either still on its way or already pushed in it, and counted either way.
  const rows = await prisma.order.groupBy({
    by: ['storeId'],
    where: { OR: [followedOrdersWhere(), { pushState: { in: [...PUSH_STATES_THAT_MAY_LAND] } }], ...(storeId ? { storeId } : {}) },
  });
  return new Set(rows.map((row) => row.storeId));
}

export interface FollowedOrder {
  id: string;
  externalId: string;
  flowhubOrderId: string;
}

/**
 * Up to `limit` of a store's followed orders (followedOrdersWhere), least recently checked first and never-checked
 * ones before all (then oldest push first). Every read marks its order checked, failed or not, so a store's followed
 * orders are all read within ceil(followed / limit) polls however many there are. The conditions repeat the
 * predicate of the index `orders_follow_due_idx` (prisma/schema.prisma), which serves this read in its order.
 */
export async function followedOrdersDue(
  prisma: PrismaClient | Transaction,
  storeId: string,
  limit: number,
  now = new Date(),
): Promise<FollowedOrder[]> {
  return prisma.$queryRaw<FollowedOrder[]>(followedOrdersDueSql(storeId, limit, now));
}

/**
 * Those of `orderIds` that are among the store's followed orders (followedOrdersWhere), also when their following had
 * stopped: what a postback's re-read reads.
 */
export async function followedOrdersByIds(
  prisma: PrismaClient,
  storeId: string,
  orderIds: readonly string[],
  now = new Date(),
): Promise<FollowedOrder[]> {
  const orders = await prisma.order.findMany({
    where: { storeId, ...followedOrdersWhere(now, { includeStopped: true }), id: { in: [...orderIds] } },
    select: { id: true, externalId: true, flowhubOrderId: true },
  });
  return orders.map((order) => ({ ...order, flowhubOrderId: order.flowhubOrderId! }));
}

/** The statement of followedOrdersDue (its test asks PostgreSQL for the plan). */
export function followedOrdersDueSql(storeId: string, limit: number, now = new Date()): Prisma.Sql {
  const cancelledSince = new Date(now.getTime() - CANCELLED_FOLLOW_DAYS * 86_400_000);
  // Literals (constants of ours), as in the index's predicate.
  const finals = Prisma.raw(FINAL_FLOWHUB_STATUSES.map((status) => `'${status}'`).join(', '));
  return Prisma.sql`
    SELECT id::text AS "id", external_id AS "externalId", flowhub_order_id AS "flowhubOrderId"
    FROM orders
    WHERE store_id = ${storeId}
      AND push_state = 'pushed' AND flowhub_order_id IS NOT NULL AND follow_stopped_reason IS NULL AND status <> 'expired'
      AND (flowhub_status IS NULL OR flowhub_status NOT IN (${finals}))
      AND (status <> 'cancelled' OR cancelled_at IS NULL OR cancelled_at >= ${cancelledSince})
    ORDER BY follow_checked_at ASC NULLS FIRST, pushed_at ASC, orders.id ASC
    LIMIT ${limit}`;
}

/** Later statuses only: a stale answer (e.g. `new` after `ready`) never moves an order back. */
const PROGRESS: Record<OrderStatus, number> = {
  pending: 0,
  confirmed: 1,
  preparing: 2,
  ready: 3,
  out_for_delivery: 4,
  completed: 5,
  cancelled: 5,
  expired: 5,
};
const FINISHED = new Set<OrderStatus>(['completed', 'cancelled', 'expired']);

export interface FlowhubStatusOutcome {
  changed: boolean;
  from: OrderStatus;
  to: OrderStatus;
  conflict: boolean;
  /** The read was behind the status already recorded (flowhubStatusMove): nothing was applied. */
  stale: boolean;
  /** Webhook deliveries recorded with the change: queue them after the commit. */
  deliveryIds: string[];
}

/** A successful read of the order's Flowhub status: checked now, its error streaks over, followed again if it had stopped. */
const readSucceeded = (at: Date) => ({
  followCheckedAt: at,
  followError: null,
  followErrorCount: 0,
  followNotFoundCount: 0,
  followStoppedReason: null,
});

/**
 * Applies the status Flowhub reports for an order, in the caller's transaction: records it, moves the order
 * forward (history, holds: cancelled → released, completed → consumed), and records the platform's webhooks.
 * A Flowhub sale of an order cancelled here is a conflict: recorded and reported (once), not applied.
 * Only a move forward in the ranking (flowhubStatusMove) applies, judged against the row as locked here: a read
 * made outside the transaction may be older than what another applier committed meanwhile (a poll and a
 * postback's re-read, or two order-workers), and it then changes nothing but is reported as `stale`.
 * `flowhubStatus` must come from Flowhub itself (a poll, or a re-read after a postback), never from a caller: every
 * call is a successful read, and marks the order checked (follow state).
 */
export async function applyFlowhubStatus(
  tx: Prisma.TransactionClient,
  orderId: string,
  flowhubStatus: string,
  at: Date,
  via: 'poll' | 'postback',
): Promise<FlowhubStatusOutcome> {
  const [order] = await tx.$queryRaw<{ store_id: string; external_id: string; status: OrderStatus; flowhub_status: string | null }[]>`
    SELECT store_id, external_id, status, flowhub_status FROM orders WHERE id = ${orderId}::uuid FOR UPDATE`;
  if (!order) throw new Error(`order ${orderId} not found`);
  const move = flowhubStatusMove(order.flowhub_status, flowhubStatus);
  if (move !== 'forward') {
    await tx.order.update({ where: { id: orderId }, data: readSucceeded(at) });
    return { changed: false, from: order.status, to: order.status, conflict: false, stale: move === 'stale', deliveryIds: [] };
  }

  const mapped = orderStatusForFlowhub(flowhubStatus);
  const events: OrderEventInput[] = [
    { event: 'flowhub_status_changed', cause: 'flowhub', details: { from: order.flowhub_status, to: flowhubStatus, via } },
  ];
  const notice = (event: 'status_changed' | 'conflict', status: OrderStatus) =>
    recordWebhookDelivery(tx, { storeId: order.store_id, orderId, externalId: order.external_id, event, status, flowhubStatus, at });
  const deliveryIds: string[] = [];
  let to = order.status;
  let conflict = false;

  if (order.status === 'cancelled' && mapped === 'completed') {
    // Reported once: delivered then sold is the same sale.
    conflict = orderStatusForFlowhub(order.flowhub_status) !== 'completed';
    if (conflict) {
      events.push({
        event: 'flowhub_conflict',
        cause: 'flowhub',
        details: { message: `Flowhub reports this order ${flowhubStatus}, but it was cancelled here: check the sale in Flowhub` },
      });
    }
  } else if (mapped && !FINISHED.has(order.status) && mapped !== order.status && PROGRESS[mapped] > PROGRESS[order.status]) {
    to = mapped;
    events.push({ event: 'status_changed', from: order.status, to, cause: 'flowhub' });
    if (to === 'cancelled') {
      const released = await settleHolds(tx, orderId, 'released', at);
      if (released.length)
        events.push({
          event: 'hold_released',
          cause: 'cancelled',
          details: { holds: released.map(({ variantId, quantity }) => ({ variantId, quantity })) },
        });
    }
    if (to === 'completed') {
      const consumed = await settleHolds(tx, orderId, 'consumed', at);
      if (consumed.length)
        events.push({
          event: 'holds_consumed',
          cause: 'completed',
          details: { holds: consumed.map(({ variantId, quantity }) => ({ variantId, quantity })) },
        });
    }
  }

  await tx.order.update({
    where: { id: orderId },
    data: {
      flowhubStatus,
      status: to,
      ...(to === 'completed' && order.status !== 'completed' ? { completedAt: at } : {}),
      ...(to === 'cancelled' && order.status !== 'cancelled' ? { cancelledAt: at } : {}),
      ...readSucceeded(at),
    },
  });
  await recordEvents(tx, orderId, at, events);
  if (conflict) {
    const id = await notice('conflict', order.status);
    if (id) deliveryIds.push(id);
  } else if (to !== order.status) {
    const id = await notice('status_changed', to);
    if (id) deliveryIds.push(id);
  }
  return { changed: to !== order.status, from: order.status, to, conflict, stale: false, deliveryIds };
}

/**
 * A read of the order's Flowhub status, applied (applyFlowhubStatus) in a transaction of its own; the commonest
 * read, the status already recorded, only marks the order checked, in one statement.
 */
export async function applyFlowhubRead(
  prisma: PrismaClient,
  orderId: string,
  flowhubStatus: string,
  at: Date,
  via: 'poll' | 'postback',
): Promise<FlowhubStatusOutcome> {
  const [unchanged] = await prisma.$queryRaw<{ status: OrderStatus }[]>`
    UPDATE orders
    SET follow_checked_at = ${at}, follow_error = NULL, follow_error_count = 0, follow_not_found_count = 0, follow_stopped_reason = NULL
    WHERE id = ${orderId}::uuid AND flowhub_status = ${flowhubStatus}
    RETURNING status`;
  if (unchanged) return { changed: false, from: unchanged.status, to: unchanged.status, conflict: false, stale: false, deliveryIds: [] };
  return inOrderTransaction(prisma, (tx) => applyFlowhubStatus(tx, orderId, flowhubStatus, at, via));
}

export interface FollowFailureOutcome {
  /** Consecutive failed reads of the order, this one included. */
  errorCount: number;
  /** Why following stopped, when this failure stopped it. */
  stoppedReason: string | null;
  /** Webhook deliveries recorded (follow_stopped): queue them after the commit. */
  deliveryIds: string[];
}

/** A failed read of the order's Flowhub status (recordFollowFailure), in a transaction of its own. */
export async function recordFollowReadFailure(
  prisma: PrismaClient,
  orderId: string,
  at: Date,
  failure: { message: string; notFound: boolean },
): Promise<FollowFailureOutcome> {
  return inOrderTransaction(prisma, (tx) => recordFollowFailure(tx, orderId, at, failure));
}

/**
 * A failed read of the order's Flowhub status, in the caller's transaction: the error is the order's (it shows in its
 * follow state) and the order counts as checked, so the next poll reads the others first. The FOLLOW_STOP_AFTER_NOT_FOUND-th
 * 404 in a row stops following: the reason is recorded, in the history too, and follow_stopped is sent.
 */
export async function recordFollowFailure(
  tx: Prisma.TransactionClient,
  orderId: string,
  at: Date,
  failure: { message: string; notFound: boolean },
): Promise<FollowFailureOutcome> {
  const [order] = await tx.$queryRaw<
    {
      store_id: string;
      external_id: string;
      status: OrderStatus;
      flowhub_status: string | null;
      flowhub_order_id: string | null;
      follow_error_count: number;
      follow_not_found_count: number;
      follow_stopped_reason: string | null;
    }[]
  >`
    UPDATE orders
    SET follow_checked_at = ${at}, follow_error = ${failure.message.slice(0, 1000)}, follow_error_count = follow_error_count + 1,
        follow_not_found_count = CASE WHEN ${failure.notFound} THEN follow_not_found_count + 1 ELSE 0 END
    WHERE id = ${orderId}::uuid
    RETURNING store_id, external_id, status, flowhub_status, flowhub_order_id, follow_error_count, follow_not_found_count, follow_stopped_reason`;
  if (!order) throw new Error(`order ${orderId} not found`);
  if (order.follow_stopped_reason !== null || order.follow_not_found_count < FOLLOW_STOP_AFTER_NOT_FOUND) {
    return { errorCount: order.follow_error_count, stoppedReason: null, deliveryIds: [] };
  }
  const reason = `Flowhub answered 404 to ${order.follow_not_found_count} reads in a row: it does not know order ${order.flowhub_order_id}. Its status is no longer followed.`;
  await tx.order.update({ where: { id: orderId }, data: { followStoppedReason: reason } });
  await recordEvents(tx, orderId, at, [{ event: 'follow_stopped', cause: 'flowhub', details: { reason } }]);
  const deliveryId = await recordWebhookDelivery(tx, {
    storeId: order.store_id,
    orderId,
    externalId: order.external_id,
    event: 'follow_stopped',
    status: order.status,
    flowhubStatus: order.flowhub_status,
    at,
    reason,
  });
  return { errorCount: order.follow_error_count, stoppedReason: reason, deliveryIds: deliveryId ? [deliveryId] : [] };
}
