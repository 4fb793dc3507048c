import type { OrderStatus, Prisma } from '../generated/client';
import { recordWebhookDelivery } from '../webhooks';
import { settleHolds } from './holds';
import { recordEvents, type OrderEventInput } from './order-events';

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

/** Flowhub statuses after which an order never changes again: it is not polled any more. */
export const FINAL_FLOWHUB_STATUSES = ['delivered', 'sold', 'unableToComplete', 'unableToVerify', 'deleted'] as const;

/** How long an order cancelled here is still followed in Flowhub (to catch a sale there) if Flowhub never finishes it. */
export const CANCELLED_FOLLOW_DAYS = 7;

export function orderStatusForFlowhub(flowhubStatus: string | null | undefined): OrderStatus | null {
  if (typeof flowhubStatus !== 'string') return null;
  return FLOWHUB_TO_ORDER[flowhubStatus.trim().toLowerCase()] ?? null;
}

export const isFinalFlowhubStatus = (status: string | null | undefined) =>
  typeof status === 'string' && FINAL_FLOWHUB_STATUSES.some((final) => final.toLowerCase() === status.trim().toLowerCase());

/**
 * The orders whose Flowhub status is still followed: pushed, with a Flowhub id, not finished in Flowhub. That
 * includes orders cancelled here (for a while: a Flowhub sale of one is a conflict to report), and orders of stores
 * since disabled or switched off order sync. A poll's cost grows with these, not with every order ever pushed.
 */
export function followedOrdersWhere(now = new Date()): Prisma.OrderWhereInput {
  return {
    pushState: 'pushed',
    flowhubOrderId: { not: null },
    status: { not: 'expired' },
    OR: [{ flowhubStatus: null }, { flowhubStatus: { notIn: [...FINAL_FLOWHUB_STATUSES] } }],
    NOT: { status: 'cancelled', cancelledAt: { lt: new Date(now.getTime() - CANCELLED_FOLLOW_DAYS * 86_400_000) } },
  };
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
  /** Webhook deliveries recorded with the change: queue them after the commit. */
  deliveryIds: string[];
}

/**
 * Applies the status Flowhub reports for an order, in the caller's transaction: records it, moves the order
 * forward (history, holds: cancelled → released, completed → consumed), and records the platform's webhooks.
 * A Flowhub sale of an order cancelled here is a conflict: recorded and reported, not applied.
 * `flowhubStatus` must come from Flowhub itself (a poll, or a re-read after a postback), never from a caller.
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
  if (order.flowhub_status === flowhubStatus) return { changed: false, from: order.status, to: order.status, conflict: false, deliveryIds: [] };

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
    conflict = true;
    events.push({
      event: 'flowhub_conflict',
      cause: 'flowhub',
      details: { message: `Flowhub reports this order ${flowhubStatus}, but it was cancelled here: check the sale in Flowhub` },
    });
  } else if (mapped && !FINISHED.has(order.status) && mapped !== order.status && PROGRESS[mapped] > PROGRESS[order.status]) {
    to = mapped;
    events.push({ event: 'status_changed', from: order.status, to, cause: 'flowhub' });
    if (to === 'cancelled') {
      const released = await settleHolds(tx, orderId, 'released', at);
      if (released.length) events.push({ event: 'hold_released', cause: 'cancelled', details: { holds: released.map(({ variantId, quantity }) => ({ variantId, quantity })) } });
    }
    if (to === 'completed') {
      const consumed = await settleHolds(tx, orderId, 'consumed', at);
      if (consumed.length) events.push({ event: 'holds_consumed', cause: 'completed', details: { holds: consumed.map(({ variantId, quantity }) => ({ variantId, quantity })) } });
    }
  }

  await tx.order.update({
    where: { id: orderId },
    data: {
      flowhubStatus,
      status: to,
      ...(to === 'completed' && order.status !== 'completed' ? { completedAt: at } : {}),
      ...(to === 'cancelled' && order.status !== 'cancelled' ? { cancelledAt: at } : {}),
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
  return { changed: to !== order.status, from: order.status, to, conflict, deliveryIds };
}
