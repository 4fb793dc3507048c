import type { Logger } from '@flowhub-sync/config';
import { expirePendingOrder, pendingOrdersPastHold, type ExpiredOrder, type PendingOrderDue, type PrismaClient } from '@flowhub-sync/db';
import type { MaintenanceTaskRun } from './task';

/**
 * maintenance / expire-pending-orders: a pending order older than its store's pendingHoldMinutes expires and
 * its holds are released, so stock an abandoned checkout held returns to the menu.
 *
 * Each order changes in its own short transaction, under its row lock (an order being confirmed or cancelled
 * at this moment is skipped and looked at again on the next run). Running twice changes nothing more.
 * The hold accounting is packages/db's (packages/db/src/orders/holds.ts, settleHolds, through expirePendingOrder in
 * packages/db/src/orders/expiry.ts): the held holds become released and Product.heldQuantity drops by their
 * quantities in the same transaction, products in variantId order.
 */

export interface ExpirePendingOrdersOptions {
  /** The clock: orders created before now − pendingHoldMinutes expire. */
  now: Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
  batchSize?: number;
}

export type { ExpiredOrder };

export async function expirePendingOrders(
  prisma: PrismaClient,
  { now, logger, batchSize = 200 }: ExpirePendingOrdersOptions,
): Promise<{ expired: ExpiredOrder[] }> {
  const expired: ExpiredOrder[] = [];
  // Keyset over (created_at, id): an order skipped because it was locked is not fetched again in this run.
  let after: PendingOrderDue | null = null;
  for (;;) {
    const due = await pendingOrdersPastHold(prisma, now, after, batchSize);
    for (const order of due) {
      const result = await expirePendingOrder(prisma, order.id, now);
      if (result) {
        expired.push(result);
        logger?.info(
          { storeId: result.storeId, externalId: result.externalId, releasedHolds: result.releasedHolds },
          'pending order expired, holds released',
        );
      }
    }
    if (due.length < batchSize) break;
    after = due[due.length - 1];
  }
  return { expired };
}

export const expirePendingOrdersTask: MaintenanceTaskRun = async (deps, now) => ({
  expired: (await expirePendingOrders(deps.prisma, { now, logger: deps.logger })).expired.length,
});
