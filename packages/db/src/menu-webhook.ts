import { randomUUID } from 'node:crypto';
import type { PrismaClient } from './generated/client';
import { encodeProductChangeCursor, FEED_START, latestProductChange } from './products/changes';

/** The store-level webhook event: a sync run finished (an order's events are WEBHOOK_EVENTS). */
export const MENU_SYNCED = 'menu_synced';

export interface MenuSyncedNotice {
  storeId: string;
  runId: string;
  /** The run's counts, as GET …/syncs shows them. */
  counts: Record<string, number>;
  at: Date;
}

/**
 * Records `menu_synced` for a store that has a statusWebhookUrl: the run's counts and the change feed's cursor after the
 * store's latest change (a platform reading the feed has seen this run's changes once its cursor reaches it). Returns
 * the delivery id to queue, or null without a webhook URL. Not tied to an order: its sequence is 1, its order none.
 */
export async function recordMenuSyncedWebhook(prisma: PrismaClient, notice: MenuSyncedNotice): Promise<string | null> {
  const store = await prisma.store.findUnique({ where: { id: notice.storeId }, select: { statusWebhookUrl: true } });
  if (!store?.statusWebhookUrl) return null;
  const latest = await latestProductChange(prisma, notice.storeId);
  const id = randomUUID();
  const payload = {
    id,
    storeId: notice.storeId,
    event: MENU_SYNCED,
    runId: notice.runId,
    counts: notice.counts,
    cursor: encodeProductChangeCursor(latest ?? FEED_START),
    at: notice.at.toISOString(),
  };
  await prisma.webhookDelivery.create({ data: { id, storeId: notice.storeId, orderId: null, event: MENU_SYNCED, sequence: 1, payload } });
  return id;
}
