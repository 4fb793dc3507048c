import type { Queue } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import { recordWebhookDelivery, type Prisma, type WebhookEvent } from '@flowhub-sync/db';
import { jobIds, parsePayload, queues } from '@flowhub-sync/queues';

/**
 * The platform hears of push failures, reconciliation needs and fulfilment changes through its
 * statusWebhookUrl (api-contract.md). The delivery is recorded in the transaction of the change;
 * its job is added after the commit, and the outbox sweep adds any that was left behind.
 */

/** Records the webhook delivery of a change to the order, in the change's transaction; null without a webhook URL. */
export async function noticeForPlatform(tx: Prisma.TransactionClient, orderId: string, event: WebhookEvent, at: Date): Promise<string | null> {
  const order = await tx.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { storeId: true, externalId: true, status: true, flowhubStatus: true },
  });
  return recordWebhookDelivery(tx, { ...order, orderId, event, at });
}

/** Adds the delivery's job under its one id (an add whose id exists is ignored). */
export async function addWebhookDeliveryJob(queue: Queue, storeId: string, deliveryId: string): Promise<void> {
  const data = parsePayload('webhook-delivery', { deliveryId, storeId });
  await queue.add(queues['webhook-delivery'].jobName(data), data, { ...queues['webhook-delivery'].defaults, jobId: jobIds.webhookDelivery(deliveryId) });
}

/** After the commit: queue what was recorded. Never throws: what is not queued now, the sweep queues later. */
export async function sendPlatformNotices(queue: Queue | undefined, storeId: string, deliveryIds: readonly string[], logger: Pick<Logger, 'warn'>): Promise<void> {
  if (!queue) return;
  for (const deliveryId of deliveryIds) {
    await addWebhookDeliveryJob(queue, storeId, deliveryId).catch((error: unknown) =>
      logger.warn({ storeId, deliveryId, reason: (error as Error).message }, 'webhook delivery not queued now; the outbox sweep will'),
    );
  }
}
