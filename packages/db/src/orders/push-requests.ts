import type { Order, PrismaClient } from '../generated/client';
import { lockOrder } from './lock-order';
import { recordEvents } from './order-events';
import { recordPushedToFlowhub } from './record-pushed';
import { inOrderTransaction } from './transaction';

/**
 * What an operator's POST …/push does to the order, as its caller decided from the order's locked row
 * (apps/producer/src/orders/push-queue.ts, requestPush).
 */
export type PushRequestAction =
  /** Nothing to write: its push is already queued, or the Flowhub order named is the one recorded. */
  | { action: 'none' }
  /** Back to 'queued', its push error cleared, with the event of the request (`push_recreate_requested`: create it anew). */
  | { action: 'queue'; event: 'push_requested' | 'push_recreate_requested' }
  /** The operator found the order in Flowhub: recorded as pushed by the pushed recorder (./record-pushed.ts). */
  | { action: 'record'; flowhubOrderId: string };

export interface PushRequestResult {
  orderId: string;
  /** A Flowhub order was recorded for the order ('record'). */
  recorded: boolean;
  /** Webhook deliveries recorded with it: queue them after the commit. */
  deliveries: string[];
}

/**
 * An operator's request about an order's push, in one transaction under the order's row lock: `decide` sees the locked
 * row and answers what to do, or throws to refuse (nothing is written). Null when the store has no such order. A
 * deadlock victim runs again from the start (`decide` too).
 */
export async function requestOrderPush(
  prisma: PrismaClient,
  ref: { storeId: string; externalId: string },
  at: Date,
  decide: (order: Order) => PushRequestAction,
): Promise<PushRequestResult | null> {
  return inOrderTransaction(prisma, async (tx, sql) => {
    const order = await lockOrder(tx, ref);
    if (!order) return null;
    const request = decide(order);
    if (request.action === 'record') {
      const pushedBy = { by: 'operator', previousState: order.pushState, previousError: order.pushError } as const;
      const { deliveries } = await recordPushedToFlowhub({ tx, sql }, order.id, request.flowhubOrderId, pushedBy, at);
      return { orderId: order.id, recorded: true, deliveries };
    }
    if (request.action === 'queue') {
      await tx.order.update({ where: { id: order.id }, data: { pushState: 'queued', pushError: null } });
      await recordEvents(tx, order.id, at, [
        { event: request.event, cause: 'operator', details: { previousState: order.pushState, previousError: order.pushError } },
      ]);
    }
    return { orderId: order.id, recorded: false, deliveries: [] };
  });
}
