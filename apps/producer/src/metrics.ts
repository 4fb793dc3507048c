import { Counter, Gauge, Histogram } from 'prom-client';
import { activeHolds, lastGoodSyncAges, orderCountsByPushState, PushState } from '@flowhub-sync/db';
import { createMetricsRegistry, registerQueueGauges } from '@flowhub-sync/queues';
import type { ProducerDependencies } from './dependencies';

/**
 * The producer's /metrics: API requests by route and status, jobs per queue and state, the age of each
 * enabled store's last good sync (the number an alert should watch), holds active, orders by push state.
 * Database- and Redis-backed gauges are read when Prometheus scrapes, not on the request path.
 */
export function createProducerMetrics(deps: Pick<ProducerDependencies, 'prisma' | 'queues'>) {
  const registry = createMetricsRegistry('producer');
  const requests = new Counter({
    name: 'flowhub_sync_api_requests_total',
    help: 'API requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'flowhub_sync_api_request_duration_seconds',
    help: 'API request duration by route and method',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  registerQueueGauges(registry, deps.queues);
  new Gauge({
    name: 'flowhub_sync_store_last_good_sync_age_seconds',
    help: "Seconds since each enabled store's last successful inventory sync (since it was enabled when it never had one)",
    labelNames: ['store'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await lastGoodSyncAges(deps.prisma);
      for (const row of rows) this.set({ store: row.store }, Math.max(0, row.age));
    },
  });
  new Gauge({
    name: 'flowhub_sync_holds_active',
    help: 'Inventory holds in state held (count and units)',
    labelNames: ['measure'],
    registers: [registry],
    async collect() {
      const { holds, units } = await activeHolds(deps.prisma);
      this.set({ measure: 'holds' }, holds);
      this.set({ measure: 'units' }, units);
    },
  });
  new Gauge({
    name: 'flowhub_sync_orders_by_push_state',
    help: 'Orders by store and push state (every state of a store that has orders, 0 included): failed and needs_reconciliation need a person',
    labelNames: ['store', 'push_state'],
    registers: [registry],
    async collect() {
      const rows = await orderCountsByPushState(deps.prisma);
      this.reset();
      const stores = new Set(rows.map((row) => row.store));
      for (const store of stores) for (const state of Object.values(PushState)) this.set({ store, push_state: state }, 0);
      for (const row of rows) this.set({ store: row.store, push_state: row.state }, row.count);
    },
  });
  return {
    registry,
    observeRequest(route: string, method: string, status: number, seconds: number) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
    },
  };
}
