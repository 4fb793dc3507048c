import type { InventoryHold, Order, OrderEvent, OrderItem } from '../generated/client';
import type { Sql } from '../sql';

/**
 * Orders read with plain SQL (../sql.ts) come back in Prisma's own shapes: every column of `orders`
 * aliased to its Prisma field. The map is typed by Prisma's Order, so a field added to the schema and
 * not here fails to compile. pg already gives what Prisma gives: Date for timestamps, parsed JSON,
 * numbers for int4 and float8, strings for enums and uuids.
 */
const ORDER_COLUMNS: { readonly [Field in keyof Order]-?: string } = {
  id: 'id',
  storeId: 'store_id',
  externalId: 'external_id',
  status: 'status',
  type: 'type',
  placedAt: 'placed_at',
  customer: 'customer',
  deliveryNotes: 'delivery_notes',
  deliveryFeeCents: 'delivery_fee_cents',
  address: 'address',
  requestedWindow: 'requested_window',
  contentHash: 'content_hash',
  fulfilled: 'fulfilled',
  holdInventory: 'hold_inventory',
  pushState: 'push_state',
  pushAttempts: 'push_attempts',
  pushError: 'push_error',
  pushStartedAt: 'push_started_at',
  pushedAt: 'pushed_at',
  flowhubOrderId: 'flowhub_order_id',
  flowhubStatus: 'flowhub_status',
  postbackToken: 'postback_token',
  confirmedAt: 'confirmed_at',
  completedAt: 'completed_at',
  cancelledAt: 'cancelled_at',
  webhookSequence: 'webhook_sequence',
  followCheckedAt: 'follow_checked_at',
  followError: 'follow_error',
  followErrorCount: 'follow_error_count',
  followNotFoundCount: 'follow_not_found_count',
  followStoppedReason: 'follow_stopped_reason',
  duplicateFlowhubOrderIds: 'duplicate_flowhub_order_ids',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** The select list of an order row as Prisma's Order, from the table aliased `alias`. */
export function orderColumns(alias: string): string {
  return Object.entries(ORDER_COLUMNS)
    .map(([field, column]) => `${alias}.${column} AS "${field}"`)
    .join(', ');
}

export type OrderLineRow = Pick<OrderItem, 'line' | 'variantId' | 'quantity' | 'weightTier' | 'tierGrams'>;
export type OrderHoldRow = Pick<InventoryHold, 'line' | 'variantId' | 'quantity' | 'state'>;
export type OrderEventRow = Pick<OrderEvent, 'at' | 'event' | 'fromStatus' | 'toStatus' | 'cause' | 'details'>;

/** An order with its lines, holds and history: what the API shows. */
export type OrderDetails = Order & { items: OrderLineRow[]; holds: OrderHoldRow[]; events: OrderEventRow[] };

/** One statement for the whole order (was four with Prisma's include): lines and holds by line, events oldest first. */
const ORDER_DETAILS_SQL = `
  SELECT ${orderColumns('o')},
    coalesce((SELECT json_agg(json_build_object('line', i.line, 'variantId', i.variant_id, 'quantity', i.quantity,
                                                'weightTier', i.weight_tier, 'tierGrams', i.tier_grams) ORDER BY i.line)
              FROM order_items i WHERE i.order_id = o.id), '[]') AS items,
    coalesce((SELECT json_agg(json_build_object('line', h.line, 'variantId', h.variant_id, 'quantity', h.quantity, 'state', h.state) ORDER BY h.line)
              FROM inventory_holds h WHERE h.order_id = o.id), '[]') AS holds,
    coalesce((SELECT json_agg(json_build_object('at', e.at, 'event', e.event, 'fromStatus', e.from_status, 'toStatus', e.to_status,
                                                'cause', e.cause, 'details', e.details) ORDER BY e.at, e.id)
              FROM order_events e WHERE e.order_id = o.id), '[]') AS events
  FROM orders o`;

type OrderDetailsRow = Order & { items: OrderLineRow[]; holds: OrderHoldRow[]; events: (Omit<OrderEventRow, 'at'> & { at: string })[] };

function details(row: OrderDetailsRow): OrderDetails {
  return { ...row, events: row.events.map((event) => ({ ...event, at: new Date(event.at) })) };
}

/** The order with its lines, holds and history, or null. */
export async function readOrderDetails(sql: Sql, orderId: string): Promise<OrderDetails | null> {
  const { rows } = await sql.query<OrderDetailsRow>({
    name: 'order-details-by-id',
    text: `${ORDER_DETAILS_SQL} WHERE o.id = $1::uuid`,
    values: [orderId],
  });
  return rows.length === 0 ? null : details(rows[0]);
}

/** The same, found by the platform's ids. */
export async function readOrderDetailsByRef(sql: Sql, ref: { storeId: string; externalId: string }): Promise<OrderDetails | null> {
  const { rows } = await sql.query<OrderDetailsRow>({
    name: 'order-details-by-ref',
    text: `${ORDER_DETAILS_SQL} WHERE o.store_id = $1 AND o.external_id = $2`,
    values: [ref.storeId, ref.externalId],
  });
  return rows.length === 0 ? null : details(rows[0]);
}
