import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Job, Queue, Worker } from 'bullmq';
import { QUEUE_NAMES } from './definitions';

/**
 * Prometheus metrics of the product (prom-client). Each process owns one registry and serves it on /metrics:
 * the producer on its API port, each worker on HEALTH_PORT. Names share the `flowhub_sync_` prefix.
 */
export function createMetricsRegistry(processName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry, prefix: 'flowhub_sync_' });
  return registry;
}

/** Job durations and outcomes, from the BullMQ worker's own events (no code in the processors). */
export function instrumentWorker(registry: Registry, worker: Worker): void {
  const duration =
    (registry.getSingleMetric('flowhub_sync_job_duration_seconds') as Histogram<'queue' | 'outcome'>) ??
    new Histogram({
      name: 'flowhub_sync_job_duration_seconds',
      help: 'Time a job spent being processed, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    });
  const outcomes =
    (registry.getSingleMetric('flowhub_sync_jobs_total') as Counter<'queue' | 'outcome'>) ??
    new Counter({
      name: 'flowhub_sync_jobs_total',
      help: 'Jobs finished, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
  const observe = (job: Job | undefined, outcome: 'completed' | 'failed') => {
    if (!job) return;
    outcomes.inc({ queue: worker.name, outcome });
    if (job.processedOn && job.finishedOn) duration.observe({ queue: worker.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
  };
  worker.on('completed', (job) => observe(job, 'completed'));
  worker.on('failed', (job) => observe(job, 'failed'));
}

/** Counts of jobs per queue and state, read from Redis when Prometheus scrapes (the producer serves them). */
export function registerQueueGauges(registry: Registry, queues: Record<string, Queue>): void {
  new Gauge({
    name: 'flowhub_sync_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of QUEUE_NAMES) {
        const queue = queues[name];
        if (!queue) continue;
        try {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
        } catch {
          // Redis away: the gauge is simply absent; redis_up says why.
        }
      }
    },
  });
}

/** One Flowhub HTTP attempt as the Flowhub client's `onRequest` reports it (only what the labels use). */
export interface FlowhubRequestSample {
  endpoint: string;
  status: number | null;
  outcome: string;
}

/**
 * Flowhub requests by endpoint and status, fed by the Flowhub client's `onRequest` observer: the same counter on
 * every process that calls Flowhub (both workers), so a query sums them. `status` is the HTTP status, or the
 * attempt's error kind when no answer came (`transient`, `aborted`). No id or secret is ever a label.
 */
export function flowhubRequestObserver(registry: Registry): (event: FlowhubRequestSample) => void {
  const requests =
    (registry.getSingleMetric('flowhub_sync_flowhub_requests_total') as Counter<'endpoint' | 'status'>) ??
    new Counter({
      name: 'flowhub_sync_flowhub_requests_total',
      help: 'Requests to Flowhub by endpoint and status (the error kind when no answer came)',
      labelNames: ['endpoint', 'status'],
      registers: [registry],
    });
  return (event) => requests.inc({ endpoint: event.endpoint, status: event.status === null ? event.outcome : String(event.status) });
}
