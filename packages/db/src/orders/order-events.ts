import type { OrderStatus, Prisma } from '../generated/client';
import type { Transaction } from './holds';

/**
 * The events of an order's history (OrderEvent.event). Several events of one change share its time; they are
 * shown in this order: the change first, then what followed from it.
 */
export const ORDER_EVENTS = [
  'created',
  'status_changed',
  // An operator's POST …/push: push again after a failure, or create anew ({"recreate": true}).
  'push_requested',
  'push_recreate_requested',
  'push_queued',
  'push_started',
  'push_retrying',
  'push_delayed',
  'push_skipped',
  'pushed',
  'push_answer_unrecorded',
  'duplicate_in_flowhub',
  'push_failed',
  'needs_reconciliation',
  'reconciled',
  'fulfilled',
  'hold_released',
  'holds_consumed',
  'hold_inventory_changed',
  'flowhub_cancel_required',
  'flowhub_status_changed',
  'flowhub_conflict',
  'follow_stopped',
  'reconciled_by_postback',
] as const;
export type OrderEventName = (typeof ORDER_EVENTS)[number];

/**
 * Who or what caused a change: the platform's API call, the expiry job, the order's cancellation or completion,
 * Flowhub, or an operator's request; none for the push's own steps. Never free text: why, in words, goes into the
 * event's `details.reason` (a push failure's reason, say).
 */
export const ORDER_EVENT_CAUSES = ['platform', 'expired', 'cancelled', 'completed', 'flowhub', 'operator'] as const;
export type OrderEventCause = (typeof ORDER_EVENT_CAUSES)[number];

export interface OrderEventInput {
  event: OrderEventName;
  from?: OrderStatus | null;
  to?: OrderStatus | null;
  cause?: OrderEventCause;
  details?: Prisma.InputJsonValue;
}

/**
 * The one writer of an order's history through Prisma (the hot statements of ./place-order.ts, ./confirm-order.ts,
 * ./push-state.ts and ./skipped-pushes.ts insert theirs in their own SQL): a typo in an event name does not compile.
 */
export async function recordEvents(tx: Transaction, orderId: string, at: Date, events: readonly OrderEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.orderEvent.createMany({
    data: events.map((event) => ({
      orderId,
      at,
      event: event.event,
      fromStatus: event.from ?? null,
      toStatus: event.to ?? null,
      cause: event.cause ?? null,
      ...(event.details === undefined ? {} : { details: event.details }),
    })),
  });
}

const rank = new Map<string, number>(ORDER_EVENTS.map((name, index) => [name, index]));

/** Oldest first; events of the same moment in cause-then-consequence order. */
export function historyOrder(a: { at: Date; event: string }, b: { at: Date; event: string }): number {
  return a.at.getTime() - b.at.getTime() || (rank.get(a.event) ?? ORDER_EVENTS.length) - (rank.get(b.event) ?? ORDER_EVENTS.length);
}
