import { Counter, Histogram, type Registry } from 'prom-client';
import type { SyncCounts } from './sync-report';

/**
 * The inventory worker's own metrics, beside the job durations and outcomes that `instrumentWorker`
 * (@flowhub-sync/queues) reads from BullMQ's events: what became of each sync (a skipped, delayed, suspicious
 * or handed-back sync is a "completed" or a silent job to BullMQ), sync durations, and row counts.
 */
export type SyncOutcomeLabel = 'succeeded' | 'suspicious' | 'skipped' | 'failed' | 'retried' | 'delayed' | 'handed_back';

export interface SyncMetrics {
  jobOutcome(outcome: SyncOutcomeLabel): void;
  syncFinished(status: 'succeeded' | 'suspicious', seconds: number, counts: SyncCounts): void;
}

export function createSyncMetrics(registry: Registry): SyncMetrics {
  const outcomes = new Counter({
    name: 'flowhub_sync_inventory_sync_outcomes_total',
    help: 'inventory-sync jobs by what became of the sync',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'flowhub_sync_inventory_sync_duration_seconds',
    help: 'Duration of finished inventory syncs, by status',
    labelNames: ['status'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const rows = new Counter({
    name: 'flowhub_sync_inventory_sync_rows_total',
    help: 'Rows handled by inventory syncs, by what became of them',
    labelNames: ['kind'],
    registers: [registry],
  });
  return {
    jobOutcome: (outcome) => outcomes.inc({ outcome }),
    syncFinished(status, seconds, counts) {
      duration.observe({ status }, seconds);
      for (const kind of ['fetched', 'created', 'updated', 'unchanged', 'deactivated', 'invalid', 'unreadable'] as const) {
        if (counts[kind] > 0) rows.inc({ kind }, counts[kind]);
      }
    },
  };
}
