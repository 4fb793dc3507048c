import type { OrderStatus, PushState } from '../generated/client';
import type { Sql } from '../sql';

export interface ConfirmOrderResult {
  orderId: string;
  /** The order's status before this call. */
  status: OrderStatus;
  /** Whether this call confirmed it (it was pending). */
  confirmed: boolean;
  /** The push state after this call: 'queued' when the confirmation queued a push. */
  pushState: PushState;
}

/*
 * One statement (its own transaction): locks the order's row, and if it is pending confirms it, queues its
 * push when the store is enabled and syncs orders, and writes the history events. Anything else it leaves as
 * it is, and the caller decides from the status it read (a repeat confirm, or a 409).
 */
const CONFIRM_ORDER_SQL = `
  WITH target AS MATERIALIZED (
    SELECT o.id, o.status, o.push_state, s.enabled AND s.sync_orders AND o.push_state = 'not_pushed' AS queue_push
    FROM orders o JOIN stores s ON s.id = o.store_id
    WHERE o.store_id = $1 AND o.external_id = $2
    FOR UPDATE OF o
  ), confirmed AS (
    UPDATE orders o
    SET status = 'confirmed', confirmed_at = $3, updated_at = $3,
        push_state = CASE WHEN target.queue_push THEN 'queued'::push_state ELSE o.push_state END
    FROM target
    WHERE o.id = target.id AND target.status = 'pending'
    RETURNING o.id, o.push_state
  ), events AS (
    INSERT INTO order_events (order_id, at, event, from_status, to_status, cause)
    SELECT id, $3, 'status_changed', 'pending'::order_status, 'confirmed'::order_status, 'platform' FROM confirmed
    UNION ALL
    SELECT id, $3, 'push_queued', NULL, NULL, 'platform' FROM confirmed WHERE push_state = 'queued'::push_state
  )
  SELECT target.id AS "orderId", target.status, confirmed.id IS NOT NULL AS confirmed,
         coalesce(confirmed.push_state, target.push_state) AS "pushState"
  FROM target LEFT JOIN confirmed ON confirmed.id = target.id`;

/** pending → confirmed (see CONFIRM_ORDER_SQL); null when the store has no such order. */
export async function confirmPendingOrder(
  sql: Sql,
  ref: { storeId: string; externalId: string },
  at: Date,
): Promise<ConfirmOrderResult | null> {
  const { rows } = await sql.query<ConfirmOrderResult>({
    name: 'confirm-order',
    text: CONFIRM_ORDER_SQL,
    values: [ref.storeId, ref.externalId, at],
  });
  return rows[0] ?? null;
}
