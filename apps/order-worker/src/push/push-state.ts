import type { Prisma, PrismaClient, PushState, Sql, WebhookEvent } from '@flowhub-sync/db';
import { fulfilAfterPush, type FulfilmentResult } from './maui-fulfilment';
import { noticeForPlatform } from './platform-notices';

/*
 * NEVER TWICE: how an order reaches Flowhub at most once.
 *
 * Flowhub's Order Ahead create has no idempotency key, and Flowhub cannot find an order by our ids:
 * its only lookup needs Flowhub's own orderId, which is exactly what is lost when a create's answer
 * is lost. So a create must never be sent again once it may have reached Flowhub. The order row in
 * PostgreSQL is the record of every attempt, written before and after each send:
 *
 *   queued / not_pushed ──claim──▶ pushing ──answer──▶ pushed (flowhubOrderId, pushedAt)
 *                                     │
 *                                     ├─ certainly not sent (refused before sending, 429, no connection):
 *                                     │      back to queued, BullMQ retries with backoff
 *                                     ├─ refused by Flowhub (422, credentials): failed, no retries
 *                                     └─ outcome unknown (timeout or reset after sending, 5xx, 3xx, crash):
 *                                            needs_reconciliation, never sent again automatically
 *
 * - The claim is one conditional UPDATE (state queued/not_pushed → pushing, pushAttempts + 1,
 *   pushStartedAt) committed BEFORE the request leaves: of two workers that hold the same job (a
 *   stalled job handed to a second worker), only one can move the row, and only that one sends.
 * - Flowhub's orderId is written the moment the answer arrives (pushed), in the same transaction as
 *   the Maui fulfilment.
 * - A job that starts and finds the order 'pushing' knows that an earlier run claimed it and never
 *   recorded an outcome: that run may have crashed (SIGKILL, power loss) after Flowhub accepted the
 *   create. It does not send; it marks the order needs_reconciliation. An operator (or Flowhub's
 *   postback naming the order) resolves it through POST …/push: {"flowhubOrderId"} records the id
 *   found in Flowhub, {"recreate": true} is the explicit decision to create it anew.
 * - Every later write is conditional on the attempt number it belongs to, so a late or stale worker
 *   can never overwrite what a newer attempt, or an operator, recorded.
 * The cost is that a crash between the claim and the send (nothing sent) also asks for an operator:
 * a rare, visible inconvenience, never a duplicate order in the store's point of sale.
 */

/** How an operator resolves an unknown outcome; part of every needs_reconciliation reason. */
export const RESOLVE_HINT =
  'check Flowhub and resolve with POST /v1/stores/{storeId}/orders/{externalId}/push: {"flowhubOrderId": "…"} if the order is there, {"recreate": true} if it is not';

export const PREVIOUS_ATTEMPT_REASON = `a previous push attempt may have reached Flowhub (it was interrupted before Flowhub's answer was recorded); ${RESOLVE_HINT}`;

type Db = Pick<PrismaClient, '$transaction'>;

export interface PushTransition {
  /** The states the order may be in for the change to apply (it is one conditional UPDATE). */
  from: PushState[];
  to: PushState;
  /** The attempt the change belongs to; omitted before any claim. */
  attempt?: number;
  pushError: string | null;
  event: string;
  cause?: string;
  details?: Prisma.InputJsonValue;
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
export async function transitionPush(prisma: Db, orderId: string, change: PushTransition): Promise<TransitionResult> {
  const at = change.at ?? new Date();
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: { id: orderId, pushState: { in: change.from }, ...(change.attempt === undefined ? {} : { pushAttempts: change.attempt }) },
      data: { pushState: change.to, pushError: change.pushError },
    });
    if (count === 0) return { changed: false, deliveries: [] };
    await tx.orderEvent.create({
      data: { orderId, at, event: change.event, cause: change.cause ?? change.pushError, ...(change.details === undefined ? {} : { details: change.details }) },
    });
    const delivery = change.webhook ? await noticeForPlatform(tx, orderId, change.webhook, at) : null;
    return { changed: true, deliveries: delivery ? [delivery] : [] };
  });
}

/*
 * The claim and the record of Flowhub's answer happen for every order pushed: each is one statement
 * (one round trip, its own transaction) rather than a transaction of several.
 */
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
  const { rows } = await sql.query<{ attempt: number }>({ name: 'claim-push', text: CLAIM_PUSH_SQL, values: [order.id, order.postbackToken, at, postbackToken] });
  return rows[0]?.attempt;
}

export type RecordPushedResult =
  | ({
      recorded: true;
      /** The order was cancelled here while its create was on its way: staff must cancel it in Flowhub (no fulfilment). */
      cancelRequired: boolean;
    } & FulfilmentResult)
  | {
      recorded: false;
      pushState: PushState;
      flowhubOrderId: string | null;
      /** Flowhub's answer names another order than the one recorded: a second Flowhub order, now on the order. */
      duplicate: boolean;
      /** The platform's webhook deliveries recorded with it: queue them after the commit. */
      deliveries: string[];
    };

/*
 * Records the answer if the order is still where the attempt left it (pushing, or meanwhile marked
 * needs_reconciliation, with no Flowhub id yet). Otherwise someone resolved it first (an operator, a
 * postback, a recreate) and Flowhub's answer names a second Flowhub order unless it is the id recorded:
 * it joins the order's duplicate_flowhub_order_ids (once) with a `duplicate_in_flowhub` event, since staff
 * must cancel it in Flowhub. An answer recorded for an order cancelled here meanwhile adds
 * `flowhub_cancel_required` with Flowhub's id. Those two outcomes need the platform's webhook, written in
 * the same transaction: unless $7 says the caller runs this inside a transaction that records them, the
 * statement then writes nothing and answers applied = false (the caller runs it again in one).
 * Returns the order's row as the fulfilment needs it.
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
    SELECT id, $5, 'duplicate_in_flowhub', $9::text,
           jsonb_build_object('flowhubOrderId', $3::text, 'attempt', $2::int, 'recordedFlowhubOrderId', flowhub_order_id, 'pushState', push_state)
    FROM duplicated JOIN decided USING (id)
    UNION ALL
    SELECT id, $5, 'push_answer_unrecorded', $6::text,
           jsonb_build_object('flowhubOrderId', $3::text, 'attempt', $2::int, 'recordedFlowhubOrderId', flowhub_order_id)
    FROM decided WHERE applied AND NOT recordable AND NOT duplicate
  )
  SELECT id, applied, recordable AS recorded, cancelled, duplicate, hold_inventory AS "holdInventory", fulfilled,
         push_state AS "pushState", flowhub_order_id AS "flowhubOrderId"
  FROM decided`;

interface RecordedRow {
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
 * Records Flowhub's answer: pushed, Flowhub's orderId, and for a Maui store the fulfilment (its holds
 * consumed), in one transaction. Applies to the attempt that sent it, while it is
 * 'pushing' or was meanwhile marked needs_reconciliation (the answer settles that question).
 * An order cancelled here meanwhile is recorded too (it is followed in Flowhub) but not fulfilled, and
 * the platform hears `cancel_required_in_flowhub`; an answer naming a second Flowhub order is kept on the
 * order and the platform hears `duplicate_in_flowhub` (see RECORD_PUSHED_SQL).
 */
export async function recordPushed(
  db: { sql: Sql; prisma: Db },
  order: { id: string; attempt: number },
  store: { maui: boolean },
  answer: { flowhubOrderId: string; flowhubStatus: string | null },
  at = new Date(),
): Promise<RecordPushedResult> {
  const values = (inTransaction: boolean) => [
    order.id,
    order.attempt,
    answer.flowhubOrderId,
    answer.flowhubStatus,
    at,
    `Flowhub created order ${answer.flowhubOrderId} for attempt ${order.attempt}, but the order's push had already been resolved`,
    inTransaction,
    `Flowhub created order ${answer.flowhubOrderId} after this order was cancelled here: cancel it in Flowhub too, Flowhub's API offers no cancel`,
    `Flowhub created order ${answer.flowhubOrderId} for attempt ${order.attempt} after the order's push had been resolved otherwise: a second Flowhub order for it, cancel it in Flowhub`,
  ];
  const unrecorded = (row: RecordedRow, deliveries: string[] = []): RecordPushedResult => ({
    recorded: false,
    pushState: row.pushState,
    flowhubOrderId: row.flowhubOrderId,
    duplicate: row.duplicate,
    deliveries,
  });
  if (!store.maui) {
    const {
      rows: [row],
    } = await db.sql.query<RecordedRow>({ name: 'record-pushed', text: RECORD_PUSHED_SQL, values: values(false) });
    if (!row) throw new Error(`order ${order.id} does not exist`);
    if (row.applied) return row.recorded ? { recorded: true, cancelRequired: false, fulfilled: false, consumed: [], deliveries: [] } : unrecorded(row);
  }
  // Maui, or an outcome the platform must hear of: the record, the fulfilment and the webhook in one transaction,
  // so "pushed" and "fulfilled" never disagree and no such change is committed without its notice.
  return db.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<RecordedRow[]>(RECORD_PUSHED_SQL, ...values(true));
    if (!row) throw new Error(`order ${order.id} does not exist`);
    const notice = async (event: 'cancel_required_in_flowhub' | 'duplicate_in_flowhub') => {
      const delivery = await noticeForPlatform(tx, row.id, event, at);
      return delivery ? [delivery] : [];
    };
    if (!row.recorded) return unrecorded(row, row.duplicate ? await notice('duplicate_in_flowhub') : []);
    // Cancelled here while the create was on its way: Flowhub has it, but Maui does not take over a cancelled order's stock.
    if (row.cancelled) return { recorded: true, cancelRequired: true, fulfilled: row.fulfilled, consumed: [], deliveries: await notice('cancel_required_in_flowhub') };
    const fulfilment = await fulfilAfterPush(tx, row, store, at, 'pushed to Flowhub Maui');
    return { recorded: true, cancelRequired: false, ...fulfilment };
  });
}
