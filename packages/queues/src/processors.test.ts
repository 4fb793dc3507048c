import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '@flowhub-sync/config';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { checkProcessors, defineProcessor, startWorkers, WorkerRegistryError, type RunningWorkers } from './processors';

const logger = createLogger({ name: 'processors-test', level: 'silent' });
const noop = <Q extends Parameters<typeof defineProcessor>[0]>(queue: Q) => defineProcessor(queue, async () => undefined);

describe('checkProcessors: an app refuses to boot unless each queue it owns has exactly one processor', () => {
  it('accepts one processor per owned queue', () => {
    expect(() => checkProcessors([noop('order-push'), noop('maintenance')], ['order-push', 'maintenance'])).not.toThrow();
  });

  it('names the queue that has no processor', () => {
    expect(() => checkProcessors([noop('order-push')], ['order-push', 'webhook-delivery'])).toThrow(
      new WorkerRegistryError('refusing to start: queue webhook-delivery has no processor'),
    );
  });

  it('names the queue that has two', () => {
    expect(() => checkProcessors([noop('order-push'), noop('order-push')], ['order-push'])).toThrow('queue order-push has 2 processors');
  });

  it('refuses a processor for a queue the process does not own', () => {
    expect(() => checkProcessors([noop('order-push'), noop('inventory-sync')], ['order-push'])).toThrow(
      'queue inventory-sync has a processor but is not one this process owns',
    );
  });
});

describe('startWorkers on a real Redis', () => {
  const { REDIS_URL } = serviceUrls();
  let connection: Redis;
  let prefix: string;
  let queue: Queue;
  let running: RunningWorkers | undefined;

  beforeEach(() => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    prefix = uniqueQueuePrefix('registry');
    queue = new Queue('webhook-delivery', { connection, prefix });
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });

  it('hands the handler its parsed payload and a logger bound to the job', async () => {
    const seen: unknown[] = [];
    const processor = defineProcessor('webhook-delivery', async (payload, job, context) => {
      seen.push({ payload, jobId: job.id, bindings: context.logger.bindings() });
      return 'delivered';
    });
    running = startWorkers([processor], { owns: ['webhook-delivery'], connection, prefix, logger });
    const job = await queue.add('delivery', { storeId: 'store-1', deliveryId: 'd-1' });
    await waitFor(async () => (await job.getState()) === 'completed', { what: 'the job to complete' });
    expect(seen).toEqual([
      {
        payload: { storeId: 'store-1', deliveryId: 'd-1' },
        jobId: job.id,
        bindings: expect.objectContaining({ storeId: 'store-1', jobId: job.id, queue: 'webhook-delivery' }),
      },
    ]);
  });

  it('fails an invalid payload at once, with the field named, instead of retrying it', async () => {
    let calls = 0;
    const processor = defineProcessor('webhook-delivery', async () => {
      calls += 1;
    });
    running = startWorkers([processor], { owns: ['webhook-delivery'], connection, prefix, logger });
    const job = await queue.add(
      'delivery',
      { storeId: 'store 1!', deliveryId: 'd-1' },
      { attempts: 10, backoff: { type: 'fixed', delay: 10 } },
    );
    const failed = await waitFor(async () => ((await job.getState()) === 'failed' ? queue.getJob(job.id!) : undefined), {
      what: 'the job to fail',
    });
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid webhook-delivery job payload: storeId must be a store id/);
    expect(calls).toBe(0);
  });

  it('starts nothing when the processors do not cover what the process owns', () => {
    expect(() => startWorkers([], { owns: ['webhook-delivery'], connection, prefix, logger })).toThrow(WorkerRegistryError);
  });

  it('interrupts jobs still in hand once the shutdown grace is over', async () => {
    let release: () => void = () => undefined;
    const interrupted = new Promise<void>((resolve) => (release = resolve));
    const processor = defineProcessor('webhook-delivery', async () => interrupted, {
      interruptOnShutdown: { afterMs: 50, run: () => release() },
    });
    running = startWorkers([processor], { owns: ['webhook-delivery'], connection, prefix, logger });
    const job = await queue.add('delivery', { storeId: 'store-1', deliveryId: 'd-1' });
    await waitFor(async () => (await job.getState()) === 'active', { what: 'the job to start' });
    await running.close();
    running = undefined;
    expect(await job.getState()).toBe('completed');
  });
});
