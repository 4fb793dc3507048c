import type { Worker } from 'bullmq';
import { Counter, Registry } from 'prom-client';

/*
 * The order-worker's counters (its /metrics), each on the given registry or a registry of its own (tests).
 */

/** What became of one order-push job run ("order pushes by outcome", api-contract.md "Operations"). */
export type PushOutcome = 'pushed' | 'skipped' | 'failed' | 'needs_reconciliation' | 'retried' | 'delayed';

export interface OrderPushMetrics {
  registry: Registry;
  outcome(outcome: PushOutcome): void;
  /** Flowhub created a second order for one of ours (staff must cancel it there): alert on any increase. */
  duplicate(): void;
}

/** The order-push counters. */
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

/** The status poll's counters. */
export interface StatusPollMetrics {
  registry: Registry;
  /** A Flowhub status read that was behind the one already recorded: not applied (statuses only move forward). */
  staleStatus(via: 'poll' | 'postback'): void;
}

export function createStatusPollMetrics(registry = new Registry()): StatusPollMetrics {
  const stale = new Counter({
    name: 'flowhub_sync_stale_flowhub_statuses_total',
    help: 'Flowhub status reads behind the status already recorded for the order, not applied, by what read them (poll, postback)',
    labelNames: ['via'],
    registers: [registry],
  });
  return { registry, staleStatus: (via) => stale.inc({ via }) };
}

/**
 * Webhook deliveries to the platform by outcome, counted on the `webhook-delivery` worker's events: give it to
 * startWorkers' `onWorker` (it leaves the other queues' workers alone).
 */
export function countWebhookOutcomes(registry: Registry): (worker: Worker) => void {
  const deliveries = new Counter({
    name: 'flowhub_sync_webhook_deliveries_total',
    help: 'Webhook deliveries to the platform by outcome (failed = an attempt failed)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return (worker) => {
    if (worker.name !== 'webhook-delivery') return;
    worker.on('completed', () => deliveries.inc({ outcome: 'delivered' }));
    worker.on('failed', () => deliveries.inc({ outcome: 'failed' }));
  };
}
