import type { Prisma, PrismaClient, PushState, WebhookEvent } from '@flowhub-sync/db';
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
 *                                     └─ outcome unknown (timeout or reset after sending, 5xx, crash):
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

const CLAIMABLE: PushState[] = ['queued', 'not_pushed'];

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

/**
 * Claims the order for one send: the durable record that a create may be about to reach Flowhub.
 * Writes the postback token at the same time when the order has none yet (the payload already
 * carries it). Returns the attempt number, or undefined when another worker claimed it first or the
 * order is no longer waiting for a push.
 */
export async function claimPush(
  prisma: Db,
  order: { id: string; postbackToken: string | null },
  postbackToken: string,
  at = new Date(),
): Promise<number | undefined> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      // The token condition: the payload built from what we read is the one that matches the row.
      where: { id: order.id, pushState: { in: CLAIMABLE }, postbackToken: order.postbackToken },
      data: { pushState: 'pushing', pushStartedAt: at, pushAttempts: { increment: 1 }, postbackToken, pushError: null },
    });
    if (count === 0) return undefined;
    const { pushAttempts } = await tx.order.findUniqueOrThrow({ where: { id: order.id }, select: { pushAttempts: true } });
    await tx.orderEvent.create({ data: { orderId: order.id, at, event: 'push_started', details: { attempt: pushAttempts } } });
    return pushAttempts;
  });
}

export type RecordPushedResult = ({ recorded: true } & FulfilmentResult) | { recorded: false; pushState: PushState; flowhubOrderId: string | null };

/**
 * Records Flowhub's answer: pushed, Flowhub's orderId, and for a Maui store the fulfilment and
 * release of the holds, in one transaction. Applies to the attempt that sent it, while it is
 * 'pushing' or was meanwhile marked needs_reconciliation (the answer settles that question).
 */
export async function recordPushed(
  prisma: Db,
  order: { id: string; attempt: number },
  store: { maui: boolean },
  answer: { flowhubOrderId: string; flowhubStatus: string | null },
  at = new Date(),
): Promise<RecordPushedResult> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: { id: order.id, pushState: { in: ['pushing', 'needs_reconciliation'] }, pushAttempts: order.attempt, flowhubOrderId: null },
      data: {
        pushState: 'pushed',
        flowhubOrderId: answer.flowhubOrderId,
        pushedAt: at,
        pushError: null,
        ...(answer.flowhubStatus ? { flowhubStatus: answer.flowhubStatus } : {}),
      },
    });
    const row = await tx.order.findUniqueOrThrow({
      where: { id: order.id },
      select: { id: true, holdInventory: true, fulfilled: true, pushState: true, flowhubOrderId: true },
    });
    if (count === 0) {
      // Someone resolved the order first (an operator, a postback): keep Flowhub's answer in its history,
      // it may name a second Flowhub order that staff must cancel there.
      await tx.orderEvent.create({
        data: {
          orderId: order.id,
          at,
          event: 'push_answer_unrecorded',
          cause: `Flowhub created order ${answer.flowhubOrderId} for attempt ${order.attempt}, but the order's push had already been resolved`,
          details: { flowhubOrderId: answer.flowhubOrderId, attempt: order.attempt, recordedFlowhubOrderId: row.flowhubOrderId },
        },
      });
      return { recorded: false, pushState: row.pushState, flowhubOrderId: row.flowhubOrderId };
    }
    await tx.orderEvent.create({
      data: { orderId: order.id, at, event: 'pushed', details: { flowhubOrderId: answer.flowhubOrderId, attempt: order.attempt } },
    });
    const fulfilment = await fulfilAfterPush(tx, row, store, at, 'pushed to Flowhub Maui');
    return { recorded: true, ...fulfilment };
  });
}
