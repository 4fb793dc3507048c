import { Prisma, type PrismaClient } from '../generated/client';
import { round6 } from '../products/quantities';
import { STAMP_PRODUCT_CHANGE } from '../products/changes';

/**
 * Hold accounting (holds are taken by placeOrder, ./place-order.ts). Product.heldQuantity is the sum of the product's holds that still keep units from sale
 * ('held', and 'consumed' until a sync reflects the sale), changed only in the transaction that changes those holds. Every statement that touches several products touches them in
 * variantId order, so two transactions never wait on each other's products in a cycle.
 *
 * Quantities may be fractional (items sold by weight): sums are rounded to 6 decimals in SQL so that
 * 0.1 + 0.2 held and released again leaves exactly 0, and a product is never refused for a rounding crumb.
 */

export type Transaction = Prisma.TransactionClient;

export interface OrderLine {
  line: number;
  variantId: string;
  /** In Flowhub's unit for the item, or, when the line names a weight tier, in units of that tier. */
  quantity: number;
  /** A weight tier of the product (its name): the line then holds quantity × the tier's grams (placeOrder). */
  weightTier?: string | null;
}

export interface VariantDemand {
  variantId: string;
  quantity: number;
  /** The order lines asking for this variant (an order may name a variant twice). */
  lines: number[];
}

/** One entry per variant, quantities summed, in the stable lock order. */
export function demandByVariant(lines: readonly OrderLine[]): VariantDemand[] {
  const byVariant = new Map<string, VariantDemand>();
  for (const { line, variantId, quantity } of lines) {
    const demand = byVariant.get(variantId) ?? { variantId, quantity: 0, lines: [] };
    demand.quantity = round6(demand.quantity + quantity);
    demand.lines.push(line);
    byVariant.set(variantId, demand);
  }
  return [...byVariant.values()].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
}

export interface ChangedHold {
  variantId: string;
  line: number;
  quantity: number;
}

/**
 * Moves an order's holds to 'released' or 'consumed', in the caller's transaction (the order row is locked by then).
 * - released: the units are sellable again, so they come off the products' heldQuantity (from 'held', and from
 *   'consumed' too: a completed order cancelled in Flowhub gives its units back).
 * - consumed: the sale happened (or, for a Maui store, the order is in Flowhub, which handles its stock now) but
 *   Flowhub's quantity may not show it until the next inventory sync, so the units stay in heldQuantity; the
 *   first successful sync that started after consumedAt releases them (inventory worker, releaseReflectedHolds).
 *   Availability never jumps up in between. consumedAt is the database's clock (the transaction's now()), never
 *   the caller's `at`: the sync's start it is compared with is read from the same clock (databaseNow), so a
 *   process whose clock is off can neither release a hold early nor keep it forever.
 * Holds already in the target state are left alone: settling twice changes nothing.
 */
export async function settleHolds(tx: Transaction, orderId: string, to: 'released' | 'consumed', at: Date): Promise<ChangedHold[]> {
  const rows =
    to === 'released'
      ? await tx.$queryRaw<{ store_id: string; variant_id: string; line: number; quantity: number }[]>`
          UPDATE inventory_holds SET state = 'released'::hold_state, released_at = ${at}
          WHERE order_id = ${orderId}::uuid AND state IN ('held'::hold_state, 'consumed'::hold_state)
          RETURNING store_id, variant_id, line, quantity`
      : await tx.$queryRaw<{ store_id: string; variant_id: string; line: number; quantity: number }[]>`
          UPDATE inventory_holds SET state = 'consumed'::hold_state, consumed_at = now()
          WHERE order_id = ${orderId}::uuid AND state = 'held'::hold_state
          RETURNING store_id, variant_id, line, quantity`;
  const storeId = rows[0]?.store_id;
  if (to === 'consumed')
    return rows.map((row) => ({ variantId: row.variant_id, line: row.line, quantity: row.quantity })).sort((a, b) => a.line - b.line);
  for (const demand of demandByVariant(rows.map((row) => ({ line: row.line, variantId: row.variant_id, quantity: row.quantity })))) {
    // GREATEST: heldQuantity can never go below 0 (a CHECK refuses it), whatever went wrong before.
    await tx.$executeRaw`
      UPDATE products SET held_quantity = GREATEST(round((held_quantity - ${demand.quantity}::float8)::numeric, 6)::float8, 0),
        ${Prisma.raw(STAMP_PRODUCT_CHANGE)}
      WHERE store_id = ${storeId} AND variant_id = ${demand.variantId}`;
  }
  return rows.map((row) => ({ variantId: row.variant_id, line: row.line, quantity: row.quantity })).sort((a, b) => a.line - b.line);
}

/**
 * The database's clock: what consumedAt is written with (settleHolds). An inventory sync takes its start from
 * here, so that "consumed before this sync started" compares two times of one clock. Whole milliseconds, rounded
 * down: a consumedAt (rounded to the millisecond when stored) earlier than it is at least half a millisecond
 * earlier in fact.
 */
export async function databaseNow(prisma: Pick<PrismaClient, '$queryRaw'>): Promise<Date> {
  const [row] = await prisma.$queryRaw<{ now: Date }[]>`SELECT date_trunc('milliseconds', clock_timestamp()) AS now`;
  return row.now;
}

/** Which holds a sync releases: the store's, consumed before the sync started, but for variants it did not read. */
export interface ReflectedHolds {
  storeId: string;
  /** From the database's clock (databaseNow). */
  syncStartedAt: Date;
  /** When they are released. */
  at: Date;
  notReflected?: readonly string[];
}

/**
 * The statement parts (common table expressions: `released`, the holds, and `per_product`, `released_from`) that
 * release the holds and take their units off the products' heldQuantity: releaseReflectedHolds, and the sync run's
 * finish (finishSyncRun) in the same statement.
 */
export function reflectedHoldsRelease(holds: ReflectedHolds): Prisma.Sql {
  // Consumed holds still count in heldQuantity (the sale may not be in Flowhub's quantity yet); now that a sync
  // that started after the sale has read Flowhub, its quantity reflects it: release and take the units off.
  return Prisma.sql`released AS (
      UPDATE inventory_holds SET state = 'released'::hold_state, released_at = ${holds.at}
      WHERE store_id = ${holds.storeId} AND state = 'consumed'::hold_state AND consumed_at < ${holds.syncStartedAt}
        AND NOT (variant_id = ANY(${[...(holds.notReflected ?? [])]}::text[]))
      RETURNING variant_id, quantity
    ), per_product AS (
      SELECT variant_id, sum(quantity) AS quantity FROM released GROUP BY variant_id
    ), released_from AS (
      UPDATE products p
      SET held_quantity = GREATEST(round((p.held_quantity - per_product.quantity)::numeric, 6)::float8, 0),
        ${Prisma.raw(STAMP_PRODUCT_CHANGE)}
      FROM per_product
      -- EXISTS is a one-time filter: when nothing was released (most syncs) the products are not read at all. With
      -- statistics lagging behind a large sync the planner could otherwise walk every product of the store to find
      -- none (40 ms at 50,000).
      WHERE EXISTS (SELECT 1 FROM released) AND p.store_id = ${holds.storeId} AND p.variant_id = per_product.variant_id
      RETURNING 1
    )`;
}

/**
 * Holds of completed sales (and of Maui pushes) whose stock Flowhub's quantities now reflect: a hold consumed
 * before this sync started is in the feed this sync read, so it stops counting. `syncStartedAt` must come from
 * the database's clock (databaseNow). `notReflected`: variants whose quantity this sync did not read (their rows
 * could not be read, so the product kept its last good values): their holds stay. Returns how many holds were released.
 */
export async function releaseReflectedHolds(
  prisma: PrismaClient,
  storeId: string,
  syncStartedAt: Date,
  at: Date,
  options: { notReflected?: readonly string[] } = {},
): Promise<number> {
  const [result] = await prisma.$queryRaw<{ holds: number }[]>`
    WITH ${reflectedHoldsRelease({ storeId, syncStartedAt, at, notReflected: options.notReflected })}
    SELECT (SELECT count(*) FROM released)::int AS holds`;
  return result?.holds ?? 0;
}
