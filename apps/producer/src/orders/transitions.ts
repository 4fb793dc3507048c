import {
  type Order,
  cancelOrderReleasingHolds,
  changeOrderHoldInventory,
  completeOrderConsumingHolds,
  confirmPendingOrder,
  isOpenOrderStatus,
  isSkippedPush,
  readOrderDetailsByRef,
  storeExists,
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
  return (await storeExists(deps.prisma, ref.storeId)) ? notFound(`order ${ref.externalId}`) : notFound('store');
}

const illegal = (action: string, order: Pick<Order, 'externalId' | 'status'>, why = '') =>
  new ApiError('conflict', `cannot ${action} order ${order.externalId}: it is ${order.status}${why}`, [
    { path: 'status', message: `is ${order.status}` },
  ]);

/**
 * The changes below run in packages/db/src/orders/order-changes.ts, each in one transaction under the order's row
 * lock; what is refused here (the check each hands it) throws inside that transaction, so nothing is written.
 * Then answers with the order as it now is.
 */
async function changed<T extends { orderId: string }>(
  deps: Deps,
  ref: OrderRef,
  result: T | null,
): Promise<{ result: T; order: OrderView }> {
  if (!result) throw await orderNotFound(deps, ref);
  return { result, order: await loadOrderView(deps.sql, result.orderId) };
}

/** POST …/confirm: pending → confirmed, in one statement; when the store syncs orders the push is queued (202). */
export async function confirmOrder(deps: Deps, ref: OrderRef, now = new Date()): Promise<TransitionResult> {
  const result = await confirmPendingOrder(deps.sql, ref, now);
  if (!result) throw await orderNotFound(deps, ref);
  if (result.status === 'cancelled' || result.status === 'expired')
    throw illegal('confirm', { externalId: ref.externalId, status: result.status });
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
  const cancelled = await cancelOrderReleasingHolds(deps.prisma, ref, now, (current) => {
    if (!isOpenOrderStatus(current.status)) {
      throw illegal('cancel', current, current.status === 'expired' ? ' (its holds were released when it expired)' : '');
    }
  });
  const { result, order } = await changed(deps, ref, cancelled);
  const { notice } = result;
  if (result.changed)
    deps.logger.info(
      { storeId: ref.storeId, externalId: ref.externalId, flowhubCancelRequired: Boolean(notice) },
      'order cancelled, holds released',
    );
  await queueWebhookDeliveries(deps, ref.storeId, result.deliveries);
  return { statusCode: 200, order, ...(notice ? { notice } : {}) };
}

/**
 * POST …/complete: the platform reports the sale of a store that does not sync orders, or of an order whose push was
 * skipped because its store stopped syncing orders (Flowhub never had it, so Flowhub cannot report it); the holds
 * become consumed.
 */
export async function completeOrder(deps: Deps, ref: OrderRef, now = new Date()): Promise<TransitionResult> {
  const completed = await completeOrderConsumingHolds(deps.prisma, ref, now, (current, store) => {
    if (store.syncOrders && !isSkippedPush(current)) {
      throw new ApiError(
        'conflict',
        `cannot complete order ${current.externalId} here: this store syncs orders, so Flowhub reports its completion`,
      );
    }
    if (!isOpenOrderStatus(current.status)) throw illegal('complete', current);
  });
  const { result, order } = await changed(deps, ref, completed);
  if (result.changed) deps.logger.info({ storeId: ref.storeId, externalId: ref.externalId }, 'order completed, holds consumed');
  return { statusCode: 200, order };
}

/**
 * PATCH …: whether to keep holding the stock after a Maui push. Before the push it only decides what the push does
 * (packages/db, fulfilMauiPush); once a Maui push fulfilled the order, turning it off hands the stock over as the
 * push would have: the held holds become consumed, released by the next inventory sync.
 */
export async function setHoldInventory(deps: Deps, ref: OrderRef, holdInventory: boolean, now = new Date()): Promise<TransitionResult> {
  const { order } = await changed(deps, ref, await changeOrderHoldInventory(deps.prisma, ref, holdInventory, now));
  return { statusCode: 200, order };
}

export async function getOrder(deps: Deps, ref: OrderRef): Promise<OrderView> {
  const order = await readOrderDetailsByRef(deps.sql, ref);
  if (!order) throw await orderNotFound(deps, ref);
  return orderView(order);
}
