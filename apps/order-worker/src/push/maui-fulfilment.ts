import { fulfilMauiPush, type MauiFulfilment, type Prisma } from '@flowhub-sync/db';

/**
 * Flowhub Maui (seed: "Order Syncing (Maui customers only)"): once an order is in Flowhub, Maui handles its
 * stock, so the order is marked fulfilled and its holds become consumed, released by the first successful
 * inventory sync that started after the push; unless staff asked to keep holding it (Order.holdInventory, the
 * "Fulfilled" toggle), in which case they stay held until the order completes or is cancelled. Other stores keep
 * their holds until then too. The rule is written once, in packages/db (fulfilMauiPush), which the producer's
 * operator route calls as well; this runs it inside the transaction that records the push.
 */

export type FulfilmentResult = MauiFulfilment;

/** What a successful push means for a store's stock; call inside the push's transaction. */
export async function fulfilAfterPush(
  tx: Prisma.TransactionClient,
  order: { id: string; holdInventory: boolean; fulfilled: boolean },
  store: { maui: boolean },
  at: Date,
  cause: string,
): Promise<FulfilmentResult> {
  if (!store.maui) return { fulfilled: false, consumed: [], deliveries: [] };
  return fulfilMauiPush(tx, order, at, cause);
}
