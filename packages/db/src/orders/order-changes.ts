import type { Order, PrismaClient } from '../generated/client';
import { recordWebhookDelivery } from '../webhooks';
import { flowhubCancelNotice } from './cancel-required';
import { settleHolds, type ChangedHold } from './holds';
import { lockOrder } from './lock-order';
import { consumeHandedOverHolds } from './maui-fulfilment';
import { recordEvents, type OrderEventInput } from './order-events';
import { inOrderTransaction } from './transaction';

/*
 * The platform's changes of one order (apps/producer/src/orders/transitions.ts): each in one transaction under the
 * order's row lock, so two changes of one order take turns. An order already where the change would take it is left
 * as it is (changed: false). `check` sees the locked row and refuses the change by throwing: nothing is written. Each
 * answers null when the store has no such order; a deadlock victim runs again from the start (`check` too).
 */

export interface OrderRef {
  storeId: string;
  externalId: string;
}

export interface OrderChange {
  orderId: string;
  changed: boolean;
}

const holdsDetails = (holds: readonly ChangedHold[]) => ({ holds: holds.map(({ variantId, quantity }) => ({ variantId, quantity })) });

/**
 * Cancels the order and releases its holds. An order whose push was claimed or sent ('pushing', 'needs_reconciliation',
 * 'pushed') is, or may be, in Flowhub: `notice` (flowhubCancelNotice, ./cancel-required.ts) says it must be cancelled
 * there too, and so do its history (`flowhub_cancel_required`) and the platform's webhook (`cancel_required_in_flowhub`),
 * whose deliveries are to be queued after the commit. The notice is answered for an order already cancelled too.
 */
export async function cancelOrderReleasingHolds(
  prisma: PrismaClient,
  ref: OrderRef,
  at: Date,
  check: (order: Order) => void,
): Promise<(OrderChange & { notice: string | undefined; deliveries: string[] }) | null> {
  return inOrderTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, ref);
    if (!order) return null;
    const notice = flowhubCancelNotice(order);
    if (order.status === 'cancelled') return { orderId: order.id, changed: false, notice, deliveries: [] };
    check(order);
    await tx.order.update({ where: { id: order.id }, data: { status: 'cancelled', cancelledAt: at } });
    const released = await settleHolds(tx, order.id, 'released', at);
    await recordEvents(tx, order.id, at, [
      { event: 'status_changed', from: order.status, to: 'cancelled', cause: 'platform' },
      ...(released.length > 0
        ? [{ event: 'hold_released', cause: 'cancelled', details: holdsDetails(released) } satisfies OrderEventInput]
        : []),
      ...(notice
        ? [
            {
              event: 'flowhub_cancel_required',
              cause: 'cancelled',
              details: { flowhubOrderId: order.flowhubOrderId, pushState: order.pushState, message: notice },
            } satisfies OrderEventInput,
          ]
        : []),
    ]);
    const deliveries: string[] = [];
    if (notice) {
      const delivery = await recordWebhookDelivery(tx, {
        storeId: order.storeId,
        orderId: order.id,
        externalId: order.externalId,
        event: 'cancel_required_in_flowhub',
        status: 'cancelled',
        flowhubStatus: order.flowhubStatus,
        at,
      });
      if (delivery) deliveries.push(delivery);
    }
    return { orderId: order.id, changed: true, notice, deliveries };
  });
}

/** Completes the order and consumes its holds; `check` also sees whether the order's store syncs orders. */
export async function completeOrderConsumingHolds(
  prisma: PrismaClient,
  ref: OrderRef,
  at: Date,
  check: (order: Order, store: { syncOrders: boolean }) => void,
): Promise<OrderChange | null> {
  return inOrderTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, ref);
    if (!order) return null;
    if (order.status === 'completed') return { orderId: order.id, changed: false };
    const store = await tx.store.findUniqueOrThrow({ where: { id: order.storeId }, select: { syncOrders: true } });
    check(order, store);
    await tx.order.update({ where: { id: order.id }, data: { status: 'completed', completedAt: at } });
    const consumed = await settleHolds(tx, order.id, 'consumed', at);
    await recordEvents(tx, order.id, at, [
      { event: 'status_changed', from: order.status, to: 'completed', cause: 'platform' },
      ...(consumed.length > 0
        ? [{ event: 'holds_consumed', cause: 'completed', details: holdsDetails(consumed) } satisfies OrderEventInput]
        : []),
    ]);
    return { orderId: order.id, changed: true };
  });
}

/**
 * Whether to keep holding the stock after a Maui push (holdInventory). Once a Maui push fulfilled the order, turning it
 * off hands the stock over as the push would have: the held holds become consumed (consumeHandedOverHolds).
 */
export async function changeOrderHoldInventory(
  prisma: PrismaClient,
  ref: OrderRef,
  holdInventory: boolean,
  at: Date,
): Promise<OrderChange | null> {
  return inOrderTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, ref);
    if (!order) return null;
    if (order.holdInventory === holdInventory) return { orderId: order.id, changed: false };
    await tx.order.update({ where: { id: order.id }, data: { holdInventory } });
    await recordEvents(tx, order.id, at, [
      { event: 'hold_inventory_changed', cause: 'platform', details: { holdInventory, previous: order.holdInventory } },
    ]);
    if (!holdInventory && order.fulfilled) await consumeHandedOverHolds(tx, order.id, at);
    return { orderId: order.id, changed: true };
  });
}
