import { Counter, Registry } from 'prom-client';

/** The status poll's counters (the order-worker's /metrics). */
export interface StatusPollMetrics {
  registry: Registry;
  /** A Flowhub status read that was behind the one already recorded: not applied (statuses only move forward). */
  staleStatus(via: 'poll' | 'postback'): void;
}

/** The status poll's counters, on the given registry (the worker's /metrics) or a registry of their own. */
export function createStatusPollMetrics(registry = new Registry()): StatusPollMetrics {
  const stale = new Counter({
    name: 'flowhub_sync_stale_flowhub_statuses_total',
    help: 'Flowhub status reads behind the status already recorded for the order, not applied, by what read them (poll, postback)',
    labelNames: ['via'],
    registers: [registry],
  });
  return { registry, staleStatus: (via) => stale.inc({ via }) };
}
