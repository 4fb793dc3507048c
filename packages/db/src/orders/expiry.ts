import type { PrismaClient } from '../generated/client';
import { settleHolds } from './holds';
import { recordEvents } from './order-events';

/*
 * Pending-hold expiry (the maintenance task expire-pending-orders, packages/orders/src/maintenance/expire-pending-orders.ts):
 * a pending order older than its store's pendingHoldMinutes expires and its holds are released. The hold accounting is
 * settleHolds' (./holds.ts): the held holds become released and Product.heldQuantity drops by their quantities in the
 * same transaction, products in variantId order.
 */

export interface PendingOrderDue {
  id: string;
  createdAt: Date;
}

/**
 * Pending orders created before now − their store's pendingHoldMinutes, oldest first, after `after` (keyset over
 * (createdAt, id): an order skipped because it was locked is not fetched again by the same run).
 */
export async function pendingOrdersPastHold(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  now: Date,
  after: PendingOrderDue | null,
  limit: number,
): Promise<PendingOrderDue[]> {
  const rows = await prisma.$queryRaw<{ id: string; created_at: Date }[]>`
      SELECT o.id, o.created_at FROM orders o JOIN stores s ON s.id = o.store_id
      WHERE o.status = 'pending'::order_status
        AND o.created_at < ${now}::timestamptz - make_interval(mins => s.pending_hold_minutes)
        AND (${after?.createdAt ?? null}::timestamptz IS NULL
             OR (o.created_at, o.id) > (${after?.createdAt ?? null}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY o.created_at, o.id
      LIMIT ${limit}`;
  return rows.map((row) => ({ id: row.id, createdAt: row.created_at }));
}

export interface ExpiredOrder {
  storeId: string;
  externalId: string;
  releasedHolds: number;
}

/**
 * Expires one pending order and releases its holds, in its own short transaction under the order's row lock. An order
 * locked at this moment (being confirmed or cancelled) is skipped (null), as is one no longer pending: expiring twice
 * changes nothing more.
 */
export async function expirePendingOrder(
  prisma: Pick<PrismaClient, '$transaction'>,
  orderId: string,
  now: Date,
): Promise<ExpiredOrder | null> {
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ store_id: string; external_id: string }[]>`
    SELECT store_id, external_id FROM orders WHERE id = ${orderId}::uuid AND status = 'pending'::order_status FOR UPDATE SKIP LOCKED`;
    if (locked.length === 0) return null;
    const { store_id: storeId, external_id: externalId } = locked[0];

    await tx.order.update({ where: { id: orderId }, data: { status: 'expired' } });
    const released = await settleHolds(tx, orderId, 'released', now);
    const holds = released.map((hold) => ({ variantId: hold.variantId, quantity: hold.quantity }));
    await recordEvents(tx, orderId, now, [
      { event: 'status_changed', from: 'pending', to: 'expired', cause: 'expired' },
      ...(holds.length > 0 ? [{ event: 'hold_released' as const, cause: 'expired' as const, details: { holds } }] : []),
    ]);
    return { storeId, externalId, releasedHolds: holds.length };
  });
}
