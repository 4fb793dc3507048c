import { type InventoryHold, type Order, type OrderEvent, type OrderItem, type PrismaClient, historyOrder } from '@flowhub-sync/db';

export type OrderWithDetails = Order & { items: OrderItem[]; holds: InventoryHold[]; events: OrderEvent[] };

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** An order as the API shows it (api-contract.md, "Orders"); the customer's personal data is not echoed back. */
export function orderView(order: OrderWithDetails) {
  return {
    storeId: order.storeId,
    externalId: order.externalId,
    status: order.status,
    type: order.type,
    fulfilled: order.fulfilled,
    holdInventory: order.holdInventory,
    push: {
      state: order.pushState,
      attempts: order.pushAttempts,
      flowhubOrderId: order.flowhubOrderId,
      pushedAt: iso(order.pushedAt),
      error: order.pushError,
    },
    flowhubStatus: order.flowhubStatus,
    items: [...order.items].sort((a, b) => a.line - b.line).map((item) => ({ variantId: item.variantId, quantity: item.quantity })),
    holds: [...order.holds].sort((a, b) => a.line - b.line).map((hold) => ({ variantId: hold.variantId, quantity: hold.quantity, state: hold.state })),
    placedAt: iso(order.placedAt),
    createdAt: iso(order.createdAt),
    confirmedAt: iso(order.confirmedAt),
    completedAt: iso(order.completedAt),
    cancelledAt: iso(order.cancelledAt),
    history: [...order.events].sort(historyOrder).map((event) => ({
      at: event.at.toISOString(),
      event: event.event,
      from: event.fromStatus,
      to: event.toStatus,
      cause: event.cause,
      details: event.details ?? null,
    })),
  };
}
export type OrderView = ReturnType<typeof orderView>;

export async function loadOrder(prisma: Pick<PrismaClient, 'order'>, orderId: string): Promise<OrderWithDetails> {
  return prisma.order.findUniqueOrThrow({ where: { id: orderId }, include: { items: true, holds: true, events: true } });
}

export async function loadOrderView(prisma: Pick<PrismaClient, 'order'>, orderId: string): Promise<OrderView> {
  return orderView(await loadOrder(prisma, orderId));
}
