import { z } from 'zod';
import { HoldState, type OrderDetails, OrderStatus, OrderType, PushState, type Sql, historyOrder, readOrderDetails } from '@flowhub-sync/db';

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
  }),
  flowhubStatus: z.string().nullable().describe("the order's status in Flowhub, as Flowhub spells it"),
  items: z.array(z.object({ variantId: z.string(), quantity: z.number() })),
  holds: z.array(z.object({ variantId: z.string(), quantity: z.number(), state: z.enum(HoldState) })),
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

/** POST /v1/flowhub/postback/{token}: taken; the status is re-read from Flowhub within moments. */
export const postbackAcceptedSchema = z.object({ accepted: z.literal(true) });

/** An order as the API shows it (api-contract.md, "Orders"); the customer's personal data is not echoed back. */
export function orderView(order: OrderDetails): OrderView {
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
