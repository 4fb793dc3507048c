import type { Prisma } from '../generated/client';
import { recordWebhookDelivery } from '../webhooks';
import { recordEvents } from './order-events';

/**
 * A Flowhub order was linked to an order cancelled here (an operator's {"flowhubOrderId"}, or a postback that
 * resolves an unknown push outcome): it exists in Flowhub and must be cancelled there by staff, since Flowhub's
 * API offers no cancel. Records `flowhub_cancel_required` with the Flowhub id and the platform's
 * `cancel_required_in_flowhub` webhook; the order's stock is not handed over. Call inside the linking transaction.
 * Returns the webhook delivery to queue after the commit.
 */
export async function recordLinkedCancelledOrder(
  tx: Prisma.TransactionClient,
  order: { id: string; storeId: string; externalId: string; status: 'cancelled'; flowhubStatus: string | null },
  flowhubOrderId: string,
  at: Date,
  cause: 'operator' | 'flowhub',
): Promise<string[]> {
  const message = `Flowhub order ${flowhubOrderId} is this order, which was cancelled here: cancel it in Flowhub too, Flowhub's API offers no cancel`;
  await recordEvents(tx, order.id, at, [{ event: 'flowhub_cancel_required', cause, details: { flowhubOrderId, pushState: 'pushed', message } }]);
  const delivery = await recordWebhookDelivery(tx, {
    storeId: order.storeId,
    orderId: order.id,
    externalId: order.externalId,
    event: 'cancel_required_in_flowhub',
    status: order.status,
    flowhubStatus: order.flowhubStatus,
    at,
  });
  return delivery ? [delivery] : [];
}
