// The inventory-sync job end to end in one process: a real BullMQ queue and worker on Redis, the simulator,
// PostgreSQL. What a store (and an operator watching the queue) would notice.
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { queues, requestInventorySync, startWorkers, type RunningWorkers } from '@flowhub-sync/queues';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { enableStore, silentLogger, startSyncTestbed, type SyncTestbed } from '../testing/sync-testbed';
import { acquireStoreLock, storeLockKey } from '../store-lock';
import { inventorySyncProcessor, type InventorySyncProcessor } from './inventory-sync';

let bed: SyncTestbed;
let prefix: string;
let queueConnection: Redis;
let lockConnection: Redis;
let queue: Queue;
let webhookQueue: Queue;
const workers: { running: RunningWorkers; connection: Redis; processor: InventorySyncProcessor }[] = [];

/** The product's processor, started as the worker starts it; `concurrency` overrides its own (4). */
function startWorker(concurrency?: number) {
  const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
  const processor = inventorySyncProcessor({ ...bed.deps, redis: lockConnection, queuePrefix: prefix, lockTtlMs: 5_000, webhookQueue });
  const options = { ...processor.options, concurrency: concurrency ?? processor.options.concurrency };
  const running = startWorkers([{ ...processor, options }], { owns: ['inventory-sync'], connection, prefix, logger: silentLogger });
  const entry = { running, connection, processor };
  workers.push(entry);
  return entry;
}

beforeAll(async () => {
  bed = await startSyncTestbed({
    rows: 150,
    seed: 9,
    locations: [
      { locationId: 'demo-location', clientId: 'demo-client', key: 'demo-key' },
      { locationId: 'north', clientId: 'north-client', key: 'north-key' },
    ],
  });
  prefix = uniqueQueuePrefix('inv-job');
  queueConnection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
  lockConnection = new Redis(serviceUrls().REDIS_URL);
  queue = new Queue('inventory-sync', { connection: queueConnection, prefix });
  webhookQueue = new Queue('webhook-delivery', { connection: queueConnection, prefix });
});
afterEach(async () => {
  for (const { running, connection } of workers.splice(0)) {
    await running.close();
    await connection.quit();
  }
  bed.sim.state.faults.clear();
});
afterAll(async () => {
  for (const each of [queue, webhookQueue]) {
    await each.obliterate({ force: true });
    await each.close();
  }
  await Promise.all([queueConnection.quit(), lockConnection.quit()]);
  await bed.close();
});

const addJob = (storeId: string, trigger: 'scheduled' | 'manual' | 'initial', opts: JobsOptions = {}) =>
  queue.add(
    queues['inventory-sync'].jobName({ storeId }),
    { storeId, trigger, acceptShrink: false },
    { ...queues['inventory-sync'].defaults, ...opts },
  );

async function settled(jobId: string, timeoutMs = 30_000): Promise<Job> {
  return waitFor(
    async () => {
      // The state first, then the job: a job read before it finished would carry no return value.
      const state = await queue.getJobState(jobId);
      return state === 'completed' || state === 'failed' ? queue.getJob(jobId) : undefined;
    },
    { timeoutMs, what: `job ${jobId} to finish` },
  );
}

const runsOf = (storeId: string) => bed.prisma.syncRun.findMany({ where: { storeId }, orderBy: { createdAt: 'asc' } });

describe('the inventory-sync job', () => {
  it('enabling a store and running the worker puts its menu in the database, with the run recorded and progress reported', async () => {
    await enableStore(bed, 'menu');
    startWorker();
    const { jobId } = await requestInventorySync(queue, 'menu', 'initial');
    const job = await settled(jobId);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({ status: 'succeeded' });
    expect(job.progress).toEqual({ phase: 'done', percent: 100 });

    const [run] = await runsOf('menu');
    expect(run).toMatchObject({ trigger: 'initial', status: 'succeeded', jobId, error: null });
    expect(run.startedAt!.getTime()).toBeLessThanOrEqual(run.finishedAt!.getTime());
    expect(run.created).toBeGreaterThan(100);
    expect(await bed.prisma.product.count({ where: { storeId: 'menu', active: true } })).toBe(run.kept);
  });

  it("tells the platform when a run finished: menu_synced with the run's counts and the change feed's cursor, queued", async () => {
    await enableStore(bed, 'announced', { statusWebhookUrl: 'https://platform.example/hooks' });
    await enableStore(bed, 'quiet');
    startWorker();
    for (const storeId of ['announced', 'quiet']) await settled((await requestInventorySync(queue, storeId, 'initial')).jobId);

    const deliveries = await bed.prisma.webhookDelivery.findMany({ where: { storeId: { in: ['announced', 'quiet'] } } });
    expect(deliveries).toHaveLength(1); // a store without a webhook URL gets none
    const [run] = await runsOf('announced');
    const latest = await bed.prisma.product.findFirstOrThrow({
      where: { storeId: 'announced' },
      orderBy: [{ change: 'desc' }, { variantId: 'desc' }],
    });
    expect(deliveries[0]).toMatchObject({ event: 'menu_synced', orderId: null, status: 'pending' });
    expect(deliveries[0].payload).toEqual({
      id: deliveries[0].id,
      storeId: 'announced',
      event: 'menu_synced',
      runId: run.id,
      counts: expect.objectContaining({ fetched: run.fetched, kept: run.kept, created: run.created, updated: 0, deactivated: 0 }),
      cursor: Buffer.from(`${latest.change}:${latest.variantId}`).toString('base64url'),
      at: expect.any(String),
    });
    expect((await webhookQueue.getJobs(['waiting', 'delayed'])).map((job) => job.data)).toEqual([
      { storeId: 'announced', deliveryId: deliveries[0].id },
    ]);
  });

  it('fails at once when Flowhub rejects the credentials: no retry, a readable reason on the job and the run', async () => {
    await enableStore(bed, 'rejected', { apiKey: 'not-the-key' });
    startWorker();
    const job = await settled((await addJob('rejected', 'manual')).id!);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1); // of the 5 the queue allows
    expect(job.failedReason).toMatch(/Flowhub rejected the inventory credentials .*403.*Client ID and API Key/);
    expect(job.failedReason).not.toContain('not-the-key');
    const runs = await runsOf('rejected');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', error: job.failedReason });
  });

  it("waits out Flowhub's 429 without spending an attempt, while other stores sync meanwhile", async () => {
    await enableStore(bed, 'throttled');
    await enableStore(bed, 'other', { locationId: 'north', clientId: 'north-client', apiKey: 'north-key' });
    bed.sim.state.faults.add({ kind: 'rateLimit', retryAfterSeconds: 5, count: 1, locationId: 'demo-location' });
    startWorker(1); // one slot: the throttled store must not hold it while it waits
    const throttled = await addJob('throttled', 'manual');
    await waitFor(async () => (await throttled.getState()) === 'delayed', { what: 'the throttled job to be delayed' });
    const other = await addJob('other', 'manual');

    const otherDone = await settled(other.id!);
    expect(await otherDone.getState()).toBe('completed');
    expect(await throttled.getState()).toBe('delayed'); // still waiting its 5 s, having let the other store through

    const done = await settled(throttled.id!);
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(1); // the attempt that succeeded: waiting spent none
    const runs = await runsOf('throttled');
    expect(runs).toHaveLength(1); // the same run, picked up again
    expect(runs[0]).toMatchObject({ status: 'succeeded', error: null });
  });

  it('retries a transient Flowhub failure with backoff and then succeeds', async () => {
    await enableStore(bed, 'flaky');
    // More 503s than the client's own retries: the job's first attempt fails.
    bed.sim.state.faults.add({ kind: 'serverError', status: 503, count: 3, locationId: 'demo-location' });
    startWorker();
    const job = await settled((await addJob('flaky', 'manual', { attempts: 3, backoff: { type: 'fixed', delay: 200 } })).id!);
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(2); // one failed, one succeeded
    const runs = await runsOf('flaky');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', error: null });
  });

  it('after its last attempt a transient failure fails the job and the run', async () => {
    await enableStore(bed, 'down');
    bed.sim.state.faults.add({ kind: 'serverError', status: 503, locationId: 'demo-location' });
    startWorker();
    const job = await settled((await addJob('down', 'manual', { attempts: 2, backoff: { type: 'fixed', delay: 100 } })).id!);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(await runsOf('down')).toEqual([
      expect.objectContaining({ status: 'failed', error: expect.stringContaining('Flowhub is unavailable (503)') }),
    ]);
  });

  it('while another sync of the store runs: a scheduled sync is skipped, a manual one runs right after', async () => {
    await enableStore(bed, 'locked');
    const held = await acquireStoreLock(lockConnection, storeLockKey(prefix, 'locked'));
    startWorker();
    const scheduled = await settled((await addJob('locked', 'scheduled')).id!);
    expect(scheduled.returnvalue).toMatchObject({ status: 'skipped' });

    const manual = await addJob('locked', 'manual');
    await waitFor(async () => (await manual.getState()) === 'delayed', { what: 'the manual sync to wait' });
    expect(await runsOf('locked')).toHaveLength(0);
    await held!.release();
    const done = await settled(manual.id!, 10_000);
    expect(done.returnvalue).toMatchObject({ status: 'succeeded' });
    expect(done.attemptsMade).toBe(1); // waiting for the lock spent no attempt
    expect(await runsOf('locked')).toEqual([expect.objectContaining({ trigger: 'manual', status: 'succeeded' })]);
  });

  it('completes without syncing for a disabled or unknown store', async () => {
    await enableStore(bed, 'switched-off', { enabled: false });
    startWorker();
    const disabled = await settled((await addJob('switched-off', 'scheduled')).id!);
    const unknown = await settled((await addJob('never-enabled', 'manual')).id!);
    expect(await disabled.getState()).toBe('completed');
    expect(disabled.returnvalue).toEqual({ status: 'skipped', reason: expect.stringContaining('disabled') });
    expect(unknown.returnvalue).toEqual({ status: 'skipped', reason: expect.stringContaining('unknown') });
    expect(await bed.prisma.syncRun.count({ where: { storeId: { in: ['switched-off', 'never-enabled'] } } })).toBe(0);
  });

  it('fails a job whose payload can never work, at once', async () => {
    startWorker();
    const job = await settled((await queue.add('inventory-sync:bad id', { storeId: 'bad id!', trigger: 'manual' }, { attempts: 5 })).id!);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('storeId');
  });

  it('never runs two syncs of one store at once, with two workers and many queued jobs', async () => {
    await enableStore(bed, 'busy');
    bed.sim.state.faults.add({ kind: 'latency', latencyMs: 150, locationId: 'demo-location' });
    startWorker();
    startWorker();
    const jobs = await Promise.all(Array.from({ length: 6 }, () => addJob('busy', 'manual')));
    for (const job of jobs) expect(await (await settled(job.id!)).getState()).toBe('completed');
    const runs = await runsOf('busy');
    expect(runs).toHaveLength(6);
    const intervals = runs.map((run) => [run.startedAt!.getTime(), run.finishedAt!.getTime()]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++) expect(intervals[i][0]).toBeGreaterThanOrEqual(intervals[i - 1][1]);
  });

  it('a worker that stops hands its sync back; another worker finishes it', async () => {
    await enableStore(bed, 'handed-back');
    bed.sim.state.faults.add({ kind: 'latency', latencyMs: 1_500, count: 1, locationId: 'demo-location' });
    const first = startWorker();
    const job = await addJob('handed-back', 'manual');
    await waitFor(async () => (await runsOf('handed-back'))[0]?.status === 'running', { what: 'the sync to start' });
    const closing = first.running.close();
    first.processor.interruptAll('the worker is shutting down');
    await closing;
    expect(await job.getState()).toBe('delayed');
    expect((await runsOf('handed-back'))[0]).toMatchObject({ status: 'queued', error: expect.stringContaining('shutting down') });

    startWorker();
    const done = await settled(job.id!);
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(1); // handing back spent no attempt
    expect(await runsOf('handed-back')).toEqual([expect.objectContaining({ status: 'succeeded', error: null })]);
  });
});
