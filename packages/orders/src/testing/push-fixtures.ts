import { randomBytes } from 'node:crypto';
import type { SecretBox } from '@flowhub-sync/config';
import type { Prisma, PrismaClient } from '@flowhub-sync/db';
import type { RunningSimulator } from '@flowhub-sync/flowhub-sim';

/**
 * Stores, products and orders for push tests, written straight to PostgreSQL in the shapes the
 * producer writes (apps/producer/src/orders): a confirmed order of a store that syncs orders is
 * 'queued', each line holds its quantity, and Product.heldQuantity sums the held holds.
 */

export const DEMO_ORDER_AHEAD = { clientId: 'demo-oa-client', clientSecret: 'demo-oa-secret' };

export async function createPushStore(
  prisma: PrismaClient,
  secrets: SecretBox,
  id: string,
  options: {
    maui?: boolean;
    syncOrders?: boolean;
    orderAheadSecret?: string;
    statusWebhookUrl?: string;
    orderItemId?: 'productId' | 'variantId';
  } = {},
): Promise<void> {
  await prisma.store.create({
    data: {
      id,
      enabled: true,
      maui: options.maui ?? false,
      syncOrders: options.syncOrders ?? true,
      clientId: 'demo-client',
      apiKeyEncrypted: secrets.encrypt('demo-key'),
      locationId: 'demo-location',
      orderAheadClientId: DEMO_ORDER_AHEAD.clientId,
      orderAheadTokenEncrypted: secrets.encrypt(options.orderAheadSecret ?? DEMO_ORDER_AHEAD.clientSecret),
      ...(options.orderItemId ? { orderItemId: options.orderItemId } : {}),
      ...(options.statusWebhookUrl
        ? { statusWebhookUrl: options.statusWebhookUrl, statusWebhookSecretEncrypted: secrets.encrypt('webhook-secret') }
        : {}),
    },
  });
}

export interface SeededProduct {
  variantId: string;
  productId: string;
}

/** Copies `count` sellable items of the simulator's demo location into the store's products. */
export async function seedProducts(prisma: PrismaClient, sim: RunningSimulator, storeId: string, count: number): Promise<SeededProduct[]> {
  const location = sim.state.location('demo-location')!;
  const items = location
    .catalogue()
    .filter((item) => item.defect === null && item.variantId && item.productId && location.forSaleQuantity(item) > 0)
    .slice(0, count);
  await prisma.product.createMany({
    data: items.map((item, index) => ({
      storeId,
      variantId: item.variantId,
      productId: item.productId,
      name: `Item ${index}`,
      posQuantity: 100,
      contentHash: `hash-${index}`,
    })),
  });
  return items.map((item) => ({ variantId: item.variantId, productId: item.productId }));
}

export interface TestOrder {
  externalId: string;
  type?: 'pickup' | 'delivery' | 'kiosk';
  status?: 'pending' | 'confirmed' | 'cancelled';
  pushState?: 'not_pushed' | 'queued' | 'pushing' | 'pushed' | 'failed' | 'needs_reconciliation';
  customer?: Record<string, unknown>;
  /** With a weight tier, `quantity` is units of the tier and the line holds quantity × tierGrams (as placeOrder writes it). */
  items: { variantId: string; quantity: number; weightTier?: string; tierGrams?: number }[];
  deliveryNotes?: string;
  deliveryFeeCents?: number;
  address?: Record<string, unknown>;
  requestedWindow?: { start: string; end: string };
  holdInventory?: boolean;
  placedAt?: Date;
}

export const REC_CUSTOMER = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  birthDate: '1990-01-31',
  email: 'ada@example.com',
  phone: '+15555550123',
  purchaseCategory: 'rec',
};

/** Inserts an order with its lines, its held holds and the products' heldQuantity; returns its id. */
export async function insertOrder(prisma: PrismaClient, storeId: string, order: TestOrder): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const status = order.status ?? 'confirmed';
    const created = await tx.order.create({
      data: {
        storeId,
        externalId: order.externalId,
        status,
        type: order.type ?? 'pickup',
        placedAt: order.placedAt ?? new Date('2026-05-01T17:00:00.000Z'),
        customer: (order.customer ?? REC_CUSTOMER) as Prisma.InputJsonObject,
        deliveryNotes: order.deliveryNotes ?? null,
        deliveryFeeCents: order.deliveryFeeCents ?? null,
        address: (order.address ?? undefined) as Prisma.InputJsonObject | undefined,
        requestedWindow: (order.requestedWindow ?? undefined) as Prisma.InputJsonObject | undefined,
        contentHash: randomBytes(8).toString('hex'),
        holdInventory: order.holdInventory ?? false,
        pushState: order.pushState ?? (status === 'confirmed' ? 'queued' : 'not_pushed'),
        confirmedAt: status === 'confirmed' ? new Date() : null,
        items: {
          create: order.items.map((item, line) => ({
            line,
            variantId: item.variantId,
            quantity: item.quantity,
            weightTier: item.weightTier ?? null,
            tierGrams: item.weightTier ? (item.tierGrams ?? null) : null,
          })),
        },
      },
    });
    for (const [line, item] of order.items.entries()) {
      const quantity = item.weightTier && item.tierGrams ? item.quantity * item.tierGrams : item.quantity;
      await tx.inventoryHold.create({ data: { orderId: created.id, line, storeId, variantId: item.variantId, quantity } });
      await tx.product.update({
        where: { storeId_variantId: { storeId, variantId: item.variantId } },
        data: { heldQuantity: { increment: quantity } },
      });
    }
    return created.id;
  });
}

/** How many creates the simulator accepted for one of our orders: those whose customerNote names it ("Order <externalId>"). */
export function createsFor(sim: RunningSimulator, externalId: string): number {
  return sim.state.orders.createsByNoteOrderId()[externalId] ?? 0;
}

/** The orders the simulator accepted for one of our orders (named by their customerNote). */
export function simOrdersFor(sim: RunningSimulator, externalId: string) {
  return sim.state.orders.all({ noteOrderId: externalId });
}

/** Order create requests that reached the simulator (accepted, refused or dropped). */
export function createRequests(sim: RunningSimulator): number {
  return sim.state.requests.snapshot().byEndpoint.orderCreate ?? 0;
}

export async function orderRow(prisma: PrismaClient, storeId: string, externalId: string) {
  return prisma.order.findUniqueOrThrow({
    where: { storeId_externalId: { storeId, externalId } },
    include: { holds: true, events: { orderBy: { at: 'asc' } } },
  });
}
