import { Prisma, type Order, type OrderStatus, type OrderType, type PushState } from '../generated/client';
import { round6, sellableQuantitySql } from '../products/quantities';
import { STAMP_PRODUCT_CHANGE } from '../products/changes';
import type { Sql } from '../sql';
import type { OrderLine } from './holds';
import type { OrderEventInput } from './order-events';
import { orderColumns, type OrderDetails } from './order-rows';
import { retryingDeadlocks } from './transaction';

/** An order as the platform created it, with the lines to hold and the history events of its creation. */
export interface NewOrder {
  storeId: string;
  externalId: string;
  status: OrderStatus;
  type: OrderType;
  placedAt: Date | null;
  customer: object;
  deliveryNotes: string | null;
  deliveryFeeCents: number | null;
  address: object | null;
  requestedWindow: object | null;
  contentHash: string;
  confirmedAt: Date | null;
  pushState: PushState;
  createdAt: Date;
  lines: readonly OrderLine[];
  events: readonly OrderEventInput[];
}

export type PlaceOrderResult =
  /** The order as written, with its lines, holds and history: what reading it back would give. */
  | { outcome: 'placed'; order: OrderDetails }
  /** The externalId is taken (by this order sent again, or by another): nothing was written. */
  | { outcome: 'exists'; orderId: string; contentHash: string }
  /**
   * Some lines do not fit their (known) product: nothing was written. `unknownTiers`: lines naming a weight tier the
   * product does not list (`tiers` are the names it does list); `notWhole`: lines asking for a fraction of a product
   * not sold by weight.
   */
  | { outcome: 'invalid_lines'; unknownTiers: UnknownTierLine[]; notWhole: NotWholeLine[] }
  /**
   * Some variants cannot spare what the order asks: nothing was written. `requested` is what the order asks of each
   * (its lines summed, tiers in grams) and `sellable` what each could sell, both in Flowhub's unit for the item.
   */
  | { outcome: 'short'; short: { variantId: string; requested: number; sellable: number }[] };

export interface UnknownTierLine {
  line: number;
  variantId: string;
  weightTier: string;
  tiers: string[];
}

export interface NotWholeLine {
  line: number;
  variantId: string;
}

/*
 * One statement, so one round trip and its own transaction:
 * 1. `locked`: the order's products, locked in variantId order (the order every statement that touches
 *    several products keeps, so two orders never wait on each other in a cycle) and read as they are now,
 *    after any concurrent order holding them has committed;
 * 2. `priced`: each line with the grams of one unit of the weight tier it names, read from its locked product
 *    (null without a tier: the line is in Flowhub's unit for the item); `unknown_tier`: lines naming a tier their
 *    product does not list; `not_whole`: lines without a tier asking for a fraction of a product not sold by weight
 *    (Flowhub counts it in whole units; a tier line is a whole number of tier units, checked by the caller);
 * 3. `demand`: what the order asks of each variant, in Flowhub's unit (a tier line: quantity × grams);
 *    `short`: the variants that cannot spare it (unknown, inactive, or their sellable quantity too low: the
 *    product views' arithmetic, packages/db/src/products/quantities.ts);
 * 4. `new_order`: the order row, only when nothing is short and every line fits its product; a concurrent create of
 *    the same externalId makes it wait and then insert nothing;
 * 5. then only if the order row was written: heldQuantity raised, the lines (with their tier and its grams), one
 *    hold per line (in Flowhub's unit) and the history events.
 * The answer: the new order's row, or the lines that do not fit and the short variants (placeOrder then looks for
 * the order under that externalId).
 */
const SELLABLE = sellableQuantitySql(Prisma.raw('$19::float8')).text;

const PLACE_ORDER_SQL = `
  WITH lines AS (
    SELECT line, variant_id, quantity, tier FROM unnest($15::int[], $16::text[], $17::float8[], $18::text[]) AS l(line, variant_id, quantity, tier)
  ), locked AS MATERIALIZED (
    SELECT p.variant_id, p.active, p.pos_quantity, p.held_quantity, p.weight_tiers, p.sold_by_weight FROM products p
    WHERE p.store_id = $1 AND p.variant_id = ANY($16::text[])
    ORDER BY p.variant_id
    FOR UPDATE
  ), priced AS MATERIALIZED (
    SELECT l.line, l.variant_id, l.quantity, l.tier, k.variant_id IS NOT NULL AS known, k.weight_tiers, k.sold_by_weight,
      CASE WHEN l.tier IS NULL THEN NULL ELSE (
        SELECT (t->>'grams')::float8 FROM jsonb_array_elements(k.weight_tiers) AS t
        WHERE t->>'name' = l.tier AND jsonb_typeof(t->'grams') = 'number' AND (t->>'grams')::float8 > 0 LIMIT 1
      ) END AS tier_grams
    FROM lines l LEFT JOIN locked k USING (variant_id)
  ), unknown_tier AS (
    SELECT line, variant_id, tier, weight_tiers FROM priced WHERE tier IS NOT NULL AND known AND tier_grams IS NULL
  ), not_whole AS (
    SELECT line, variant_id FROM priced WHERE tier IS NULL AND known AND NOT sold_by_weight AND quantity <> trunc(quantity)
  ), demand AS (
    SELECT variant_id, round(sum(quantity * coalesce(tier_grams, 1))::numeric, 6)::float8 AS quantity FROM priced GROUP BY variant_id
  ), short AS (
    SELECT d.variant_id, d.quantity AS requested,
      CASE WHEN l.active THEN ${SELLABLE} ELSE 0 END AS sellable
    FROM demand d LEFT JOIN locked l USING (variant_id)
    WHERE l.variant_id IS NULL OR NOT l.active OR ${SELLABLE} < d.quantity
  ), new_order AS (
    INSERT INTO orders (store_id, external_id, status, type, placed_at, customer, delivery_notes, delivery_fee_cents, address,
                        requested_window, content_hash, confirmed_at, push_state, created_at, updated_at)
    SELECT $1, $2, $3::order_status, $4::order_type, $5, $6::jsonb, $7, $8, $9::jsonb, $10::jsonb, $11, $12, $13::push_state, $14, $14
    WHERE NOT EXISTS (SELECT 1 FROM short) AND NOT EXISTS (SELECT 1 FROM unknown_tier) AND NOT EXISTS (SELECT 1 FROM not_whole)
    ON CONFLICT (store_id, external_id) DO NOTHING
    RETURNING ${orderColumns('orders')}
  ), held AS (
    UPDATE products p SET held_quantity = round((p.held_quantity + d.quantity)::numeric, 6)::float8, ${STAMP_PRODUCT_CHANGE}
    FROM demand d, new_order
    WHERE p.store_id = $1 AND p.variant_id = d.variant_id
  ), items AS (
    INSERT INTO order_items (order_id, line, variant_id, quantity, weight_tier, tier_grams)
    SELECT new_order.id, priced.line, priced.variant_id, priced.quantity, priced.tier, priced.tier_grams FROM new_order, priced
  ), holds AS (
    INSERT INTO inventory_holds (order_id, line, store_id, variant_id, quantity, created_at)
    SELECT new_order.id, priced.line, $1, priced.variant_id, round((priced.quantity * coalesce(priced.tier_grams, 1))::numeric, 6)::float8, $14
    FROM new_order, priced
  ), events AS (
    INSERT INTO order_events (order_id, at, event, from_status, to_status, cause, details)
    SELECT new_order.id, $14, e.event, e.from_status, e.to_status, e.cause, e.details
    FROM new_order, jsonb_to_recordset($20::jsonb) AS e(event text, from_status order_status, to_status order_status, cause text, details jsonb)
  )
  SELECT new_order.*,
    (SELECT json_agg(json_build_object('variantId', variant_id, 'requested', requested, 'sellable', sellable) ORDER BY variant_id) FROM short) AS short,
    (SELECT json_agg(json_build_object('line', line, 'variantId', variant_id, 'weightTier', tier,
                                       'tiers', coalesce((SELECT json_agg(t->>'name') FROM jsonb_array_elements(weight_tiers) AS t), '[]'::json))
                     ORDER BY line) FROM unknown_tier) AS unknown_tiers,
    (SELECT json_agg(json_build_object('line', line, 'variantId', variant_id) ORDER BY line) FROM not_whole) AS not_whole,
    (SELECT json_agg(json_build_object('line', line, 'tierGrams', tier_grams) ORDER BY line) FROM priced WHERE tier IS NOT NULL) AS tier_grams
  FROM (SELECT) AS answer LEFT JOIN new_order ON true`;

const EXISTING_SQL = `SELECT id AS "orderId", content_hash AS "contentHash" FROM orders WHERE store_id = $1 AND external_id = $2`;

type PlaceOrderRow = (Order | { [Field in keyof Order]: null }) & {
  short: { variantId: string; requested: number; sellable: number }[] | null;
  unknown_tiers: UnknownTierLine[] | null;
  not_whole: NotWholeLine[] | null;
  tier_grams: { line: number; tierGrams: number | null }[] | null;
};

const json = (value: object | null) => (value === null ? null : JSON.stringify(value));

/**
 * Records a new order and holds its stock, all or nothing (see PLACE_ORDER_SQL). Only PostgreSQL is involved;
 * a deadlock victim (e.g. against a sync's bulk upsert) runs again.
 */
export async function placeOrder(sql: Sql, order: NewOrder, quantityThreshold: number): Promise<PlaceOrderResult> {
  const values = [
    order.storeId,
    order.externalId,
    order.status,
    order.type,
    order.placedAt,
    json(order.customer),
    order.deliveryNotes,
    order.deliveryFeeCents,
    json(order.address),
    json(order.requestedWindow),
    order.contentHash,
    order.confirmedAt,
    order.pushState,
    order.createdAt,
    order.lines.map((line) => line.line),
    order.lines.map((line) => line.variantId),
    order.lines.map((line) => line.quantity),
    order.lines.map((line) => line.weightTier ?? null),
    quantityThreshold,
    JSON.stringify(
      order.events.map((event) => ({
        event: event.event,
        from_status: event.from ?? null,
        to_status: event.to ?? null,
        cause: event.cause ?? null,
        details: event.details ?? null,
      })),
    ),
  ];
  const {
    rows: [{ short, unknown_tiers: unknownTiers, not_whole: notWhole, tier_grams: tierGrams, ...row }],
  } = await retryingDeadlocks(() => sql.query<PlaceOrderRow>({ name: 'place-order', text: PLACE_ORDER_SQL, values }));
  if (row.id !== null) {
    const gramsOf = new Map((tierGrams ?? []).map((entry) => [entry.line, entry.tierGrams]));
    const lines = order.lines.map(({ line, variantId, quantity, weightTier }) => {
      const grams = weightTier ? (gramsOf.get(line) ?? null) : null;
      return {
        line,
        variantId,
        quantity,
        weightTier: weightTier ?? null,
        tierGrams: grams,
        held: grams === null ? quantity : round6(quantity * grams),
      };
    });
    const written: OrderDetails = {
      ...(row as Order),
      items: lines.map(({ line, variantId, quantity, weightTier, tierGrams: grams }) => ({
        line,
        variantId,
        quantity,
        weightTier,
        tierGrams: grams,
      })),
      holds: lines.map(({ line, variantId, held }) => ({ line, variantId, quantity: held, state: 'held' })),
      events: order.events.map((event) => ({
        at: order.createdAt,
        event: event.event,
        fromStatus: event.from ?? null,
        toStatus: event.to ?? null,
        cause: event.cause ?? null,
        // As PostgreSQL keeps it: JSON, nothing undefined.
        details: event.details === undefined ? null : (JSON.parse(JSON.stringify(event.details)) as Prisma.JsonValue),
      })),
    };
    return { outcome: 'placed', order: written };
  }
  // Not written: the externalId is taken, a line does not fit its product, or a variant is short. Looked up afresh, not in the
  // statement's snapshot: a create of the same externalId that committed while this one waited (for the order row,
  // or for the products whose last units it took) is the answer rather than "short".
  const { rows } = await sql.query<{ orderId: string; contentHash: string }>(EXISTING_SQL, [order.storeId, order.externalId]);
  if (rows.length > 0) return { outcome: 'exists', ...rows[0] };
  if (unknownTiers || notWhole) return { outcome: 'invalid_lines', unknownTiers: unknownTiers ?? [], notWhole: notWhole ?? [] };
  if (short) return { outcome: 'short', short };
  throw new Error(`order ${order.externalId} was neither written nor found`);
}
