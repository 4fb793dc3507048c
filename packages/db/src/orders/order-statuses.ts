import type { OrderStatus, PrismaClient } from '../generated/client';

/**
 * THE open order statuses: an order in one still moves towards completion. It can be cancelled or completed, and it
 * counts among the store's open orders; completed, cancelled and expired are final.
 */
export const OPEN_ORDER_STATUSES = [
  'pending',
  'confirmed',
  'preparing',
  'ready',
  'out_for_delivery',
] as const satisfies readonly OrderStatus[];

export const isOpenOrderStatus = (status: OrderStatus): boolean => (OPEN_ORDER_STATUSES as readonly OrderStatus[]).includes(status);

/** How many of the store's orders are open (OPEN_ORDER_STATUSES). */
export async function countOpenOrders(prisma: PrismaClient, storeId: string): Promise<number> {
  return prisma.order.count({ where: { storeId, status: { in: [...OPEN_ORDER_STATUSES] } } });
}
