import type { Order, Prisma, PrismaClient, PushState, Store } from '../generated/client';
import type { Sql } from '../sql';
import { recordOrderWebhook, type WebhookEvent } from '../webhooks';
import type { Transaction } from './holds';
import { recordEvents, type OrderEventCause, type OrderEventName } from './order-events';
import { orderColumns } from './order-rows';

/*
 * The statements of an order's push to Flowhub. The state machine they serve ("never twice": claim before the send,
 * record the answer after it, every later write conditional on the attempt) is described in
 * packages/orders/src/push/push-state.ts. The read, the claim and the record of the answer run for every order
 * pushed: each is one named statement (one round trip, its own transaction unless the caller's).
 */

export type PushStore = Pick<Store, 'enabled' | 'syncOrders' | 'maui' | 'orderAheadClientId' | 'orderAheadTokenEncrypted' | 'orderItemId'>;
export type PushLine = {
  line: number;
  variantId: string;
  quantity: number;
  tierGrams: number | null;
  product: { productId: string | null } | null;
};
export type PushedOrder = Order & { store: PushStore; items: PushLine[] };

/** The order with its store's push settings and its lines with their synced products, in one statement. */
const PUSHED_ORDER_SQL = `
  SELECT ${orderColumns('o')},
    json_build_object('enabled', s.enabled, 'syncOrders', s.sync_orders, 'maui', s.maui,
                      'orderAheadClientId', s.order_ahead_client_id, 'orderAheadTokenEncrypted', s.order_ahead_token_encrypted,
                      'orderItemId', s.order_item_id) AS store,
    coalesce((SELECT json_agg(json_build_object('line', i.line, 'variantId', i.variant_id, 'quantity', i.quantity, 'tierGrams', i.tier_grams,
                                                'product', CASE WHEN p.variant_id IS NULL THEN NULL ELSE json_build_object('productId', p.product_id) END)
                              ORDER BY i.line)
              FROM order_items i LEFT JOIN products p ON p.store_id = o.store_id AND p.variant_id = i.variant_id
              WHERE i.order_id = o.id), '[]') AS items
  FROM orders o JOIN stores s ON s.id = o.store_id
  WHERE o.store_id = $1 AND o.external_id = $2`;

/** What a push job reads first: the order, its store's push settings, its lines; undefined when the store has no such order. */
export async function readPushedOrder(sql: Sql, storeId: string, externalId: string): Promise<PushedOrder | undefined> {
  const { rows } = await sql.query<PushedOrder>({ name: 'pushed-order', text: PUSHED_ORDER_SQL, values: [storeId, externalId] });
  return rows[0];
}

const CLAIM_PUSH_SQL = `
  WITH claimed AS (
    UPDATE orders o
    SET push_state = 'pushing', push_started_at = $3, push_attempts = push_attempts + 1, postback_token = $4, push_error = NULL, updated_at = $3
    WHERE o.id = $1::uuid AND o.push_state IN ('queued', 'not_pushed') AND o.postback_token IS NOT DISTINCT FROM $2::text
      AND o.status = 'confirmed'
      AND EXISTS (SELECT 1 FROM stores s WHERE s.id = o.store_id AND s.enabled AND s.sync_orders)
    RETURNING o.id, o.push_attempts
  ), started AS (
    INSERT INTO order_events (order_id, at, event, details)
    SELECT id, $3, 'push_started', jsonb_build_object('attempt', push_attempts) FROM claimed
  )
  SELECT push_attempts AS attempt FROM claimed`;

/**
 * Claims the order for one send: the durable record that a create may be about to reach Flowhub.
 * Writes the postback token at the same time when the order has none yet (the payload already
 * carries it; the token condition makes sure that the payload built from what was read is the one that
 * matches the row). Returns the attempt number, or undefined when another worker claimed it first or
 * the order is no longer waiting for a push.
 * What the job read before is checked again here, on the row itself: the order must still be confirmed
 * and its store enabled with order sync on. A cancel that commits between the job's read and this claim
 * changes the row (the UPDATE waits for the cancel's lock and sees its status), so nothing is sent; a
 * cancel that comes after the claim finds the order 'pushing' and tells staff to cancel it in Flowhub too.
 */
export async function claimPush(
  sql: Sql,
  order: { id: string; postbackToken: string | null },
  postbackToken: string,
  at = new Date(),
): Promise<number | undefined> {
  const { rows } = await sql.query<{ attempt: number }>({
    name: 'claim-push',
    text: CLAIM_PUSH_SQL,
    values: [order.id, order.postbackToken, at, postbackToken],
  });
  return rows[0]?.attempt;
}

export interface PushTransition {
  /** The states the order may be in for the change to apply (it is one conditional UPDATE). */
  from: PushState[];
  to: PushState;
  /** The attempt the change belongs to; omitted before any claim. */
  attempt?: number;
  pushError: string | null;
  event: OrderEventName;
  cause?: OrderEventCause;
  /** Why, in words: the event's `details.reason`. Default: the push error. */
  reason?: string;
  details?: Prisma.InputJsonObject;
  /** The platform hears of it through its webhook (push failures and reconciliation needs). */
  webhook?: WebhookEvent;
  at?: Date;
}

export interface TransitionResult {
  /** False when the order was no longer where the caller saw it: nothing was written. */
  changed: boolean;
  /** Webhook deliveries recorded with the change, to be queued after the commit. */
  deliveries: string[];
}

/** Moves an order's push state if it is still where the caller saw it, with its history event (and webhook). */
export async function transitionPush(
  prisma: Pick<PrismaClient, '$transaction'>,
  orderId: string,
  change: PushTransition,
): Promise<TransitionResult> {
  const at = change.at ?? new Date();
  const reason = change.reason ?? change.pushError;
  const details =
    change.details === undefined && reason === null ? undefined : { ...change.details, ...(reason === null ? {} : { reason }) };
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: { id: orderId, pushState: { in: change.from }, ...(change.attempt === undefined ? {} : { pushAttempts: change.attempt }) },
      data: { pushState: change.to, pushError: change.pushError },
    });
    if (count === 0) return { changed: false, deliveries: [] };
    await recordEvents(tx, orderId, at, [{ event: change.event, cause: change.cause, details }]);
    const delivery = change.webhook ? await recordOrderWebhook(tx, orderId, change.webhook, at) : null;
    return { changed: true, deliveries: delivery ? [delivery] : [] };
  });
}

/*
 * Records Flowhub's answer to the create of one attempt if the order is still where the attempt left it (pushing, or
 * meanwhile marked needs_reconciliation, with no Flowhub id yet). Otherwise someone resolved it first (an operator, a
 * postback, a recreate) and Flowhub's answer names a second Flowhub order unless it is the id recorded: it joins the
 * order's duplicate_flowhub_order_ids (once) with a `duplicate_in_flowhub` event, since staff must cancel it in
 * Flowhub. An answer recorded for an order cancelled here meanwhile adds `flowhub_cancel_required` with Flowhub's id.
 * Those two outcomes need the platform's webhook, written in the same transaction: unless $7 says the caller runs this
 * inside a transaction that records them, the statement then writes nothing and answers applied = false (the caller
 * runs it again in one). Returns the order's row as the fulfilment needs it.
 */
const RECORD_PUSHED_SQL = `
  WITH target AS MATERIALIZED (
    SELECT id, hold_inventory, fulfilled, push_state, flowhub_order_id, status = 'cancelled' AS cancelled,
           push_state IN ('pushing', 'needs_reconciliation') AND push_attempts = $2::int AND flowhub_order_id IS NULL AS recordable,
           flowhub_order_id IS DISTINCT FROM $3::text AND NOT ($3::text = ANY (duplicate_flowhub_order_ids)) AS unknown_id
    FROM orders WHERE id = $1::uuid
    FOR UPDATE
  ), decided AS (
    SELECT target.*, NOT recordable AND unknown_id AS duplicate,
           $7::boolean OR NOT (CASE WHEN recordable THEN cancelled ELSE unknown_id END) AS applied
    FROM target
  ), recorded AS (
    UPDATE orders o
    SET push_state = 'pushed', flowhub_order_id = $3, pushed_at = $5, push_error = NULL,
        flowhub_status = coalesce($4::text, o.flowhub_status), updated_at = $5
    FROM decided WHERE o.id = decided.id AND decided.applied AND decided.recordable
    RETURNING o.id
  ), duplicated AS (
    UPDATE orders o
    SET duplicate_flowhub_order_ids = array_append(o.duplicate_flowhub_order_ids, $3::text), updated_at = $5
    FROM decided WHERE o.id = decided.id AND decided.applied AND decided.duplicate
    RETURNING o.id
  ), events AS (
    INSERT INTO order_events (order_id, at, event, cause, details)
    SELECT id, $5, 'pushed', NULL, jsonb_build_object('flowhubOrderId', $3::text, 'attempt', $2::int) FROM recorded
    UNION ALL
    SELECT id, $5, 'flowhub_cancel_required', 'cancelled', jsonb_build_object('flowhubOrderId', $3::text, 'pushState', 'pushed', 'message', $8::text)
    FROM decided WHERE applied AND recordable AND cancelled
    UNION ALL
    SELECT id, $5, 'duplicate_in_flowhub', NULL,
           jsonb_build_object('flowhubOrderId', $3::text, 'attempt', $2::int, 'recordedFlowhubOrderId', flowhub_order_id,
                              'pushState', push_state, 'reason', $9::text)
    FROM duplicated JOIN decided USING (id)
    UNION ALL
    SELECT id, $5, 'push_answer_unrecorded', NULL,
           jsonb_build_object('flowhubOrderId', $3::text, 'attempt', $2::int, 'recordedFlowhubOrderId', flowhub_order_id,
                              'reason', $6::text)
    FROM decided WHERE applied AND NOT recordable AND NOT duplicate
  )
  SELECT id, applied, recordable AS recorded, cancelled, duplicate, hold_inventory AS "holdInventory", fulfilled,
         push_state AS "pushState", flowhub_order_id AS "flowhubOrderId"
  FROM decided`;

/** What RECORD_PUSHED_SQL decided, with the order's row as it was before. */
export interface PushAnswerRow {
  id: string;
  /** False when the outcome needs the platform's webhook and the statement was not run inside a transaction that records it. */
  applied: boolean;
  recorded: boolean;
  cancelled: boolean;
  duplicate: boolean;
  holdInventory: boolean;
  fulfilled: boolean;
  pushState: PushState;
  flowhubOrderId: string | null;
}

/**
 * Flowhub's answer to the create of `attempt` (see RECORD_PUSHED_SQL). `inTransaction`: the caller runs it inside a
 * transaction that also records the webhooks its outcome needs (`sql` then is that transaction's, inSqlTransaction).
 */
export async function recordPushAnswer(
  sql: Sql,
  order: { id: string; attempt: number },
  answer: { flowhubOrderId: string; flowhubStatus: string | null },
  at: Date,
  inTransaction: boolean,
): Promise<PushAnswerRow> {
  const { flowhubOrderId } = answer;
  const values = [
    order.id,
    order.attempt,
    flowhubOrderId,
    answer.flowhubStatus,
    at,
    `Flowhub created order ${flowhubOrderId} for attempt ${order.attempt}, but the order's push had already been resolved`,
    inTransaction,
    `Flowhub created order ${flowhubOrderId} after this order was cancelled here: cancel it in Flowhub too, Flowhub's API offers no cancel`,
    `Flowhub created order ${flowhubOrderId} for attempt ${order.attempt} after the order's push had been resolved otherwise: ` +
      'a second Flowhub order for it, cancel it in Flowhub',
  ];
  const {
    rows: [row],
  } = await sql.query<PushAnswerRow>({ name: 'record-pushed', text: RECORD_PUSHED_SQL, values });
  if (!row) throw new Error(`order ${order.id} does not exist`);
  return row;
}

/**
 * Records a Flowhub order id found for the order (an operator's, or one a Flowhub postback named) as its push's
 * outcome: pushed, with that id, if its push is still in one of `from`. False when it was not (nothing written).
 */
export async function markPushed(
  tx: Transaction,
  orderId: string,
  from: readonly PushState[],
  flowhubOrderId: string,
  at: Date,
): Promise<boolean> {
  const { count } = await tx.order.updateMany({
    where: { id: orderId, pushState: { in: [...from] } },
    data: { pushState: 'pushed', flowhubOrderId, pushedAt: at, pushError: null },
  });
  return count > 0;
}

/** The order a Flowhub postback's token names (claimPush writes it); null for a token no order has. */
export async function findOrderByPostbackToken(
  prisma: PrismaClient,
  token: string,
): Promise<Pick<Order, 'id' | 'storeId' | 'externalId' | 'pushState'> | null> {
  return prisma.order.findUnique({
    where: { postbackToken: token },
    select: { id: true, storeId: true, externalId: true, pushState: true },
  });
}

/** The order's push state and externalId, when the store has the order (a postback names it by id). */
export async function readOrderPushState(
  prisma: PrismaClient,
  storeId: string,
  orderId: string,
): Promise<Pick<Order, 'pushState' | 'externalId'> | null> {
  return prisma.order.findFirst({ where: { id: orderId, storeId }, select: { pushState: true, externalId: true } });
}
