import { UnrecoverableError, type Queue } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import { ordersAwaitingPush, pendingWebhookDeliveries, pushesStartedBefore, transitionPush, type PrismaClient } from '@flowhub-sync/db';
import { addWebhookDeliveryJob, ensureOrderPushJob, jobIds } from '@flowhub-sync/queues';
import { sendPlatformNotices } from '../push/platform-notices';
import type { MaintenanceTaskRun } from './task';
import { PREVIOUS_ATTEMPT_REASON } from '../push/push-state';

/**
 * The `maintenance` task 'outbox-sweep' (every 30 s): PostgreSQL says which orders wait for a push,
 * the queue only delivers them. A confirmation is committed before its job is added, so a Redis
 * outage (or a crash) at that moment leaves an order 'queued' with no job; this sweep adds it again,
 * under the same job id, so a push is delayed but never lost, and never doubled.
 * - 'queued' confirmed orders with no job: the job is added.
 * - 'not_pushed' orders are never swept: the confirmation marks the order 'queued' in its own
 *   transaction, so a confirmed 'not_pushed' order is one its store did not sync when it was confirmed
 *   (or one the push skipped because the store stopped syncing). Pushing it when order sync is
 *   switched on could duplicate an order staff entered by hand; an operator can push it (POST …/push).
 * - 'pushing' for minutes with no job left to finish it (Redis lost the job): needs_reconciliation,
 *   as the job itself would have decided (see packages/orders/src/push/push-state.ts). Never sent again from here.
 * - webhook deliveries still pending (recorded with their change, their job never added): added,
 *   under their one id (packages/db's recordWebhookDelivery relies on this).
 */

export interface OutboxSweepDependencies {
  prisma: PrismaClient;
  /** The `order-push` queue. */
  queue: Queue;
  /** The `webhook-delivery` queue; without it pending deliveries are left alone. */
  webhookQueue?: Queue;
  logger: Logger;
  /** Orders younger than this are left to the producer's own enqueue. Default 5 s. */
  graceMs?: number;
  /** A push 'pushing' for longer than this, with no job, was lost. Default 5 minutes. */
  stuckPushingMs?: number;
  /** Orders looked at per kind and sweep. Default 500. */
  batchSize?: number;
  now?: () => Date;
}

export interface OutboxSweepReport {
  /** Jobs added for 'queued' orders that had none. */
  requeued: number;
  /** Lost 'pushing' orders marked needs_reconciliation. */
  reconciliation: number;
  /** Pending webhook deliveries whose job was added (again). */
  webhooks: number;
}

export async function sweepOutbox(deps: OutboxSweepDependencies): Promise<OutboxSweepReport> {
  const now = deps.now?.() ?? new Date();
  const graceMs = deps.graceMs ?? 5_000;
  const take = deps.batchSize ?? 500;
  const settledBefore = new Date(now.getTime() - graceMs);
  const report: OutboxSweepReport = { requeued: 0, reconciliation: 0, webhooks: 0 };

  const queued = await ordersAwaitingPush(deps.prisma, settledBefore, take);
  for (const order of queued) {
    if ((await ensureOrderPushJob(deps.queue, order.storeId, order.externalId)) === 'added') report.requeued++;
  }

  const stuck = await pushesStartedBefore(deps.prisma, new Date(now.getTime() - (deps.stuckPushingMs ?? 300_000)), take);
  for (const order of stuck) {
    const job = await deps.queue.getJob(jobIds.orderPush(order.storeId, order.externalId));
    const state = job ? await job.getState() : 'unknown';
    // A job that is waiting, delayed or running will come to this order itself.
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
    const marked = await transitionPush(deps.prisma, order.id, {
      from: ['pushing'],
      attempt: order.pushAttempts,
      to: 'needs_reconciliation',
      pushError: PREVIOUS_ATTEMPT_REASON,
      event: 'needs_reconciliation',
      webhook: 'needs_reconciliation',
      at: now,
    });
    if (!marked.changed) continue;
    report.reconciliation++;
    await sendPlatformNotices(deps.webhookQueue, order.storeId, marked.deliveries, deps.logger);
  }

  if (deps.webhookQueue) {
    const pending = await pendingWebhookDeliveries(deps.prisma, settledBefore, take);
    for (const delivery of pending) {
      const state = await deps.webhookQueue.getJobState(jobIds.webhookDelivery(delivery.id));
      if (state !== 'unknown') continue; // waiting, retrying or running: it is on its way
      await addWebhookDeliveryJob(deps.webhookQueue, delivery.storeId, delivery.id);
      report.webhooks++;
    }
  }

  if (report.requeued + report.reconciliation + report.webhooks > 0) deps.logger.info({ ...report }, 'outbox sweep caught up');
  else deps.logger.debug({ ...report }, 'outbox sweep: nothing left behind');
  return report;
}

export const outboxSweepTask: MaintenanceTaskRun = async (deps, now) => {
  if (!deps.outbox) throw new UnrecoverableError('this order-worker was started without the queues the outbox sweep needs');
  const { orderPush, webhookDelivery } = deps.outbox;
  return {
    ...(await sweepOutbox({ prisma: deps.prisma, logger: deps.logger, queue: orderPush, webhookQueue: webhookDelivery, now: () => now })),
  };
};
