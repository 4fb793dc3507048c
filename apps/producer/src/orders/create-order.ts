import { createHash } from 'node:crypto';
import {
  type NotWholeLine,
  type OrderLine,
  type PushState,
  type StoreOrderSettings,
  type UnknownTierLine,
  demandByVariant,
  loadStoreOrderSettings,
  placeOrder,
} from '@flowhub-sync/db';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, type ErrorDetail } from '../errors';
import { loadOrderView, orderView, type OrderView } from '../views/order';
import { afterConfirm } from './after-confirm';
import { parseCreateOrder, type CreateOrderBody } from './order-schema';

type Deps = Pick<ProducerDependencies, 'sql' | 'logger' | 'queues' | 'redis'>;

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
    requestedWindow: body.requestedWindow
      ? { start: isoInstant(body.requestedWindow.start), end: isoInstant(body.requestedWindow.end) }
      : null,
  };
  return createHash('sha256').update(canonicalJson(canonical)).digest('hex');
}

/** Leaves out the fields the platform did not send (or sent as null). */
function compact<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined));
}

/**
 * `requested` and `sellable` are the statement's, in Flowhub's unit for the item: a line naming a weight tier asks
 * for quantity × the tier's grams.
 */
function insufficientInventory(
  orderLines: readonly OrderLine[],
  short: { variantId: string; requested: number; sellable: number }[],
): ApiError {
  const demands = new Map(demandByVariant(orderLines).map((demand) => [demand.variantId, demand]));
  const weighed = new Set(orderLines.filter((line) => line.weightTier).map((line) => line.variantId));
  const details: ErrorDetail[] = short.map(({ variantId, requested, sellable }) => {
    const demand = demands.get(variantId)!;
    const lines = demand.lines.map((line) => `items[${line}]`);
    const unit = weighed.has(variantId) ? ' g' : '';
    const asks = lines.length > 1 ? `${lines.join(' and ')} ask for ${requested}${unit} together` : `asks for ${requested}${unit}`;
    return {
      path: lines[0],
      message: `${asks} of ${demand.variantId}, but ${sellable === 0 ? 'none' : `only ${sellable}${unit}`} can be sold`,
      variantId: demand.variantId,
      requested,
      sellable,
    };
  });
  return new ApiError(
    'insufficient_inventory',
    `not enough inventory for ${details.map((detail) => detail.path).join(', ')}: nothing was held`,
    details,
  );
}

/**
 * Lines that do not fit their product, in line order: a 400 naming each line's weightTier when the product does not
 * list that tier, and each line's quantity when it is a fraction of a product not sold by weight.
 */
function linesNotFitting(unknownTiers: readonly UnknownTierLine[], notWhole: readonly NotWholeLine[]): ApiError {
  const tierDetails = unknownTiers.map(({ line, variantId, weightTier, tiers }) => ({
    line,
    path: `items[${line}].weightTier`,
    message:
      tiers.length > 0
        ? `${JSON.stringify(weightTier)} is not a weight tier of ${variantId}: its tiers are ${tiers.map((name) => JSON.stringify(name)).join(', ')}`
        : `${JSON.stringify(weightTier)} is not a weight tier of ${variantId}: it has no weight tiers (it is not sold by weight)`,
    variantId,
  }));
  const quantityDetails = notWhole.map(({ line, variantId }) => ({
    line,
    path: `items[${line}].quantity`,
    message: `must be a whole number: ${variantId} is not sold by weight`,
    variantId,
  }));
  const details: ErrorDetail[] = [...tierDetails, ...quantityDetails]
    .sort((a, b) => a.line - b.line)
    .map(({ line: _line, ...detail }) => detail);
  return new ApiError('validation_failed', `invalid order: ${details.map((detail) => detail.path).join(', ')}`, details);
}

/** The same externalId again: the same content is a repeat (200, nothing written), other content a 409. */
async function repeatOf(
  deps: Deps,
  existing: { orderId: string; contentHash: string },
  externalId: string,
  contentHash: string,
): Promise<CreateOrderResult> {
  if (existing.contentHash !== contentHash) {
    throw new ApiError(
      'conflict',
      `order ${externalId} already exists with other content: an order cannot be changed by creating it again`,
      [{ path: 'externalId', message: 'is already used by an order with other content' }],
    );
  }
  return { statusCode: 200, order: await loadOrderView(deps.sql, existing.orderId) };
}

async function loadStoreForOrders(deps: Deps, storeId: string): Promise<StoreOrderSettings> {
  const store = await loadStoreOrderSettings(deps.sql, storeId);
  if (!store) throw notFound('store');
  if (!store.enabled)
    throw new ApiError('integration_disabled', 'the Flowhub integration is disabled for this store: enable it before taking orders');
  return store;
}

/**
 * POST …/orders: validates the order, then in one statement records it and holds each of its variants
 * (packages/db placeOrder: all or nothing, products locked in variantId order); if any variant cannot spare
 * its quantity nothing is written and the answer lists every short item. An item naming a weight tier holds
 * quantity × the tier's grams, read from the locked product in the same statement; a tier the product does not
 * list is a 400 naming the item's weightTier, and a fraction of a product not sold by weight a 400 naming the item's
 * quantity (Flowhub counts such items in whole units), nothing written. Only PostgreSQL is involved.
 */
export async function createOrder(deps: Deps, storeId: string, raw: unknown, now = new Date()): Promise<CreateOrderResult> {
  const store = await loadStoreForOrders(deps, storeId);
  const { body, problems } = parseCreateOrder(raw, store);
  if (!body)
    throw new ApiError('validation_failed', `invalid order: ${[...new Set(problems.map((problem) => problem.path))].join(', ')}`, problems);

  const contentHash = orderContentHash(body);
  const lines: OrderLine[] = body.items.map((item, line) => ({
    line,
    variantId: item.variantId,
    quantity: item.quantity,
    weightTier: item.weightTier ?? null,
  }));
  const confirmed = body.status === 'confirmed';
  const pushState: PushState = confirmed && store.syncOrders ? 'queued' : 'not_pushed';
  const placed = await placeOrder(
    deps.sql,
    {
      storeId,
      externalId: body.externalId,
      status: body.status,
      type: body.type,
      placedAt: body.placedAt ? new Date(body.placedAt) : null,
      customer: compact(body.customer),
      deliveryNotes: body.deliveryNotes ?? null,
      deliveryFeeCents: body.deliveryFeeCents ?? null,
      address: body.address ? compact(body.address) : null,
      requestedWindow: body.requestedWindow ?? null,
      contentHash,
      confirmedAt: confirmed ? now : null,
      pushState,
      createdAt: now,
      lines,
      events: [
        {
          event: 'created',
          to: body.status,
          cause: 'platform',
          details: {
            holds: lines.map(({ variantId, quantity, weightTier }) => ({ variantId, quantity, ...(weightTier ? { weightTier } : {}) })),
          },
        },
        ...(pushState === 'queued' ? [{ event: 'push_queued' as const, cause: 'platform' as const }] : []),
      ],
    },
    store.quantityThreshold,
  );
  if (placed.outcome === 'exists') return repeatOf(deps, placed, body.externalId, contentHash);
  if (placed.outcome === 'invalid_lines') throw linesNotFitting(placed.unknownTiers, placed.notWhole);
  if (placed.outcome === 'short') throw insufficientInventory(lines, placed.short);

  const created = placed.order;
  deps.logger.info(
    { storeId, externalId: body.externalId, orderId: created.id, status: body.status, lines: lines.length },
    'order created, inventory held',
  );
  await afterConfirm(deps, created);
  // Answered from what was written: the same as reading it back.
  return { statusCode: 201, order: orderView(created) };
}
