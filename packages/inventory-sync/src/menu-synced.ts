import type { Queue } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import { recordMenuSyncedWebhook, type PrismaClient } from '@flowhub-sync/db';
import { addWebhookDeliveryJob } from '@flowhub-sync/queues';
import type { SyncCounts } from './sync-report';

export interface MenuSyncedDependencies {
  prisma: PrismaClient;
  /** The webhook-delivery queue; without it the delivery stays pending for the order-worker's outbox sweep. */
  webhookQueue?: Queue;
}

/**
 * Tells the store's platform that a sync run finished (`menu_synced`: its counts and the change feed's cursor). The
 * delivery is recorded first and queued second, as every webhook is; a failure here is logged and never fails the sync
 * (the outbox sweep queues a delivery left pending).
 */
export async function announceMenuSynced(
  deps: MenuSyncedDependencies,
  run: { storeId: string; runId: string; counts: SyncCounts },
  logger: Logger,
): Promise<void> {
  try {
    const deliveryId = await recordMenuSyncedWebhook(deps.prisma, { ...run, counts: { ...run.counts }, at: new Date() });
    if (deliveryId && deps.webhookQueue) await addWebhookDeliveryJob(deps.webhookQueue, run.storeId, deliveryId);
  } catch (error) {
    logger.warn(
      { err: error, runId: run.runId },
      'menu_synced webhook not recorded or not queued (a pending one is queued by the outbox sweep)',
    );
  }
}
