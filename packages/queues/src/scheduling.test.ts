import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { jobIds, queues } from './definitions';
import { addWebhookDeliveryJob, requestInventorySync } from './scheduling';
import { startTestWorker } from './testing';

const { REDIS_URL } = serviceUrls();
let connection: Redis;
let queue: Queue;
let prefix: string;

beforeEach(() => {
  connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  prefix = uniqueQueuePrefix('sched');
  queue = new Queue('inventory-sync', { connection, prefix });
});
afterEach(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
});

describe('one sync lane per store', () => {
  it('joins a queued sync that has not started', async () => {
    const first = await requestInventorySync(queue, 's1', 'initial');
    const second = await requestInventorySync(queue, 's1', 'manual');
    expect(first.joined).toBe(false);
    expect(second).toEqual({ jobId: first.jobId, joined: true });
    expect(await queue.getWaitingCount()).toBe(1);
    // Another store has its own lane.
    expect((await requestInventorySync(queue, 's2', 'manual')).joined).toBe(false);
  });

  it('passes acceptShrink on to the sync it joins', async () => {
    const first = await requestInventorySync(queue, 's1', 'manual');
    await requestInventorySync(queue, 's1', 'manual', { acceptShrink: true });
    expect((await queue.getJob(first.jobId))!.data.acceptShrink).toBe(true);
  });

  it('queues one sync behind a running one, never two', async () => {
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const seen: Job[] = [];
    const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = startTestWorker(
      'inventory-sync',
      async (job) => {
        seen.push(job);
        if (seen.length === 1) await running;
      },
      { connection: workerConnection, prefix },
    );
    try {
      const first = await requestInventorySync(queue, 's1', 'initial');
      await waitFor(() => seen.length === 1, { what: 'the first sync to start' });
      const behind = await requestInventorySync(queue, 's1', 'manual');
      const again = await requestInventorySync(queue, 's1', 'manual');
      expect(behind.joined).toBe(false);
      expect(again.joined).toBe(false); // still running: the lane keeps the latest request, one job
      release();
      await waitFor(() => seen.length === 2, { what: 'the queued sync to run' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toHaveLength(2);
      expect(seen[0].id).toBe(first.jobId);
      expect(seen[1].data).toMatchObject({ storeId: 's1', trigger: 'manual' });
    } finally {
      await worker.close();
      await workerConnection.quit();
    }
  });
});

describe('addWebhookDeliveryJob', () => {
  it('adds a delivery once under its one id, with the queue defaults, however many times it is asked', async () => {
    const webhooks = new Queue('webhook-delivery', { connection, prefix });
    try {
      await addWebhookDeliveryJob(webhooks, 'store-1', 'delivery-1');
      await addWebhookDeliveryJob(webhooks, 'store-1', 'delivery-1');
      expect(await webhooks.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
      const job = await webhooks.getJob(jobIds.webhookDelivery('delivery-1'));
      expect(job).toMatchObject({ name: 'webhook-delivery:store-1:delivery-1', data: { storeId: 'store-1', deliveryId: 'delivery-1' } });
      expect(job?.opts.attempts).toBe(queues['webhook-delivery'].defaults.attempts);
      await expect(addWebhookDeliveryJob(webhooks, 'store 1', 'delivery-2')).rejects.toThrow(/invalid webhook-delivery job payload/);
    } finally {
      await webhooks.obliterate({ force: true });
      await webhooks.close();
    }
  });
});
