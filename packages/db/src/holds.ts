import type { PrismaClient } from './generated/client';

/**
 * Holds of completed sales whose stock Flowhub's quantities now reflect: a hold consumed before this sync
 * started is in the feed this sync read, so it stops counting. Returns how many holds were released.
 */
export async function releaseReflectedHolds(prisma: PrismaClient, storeId: string, syncStartedAt: Date, at: Date): Promise<number> {
  // Consumed holds still count in heldQuantity (the sale may not be in Flowhub's quantity yet); now that a sync
  // that started after the sale has read Flowhub, its quantity reflects it: release and take the units off.
  const [result] = await prisma.$queryRaw<{ holds: number }[]>`
    WITH released AS (
      UPDATE inventory_holds SET state = 'released'::hold_state, released_at = ${at}
      WHERE store_id = ${storeId} AND state = 'consumed'::hold_state AND consumed_at < ${syncStartedAt}
      RETURNING variant_id, quantity
    ), per_product AS (
      SELECT variant_id, sum(quantity) AS quantity FROM released GROUP BY variant_id
    ), updated AS (
      UPDATE products p
      SET held_quantity = GREATEST(round((p.held_quantity - per_product.quantity)::numeric, 6)::float8, 0)
      FROM per_product
      WHERE p.store_id = ${storeId} AND p.variant_id = per_product.variant_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM released)::int AS holds, (SELECT count(*) FROM updated)::int AS products`;
  return result?.holds ?? 0;
}
