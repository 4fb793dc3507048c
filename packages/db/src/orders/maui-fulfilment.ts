import type { Prisma } from '../generated/client';
import { recordWebhookDelivery } from '../webhooks';
import { settleHolds, type ChangedHold } from './holds';
import { recordEvents, type OrderEventCause } from './order-events';

/**
 * Flowhub Maui (seed: "Order Syncing (Maui customers only)"): once an order is in Flowhub, Maui handles its
 * stock. The order is marked fulfilled and its holds become consumed: the quantity leaves this product's hands,
 * yet its units keep counting against availability until the first successful inventory sync that started after
 * this moment releases them (releaseReflectedHolds, ./holds.ts), exactly as for a sale. Releasing them at once
 * would show the units as available again until that sync brings Flowhub's lower quantity: a window in which a
 * second online order could take the same units.
 * - holdInventory (the "Fulfilled" toggle): the holds stay held until the order completes or is cancelled;
 *   turning it off later consumes them (apps/producer/src/orders/transitions.ts, setHoldInventory).
 * - A Flowhub cancel before that sync releases them (applyFlowhubStatus: cancelled → released).
 * Applied in one place: the pushed recorder (./record-pushed.ts), which the worker's push, a
 * postback or status poll that resolves an unknown outcome, and the operator recording the Flowhub id all go through,
 * inside the transaction that records the push, so "pushed" and "fulfilled" never disagree.
 */

export interface MauiFulfilment {
  fulfilled: boolean;
  /** The holds this call consumed (none when holdInventory is set, or when they were consumed already). */
  consumed: ChangedHold[];
  /** The webhook delivery of the `fulfilled` change, when the store has a webhook: queue it after the commit. */
  deliveries: string[];
}

const holdsDetails = (holds: readonly ChangedHold[]) => ({ holds: holds.map(({ variantId, quantity }) => ({ variantId, quantity })) });

/** Why the order's stock was handed over: who recorded the push (`cause`; none for the worker's own push) and, in words, `reason`. */
export interface HandOver {
  cause?: OrderEventCause;
  reason?: string;
}

/** Why Maui has a pushed order's holds (the `holds_consumed` event's details.reason). */
export const HANDED_OVER_REASON = 'Maui handles the stock of a pushed order';

/** What a push that reached Flowhub Maui means for the order and its stock; call inside the push's transaction. */
export async function fulfilMauiPush(
  tx: Prisma.TransactionClient,
  order: { id: string; holdInventory: boolean; fulfilled: boolean },
  at: Date,
  why: HandOver,
): Promise<MauiFulfilment> {
  const deliveries: string[] = [];
  if (!order.fulfilled) {
    const row = await tx.order.update({
      where: { id: order.id },
      data: { fulfilled: true },
      select: { storeId: true, externalId: true, status: true, flowhubStatus: true },
    });
    const details = { maui: true, ...(why.reason ? { reason: why.reason } : {}) };
    await recordEvents(tx, order.id, at, [{ event: 'fulfilled', cause: why.cause, details }]);
    const delivery = await recordWebhookDelivery(tx, { ...row, orderId: order.id, event: 'fulfilled_changed', at });
    if (delivery) deliveries.push(delivery);
  }
  if (order.holdInventory) return { fulfilled: true, consumed: [], deliveries };
  const consumed = await consumeHandedOverHolds(tx, order.id, at, why.cause);
  return { fulfilled: true, consumed, deliveries };
}

/**
 * The order's held holds become consumed, with their history event: Maui has the stock of this pushed order.
 * Also what turning holdInventory off after the push does.
 */
export async function consumeHandedOverHolds(
  tx: Prisma.TransactionClient,
  orderId: string,
  at: Date,
  cause?: OrderEventCause,
): Promise<ChangedHold[]> {
  const consumed = await settleHolds(tx, orderId, 'consumed', at);
  if (consumed.length > 0) {
    const details = { ...holdsDetails(consumed), reason: HANDED_OVER_REASON };
    await recordEvents(tx, orderId, at, [{ event: 'holds_consumed', cause, details }]);
  }
  return consumed;
}
