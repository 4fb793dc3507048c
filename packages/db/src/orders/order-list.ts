import type { Order } from '../generated/client';
import type { Sql } from '../sql';
import { orderColumns } from './order-rows';

/**
 * A store's orders, newest first with cursor paging, and the subset that needs a person (`attention`): what
 * on-call looks at. An order needs a person when
 * - its push failed (`failed`) or its outcome is unknown (`needs_reconciliation`): POST …/push resolves it;
 * - Flowhub holds another order for it besides the one recorded (Order.duplicateFlowhubOrderIds, or a
 *   `duplicate_in_flowhub` event): staff cancel the duplicate in Flowhub;
 * - it was cancelled here while it was (or may have been) in Flowhub (a `flowhub_cancel_required` event), and
 *   Flowhub has not reported it cancelled since: staff cancel it in Flowhub (a Flowhub sale of it, a conflict,
 *   keeps it on the list);
 * - following its Flowhub status stopped before Flowhub finished it (Order.followStoppedReason).
 */

export const ATTENTION_REASONS = [
  'push_failed',
  'needs_reconciliation',
  'duplicate_in_flowhub',
  'flowhub_cancel_required',
  'follow_stopped',
] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

export interface AttentionItem {
  reason: AttentionReason;
  /** What to do, or what went wrong, in words. */
  message: string | null;
}

export type OrderListRow = Order & { attention: AttentionItem[] };

export interface OrderListPage {
  items: OrderListRow[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

/** Where paging resumes: the last order of the previous page (orders are ordered by createdAt, then id, descending). */
export interface OrderCursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id]), 'utf8').toString('base64url');
}

/** The cursor encodeOrderCursor gave out, or null for anything else. */
export function decodeOrderCursor(text: string): OrderCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string' || !UUID.test(value[1]))
      return null;
    const createdAt = new Date(value[0]);
    if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== value[0]) return null;
    const cursor = { createdAt, id: value[1] };
    return encodeOrderCursor(cursor) === text ? cursor : null;
  } catch {
    return null;
  }
}

/** Flowhub statuses that mean the order is cancelled in Flowhub too (lower case; packages/db/src/orders/flowhub-status.ts). */
const FLOWHUB_CANCELLED = `('unabletocomplete', 'unabletoverify', 'deleted')`;

/** The columns each reason is read from, per order (o). */
const ATTENTION_COLUMNS = `
    coalesce(o.duplicate_flowhub_order_ids, '{}') || coalesce(
      (SELECT array_agg(DISTINCT e.details->>'flowhubOrderId') FILTER (WHERE e.details->>'flowhubOrderId' IS NOT NULL)
       FROM order_events e WHERE e.order_id = o.id AND e.event = 'duplicate_in_flowhub'), '{}') AS "duplicates",
    EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.event = 'duplicate_in_flowhub') AS "duplicateEvent",
    CASE WHEN o.status = 'cancelled' AND lower(coalesce(o.flowhub_status, '')) NOT IN ${FLOWHUB_CANCELLED} THEN
      (SELECT coalesce(e.details->>'message', e.cause, 'cancel it in Flowhub too') FROM order_events e
       WHERE e.order_id = o.id AND e.event = 'flowhub_cancel_required' ORDER BY e.at DESC LIMIT 1)
    END AS "cancelRequired"`;

/** An order that needs a person (see above), as a condition on orders (o). */
const NEEDS_ATTENTION = `(
    o.push_state IN ('failed', 'needs_reconciliation')
    OR cardinality(o.duplicate_flowhub_order_ids) > 0
    OR o.follow_stopped_reason IS NOT NULL
    OR EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.event = 'duplicate_in_flowhub')
    OR (o.status = 'cancelled' AND lower(coalesce(o.flowhub_status, '')) NOT IN ${FLOWHUB_CANCELLED}
        AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.event = 'flowhub_cancel_required'))
  )`;

function listSql(attention: boolean, after: boolean): string {
  return `
  SELECT ${orderColumns('o')}, ${ATTENTION_COLUMNS}
  FROM orders o
  WHERE o.store_id = $1
    ${after ? 'AND (o.created_at, o.id) < ($3::timestamptz, $4::uuid)' : ''}
    ${attention ? `AND ${NEEDS_ATTENTION}` : ''}
  ORDER BY o.created_at DESC, o.id DESC
  LIMIT $2`;
}

type ListedRow = Order & { duplicates: string[]; duplicateEvent: boolean; cancelRequired: string | null };

function attentionOf(row: ListedRow): AttentionItem[] {
  const items: AttentionItem[] = [];
  if (row.pushState === 'failed') items.push({ reason: 'push_failed', message: row.pushError });
  if (row.pushState === 'needs_reconciliation') items.push({ reason: 'needs_reconciliation', message: row.pushError });
  const duplicates = [...new Set(row.duplicates)];
  if (duplicates.length > 0 || row.duplicateEvent) {
    items.push({
      reason: 'duplicate_in_flowhub',
      message:
        duplicates.length > 0
          ? `Flowhub also holds ${duplicates.length === 1 ? 'order' : 'orders'} ${duplicates.join(', ')} for this order: cancel ${duplicates.length === 1 ? 'it' : 'them'} in Flowhub`
          : "Flowhub holds a second order for this one (see the order's history): cancel it in Flowhub",
    });
  }
  if (row.cancelRequired !== null) items.push({ reason: 'flowhub_cancel_required', message: row.cancelRequired });
  if (row.followStoppedReason !== null) items.push({ reason: 'follow_stopped', message: row.followStoppedReason });
  return items;
}

/** One page of the store's orders (only those that need a person with `attention`), newest first. */
export async function listStoreOrders(
  sql: Sql,
  storeId: string,
  options: { attention: boolean; limit: number; cursor?: OrderCursor | null },
): Promise<OrderListPage> {
  const after = Boolean(options.cursor);
  const values: unknown[] = [storeId, options.limit + 1, ...(options.cursor ? [options.cursor.createdAt, options.cursor.id] : [])];
  const { rows } = await sql.query<ListedRow>({
    name: `list-orders${options.attention ? '-attention' : ''}${after ? '-after' : ''}`,
    text: listSql(options.attention, after),
    values,
  });
  const page = rows.slice(0, options.limit).map(({ duplicates, duplicateEvent, cancelRequired, ...order }) => ({
    ...order,
    attention: attentionOf({ ...order, duplicates, duplicateEvent, cancelRequired }),
  }));
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: rows.length > options.limit && last ? encodeOrderCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}
