import { createHash } from 'node:crypto';
import { type OrderLine, type Prisma, type Store, type VariantDemand, demandByVariant, inOrderTransaction, isUniqueViolation, recordEvents, sellableQuantities, takeHold } from '@flowhub-sync/db';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, type ErrorDetail } from '../errors';
import { loadOrderView, type OrderView } from '../views/order';
import { afterConfirm } from './after-confirm';
import { parseCreateOrder, type CreateOrderBody } from './order-schema';

type Deps = Pick<ProducerDependencies, 'prisma' | 'logger' | 'queues' | 'redis'>;

export interface CreateOrderResult {
  /** 201 for a new order, 200 for a repeat of one already created with the same content. */
  statusCode: 200 | 201;
  order: OrderView;
}

/** JSON with sorted keys and no empty (null) fields: the same order always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== null && field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const isoInstant = (value: string | null | undefined) => (value ? new Date(value).toISOString() : null);

/** The order's content fingerprint: a field left out and the same field sent as null are the same order. */
export function orderContentHash(body: CreateOrderBody): string {
  const canonical = {
    ...body,
    placedAt: isoInstant(body.placedAt),
    requestedWindow: body.requestedWindow ? { start: isoInstant(body.requestedWindow.start), end: isoInstant(body.requestedWindow.end) } : null,
  };
  return createHash('sha256').update(canonicalJson(canonical)).digest('hex');
}

/** Leaves out the fields the platform did not send (or sent as null). */
function compact<T extends object>(value: T): Prisma.InputJsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined)) as Prisma.InputJsonObject;
}

function insufficientInventory(short: { demand: VariantDemand; sellable: number }[]): ApiError {
  const details: ErrorDetail[] = short.map(({ demand, sellable }) => {
    const lines = demand.lines.map((line) => `items[${line}]`);
    const asks = lines.length > 1 ? `${lines.join(' and ')} ask for ${demand.quantity} together` : `asks for ${demand.quantity}`;
    return {
      path: lines[0],
      message: `${asks} of ${demand.variantId}, but ${sellable === 0 ? 'none' : `only ${sellable}`} can be sold`,
      variantId: demand.variantId,
      requested: demand.quantity,
      sellable,
    };
  });
  return new ApiError('insufficient_inventory', `not enough inventory for ${details.map((detail) => detail.path).join(', ')}: nothing was held`, details);
}

async function repeatOf(deps: Deps, storeId: string, externalId: string, contentHash: string): Promise<CreateOrderResult | null> {
  const existing = await deps.prisma.order.findUnique({ where: { storeId_externalId: { storeId, externalId } }, select: { id: true, contentHash: true } });
  if (!existing) return null;
  if (existing.contentHash !== contentHash) {
    throw new ApiError('conflict', `order ${externalId} already exists with other content: an order cannot be changed by creating it again`, [
      { path: 'externalId', message: 'is already used by an order with other content' },
    ]);
  }
  return { statusCode: 200, order: await loadOrderView(deps.prisma, existing.id) };
}

async function loadStoreForOrders(deps: Deps, storeId: string): Promise<Store> {
  const store = await deps.prisma.store.findUnique({ where: { id: storeId } });
  if (!store) throw notFound('store');
  if (!store.enabled) throw new ApiError('integration_disabled', 'the Flowhub integration is disabled for this store: enable it before taking orders');
  return store;
}

/**
 * POST …/orders: validates the order, then in one transaction records it and holds each of its variants
 * (sorted by variantId, one conditional UPDATE each); if any variant cannot spare its quantity, the whole
 * transaction rolls back and the answer lists every short item. Only PostgreSQL is involved.
 */
export async function createOrder(deps: Deps, storeId: string, raw: unknown, now = new Date()): Promise<CreateOrderResult> {
  const store = await loadStoreForOrders(deps, storeId);
  const { body, problems } = parseCreateOrder(raw, store);
  if (!body) throw new ApiError('validation_failed', `invalid order: ${[...new Set(problems.map((problem) => problem.path))].join(', ')}`, problems);

  const contentHash = orderContentHash(body);
  const repeat = await repeatOf(deps, storeId, body.externalId, contentHash);
  if (repeat) return repeat;

  const lines: OrderLine[] = body.items.map((item, line) => ({ line, variantId: item.variantId, quantity: item.quantity }));
  const confirmed = body.status === 'confirmed';
  const pushState = confirmed && store.syncOrders ? 'queued' : 'not_pushed';
  let created;
  try {
    created = await inOrderTransaction(deps.prisma, async (tx) => {
      // The order row first: a concurrent create of the same externalId waits here and then fails on the
      // unique index, before it locks any product.
      const order = await tx.order.create({
        data: {
          storeId,
          externalId: body.externalId,
          status: body.status,
          type: body.type,
          placedAt: body.placedAt ? new Date(body.placedAt) : null,
          customer: compact(body.customer),
          deliveryNotes: body.deliveryNotes ?? null,
          deliveryFeeCents: body.deliveryFeeCents ?? null,
          ...(body.address ? { address: compact(body.address) } : {}),
          ...(body.requestedWindow ? { requestedWindow: body.requestedWindow } : {}),
          contentHash,
          confirmedAt: confirmed ? now : null,
          pushState,
          createdAt: now,
          updatedAt: now,
          items: { createMany: { data: lines.map(({ line, variantId, quantity }) => ({ line, variantId, quantity })) } },
        },
        select: { id: true, storeId: true, externalId: true, pushState: true },
      });

      const demands = demandByVariant(lines);
      const short: VariantDemand[] = [];
      for (const demand of demands) {
        if (!(await takeHold(tx, storeId, demand, store.quantityThreshold))) short.push(demand);
      }
      if (short.length > 0) {
        const sellable = await sellableQuantities(tx, storeId, short.map((demand) => demand.variantId), store.quantityThreshold);
        throw insufficientInventory(short.map((demand) => ({ demand, sellable: sellable.get(demand.variantId) ?? 0 })));
      }

      await tx.inventoryHold.createMany({ data: lines.map(({ line, variantId, quantity }) => ({ orderId: order.id, line, storeId, variantId, quantity, createdAt: now })) });
      await recordEvents(tx, order.id, now, [
        { event: 'created', to: body.status, cause: 'platform', details: { holds: lines.map(({ variantId, quantity }) => ({ variantId, quantity })) } },
        ...(pushState === 'queued' ? [{ event: 'push_queued' as const, cause: 'platform' as const }] : []),
      ]);
      return order;
    });
  } catch (error) {
    // Lost the race to a concurrent create of the same externalId: answer as for a repeat.
    if (isUniqueViolation(error)) {
      const raced = await repeatOf(deps, storeId, body.externalId, contentHash);
      if (raced) return raced;
    }
    throw error;
  }

  deps.logger.info({ storeId, externalId: body.externalId, orderId: created.id, status: body.status, lines: lines.length }, 'order created, inventory held');
  await afterConfirm(deps, created);
  return { statusCode: 201, order: await loadOrderView(deps.prisma, created.id) };
}
