import {
  type Order,
  type PushRequestAction,
  type PushState,
  isUniqueViolation,
  readStoreSwitches,
  requestOrderPush,
} from '@flowhub-sync/db';
import {
  addFirstOrderPushJob,
  addWebhookDeliveryJob,
  ensureOrderPushJob,
  parsePayload,
  queues,
  scheduleStatusPoll,
} from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound } from '../errors';
import { withRedis } from '../schedules';
import { loadOrderView, type OrderView } from '../views/order';

/**
 * The producer's side of the order push (the worker's is packages/orders/src/jobs/order-push.ts):
 * - enqueueOrderPush: after a confirmation is committed, add the `order-push` job;
 * - requestPush: POST …/push, an operator pushing again after a failure or resolving a push whose
 *   outcome is unknown.
 * PostgreSQL is written first and Redis second: when Redis is away the order stays 'queued' and the
 * worker's outbox sweep adds the job later, so neither a confirmation nor a …/push ever fails for it.
 */

type QueueDeps = Pick<ProducerDependencies, 'queues' | 'redis' | 'logger'>;

/**
 * Queues the push of a confirmed order whose confirmation is committed. Never throws: with Redis away it
 * only logs, the order stays 'queued' in PostgreSQL and the outbox sweep enqueues it later.
 * `firstPush`: the order was confirmed just now, so no earlier push job can be in the way (one Redis round
 * trip instead of two). Returns whether the job is in the queue now.
 */
export async function enqueueOrderPush(
  deps: QueueDeps,
  order: Pick<Order, 'storeId' | 'externalId' | 'pushState'>,
  { firstPush = false }: { firstPush?: boolean } = {},
): Promise<boolean> {
  if (order.pushState !== 'queued') return false;
  const where = { storeId: order.storeId, externalId: order.externalId };
  const queue = deps.queues['order-push'];
  try {
    const result = await withRedis(deps, () =>
      firstPush
        ? addFirstOrderPushJob(queue, order.storeId, order.externalId).then(() => 'added' as const)
        : ensureOrderPushJob(queue, order.storeId, order.externalId),
    );
    deps.logger.info({ ...where, result }, 'order push queued');
    return true;
  } catch (error) {
    deps.logger.warn(
      { ...where, reason: (error as Error).message },
      'order push not queued now (Redis unavailable); the outbox sweep will queue it',
    );
    return false;
  }
}

export type PushRequest = { kind: 'push' } | { kind: 'recreate' } | { kind: 'record'; flowhubOrderId: string };

type Deps = Pick<ProducerDependencies, 'prisma' | 'sql' | 'queues' | 'redis' | 'logger' | 'settings'>;

const conflict = (message: string, path = 'push.state') => new ApiError('conflict', message, [{ path, message }]);

/** States from which a push may (re)start; `recreate` also takes an unknown outcome (the operator's decision). */
const PUSHABLE: Record<'push' | 'recreate', readonly PushState[]> = {
  push: ['failed', 'not_pushed', 'queued'],
  recreate: ['failed', 'not_pushed', 'queued', 'needs_reconciliation'],
};

/** POST …/push. 202 with the order as it now is; 409 when the order's push is not in a state the request fits. */
export async function requestPush(
  deps: Deps,
  ref: { storeId: string; externalId: string },
  request: PushRequest,
  now = new Date(),
): Promise<OrderView> {
  const store = await readStoreSwitches(deps.prisma, ref.storeId);
  if (!store) throw notFound('store');

  let enqueue = false;
  let result: Awaited<ReturnType<typeof requestOrderPush>>;
  try {
    // The order's row is locked while this decides; the write that follows is packages/db's (requestOrderPush).
    result = await requestOrderPush(deps.prisma, ref, now, (order): PushRequestAction => {
      if (request.kind === 'record') return recordFlowhubOrderId(order, request.flowhubOrderId);
      const state = order.pushState;
      if (state === 'pushed') throw conflict(`order ${order.externalId} is already in Flowhub (Flowhub order ${order.flowhubOrderId})`);
      if (state === 'pushing') throw conflict(`a push of order ${order.externalId} is under way; wait for its outcome`);
      if (!PUSHABLE[request.kind].includes(state)) {
        throw conflict(
          `order ${order.externalId} may already be in Flowhub (${order.pushError ?? 'its last push has an unknown outcome'}): send {"flowhubOrderId": "…"} if it is there, {"recreate": true} to create it anew`,
        );
      }
      if (order.status !== 'confirmed')
        throw conflict(`only a confirmed order is pushed; order ${order.externalId} is ${order.status}`, 'status');
      if (!store.enabled || !store.syncOrders) {
        throw new ApiError(
          'integration_disabled',
          'this store does not sync orders to Flowhub: enable the integration and Sync Orders first',
        );
      }
      enqueue = true;
      if (state === 'queued') return { action: 'none' }; // already waiting: only make sure its job exists
      return { action: 'queue', event: request.kind === 'recreate' ? 'push_recreate_requested' : 'push_requested' };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('another order of this store already has that Flowhub order id', 'flowhubOrderId');
    throw error;
  }
  if (!result) throw notFound(`order ${ref.externalId}`);
  if (enqueue) await enqueueOrderPush(deps, { ...ref, pushState: 'queued' });
  await queueWebhookDeliveries(deps, ref.storeId, result.deliveries);
  if (result.recorded) await followNow(deps, ref.storeId);
  return loadOrderView(deps.sql, result.orderId);
}

/**
 * An order just recorded as pushed is among the store's followed orders (followedOrdersWhere): make sure the
 * store's status poll is scheduled (its store may no longer sync orders, and only open pushed orders keep the
 * poll) and queue a poll of the store now, so its status is read at once rather than at the next scheduled poll.
 * Best effort: with Redis away the schedule is reconciled when Redis returns, and the scheduled poll reads it then.
 */
async function followNow(deps: Pick<Deps, 'queues' | 'redis' | 'logger' | 'settings'>, storeId: string): Promise<void> {
  const poll = deps.queues['order-status-poll'];
  const data = parsePayload('order-status-poll', { storeId });
  try {
    await withRedis(deps, async () => {
      await scheduleStatusPoll(poll, storeId, deps.settings.statusPollEveryMs);
      await poll.add(queues['order-status-poll'].jobName(data), data, queues['order-status-poll'].defaults);
    });
  } catch (error) {
    deps.logger.warn(
      { storeId, reason: (error as Error).message },
      'status poll not queued now (Redis unavailable); the scheduled poll reads the order later',
    );
  }
}

/** Best effort after the commit: a delivery not queued now is queued by the worker's outbox sweep. */
export async function queueWebhookDeliveries(deps: QueueDeps, storeId: string, deliveryIds: readonly string[]): Promise<void> {
  for (const deliveryId of deliveryIds) {
    await withRedis(deps, () => addWebhookDeliveryJob(deps.queues['webhook-delivery'], storeId, deliveryId)).catch((error: unknown) =>
      deps.logger.warn({ storeId, deliveryId, reason: (error as Error).message }, 'webhook delivery not queued now; the outbox sweep will'),
    );
  }
}

/** The push states {"flowhubOrderId"} takes for a confirmed order (a cancelled one: only needs_reconciliation). */
const RECORDABLE: readonly PushState[] = ['not_pushed', 'failed', 'needs_reconciliation'];

/**
 * {"flowhubOrderId"}: the operator found the order in Flowhub. It is recorded as pushed (no create is
 * sent), and for a Maui store fulfilled with its holds consumed, as a successful push would have.
 * Taken for a confirmed order whose push is not_pushed, failed or needs_reconciliation, and for a cancelled
 * order whose push needs reconciliation: staff link the Flowhub order they found, which must be cancelled in
 * Flowhub too (`flowhub_cancel_required`, and the platform's `cancel_required_in_flowhub`); a cancelled order
 * is not fulfilled. Anything else is a 409: a pending order would become confirmed through the status poll,
 * a queued or running push may create the order itself. The record and what follows from it are the pushed
 * recorder's (packages/db/src/orders/record-pushed.ts), as for the worker's push and Flowhub's postbacks.
 * Decided on the order's locked row: 'record', or 'none' when it changes nothing (the same id again).
 */
function recordFlowhubOrderId(order: Order, flowhubOrderId: string): PushRequestAction {
  if (order.pushState === 'pushed') {
    if (order.flowhubOrderId === flowhubOrderId) return { action: 'none' };
    throw conflict(`order ${order.externalId} is already recorded as Flowhub order ${order.flowhubOrderId}`, 'flowhubOrderId');
  }
  if (order.pushState === 'pushing') throw conflict(`a push of order ${order.externalId} is under way; wait for its outcome`);
  const cancelledUnknown = order.status === 'cancelled' && order.pushState === 'needs_reconciliation';
  if (!cancelledUnknown && !(order.status === 'confirmed' && RECORDABLE.includes(order.pushState))) {
    throw conflict(
      `cannot record Flowhub order ${flowhubOrderId} for order ${order.externalId}: it is ${order.status} and its push is ${order.pushState}. ` +
        '{"flowhubOrderId"} is taken for a confirmed order whose push is not_pushed, failed or needs_reconciliation, and for a cancelled order whose push needs reconciliation',
      order.status === 'confirmed' ? 'push.state' : 'status',
    );
  }
  return { action: 'record', flowhubOrderId };
}
