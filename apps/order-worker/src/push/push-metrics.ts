import { Counter, Registry } from 'prom-client';

/** What became of one order-push job run ("order pushes by outcome", api-contract.md "Operations"). */
export type PushOutcome = 'pushed' | 'skipped' | 'failed' | 'needs_reconciliation' | 'retried' | 'delayed';

export interface OrderPushMetrics {
  registry: Registry;
  outcome(outcome: PushOutcome): void;
  /** Flowhub created a second order for one of ours (staff must cancel it there): alert on any increase. */
  duplicate(): void;
}

/** The order-push counters, on the given registry (the worker's /metrics) or a registry of their own. */
export function createOrderPushMetrics(registry = new Registry()): OrderPushMetrics {
  const pushes = new Counter({
    name: 'flowhub_sync_order_pushes_total',
    help: 'Order pushes to Flowhub by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'flowhub_sync_duplicate_flowhub_orders_total',
    help: 'Second Flowhub orders detected for one order (a late answer to a push already resolved): each must be cancelled in Flowhub',
    registers: [registry],
  });
  return { registry, outcome: (outcome) => pushes.inc({ outcome }), duplicate: () => duplicates.inc() };
}
