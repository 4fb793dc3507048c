import type { Order } from '../generated/client';
import type { Transaction } from './holds';

/**
 * Locks the order's row for the rest of the transaction, then reads it: two changes of one order (the platform's
 * transitions, an operator's …/push) take turns. Null when the store has no such order.
 */
export async function lockOrder(tx: Transaction, ref: { storeId: string; externalId: string }): Promise<Order | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM orders WHERE store_id = ${ref.storeId} AND external_id = ${ref.externalId} FOR UPDATE`;
  return rows.length === 0 ? null : tx.order.findUniqueOrThrow({ where: { id: rows[0].id } });
}
