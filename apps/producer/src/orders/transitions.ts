import {
  type ChangedHold,
  type Order,
  type OrderEventInput,
  type Transaction,
  confirmPendingOrder,
  consumeHandedOverHolds,
  inOrderTransaction,
  isOpenOrderStatus,
  isSkippedPush,
  lockOrder,
  readOrderDetailsByRef,
  recordEvents,
  recordWebhookDelivery,
  settleHolds,
} from '@flowhub-sync/db';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound } from '../errors';
import { loadOrderView, orderView, type OrderView } from '../views/order';
import { afterConfirm } from './after-confirm';
import { queueWebhookDeliveries } from './push-queue';

type Deps = Pick<ProducerDependencies, 'prisma' | 'sql' | 'logger' | 'queues' | 'redis'>;

export interface TransitionResult {
  /** 202 only when this confirmation queued a push. */
  statusCode: 200 | 202;
  order: OrderView;
  /** Set when the platform must act outside this product (e.g. cancel the order in Flowhub by hand). */
  notice?: string;
}

interface OrderRef {
  storeId: string;
  externalId: string;
}

async function orderNotFound(deps: Deps, ref: OrderRef): Promise<ApiError> {
  const store = await deps.prisma.store.findUnique({ where: { id: ref.storeId }, select: { id: true } });
  return store ? notFound(`order ${ref.externalId}`) : notFound('store');
}

const illegal = (action: string, order: Pick<Order, 'externalId' | 'status'>, why = '') =>
  new ApiError('conflict', `cannot ${action} order ${order.externalId}: it is ${order.status}${why}`, [{ path: 'status', message: `is ${order.status}` }]);

const holdsDetails = (holds: readonly ChangedHold[]) => ({ holds: holds.map(({ variantId, quantity }) => ({ variantId, quantity })) });

/** What the platform must still do in Flowhub after cancelling here (Flowhub's API offers no cancel). */
export function flowhubCancelNotice(order: Pick<Order, 'pushState' | 'flowhubOrderId'>): string | undefined {
  if (order.pushState === 'pushed') {
    return `the order was already pushed to Flowhub${order.flowhubOrderId ? ` (Flowhub order ${order.flowhubOrderId})` : ''}: cancel it in Flowhub too, Flowhub's API offers no cancel`;
  }
  if (order.pushState === 'pushing' || order.pushState === 'needs_reconciliation') {
    return 'the order may have reached Flowhub: if it is there, cancel it in Flowhub too, Flowhub\'s API offers no cancel';
  }
  return undefined;
}

interface Change {
  orderId: string;
  changed: boolean;
}

/** Runs one change of one order under its row lock, then answers with the order as it now is. */
async function transition(deps: Deps, ref: OrderRef, change: (tx: Transaction, order: Order) => Promise<Omit<Change, 'orderId'>>): Promise<{ result: Change; order: OrderView }> {
  const result = await inOrderTransaction(deps.prisma, async (tx) => {
    const order = await lockOrder(tx, ref);
    if (!order) return null;
    return { orderId: order.id, ...(await change(tx, order)) };
  });
  if (!result) throw await orderNotFound(deps, ref);
  return { result, order: await loadOrderView(deps.sql, result.orderId) };
}

/** POST …/confirm: pending → confirmed, in one statement; when the store syncs orders the push is queued (202). */
export async function confirmOrder(deps: Deps, ref: OrderRef, now = new Date()): Promise<TransitionResult> {
  const result = await confirmPendingOrder(deps.sql, ref, now);
  if (!result) throw await orderNotFound(deps, ref);
  if (result.status === 'cancelled' || result.status === 'expired') throw illegal('confirm', { externalId: ref.externalId, status: result.status });
  if (result.confirmed) {
    deps.logger.info({ storeId: ref.storeId, externalId: ref.externalId, pushState: result.pushState }, 'order confirmed');
    await afterConfirm(deps, { id: result.orderId, ...ref, pushState: result.pushState });
  }
  const queued = result.confirmed && result.pushState === 'queued';
  return { statusCode: queued ? 202 : 200, order: await loadOrderView(deps.sql, result.orderId) };
}

/**
 * POST …/cancel: releases the holds. An order whose push was claimed or sent ('pushing', 'needs_reconciliation',
 * 'pushed') is, or may be, in Flowhub: it must also be cancelled there, which the answer, the history
 * (`flowhub_cancel_required`) and the platform's webhook (`cancel_required_in_flowhub`) say. A push not claimed yet
 * never sends: the worker's claim requires a confirmed order (packages/db/src/orders/push-state.ts, claimPush).
 */
export async function cancelOrder(deps: Deps, ref: OrderRef, now = new Date()): Promise<TransitionResult> {
  let notice: string | undefined;
  const deliveries: string[] = [];
  const { result, order } = await transition(deps, ref, async (tx, current) => {
    deliveries.length = 0; // a deadlock victim runs again from the start
    notice = flowhubCancelNotice(current);
    if (current.status === 'cancelled') return { changed: false };
    if (!isOpenOrderStatus(current.status)) {
      throw illegal('cancel', current, current.status === 'expired' ? ' (its holds were released when it expired)' : '');
    }
    await tx.order.update({ where: { id: current.id }, data: { status: 'cancelled', cancelledAt: now } });
    const released = await settleHolds(tx, current.id, 'released', now);
    await recordEvents(tx, current.id, now, [
      { event: 'status_changed', from: current.status, to: 'cancelled', cause: 'platform' },
      ...(released.length > 0 ? [{ event: 'hold_released', cause: 'cancelled', details: holdsDetails(released) } satisfies OrderEventInput] : []),
      ...(notice
        ? [{ event: 'flowhub_cancel_required', cause: 'cancelled', details: { flowhubOrderId: current.flowhubOrderId, pushState: current.pushState, message: notice } } satisfies OrderEventInput]
        : []),
    ]);
    if (notice) {
      const delivery = await recordWebhookDelivery(tx, {
        storeId: current.storeId,
        orderId: current.id,
        externalId: current.externalId,
        event: 'cancel_required_in_flowhub',
        status: 'cancelled',
        flowhubStatus: current.flowhubStatus,
        at: now,
      });
      if (delivery) deliveries.push(delivery);
    }
    return { changed: true };
  });
  if (result.changed) deps.logger.info({ storeId: ref.storeId, externalId: ref.externalId, flowhubCancelRequired: Boolean(notice) }, 'order cancelled, holds released');
  await queueWebhookDeliveries(deps, ref.storeId, deliveries);
  return { statusCode: 200, order, ...(notice ? { notice } : {}) };
}

/**
 * POST …/complete: the platform reports the sale of a store that does not sync orders, or of an order whose push was
 * skipped because its store stopped syncing orders (Flowhub never had it, so Flowhub cannot report it); the holds
 * become consumed.
 */
export async function completeOrder(deps: Deps, ref: OrderRef, now = new Date()): Promise<TransitionResult> {
  const { result, order } = await transition(deps, ref, async (tx, current) => {
    if (current.status === 'completed') return { changed: false };
    const store = await tx.store.findUniqueOrThrow({ where: { id: current.storeId }, select: { syncOrders: true } });
    if (store.syncOrders && !isSkippedPush(current)) {
      throw new ApiError('conflict', `cannot complete order ${current.externalId} here: this store syncs orders, so Flowhub reports its completion`);
    }
    if (!isOpenOrderStatus(current.status)) throw illegal('complete', current);
    await tx.order.update({ where: { id: current.id }, data: { status: 'completed', completedAt: now } });
    const consumed = await settleHolds(tx, current.id, 'consumed', now);
    await recordEvents(tx, current.id, now, [
      { event: 'status_changed', from: current.status, to: 'completed', cause: 'platform' },
      ...(consumed.length > 0 ? [{ event: 'holds_consumed', cause: 'completed', details: holdsDetails(consumed) } satisfies OrderEventInput] : []),
    ]);
    return { changed: true };
  });
  if (result.changed) deps.logger.info({ storeId: ref.storeId, externalId: ref.externalId }, 'order completed, holds consumed');
  return { statusCode: 200, order };
}

/**
 * PATCH …: whether to keep holding the stock after a Maui push. Before the push it only decides what the push does
 * (packages/db, fulfilMauiPush); once a Maui push fulfilled the order, turning it off hands the stock over as the
 * push would have: the held holds become consumed, released by the next inventory sync.
 */
export async function setHoldInventory(deps: Deps, ref: OrderRef, holdInventory: boolean, now = new Date()): Promise<TransitionResult> {
  const { order } = await transition(deps, ref, async (tx, current) => {
    if (current.holdInventory === holdInventory) return { changed: false };
    await tx.order.update({ where: { id: current.id }, data: { holdInventory } });
    await recordEvents(tx, current.id, now, [
      { event: 'hold_inventory_changed', cause: 'platform', details: { holdInventory, previous: current.holdInventory } },
    ]);
    if (!holdInventory && current.fulfilled) await consumeHandedOverHolds(tx, current.id, now);
    return { changed: true };
  });
  return { statusCode: 200, order };
}

export async function getOrder(deps: Deps, ref: OrderRef): Promise<OrderView> {
  const order = await readOrderDetailsByRef(deps.sql, ref);
  if (!order) throw await orderNotFound(deps, ref);
  return orderView(order);
}
