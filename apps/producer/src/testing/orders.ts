import Fastify, { type FastifyInstance } from 'fastify';
import type { TestDatabase } from '@flowhub-sync/db/testing';
import type { ProducerDependencies } from '../dependencies';
import { errorHandler } from '../errors';
import { orderRoutes } from '../routes/orders';
import type { ProducerHarness } from './harness';

/** The test database's client (typed from the db package's sources, as the harness's `db.prisma`). */
type PrismaClient = TestDatabase['prisma'];

/**
 * The app the order tests talk to: the harness's own app once app.ts registers the order routes, until then a
 * Fastify instance with the producer's error handler and the order routes alone.
 */
export async function appServingOrders(h: ProducerHarness): Promise<FastifyInstance> {
  if (h.app.hasRoute({ method: 'POST', url: '/v1/stores/:storeId/orders' })) return h.app as unknown as FastifyInstance;
  return orderApp(h.deps);
}

export async function orderApp(deps: ProducerDependencies): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  await app.register(orderRoutes(deps));
  await app.ready();
  return app;
}

export async function seedStore(
  prisma: PrismaClient,
  id: string,
  settings: { enabled?: boolean; syncOrders?: boolean; quantityThreshold?: number; pendingHoldMinutes?: number } = {},
) {
  return prisma.store.create({ data: { id, enabled: true, clientId: 'client-1', locationId: 'loc-1', ...settings } });
}

export async function seedProduct(
  prisma: PrismaClient,
  storeId: string,
  variantId: string,
  posQuantity: number,
  options: { active?: boolean } = {},
) {
  return prisma.product.create({
    data: {
      storeId,
      variantId,
      name: `Product ${variantId}`,
      posQuantity,
      contentHash: `hash-${variantId}`,
      active: options.active ?? true,
    },
  });
}

export const heldQuantity = async (prisma: PrismaClient, storeId: string, variantId: string) =>
  (await prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId } } })).heldQuantity;

/** A valid pickup order for a rec customer with a phone. */
export function orderBody(externalId: string, items: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalId,
    type: 'pickup',
    placedAt: '2026-11-27T10:00:00Z',
    customer: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      birthDate: '1990-01-31',
      email: 'ada@example.com',
      phone: '+15555550123',
      purchaseCategory: 'rec',
    },
    items,
    ...overrides,
  };
}
