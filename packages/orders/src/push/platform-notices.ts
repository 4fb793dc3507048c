import type { Queue } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import { addWebhookDeliveryJob } from '@flowhub-sync/queues';

/**
 * The platform hears of push failures, reconciliation needs and fulfilment changes through its
 * statusWebhookUrl (api-contract.md). The delivery is recorded in the transaction of the change
 * (packages/db, recordOrderWebhook); its job is added after the commit, and the outbox sweep adds any
 * that was left behind.
 */

/** After the commit: queue what was recorded. Never throws: what is not queued now, the sweep queues later. */
export async function sendPlatformNotices(
  queue: Queue | undefined,
  storeId: string,
  deliveryIds: readonly string[],
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  if (!queue) return;
  for (const deliveryId of deliveryIds) {
    await addWebhookDeliveryJob(queue, storeId, deliveryId).catch((error: unknown) =>
      logger.warn({ storeId, deliveryId, reason: (error as Error).message }, 'webhook delivery not queued now; the outbox sweep will'),
    );
  }
}
