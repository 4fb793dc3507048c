import { settleHolds, type ChangedHold, type Prisma } from '@flowhub-sync/db';
import { noticeForPlatform } from './platform-notices';

/**
 * Flowhub Maui (seed: "Order Syncing (Maui customers only)"): once an order is in Flowhub, Maui
 * handles its stock, so the order is marked fulfilled and its holds are released, unless staff
 * asked to keep holding it (Order.holdInventory, the "Fulfilled" toggle), in which case they stay
 * held until the order completes or is cancelled. Other stores keep their holds until then too.
 * Runs inside the transaction that records the push, so "pushed" and "fulfilled" never disagree.
 * The hold accounting is the shared ledger's (packages/db, settleHolds).
 */

export interface FulfilmentResult {
  fulfilled: boolean;
  released: ChangedHold[];
  /** The webhook delivery of the `fulfilled` change, when the store has a webhook. */
  deliveries: string[];
}

/** What a successful push means for a store's stock; call inside the push's transaction. */
export async function fulfilAfterPush(
  tx: Prisma.TransactionClient,
  order: { id: string; holdInventory: boolean; fulfilled: boolean },
  store: { maui: boolean },
  at: Date,
  cause: string,
): Promise<FulfilmentResult> {
  if (!store.maui) return { fulfilled: false, released: [], deliveries: [] };
  const deliveries: string[] = [];
  if (!order.fulfilled) {
    await tx.order.update({ where: { id: order.id }, data: { fulfilled: true } });
    await tx.orderEvent.create({ data: { orderId: order.id, at, event: 'fulfilled', cause, details: { maui: true } } });
    const delivery = await noticeForPlatform(tx, order.id, 'fulfilled_changed', at);
    if (delivery) deliveries.push(delivery);
  }
  if (order.holdInventory) return { fulfilled: true, released: [], deliveries };
  const released = await settleHolds(tx, order.id, 'released', at);
  if (released.length > 0) {
    await tx.orderEvent.create({
      data: {
        orderId: order.id,
        at,
        event: 'hold_released',
        cause: 'Maui handles the stock of a pushed order',
        details: { holds: released.map(({ variantId, quantity }) => ({ variantId, quantity })) },
      },
    });
  }
  return { fulfilled: true, released, deliveries };
}
