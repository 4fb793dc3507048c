import type { Order, PrismaClient, WebhookDelivery } from '../generated/client';

/*
 * What the outbox sweep reads (packages/orders/src/maintenance/outbox-sweep.ts): PostgreSQL says which pushes and
 * webhook deliveries wait for a job, the queues only deliver them. Each read is a batch, oldest first.
 */

export type OutboxOrder = Pick<Order, 'id' | 'storeId' | 'externalId'>;

/** Confirmed orders 'queued' for a push since before `settledBefore` (younger ones are left to the producer's own enqueue). */
export async function ordersAwaitingPush(prisma: PrismaClient, settledBefore: Date, limit: number): Promise<OutboxOrder[]> {
  return prisma.order.findMany({
    where: { status: 'confirmed', pushState: 'queued', updatedAt: { lt: settledBefore } },
    select: { id: true, storeId: true, externalId: true },
    orderBy: { updatedAt: 'asc' },
    take: limit,
  });
}

/** Orders whose push has been 'pushing' since before `startedBefore`, with the attempt it belongs to. */
export async function pushesStartedBefore(
  prisma: PrismaClient,
  startedBefore: Date,
  limit: number,
): Promise<Array<OutboxOrder & Pick<Order, 'pushAttempts'>>> {
  return prisma.order.findMany({
    where: { pushState: 'pushing', pushStartedAt: { lt: startedBefore } },
    select: { id: true, storeId: true, externalId: true, pushAttempts: true },
    orderBy: { pushStartedAt: 'asc' },
    take: limit,
  });
}

/** Webhook deliveries still pending, recorded before `settledBefore`. */
export async function pendingWebhookDeliveries(
  prisma: PrismaClient,
  settledBefore: Date,
  limit: number,
): Promise<Array<Pick<WebhookDelivery, 'id' | 'storeId'>>> {
  return prisma.webhookDelivery.findMany({
    where: { status: 'pending', createdAt: { lt: settledBefore } },
    select: { id: true, storeId: true },
    orderBy: { createdAt: 'asc' },
    take: limit,
  });
}
