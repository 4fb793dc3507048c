import type { Order, PrismaClient } from '../generated/client';
import type { Sql } from '../sql';
import { recordWebhookDelivery } from '../webhooks';
import { recordEvents } from './order-events';

/*
 * A confirmed order whose push was queued, but whose store was disabled or stopped syncing orders before the push
 * job ran, is "skipped": push state not_pushed (the contract's states stay as they are) with the reason in
 * pushError, a `push_skipped` event, and the platform's `push_skipped` webhook. Such an order is told apart from
 * one confirmed while its store did not sync orders (not_pushed, no pushError, never queued) by that reason: it was
 * meant to reach Flowhub, so when the store syncs orders again (settings saved with enabled and syncOrders) it is
 * queued again (requeueSkippedPushes). Meanwhile the platform may complete or cancel it (isSkippedPush).
 */

/** A confirmed order whose push was skipped because its store stopped syncing orders: it waits to be queued again. */
export function isSkippedPush(order: Pick<Order, 'status' | 'pushState' | 'pushError'>): boolean {
  return order.status === 'confirmed' && order.pushState === 'not_pushed' && order.pushError !== null;
}

export type PushSkipOutcome =
  /** Recorded: queue the webhook deliveries after the commit. */
  | { skipped: true; deliveries: string[] }
  /** The store syncs orders again (saved while the job looked): the push must run after all. */
  | { skipped: false; storeSyncsOrders: true }
  /** The order was no longer queued (another run, an operator): nothing written. */
  | { skipped: false; storeSyncsOrders: false };

/**
 * Records that a queued push was skipped because the store does not sync orders. The store's row is read under a
 * share lock in the same transaction: a settings save that switches order sync back on either commits first (then
 * this sees it and skips nothing) or waits for this to commit (then its requeueSkippedPushes finds the order). So a
 * skip and a re-enable never cross, leaving an order skipped in a store that syncs orders.
 */
export async function recordPushSkipped(
  prisma: Pick<PrismaClient, '$transaction'>,
  orderId: string,
  reason: string,
  at = new Date(),
): Promise<PushSkipOutcome> {
  return prisma.$transaction(async (tx) => {
    const [store] = await tx.$queryRaw<{ syncs: boolean }[]>`
      SELECT s.enabled AND s.sync_orders AS syncs
      FROM orders o JOIN stores s ON s.id = o.store_id
      WHERE o.id = ${orderId}::uuid
      FOR SHARE OF s`;
    if (!store) throw new Error(`order ${orderId} does not exist`);
    if (store.syncs) return { skipped: false, storeSyncsOrders: true } as const;
    const { count } = await tx.order.updateMany({
      where: { id: orderId, pushState: 'queued' },
      data: { pushState: 'not_pushed', pushError: reason },
    });
    if (count === 0) return { skipped: false, storeSyncsOrders: false } as const;
    await recordEvents(tx, orderId, at, [{ event: 'push_skipped', details: { reason } }]);
    const order = await tx.order.findUniqueOrThrow({
      where: { id: orderId },
      select: { storeId: true, externalId: true, status: true, flowhubStatus: true },
    });
    const delivery = await recordWebhookDelivery(tx, { ...order, orderId, event: 'push_skipped', at });
    return { skipped: true, deliveries: delivery ? [delivery] : [] } as const;
  });
}

/*
 * One statement: the store's skipped pushes (see above) back to queued, each with a `push_queued` event that keeps
 * the reason it was skipped for (details.skippedBecause) beside its own (details.reason). Only while the store is enabled and syncs orders.
 */
const REQUEUE_SKIPPED_SQL = `
  WITH target AS MATERIALIZED (
    SELECT o.id, o.external_id, o.push_error
    FROM orders o JOIN stores s ON s.id = o.store_id AND s.enabled AND s.sync_orders
    WHERE o.store_id = $1 AND o.status = 'confirmed' AND o.push_state = 'not_pushed' AND o.push_error IS NOT NULL
    ORDER BY o.created_at
    FOR UPDATE OF o
  ), requeued AS (
    UPDATE orders o SET push_state = 'queued', push_error = NULL, updated_at = $2
    FROM target WHERE o.id = target.id AND o.status = 'confirmed' AND o.push_state = 'not_pushed'
    RETURNING o.id
  ), events AS (
    INSERT INTO order_events (order_id, at, event, cause, details)
    SELECT target.id, $2, 'push_queued', NULL,
           jsonb_build_object('skippedBecause', target.push_error, 'reason', 'the store syncs orders again')
    FROM target JOIN requeued USING (id)
  )
  SELECT target.external_id AS "externalId" FROM target JOIN requeued USING (id) ORDER BY target.external_id`;

/**
 * Queues again the pushes skipped while the store did not sync orders; returns their externalIds, whose jobs the
 * caller adds after this (the outbox sweep adds any it could not: they are 'queued' now).
 */
export async function requeueSkippedPushes(sql: Sql, storeId: string, at = new Date()): Promise<string[]> {
  const { rows } = await sql.query<{ externalId: string }>({
    name: 'requeue-skipped-pushes',
    text: REQUEUE_SKIPPED_SQL,
    values: [storeId, at],
  });
  return rows.map((row) => row.externalId);
}
