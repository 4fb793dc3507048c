import type { Order, Prisma } from '../generated/client';
import { recordWebhookDelivery } from '../webhooks';
import { recordEvents } from './order-events';

/**
 * What the platform must still do in Flowhub after an order is cancelled here (Flowhub's API offers no cancel): the
 * cancel's answer, its `flowhub_cancel_required` event and `cancel_required_in_flowhub` webhook (cancelOrderReleasingHolds,
 * ./order-changes.ts). Undefined when the order never reached Flowhub.
 */
export function flowhubCancelNotice(order: Pick<Order, 'pushState' | 'flowhubOrderId'>): string | undefined {
  if (order.pushState === 'pushed') {
    const which = order.flowhubOrderId ? ` (Flowhub order ${order.flowhubOrderId})` : '';
    return `the order was already pushed to Flowhub${which}: cancel it in Flowhub too, Flowhub's API offers no cancel`;
  }
  if (order.pushState === 'pushing' || order.pushState === 'needs_reconciliation') {
    return "the order may have reached Flowhub: if it is there, cancel it in Flowhub too, Flowhub's API offers no cancel";
  }
  return undefined;
}

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
  await recordEvents(tx, order.id, at, [
    { event: 'flowhub_cancel_required', cause, details: { flowhubOrderId, pushState: 'pushed', message } },
  ]);
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
