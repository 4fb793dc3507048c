import type { PrismaClient, PushState } from '../generated/client';
import type { Sql } from '../sql';
import { recordOrderWebhook, type WebhookEvent } from '../webhooks';
import { recordLinkedCancelledOrder } from './cancel-required';
import { applyFlowhubStatus, type FlowhubStatusOutcome } from './flowhub-status';
import type { Transaction } from './holds';
import { fulfilMauiPush, type HandOver, type MauiFulfilment } from './maui-fulfilment';
import { recordEvents } from './order-events';
import { markPushed, recordPushAnswer, type PushAnswerRow } from './push-state';
import { inOrderTransaction, inSqlTransaction } from './transaction';

/*
 * THE record that an order is in Flowhub, whoever found out:
 * - the worker's push: Flowhub answered the create of one attempt (recordPushed below, the job's way in,
 *   packages/orders/src/jobs/order-push.ts);
 * - an operator: POST …/push with {"flowhubOrderId"} (requestOrderPush, ./push-requests.ts, for
 *   apps/producer/src/orders/push-queue.ts);
 * - a Flowhub postback naming the Flowhub order of an order whose push outcome was unknown (resolvePushByPostback below,
 *   for the status poll job, packages/orders/src/jobs/order-status-poll.ts).
 * What follows from it is written here once, in the transaction that records it: an order cancelled here meanwhile
 * must be cancelled in Flowhub too (its stock is not handed over); otherwise a Maui store hands the order's stock
 * over to Flowhub (fulfilMauiPush, ./maui-fulfilment.ts, which nothing else calls).
 */

/** Who found the order in Flowhub. */
export type PushedBy =
  /** The worker's push: Flowhub's answer to the create of `attempt`; `maui` as the push read the store. */
  | { by: 'push'; attempt: number; flowhubStatus: string | null; maui: boolean }
  /** An operator's {"flowhubOrderId"}, on the order's row as they found it under its lock (the caller checked the request). */
  | { by: 'operator'; previousState: PushState; previousError: string | null }
  /** A Flowhub postback, tied to an order whose push needs reconciliation. */
  | { by: 'postback' };

export type RecordPushedResult =
  | ({
      recorded: true;
      /** The order was cancelled here while its create was on its way: staff must cancel it in Flowhub (no fulfilment). */
      cancelRequired: boolean;
    } & MauiFulfilment)
  | {
      recorded: false;
      pushState: PushState;
      flowhubOrderId: string | null;
      /** Flowhub's answer names another order than the one recorded: a second Flowhub order, now on the order. */
      duplicate: boolean;
      /** The platform's webhook deliveries recorded with it: queue them after the commit. */
      deliveries: string[];
    };

/** A transaction: Prisma's, and plain SQL on the same connection (inSqlTransaction, inOrderTransaction). */
export interface OrderTransaction {
  tx: Transaction;
  sql: Sql;
}

const notice = async (tx: Transaction, orderId: string, event: WebhookEvent, at: Date): Promise<string[]> => {
  const delivery = await recordOrderWebhook(tx, orderId, event, at);
  return delivery ? [delivery] : [];
};

/** What being in Flowhub means for a Maui store's stock; nothing for the other stores. */
async function handOver(
  tx: Transaction,
  order: { id: string; holdInventory: boolean; fulfilled: boolean },
  maui: boolean,
  at: Date,
  why: HandOver,
) {
  if (!maui) return { fulfilled: false, consumed: [], deliveries: [] };
  return fulfilMauiPush(tx, order, at, why);
}

const unrecorded = (
  row: Pick<PushAnswerRow, 'pushState' | 'flowhubOrderId' | 'duplicate'>,
  deliveries: string[] = [],
): RecordPushedResult => ({
  recorded: false,
  pushState: row.pushState,
  flowhubOrderId: row.flowhubOrderId,
  duplicate: row.duplicate,
  deliveries,
});

/**
 * Records inside the caller's transaction (of this package) that the order is Flowhub order `flowhubOrderId`, with
 * what follows from it. Returns the webhook deliveries to queue after the commit.
 */
export async function recordPushedToFlowhub(
  db: OrderTransaction,
  orderId: string,
  flowhubOrderId: string,
  pushedBy: PushedBy,
  at: Date,
): Promise<RecordPushedResult> {
  const { tx } = db;
  if (pushedBy.by === 'push') {
    const answer = { flowhubOrderId, flowhubStatus: pushedBy.flowhubStatus };
    const row = await recordPushAnswer(db.sql, { id: orderId, attempt: pushedBy.attempt }, answer, at, true);
    if (!row.recorded) return unrecorded(row, row.duplicate ? await notice(tx, orderId, 'duplicate_in_flowhub', at) : []);
    // Cancelled here while the create was on its way: Flowhub has it (the statement recorded flowhub_cancel_required),
    // but Maui does not take over a cancelled order's stock.
    if (row.cancelled) {
      return {
        recorded: true,
        cancelRequired: true,
        fulfilled: row.fulfilled,
        consumed: [],
        deliveries: await notice(tx, orderId, 'cancel_required_in_flowhub', at),
      };
    }
    return { recorded: true, cancelRequired: false, ...(await handOver(tx, row, pushedBy.maui, at, { reason: 'pushed to Flowhub Maui' })) };
  }

  const from: PushState[] = pushedBy.by === 'operator' ? [pushedBy.previousState] : ['needs_reconciliation'];
  if (!(await markPushed(tx, orderId, from, flowhubOrderId, at))) {
    return unrecorded({
      ...(await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { pushState: true, flowhubOrderId: true } })),
      duplicate: false,
    });
  }
  const cause = pushedBy.by === 'operator' ? 'operator' : 'flowhub';
  await recordEvents(tx, orderId, at, [
    pushedBy.by === 'operator'
      ? {
          event: 'reconciled',
          cause,
          details: { flowhubOrderId, previousState: pushedBy.previousState, previousError: pushedBy.previousError },
        }
      : { event: 'reconciled_by_postback', cause, details: { flowhubOrderId } },
  ]);
  const pushed = await tx.order.findUniqueOrThrow({
    where: { id: orderId },
    select: {
      id: true,
      storeId: true,
      externalId: true,
      status: true,
      flowhubStatus: true,
      holdInventory: true,
      fulfilled: true,
      store: { select: { maui: true } },
    },
  });
  // Cancelled here while its push's outcome was unknown: it is in Flowhub after all, so staff must cancel it there.
  if (pushed.status === 'cancelled') {
    const deliveries = await recordLinkedCancelledOrder(tx, { ...pushed, status: 'cancelled' }, flowhubOrderId, at, cause);
    return { recorded: true, cancelRequired: true, fulfilled: pushed.fulfilled, consumed: [], deliveries };
  }
  // Now known to be in Flowhub: a Maui store hands the stock over, as after a push that answered.
  return { recorded: true, cancelRequired: false, ...(await handOver(tx, pushed, pushed.store.maui, at, { cause })) };
}

/**
 * The worker's push records Flowhub's answer: pushed, Flowhub's orderId, and for a Maui store the fulfilment (its
 * holds consumed), in one transaction. Applies to the attempt that sent it, while it is 'pushing' or was meanwhile
 * marked needs_reconciliation (the answer settles that question); see recordPushAnswer (./push-state.ts) for the rest.
 * The common case (no Maui store, nothing the platform must hear of) is the statement alone, one round trip; the
 * others run the same statement inside a transaction that also writes what follows (recordPushedToFlowhub).
 */
export async function recordPushed(
  db: { sql: Sql; prisma: PrismaClient },
  order: { id: string; attempt: number },
  store: { maui: boolean },
  answer: { flowhubOrderId: string; flowhubStatus: string | null },
  at = new Date(),
): Promise<RecordPushedResult> {
  if (!store.maui) {
    const row = await recordPushAnswer(db.sql, order, answer, at, false);
    if (row.applied)
      return row.recorded ? { recorded: true, cancelRequired: false, fulfilled: false, consumed: [], deliveries: [] } : unrecorded(row);
  }
  // Maui, or an outcome the platform must hear of: the record, the fulfilment and the webhook in one transaction,
  // so "pushed" and "fulfilled" never disagree and no such change is committed without its notice.
  const pushedBy = { by: 'push', attempt: order.attempt, flowhubStatus: answer.flowhubStatus, maui: store.maui } as const;
  return inSqlTransaction(db.prisma, (tx, sql) => recordPushedToFlowhub({ tx, sql }, order.id, answer.flowhubOrderId, pushedBy, at));
}

/**
 * A Flowhub postback tied the order, whose push needs reconciliation, to Flowhub order `flowhubOrderId` (the caller read
 * that order from Flowhub: `flowhubStatus` is its status). In one transaction: recorded as every push outcome is (a Maui
 * store hands the stock over; an order cancelled here meanwhile must be cancelled in Flowhub too), then the status read
 * is applied (applyFlowhubStatus, via 'postback'). Null when the order's push no longer needed reconciliation (nothing
 * written); otherwise the status outcome, its deliveryIds with the record's.
 */
export async function resolvePushByPostback(
  prisma: PrismaClient,
  orderId: string,
  flowhubOrderId: string,
  flowhubStatus: string,
  at: Date,
): Promise<FlowhubStatusOutcome | null> {
  return inOrderTransaction(prisma, async (tx, sql) => {
    const pushed = await recordPushedToFlowhub({ tx, sql }, orderId, flowhubOrderId, { by: 'postback' }, at);
    if (!pushed.recorded) return null;
    const outcome = await applyFlowhubStatus(tx, orderId, flowhubStatus, at, 'postback');
    return { ...outcome, deliveryIds: [...pushed.deliveries, ...outcome.deliveryIds] };
  });
}
