import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from './generated/client';

export const WEBHOOK_EVENTS = [
  'status_changed',
  'push_failed',
  'needs_reconciliation',
  'fulfilled_changed',
  'conflict',
  // The order is (or may be) in Flowhub although it was cancelled here: staff must cancel it there.
  'cancel_required_in_flowhub',
  // Flowhub holds a second order for this one (a late answer to an attempt already resolved): staff must cancel it there.
  'duplicate_in_flowhub',
  // A confirmed order's push did not run: its store was disabled or stopped syncing orders first (the reason in
  // push.error). It is queued again when the store syncs orders again.
  'push_skipped',
  // Flowhub's status of the order is no longer followed (e.g. Flowhub answered 404 five times in a row): the reason in
  // the payload's `reason` and the order's follow.stoppedReason.
  'follow_stopped',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookNotice {
  storeId: string;
  orderId: string;
  externalId: string;
  event: WebhookEvent;
  status: string;
  flowhubStatus: string | null;
  at: Date;
  /** Why, for events that carry one (follow_stopped); in the payload only when set. */
  reason?: string;
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
    ...(notice.reason === undefined ? {} : { reason: notice.reason }),
  };
  await tx.webhookDelivery.create({
    data: { id, storeId: notice.storeId, orderId: notice.orderId, event: notice.event, sequence, payload },
  });
  return id;
}

/**
 * Records the platform's notification of a change to the order (its status and Flowhub status as they now are), in
 * the change's transaction; null without a webhook URL.
 */
export async function recordOrderWebhook(
  tx: Prisma.TransactionClient,
  orderId: string,
  event: WebhookEvent,
  at: Date,
): Promise<string | null> {
  const order = await tx.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { storeId: true, externalId: true, status: true, flowhubStatus: true },
  });
  return recordWebhookDelivery(tx, { ...order, orderId, event, at });
}

/** The webhook delivery job's read (packages/orders/src/jobs/webhook-delivery.ts): the delivery with its store's endpoint. */
export async function findWebhookDelivery(prisma: PrismaClient, deliveryId: string) {
  return prisma.webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: {
      store: {
        select: {
          statusWebhookUrl: true,
          statusWebhookSecretEncrypted: true,
          statusWebhookPreviousSecretEncrypted: true,
          statusWebhookSecretChangedAt: true,
        },
      },
    },
  });
}

/** A delivery that cannot be attempted (its store has no webhook URL or secret any more): failed, with why. */
export async function failWebhookDelivery(prisma: PrismaClient, deliveryId: string, reason: string): Promise<void> {
  await prisma.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'failed', lastError: reason } });
}

/**
 * Records one attempt of a delivery: the endpoint's answer (`responseStatus`, null without one) and `error` (null: it was
 * delivered). A failed attempt leaves the delivery pending for its retries, unless it was the last (`final`): failed.
 */
export async function recordWebhookAttempt(
  prisma: PrismaClient,
  deliveryId: string,
  attempt: { responseStatus: number | null; error: string | null; final: boolean },
): Promise<void> {
  const { error } = attempt;
  await prisma.webhookDelivery.update({
    where: { id: deliveryId },
    data: {
      attempts: { increment: 1 },
      responseStatus: attempt.responseStatus,
      lastError: error,
      ...(error ? (attempt.final ? { status: 'failed' as const } : {}) : { status: 'delivered' as const, deliveredAt: new Date() }),
    },
  });
}
