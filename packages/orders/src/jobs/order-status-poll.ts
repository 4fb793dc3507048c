import type { Queue } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Logger, SecretBox } from '@flowhub-sync/config';
import {
  applyFlowhubRead,
  findOrderAheadCredentials,
  followedOrdersByIds,
  followedOrdersDue,
  markStatusPolled,
  readOrderPushState,
  recordFollowReadFailure,
  resolvePushByPostback,
  type FlowhubStatusOutcome,
  type FollowedOrder,
  type PrismaClient,
} from '@flowhub-sync/db';
import { isFlowhubError, type FlowhubClient } from '@flowhub-sync/flowhub-client';
import { defineProcessor } from '@flowhub-sync/queues';
import type { StatusPollMetrics } from '../metrics';
import { customerNoteNamesOrder } from '../push/order-ahead-payload';
import { sendPlatformNotices } from '../push/platform-notices';

export interface StatusPollDependencies {
  prisma: PrismaClient;
  flowhub: Pick<FlowhubClient, 'getOrderStatus'>;
  secrets: Pick<SecretBox, 'decrypt'>;
  logger: Logger;
  webhookQueue?: Queue;
  metrics?: StatusPollMetrics;
  /** How many of a store's followed orders one poll reads (default MAX_ORDERS_PER_POLL). */
  ordersPerPoll?: number;
}

export interface StatusPollResult {
  /** Orders whose status Flowhub answered. */
  checked: number;
  changed: number;
  conflicts: number;
  /** Answers behind the status already recorded (read before a newer one was applied): not applied. */
  stale: number;
  /** Orders whose status could not be read: the error is recorded on each (its follow state). */
  failed: number;
  /** Orders no longer followed after this poll (FOLLOW_STOP_AFTER_NOT_FOUND 404s in a row). */
  stopped: number;
  /** Orders left for the next poll (Flowhub asked us to slow down). */
  deferred: number;
}

/** How many of a store's followed orders one poll reads (least recently checked first); the rest wait for the next poll. */
export const MAX_ORDERS_PER_POLL = 1_000;

/**
 * Reads that fail in a row, other than 404s, after which a poll stops: Flowhub (or the road to it) is failing
 * rather than these orders. The poll then fails and BullMQ retries it; the orders already tried count as checked,
 * so the retry starts with the others.
 */
export const MAX_FAILURES_IN_A_ROW = 10;

const emptyResult = (): StatusPollResult => ({ checked: 0, changed: 0, conflicts: 0, stale: 0, failed: 0, stopped: 0, deferred: 0 });

/**
 * One status poll of one store (every STATUS_POLL_EVERY_MS): reads the Flowhub status of the store's followed orders
 * (followedOrdersWhere — finished orders are never read again), least recently checked first, and applies each.
 * Stores that were disabled or stopped syncing orders still have their open pushed orders followed. The store's
 * Flowhub request budget paces the reads. An order whose status cannot be read keeps the error to itself (its follow
 * state) and the poll goes on with the others; Flowhub's 404 five times in a row stops following it. When Flowhub
 * throttles, the poll ends and the next one resumes where it stopped (the orders not checked are the least recently
 * checked). Rejected credentials stop the poll for the store.
 * `orderIds` (a postback's re-read): only those orders, also when their following had stopped; a failed read is
 * recorded too, and thrown unless it was a 404, so that BullMQ retries it.
 */
export async function pollStoreStatuses(
  deps: StatusPollDependencies,
  storeId: string,
  options: { orderIds?: string[]; via?: 'poll' | 'postback' } = {},
): Promise<StatusPollResult> {
  const result = emptyResult();
  const via = options.via ?? 'poll';
  const store = await findOrderAheadCredentials(deps.prisma, storeId);
  if (!store) return result;
  if (!store.orderAheadClientId || !store.orderAheadTokenEncrypted) {
    deps.logger.warn({ storeId }, 'status poll skipped: the store has no Order Ahead credentials');
    return result;
  }
  const credentials = { clientId: store.orderAheadClientId, clientSecret: deps.secrets.decrypt(store.orderAheadTokenEncrypted) };
  const orders: FollowedOrder[] = options.orderIds
    ? await followedOrdersByIds(deps.prisma, storeId, options.orderIds)
    : await followedOrdersDue(deps.prisma, storeId, deps.ordersPerPoll ?? MAX_ORDERS_PER_POLL);

  let failuresInARow = 0;
  for (const [index, order] of orders.entries()) {
    let status: string;
    try {
      status = (await deps.flowhub.getOrderStatus(credentials, order.flowhubOrderId)).status;
    } catch (error) {
      if (isFlowhubError(error) && error.kind === 'credentials_rejected') {
        throw new UnrecoverableError(`Flowhub rejected the store's Order Ahead credentials: ${error.message}`);
      }
      if (isFlowhubError(error) && error.kind === 'rate_limited') {
        result.deferred = orders.length - index;
        deps.logger.info({ storeId, deferred: result.deferred }, 'Flowhub asked to slow down: the rest waits for the next poll');
        break;
      }
      const notFound = isFlowhubError(error) && error.kind === 'not_found';
      const message = error instanceof Error ? error.message : String(error);
      const failure = await recordFollowReadFailure(deps.prisma, order.id, new Date(), { message, notFound });
      result.failed += 1;
      deps.logger.warn(
        { storeId, externalId: order.externalId, flowhubOrderId: order.flowhubOrderId, errorCount: failure.errorCount, reason: message },
        "the order's Flowhub status could not be read",
      );
      if (failure.stoppedReason) {
        result.stopped += 1;
        deps.logger.warn({ storeId, externalId: order.externalId, reason: failure.stoppedReason }, 'the order is no longer followed');
      }
      await sendPlatformNotices(deps.webhookQueue, storeId, failure.deliveryIds, deps.logger);
      if (options.orderIds && !notFound) throw error; // a postback's re-read: BullMQ retries it
      failuresInARow = notFound ? 0 : failuresInARow + 1;
      if (failuresInARow >= MAX_FAILURES_IN_A_ROW) {
        const stop = `Flowhub failed ${failuresInARow} status reads in a row (the last: ${message}): the poll stops here and is retried`;
        throw new Error(stop, { cause: error });
      }
      continue;
    }
    failuresInARow = 0;
    result.checked += 1;
    const outcome = await applyFlowhubRead(deps.prisma, order.id, status, new Date(), via);
    await afterApplied(deps, storeId, order.externalId, status, via, outcome, result);
  }
  if (!options.orderIds) await markStatusPolled(deps.prisma, storeId, new Date());
  return result;
}

/** Logs, counts and notifies what applying one read did. */
async function afterApplied(
  deps: StatusPollDependencies,
  storeId: string,
  externalId: string,
  flowhubStatus: string,
  via: 'poll' | 'postback',
  outcome: FlowhubStatusOutcome,
  result: StatusPollResult,
): Promise<void> {
  if (outcome.changed) {
    result.changed += 1;
    deps.logger.info({ storeId, externalId, from: outcome.from, to: outcome.to, flowhubStatus }, 'order status changed');
  }
  if (outcome.conflict) {
    result.conflicts += 1;
    deps.logger.warn({ storeId, externalId, flowhubStatus }, 'Flowhub reports a sale of an order cancelled here');
  }
  if (outcome.stale) {
    result.stale += 1;
    deps.metrics?.staleStatus(via);
    deps.logger.info({ storeId, externalId, flowhubStatus, via }, 'a Flowhub status read behind the one recorded: not applied');
  }
  await sendPlatformNotices(deps.webhookQueue, storeId, outcome.deliveryIds, deps.logger);
}

/**
 * A Flowhub postback for one order. Nothing in the postback is trusted: the status is re-read from Flowhub. When
 * the order's push outcome was unknown (needs_reconciliation) and the postback names a Flowhub order id, that id is
 * read from Flowhub before it resolves the order: it must exist and be tied to this order, its customerNote starting
 * with `Order <externalId>` (customerNoteFor; customer.externalId is the platform's customer, shared by the
 * customer's orders). Flowhub's published orderStatus answer carries no customerNote (docs/flowhub-api.md,
 * "Postbacks"): without one the claim cannot be tied, and the order stays needs_reconciliation for a person (logged).
 */
export async function handlePostback(
  deps: StatusPollDependencies,
  storeId: string,
  orderId: string,
  claimedFlowhubOrderId?: string,
): Promise<StatusPollResult & { reconciled: boolean }> {
  const order = await readOrderPushState(deps.prisma, storeId, orderId);
  const store = await findOrderAheadCredentials(deps.prisma, storeId);
  if (order?.pushState === 'needs_reconciliation' && claimedFlowhubOrderId && store?.orderAheadClientId && store.orderAheadTokenEncrypted) {
    const credentials = { clientId: store.orderAheadClientId, clientSecret: deps.secrets.decrypt(store.orderAheadTokenEncrypted) };
    let answer;
    try {
      answer = await deps.flowhub.getOrderStatus(credentials, claimedFlowhubOrderId);
    } catch (error) {
      if (isFlowhubError(error) && error.kind === 'not_found') {
        deps.logger.warn({ storeId, externalId: order.externalId }, 'postback named a Flowhub order that Flowhub does not know: ignored');
        return { ...emptyResult(), reconciled: false };
      }
      throw error;
    }
    // The create named our order in its customerNote: a Flowhub order whose note does not is not tied to this one.
    if (!customerNoteNamesOrder(answer.customerNote, order.externalId)) {
      const why = answer.customerNote === null ? "Flowhub's answer carries no customerNote" : 'its customerNote names another order';
      deps.logger.warn(
        { storeId, externalId: order.externalId, claimedFlowhubOrderId },
        `postback named a Flowhub order that cannot be tied to this order (${why}): the order stays needs_reconciliation for a person`,
      );
      return { ...emptyResult(), reconciled: false };
    }
    const now = new Date();
    // Now known to be in Flowhub: recorded as every push outcome is (a Maui store hands the stock over; an order
    // cancelled here meanwhile must be cancelled in Flowhub too), then the status read is applied, in one transaction.
    const resolved = await resolvePushByPostback(deps.prisma, orderId, claimedFlowhubOrderId, answer.status, now);
    if (resolved) {
      deps.logger.info(
        { storeId, externalId: order.externalId, flowhubOrderId: claimedFlowhubOrderId },
        'push outcome resolved by Flowhub postback',
      );
      const result = { ...emptyResult(), checked: 1 };
      await afterApplied(deps, storeId, order.externalId, answer.status, 'postback', resolved, result);
      return { ...result, reconciled: true };
    }
  }
  return { ...(await pollStoreStatuses(deps, storeId, { orderIds: [orderId], via: 'postback' })), reconciled: false };
}

/** Status polls one process runs at once: each mostly waits on Flowhub, paced by the store's request budget. */
export const STATUS_POLL_CONCURRENCY = 8;

/** The processor of the `order-status-poll` queue: a scheduled poll of a store, or a postback's re-read. */
export function orderStatusPollProcessor(deps: StatusPollDependencies) {
  return defineProcessor(
    'order-status-poll',
    async (data) =>
      data.orderId ? handlePostback(deps, data.storeId, data.orderId, data.flowhubOrderId) : pollStoreStatuses(deps, data.storeId),
    { concurrency: STATUS_POLL_CONCURRENCY },
  );
}
