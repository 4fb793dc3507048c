import { Queue, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { metricSample as sample, serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { createMetricsRegistry, flowhubRequestObserver, instrumentWorker, registerQueueGauges } from './metrics';
import { startTestWorker } from './testing';

describe('metrics', () => {
  it('counts job outcomes and durations per queue, and job counts per state', async () => {
    const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniqueQueuePrefix('metrics');
    const queue = new Queue('order-push', { connection, prefix });
    const registry = createMetricsRegistry('test');
    const workerConnection = connection.duplicate();
    const worker = startTestWorker(
      'order-push',
      async (job) => {
        if (job.data.fail) throw new UnrecoverableError('refused');
      },
      { connection: workerConnection, prefix },
    );
    instrumentWorker(registry, worker);
    registerQueueGauges(registry, { 'order-push': queue });
    try {
      await queue.add('order-push:s1:A-1', { fail: false });
      await queue.add('order-push:s1:A-2', { fail: true });
      await waitFor(async () => (await queue.getFailedCount()) === 1 && (await queue.getCompletedCount()) === 1, {
        what: 'both jobs to finish',
      });
      await waitFor(async () => (await registry.metrics()).includes('outcome="failed"'), { what: 'the failure to be counted' });
      const text = await registry.metrics();
      expect(sample(text, 'flowhub_sync_jobs_total', { queue: 'order-push', outcome: 'completed' })).toBe(1);
      expect(sample(text, 'flowhub_sync_jobs_total', { queue: 'order-push', outcome: 'failed' })).toBe(1);
      expect(sample(text, 'flowhub_sync_job_duration_seconds_count', { queue: 'order-push', outcome: 'completed' })).toBe(1);
      expect(sample(text, 'flowhub_sync_queue_jobs', { queue: 'order-push', state: 'failed' })).toBe(1);
      expect(sample(text, 'flowhub_sync_queue_jobs', { queue: 'order-push', state: 'completed' })).toBe(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await workerConnection.quit();
      await connection.quit();
    }
  });
});

describe('flowhubRequestObserver', () => {
  it('counts Flowhub requests by endpoint and status, the error kind standing for the status when no answer came', async () => {
    const registry = createMetricsRegistry('test');
    const observe = flowhubRequestObserver(registry);
    observe({ endpoint: 'inventoryNonZero', status: 200, outcome: 'ok' });
    observe({ endpoint: 'inventoryNonZero', status: 200, outcome: 'ok' });
    observe({ endpoint: 'createOrder', status: 429, outcome: 'rate_limited' });
    observe({ endpoint: 'orderStatus', status: null, outcome: 'transient' });
    // A second observer on the same registry (a second client in one process) counts into the same series.
    flowhubRequestObserver(registry)({ endpoint: 'inventoryNonZero', status: 503, outcome: 'transient' });
    const text = await registry.metrics();
    expect(sample(text, 'flowhub_sync_flowhub_requests_total', { endpoint: 'inventoryNonZero', status: '200' })).toBe(2);
    expect(sample(text, 'flowhub_sync_flowhub_requests_total', { endpoint: 'createOrder', status: '429' })).toBe(1);
    expect(sample(text, 'flowhub_sync_flowhub_requests_total', { endpoint: 'orderStatus', status: 'transient' })).toBe(1);
    expect(sample(text, 'flowhub_sync_flowhub_requests_total', { endpoint: 'inventoryNonZero', status: '503' })).toBe(1);
  });
});
