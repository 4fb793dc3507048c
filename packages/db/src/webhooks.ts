import { randomUUID } from 'node:crypto';
import type { Prisma } from './generated/client';

export const WEBHOOK_EVENTS = ['status_changed', 'push_failed', 'needs_reconciliation', 'fulfilled_changed', 'conflict'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookNotice {
  storeId: string;
  orderId: string;
  externalId: string;
  event: WebhookEvent;
  status: string;
  flowhubStatus: string | null;
  at: Date;
}

/**
 * Records a notification for the platform in the same transaction as the change it reports, so a change is
 * never committed without its webhook (the delivery job is queued after the commit; the outbox sweep re-queues
 * any delivery left pending). Returns the delivery id, or null when the store has no statusWebhookUrl.
 * `sequence` grows per order, so the platform can order deliveries and drop stale ones.
 */
export async function recordWebhookDelivery(tx: Prisma.TransactionClient, notice: WebhookNotice): Promise<string | null> {
  const store = await tx.store.findUnique({ where: { id: notice.storeId }, select: { statusWebhookUrl: true } });
  if (!store?.statusWebhookUrl) return null;
  const { webhookSequence: sequence } = await tx.order.update({
    where: { id: notice.orderId },
    data: { webhookSequence: { increment: 1 } },
    select: { webhookSequence: true },
  });
  const id = randomUUID();
  const payload = {
    id,
    storeId: notice.storeId,
    externalId: notice.externalId,
    event: notice.event,
    status: notice.status,
    flowhubStatus: notice.flowhubStatus,
    sequence,
    at: notice.at.toISOString(),
  };
  await tx.webhookDelivery.create({ data: { id, storeId: notice.storeId, orderId: notice.orderId, event: notice.event, sequence, payload } });
  return id;
}
