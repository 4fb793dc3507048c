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
 *
 * The statements (the read, the claim, the record of the answer, the other moves of the push state) are in
 * packages/db/src/orders/push-state.ts; the job is packages/orders/src/jobs/order-push.ts. Flowhub's answer, an
 * operator's {"flowhubOrderId"} and a postback naming the Flowhub order all go through one recorder,
 * packages/db/src/orders/record-pushed.ts.
 */

/** How an operator resolves an unknown outcome; part of every needs_reconciliation reason. */
export const RESOLVE_HINT =
  'check Flowhub and resolve with POST /v1/stores/{storeId}/orders/{externalId}/push: {"flowhubOrderId": "…"} if the order is there, {"recreate": true} if it is not';

export const PREVIOUS_ATTEMPT_REASON = `a previous push attempt may have reached Flowhub (it was interrupted before Flowhub's answer was recorded); ${RESOLVE_HINT}`;
