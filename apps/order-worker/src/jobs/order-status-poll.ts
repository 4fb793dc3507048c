import type { Queue } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Logger, SecretBox } from '@flowhub-sync/config';
import { applyFlowhubStatus, followedOrdersWhere, inOrderTransaction, recordEvents, type PrismaClient } from '@flowhub-sync/db';
import { isFlowhubError, type FlowhubClient } from '@flowhub-sync/flowhub-client';
import { parsePayload } from '@flowhub-sync/queues';
import { fulfilAfterPush } from '../push/maui-fulfilment';
import { sendPlatformNotices } from '../push/platform-notices';

export interface StatusPollDependencies {
  prisma: PrismaClient;
  flowhub: Pick<FlowhubClient, 'getOrderStatus'>;
  secrets: Pick<SecretBox, 'decrypt'>;
  logger: Logger;
  webhookQueue?: Queue;
}

export interface StatusPollResult {
  checked: number;
  changed: number;
  conflicts: number;
  /** Orders left for the next poll (Flowhub asked us to slow down). */
  deferred: number;
}

/** How many of a store's followed orders one poll reads (oldest first); the rest wait for the next poll. */
const MAX_ORDERS_PER_POLL = 1_000;

/**
 * One status poll of one store (every STATUS_POLL_EVERY_MS): reads the Flowhub status of each order still followed
 * (followedOrdersWhere — finished orders are never read again) and applies it. Stores that were disabled or stopped
 * syncing orders still have their open pushed orders followed. The store's Flowhub request budget paces the reads;
 * when Flowhub throttles, the rest waits for the next poll rather than failing.
 */
export async function pollStoreStatuses(deps: StatusPollDependencies, storeId: string, options: { orderIds?: string[]; via?: 'poll' | 'postback' } = {}): Promise<StatusPollResult> {
  const result: StatusPollResult = { checked: 0, changed: 0, conflicts: 0, deferred: 0 };
  const store = await deps.prisma.store.findUnique({
    where: { id: storeId },
    select: { orderAheadClientId: true, orderAheadTokenEncrypted: true },
  });
  if (!store) return result;
  if (!store.orderAheadClientId || !store.orderAheadTokenEncrypted) {
    deps.logger.warn({ storeId }, 'status poll skipped: the store has no Order Ahead credentials');
    return result;
  }
  const credentials = { clientId: store.orderAheadClientId, clientSecret: deps.secrets.decrypt(store.orderAheadTokenEncrypted) };
  const orders = await deps.prisma.order.findMany({
    where: { storeId, ...followedOrdersWhere(), ...(options.orderIds ? { id: { in: options.orderIds } } : {}) },
    select: { id: true, externalId: true, flowhubOrderId: true },
    orderBy: { pushedAt: 'asc' },
    take: MAX_ORDERS_PER_POLL,
  });

  for (const [index, order] of orders.entries()) {
    let status: string;
    try {
      status = (await deps.flowhub.getOrderStatus(credentials, order.flowhubOrderId!)).status;
    } catch (error) {
      if (isFlowhubError(error) && error.kind === 'credentials_rejected') {
        throw new UnrecoverableError(`Flowhub rejected the store's Order Ahead credentials: ${error.message}`);
      }
      if (isFlowhubError(error) && error.kind === 'rate_limited') {
        result.deferred = orders.length - index;
        deps.logger.info({ storeId, deferred: result.deferred }, 'Flowhub asked to slow down: the rest waits for the next poll');
        break;
      }
      if (isFlowhubError(error) && error.kind === 'not_found') {
        deps.logger.warn({ storeId, externalId: order.externalId, flowhubOrderId: order.flowhubOrderId }, 'Flowhub does not know this order id');
        continue;
      }
      throw error; // transient: BullMQ retries the poll
    }
    result.checked += 1;
    const outcome = await inOrderTransaction(deps.prisma, (tx) => applyFlowhubStatus(tx, order.id, status, new Date(), options.via ?? 'poll'));
    if (outcome.changed) {
      result.changed += 1;
      deps.logger.info({ storeId, externalId: order.externalId, from: outcome.from, to: outcome.to, flowhubStatus: status }, 'order status changed');
    }
    if (outcome.conflict) {
      result.conflicts += 1;
      deps.logger.warn({ storeId, externalId: order.externalId, flowhubStatus: status }, 'Flowhub reports a sale of an order cancelled here');
    }
    await sendPlatformNotices(deps.webhookQueue, storeId, outcome.deliveryIds, deps.logger);
  }
  if (!options.orderIds) await deps.prisma.store.update({ where: { id: storeId }, data: { lastStatusPollAt: new Date() } });
  return result;
}

/**
 * A Flowhub postback for one order. Nothing in the postback is trusted: the status is re-read from Flowhub. When
 * the order's push outcome was unknown (needs_reconciliation) and the postback names a Flowhub order id, that id is
 * checked with Flowhub (it must exist and belong to this customer) before it resolves the order.
 */
export async function handlePostback(deps: StatusPollDependencies, storeId: string, orderId: string, claimedFlowhubOrderId?: string): Promise<StatusPollResult & { reconciled: boolean }> {
  const order = await deps.prisma.order.findFirst({ where: { id: orderId, storeId }, select: { pushState: true, externalId: true } });
  const store = await deps.prisma.store.findUnique({ where: { id: storeId }, select: { orderAheadClientId: true, orderAheadTokenEncrypted: true } });
  if (order?.pushState === 'needs_reconciliation' && claimedFlowhubOrderId && store?.orderAheadClientId && store.orderAheadTokenEncrypted) {
    const credentials = { clientId: store.orderAheadClientId, clientSecret: deps.secrets.decrypt(store.orderAheadTokenEncrypted) };
    let answer;
    try {
      answer = await deps.flowhub.getOrderStatus(credentials, claimedFlowhubOrderId);
    } catch (error) {
      if (isFlowhubError(error) && error.kind === 'not_found') {
        deps.logger.warn({ storeId, externalId: order.externalId }, 'postback named a Flowhub order that Flowhub does not know: ignored');
        return { checked: 0, changed: 0, conflicts: 0, deferred: 0, reconciled: false };
      }
      throw error;
    }
    // The create carried our externalId as the customer's: an id of another order is not this one's.
    if (answer.customerExternalId !== null && answer.customerExternalId !== order.externalId) {
      deps.logger.warn({ storeId, externalId: order.externalId }, "postback named a Flowhub order of another customer: ignored");
      return { checked: 0, changed: 0, conflicts: 0, deferred: 0, reconciled: false };
    }
    const now = new Date();
    const resolved = await inOrderTransaction(deps.prisma, async (tx) => {
      const updated = await tx.order.updateMany({
        where: { id: orderId, pushState: 'needs_reconciliation' },
        data: { pushState: 'pushed', flowhubOrderId: claimedFlowhubOrderId, pushedAt: now, pushError: null },
      });
      if (updated.count === 0) return null;
      await recordEvents(tx, orderId, now, [{ event: 'reconciled_by_postback', cause: 'flowhub', details: { flowhubOrderId: claimedFlowhubOrderId } }]);
      // Now known to be in Flowhub: a Maui store hands the stock over, as after a push that answered.
      const pushed = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { id: true, holdInventory: true, fulfilled: true, store: { select: { maui: true } } } });
      const fulfilment = await fulfilAfterPush(tx, pushed, pushed.store, now, 'flowhub_postback');
      const outcome = await applyFlowhubStatus(tx, orderId, answer.status, now, 'postback');
      return { ...outcome, deliveryIds: [...fulfilment.deliveries, ...outcome.deliveryIds] };
    });
    if (resolved) {
      deps.logger.info({ storeId, externalId: order.externalId, flowhubOrderId: claimedFlowhubOrderId }, 'push outcome resolved by Flowhub postback');
      await sendPlatformNotices(deps.webhookQueue, storeId, resolved.deliveryIds, deps.logger);
      return { checked: 1, changed: resolved.changed ? 1 : 0, conflicts: resolved.conflict ? 1 : 0, deferred: 0, reconciled: true };
    }
  }
  return { ...(await pollStoreStatuses(deps, storeId, { orderIds: [orderId], via: 'postback' })), reconciled: false };
}

/** The BullMQ processor of the `order-status-poll` queue: a scheduled poll of a store, or a postback's re-read. */
export function orderStatusPollProcessor(deps: StatusPollDependencies) {
  return async (job: { data: unknown }) => {
    const data = parsePayload('order-status-poll', job.data);
    if (data.orderId) return handlePostback(deps, data.storeId, data.orderId, data.flowhubOrderId);
    return pollStoreStatuses(deps, data.storeId);
  };
}
