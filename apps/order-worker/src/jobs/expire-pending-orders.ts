import type { Logger } from '@flowhub-sync/config';
import { settleHolds, type Prisma, type PrismaClient } from '@flowhub-sync/db';

/**
 * maintenance / expire-pending-orders: a pending order older than its store's pendingHoldMinutes expires and
 * its holds are released, so stock an abandoned checkout held returns to the menu.
 *
 * Each order changes in its own short transaction, under its row lock (an order being confirmed or cancelled
 * at this moment is skipped and looked at again on the next run). Running twice changes nothing more.
 * The hold accounting is the producer's (apps/producer/src/orders/holds.ts): the held holds become released
 * and Product.heldQuantity drops by their quantities in the same transaction, products in variantId order.
 */

export interface ExpirePendingOrdersOptions {
  /** The clock: orders created before now − pendingHoldMinutes expire. */
  now: Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
  batchSize?: number;
}

export interface ExpiredOrder {
  storeId: string;
  externalId: string;
  releasedHolds: number;
}

async function expireOne(tx: Prisma.TransactionClient, orderId: string, now: Date): Promise<ExpiredOrder | null> {
  const locked = await tx.$queryRaw<{ store_id: string; external_id: string }[]>`
    SELECT store_id, external_id FROM orders WHERE id = ${orderId}::uuid AND status = 'pending'::order_status FOR UPDATE SKIP LOCKED`;
  if (locked.length === 0) return null;
  const { store_id: storeId, external_id: externalId } = locked[0];

  await tx.order.update({ where: { id: orderId }, data: { status: 'expired' } });
  const released = await settleHolds(tx, orderId, 'released', now);
  const holds = released.map((hold) => ({ variantId: hold.variantId, quantity: hold.quantity }));
  await tx.orderEvent.createMany({
    data: [
      { orderId, at: now, event: 'status_changed', fromStatus: 'pending', toStatus: 'expired', cause: 'expired' },
      ...(holds.length > 0 ? [{ orderId, at: now, event: 'hold_released', cause: 'expired', details: { holds } }] : []),
    ],
  });
  return { storeId, externalId, releasedHolds: holds.length };
}

export async function expirePendingOrders(prisma: PrismaClient, { now, logger, batchSize = 200 }: ExpirePendingOrdersOptions): Promise<{ expired: ExpiredOrder[] }> {
  const expired: ExpiredOrder[] = [];
  // Keyset over (created_at, id): an order skipped because it was locked is not fetched again in this run.
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const cursor: { createdAt: Date; id: string } | null = after;
    const due: { id: string; created_at: Date }[] = await prisma.$queryRaw<{ id: string; created_at: Date }[]>`
      SELECT o.id, o.created_at FROM orders o JOIN stores s ON s.id = o.store_id
      WHERE o.status = 'pending'::order_status
        AND o.created_at < ${now}::timestamptz - make_interval(mins => s.pending_hold_minutes)
        AND (${cursor?.createdAt ?? null}::timestamptz IS NULL OR (o.created_at, o.id) > (${cursor?.createdAt ?? null}::timestamptz, ${cursor?.id ?? null}::uuid))
      ORDER BY o.created_at, o.id
      LIMIT ${batchSize}`;
    for (const order of due) {
      const result = await prisma.$transaction((tx) => expireOne(tx, order.id, now));
      if (result) {
        expired.push(result);
        logger?.info({ storeId: result.storeId, externalId: result.externalId, releasedHolds: result.releasedHolds }, 'pending order expired, holds released');
      }
    }
    if (due.length < batchSize) break;
    after = { createdAt: due[due.length - 1].created_at, id: due[due.length - 1].id };
  }
  return { expired };
}
