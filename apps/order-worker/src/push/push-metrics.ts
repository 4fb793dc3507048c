import { Counter, Registry } from 'prom-client';

/** What became of one order-push job run ("order pushes by outcome", api-contract.md "Operations"). */
export type PushOutcome = 'pushed' | 'skipped' | 'failed' | 'needs_reconciliation' | 'retried' | 'delayed';

export interface OrderPushMetrics {
  registry: Registry;
  outcome(outcome: PushOutcome): void;
}

/** The order-push counters, on the given registry (the worker's /metrics) or a registry of their own. */
export function createOrderPushMetrics(registry = new Registry()): OrderPushMetrics {
  const pushes = new Counter({
    name: 'flowhub_sync_order_pushes_total',
    help: 'Order pushes to Flowhub by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return { registry, outcome: (outcome) => pushes.inc({ outcome }) };
}
