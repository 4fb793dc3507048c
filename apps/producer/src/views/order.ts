import { z } from 'zod';
import {
  ATTENTION_REASONS,
  HoldState,
  type Order,
  type OrderDetails,
  type OrderListRow,
  OrderStatus,
  OrderType,
  PushState,
  type Sql,
  historyOrder,
  readOrderDetails,
} from '@flowhub-sync/db';

const iso = (date: Date | null) => date?.toISOString() ?? null;

const instant = z.iso.datetime();

/** An order as the API shows it (api-contract.md, "Orders"); the type below is derived from it. */
export const orderViewSchema = z.object({
  storeId: z.string(),
  externalId: z.string(),
  status: z.enum(OrderStatus),
  type: z.enum(OrderType),
  fulfilled: z.boolean().describe("true once a Maui store's push succeeded: Flowhub now owns the stock"),
  holdInventory: z.boolean().describe('keep holding the stock after a Maui push, until the order completes or is cancelled'),
  push: z.object({
    state: z.enum(PushState).describe('needs_reconciliation: the create may or may not have reached Flowhub; resolve it with …/push'),
    attempts: z.number().int().min(0),
    flowhubOrderId: z.string().nullable(),
    pushedAt: instant.nullable(),
    error: z.string().nullable(),
    duplicateFlowhubOrderIds: z
      .array(z.string())
      .optional()
      .describe(
        'present only when Flowhub holds other orders for this one besides flowhubOrderId (a late answer to a push already resolved): ' +
          'staff must cancel each in Flowhub',
      ),
  }),
  flowhubStatus: z.string().nullable().describe("the order's status in Flowhub, as Flowhub spells it"),
  follow: z
    .object({
      lastCheckedAt: instant.nullable().describe('when its Flowhub status was last read, successfully or not'),
      lastError: z.string().nullable().describe('why the last read failed; null after a successful read'),
      errorCount: z.number().int().min(0).describe('failed reads in a row; 0 after a successful read'),
      stoppedReason: z
        .string()
        .nullable()
        .describe('why its Flowhub status is no longer followed (e.g. Flowhub answered 404 five times in a row); null while followed'),
    })
    .describe("following the order's Flowhub status (the status poll and Flowhub's postbacks)"),
  items: z.array(
    z.object({
      variantId: z.string(),
      quantity: z.number().describe("as ordered: units of the weightTier when the item names one, else Flowhub's unit for the item"),
      weightTier: z.string().optional().describe('present only when the item names a weight tier (an addition to the contract)'),
      tierGrams: z
        .number()
        .optional()
        .describe('grams in one unit of that tier when the order was placed: the item holds quantity × tierGrams'),
    }),
  ),
  holds: z.array(
    z.object({
      variantId: z.string(),
      quantity: z.number().describe("in Flowhub's unit for the item (grams for a weight tier)"),
      state: z.enum(HoldState),
    }),
  ),
  placedAt: instant.nullable(),
  createdAt: instant,
  confirmedAt: instant.nullable(),
  completedAt: instant.nullable(),
  cancelledAt: instant.nullable(),
  history: z
    .array(
      z.object({
        at: instant,
        event: z.string(),
        from: z.enum(OrderStatus).nullable(),
        to: z.enum(OrderStatus).nullable(),
        cause: z.string().nullable(),
        details: z.record(z.string(), z.unknown()).nullable(),
      }),
    )
    .describe('oldest first'),
});
export type OrderView = z.output<typeof orderViewSchema>;

/** The answer of …/confirm, …/cancel, …/complete and PATCH: the order, with a notice when the platform must act in Flowhub too. */
export const orderAnswerSchema = orderViewSchema.extend({
  notice: z.string().optional().describe('what the platform must still do outside this product, e.g. cancel the order in Flowhub too'),
});

/** One order of GET …/orders: the order without its lines, holds and history, with what needs a person about it. */
export const orderSummarySchema = orderViewSchema
  .pick({
    storeId: true,
    externalId: true,
    status: true,
    type: true,
    fulfilled: true,
    push: true,
    flowhubStatus: true,
    placedAt: true,
    createdAt: true,
    confirmedAt: true,
    completedAt: true,
    cancelledAt: true,
  })
  .extend({
    attention: z
      .array(z.object({ reason: z.enum(ATTENTION_REASONS), message: z.string().nullable() }))
      .describe(
        'why the order needs a person (empty when it does not): push_failed and needs_reconciliation (resolve with …/push), ' +
          'duplicate_in_flowhub (cancel the duplicate in Flowhub), flowhub_cancel_required (cancelled here, not yet in Flowhub), ' +
          'follow_stopped (its Flowhub status is no longer followed)',
      ),
  });
export type OrderSummary = z.output<typeof orderSummarySchema>;

export const orderPageSchema = z.object({
  items: z.array(orderSummarySchema).describe('newest first'),
  nextCursor: z.string().nullable().describe('opaque: pass it as `cursor` for the next page; null on the last page'),
});

export function orderSummaryView(order: OrderListRow): OrderSummary {
  return {
    storeId: order.storeId,
    externalId: order.externalId,
    status: order.status,
    type: order.type,
    fulfilled: order.fulfilled,
    push: pushView(order),
    flowhubStatus: order.flowhubStatus,
    placedAt: iso(order.placedAt),
    createdAt: order.createdAt.toISOString(),
    confirmedAt: iso(order.confirmedAt),
    completedAt: iso(order.completedAt),
    cancelledAt: iso(order.cancelledAt),
    attention: order.attention,
  };
}

/** POST /v1/flowhub/postback/{token}: taken; the status is re-read from Flowhub within moments. */
export const postbackAcceptedSchema = z.object({ accepted: z.literal(true) });

/** An order's push as the API shows it, in the order and in lists. */
function pushView(order: Order): OrderView['push'] {
  return {
    state: order.pushState,
    attempts: order.pushAttempts,
    flowhubOrderId: order.flowhubOrderId,
    pushedAt: iso(order.pushedAt),
    error: order.pushError,
    ...(order.duplicateFlowhubOrderIds.length > 0 ? { duplicateFlowhubOrderIds: [...order.duplicateFlowhubOrderIds] } : {}),
  };
}

/** An order as the API shows it (api-contract.md, "Orders"); the customer's personal data is not echoed back. */
export function orderView(order: OrderDetails): OrderView {
  return {
    storeId: order.storeId,
    externalId: order.externalId,
    status: order.status,
    type: order.type,
    fulfilled: order.fulfilled,
    holdInventory: order.holdInventory,
    push: pushView(order),
    flowhubStatus: order.flowhubStatus,
    follow: {
      lastCheckedAt: iso(order.followCheckedAt),
      lastError: order.followError,
      errorCount: order.followErrorCount,
      stoppedReason: order.followStoppedReason,
    },
    items: [...order.items]
      .sort((a, b) => a.line - b.line)
      .map((item) => ({
        variantId: item.variantId,
        quantity: item.quantity,
        ...(item.weightTier ? { weightTier: item.weightTier, tierGrams: item.tierGrams ?? undefined } : {}),
      })),
    holds: [...order.holds]
      .sort((a, b) => a.line - b.line)
      .map((hold) => ({ variantId: hold.variantId, quantity: hold.quantity, state: hold.state })),
    placedAt: iso(order.placedAt),
    createdAt: order.createdAt.toISOString(),
    confirmedAt: iso(order.confirmedAt),
    completedAt: iso(order.completedAt),
    cancelledAt: iso(order.cancelledAt),
    history: [...order.events].sort(historyOrder).map((event) => ({
      at: event.at.toISOString(),
      event: event.event,
      from: event.fromStatus,
      to: event.toStatus,
      cause: event.cause,
      // Events' details are always JSON objects (recordEvents).
      details: (event.details ?? null) as Record<string, unknown> | null,
    })),
  };
}

/** The order as the API shows it, read in one statement. */
export async function loadOrderView(sql: Sql, orderId: string): Promise<OrderView> {
  const order = await readOrderDetails(sql, orderId);
  if (!order) throw new Error(`order ${orderId} does not exist`);
  return orderView(order);
}
