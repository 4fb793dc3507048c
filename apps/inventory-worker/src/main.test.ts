// The inventory worker as production runs it: built (dist/main.js), one OS process each, against the real
// Redis and PostgreSQL and the Flowhub simulator.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { queues } from '@flowhub-sync/queues';
import {
  freePort,
  metricSample,
  serviceUrls,
  startApp,
  uniqueQueuePrefix,
  waitFor,
  waitForHttp,
  type RunningApp,
} from '@flowhub-sync/testing';
import { enableStore, startSyncTestbed, type SyncTestbed } from '@flowhub-sync/inventory-sync/testing';

let bed: SyncTestbed;
let prefix: string;
let connection: Redis;
let queue: Queue;
const running: RunningApp[] = [];

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 300, seed: 4 });
  prefix = uniqueQueuePrefix('inv-proc');
  connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('inventory-sync', { connection, prefix });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop('SIGKILL')));
  bed.sim.state.faults.clear();
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  await bed.close();
});

function spawnWorkerProcess(port: number, env: Record<string, string> = {}): RunningApp {
  const app = startApp('inventory-worker', {
    REDIS_URL: serviceUrls().REDIS_URL,
    DATABASE_URL: bed.db.url,
    QUEUE_PREFIX: prefix,
    ENCRYPTION_KEY: bed.encryptionKey,
    FLOWHUB_API_URL: bed.sim.url,
    FLOWHUB_AUTH_URL: bed.sim.url,
    HEALTH_PORT: String(port),
    LOG_LEVEL: 'info',
    ...env,
  });
  running.push(app);
  return app;
}

async function startWorkerProcess(env: Record<string, string> = {}): Promise<{ app: RunningApp; port: number }> {
  const port = await freePort();
  const app = spawnWorkerProcess(port, env);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  return { app, port };
}

const addJob = (storeId: string) =>
  queue.add(
    queues['inventory-sync'].jobName({ storeId }),
    { storeId, trigger: 'manual', acceptShrink: false },
    queues['inventory-sync'].defaults,
  );
/** The `inventory sync finished` log lines of a store, parsed. */
const finishedSyncs = (app: RunningApp, storeId: string): { kept: number; recalled: number }[] =>
  app
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"inventory sync finished"') && line.includes(`"storeId":"${storeId}"`))
    .map((line) => JSON.parse(line) as { kept: number; recalled: number });
const runsOf = (storeId: string) => bed.prisma.syncRun.findMany({ where: { storeId }, orderBy: { createdAt: 'asc' } });

describe('inventory-worker process', () => {
  it('reports ready once Redis, PostgreSQL and its worker are up, serves metrics, and exits cleanly on SIGTERM', async () => {
    const { app, port } = await startWorkerProcess();
    const ready = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
    expect(ready).toMatchObject({ status: 'ready', redis: 'up', postgres: 'up', warmUp: 'up', worker: 'up' });
    await enableStore(bed, 'metrics');
    const job = await addJob('metrics');
    await waitFor(async () => (await job.getState()) === 'completed', { what: 'the sync' });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metricSample(metrics, 'flowhub_sync_inventory_sync_outcomes_total', { outcome: 'succeeded' })).toBe(1);
    expect(metricSample(metrics, 'flowhub_sync_inventory_sync_rows_total', { kind: 'created' })).toBeGreaterThan(100);
    expect(metricSample(metrics, 'flowhub_sync_jobs_total', { queue: 'inventory-sync', outcome: 'completed' })).toBe(1);
    // Its Flowhub requests, under the name and labels the order-worker uses for its own.
    expect(
      metricSample(metrics, 'flowhub_sync_flowhub_requests_total', { endpoint: 'inventoryNonZero', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    const exit = await app.stop('SIGTERM');
    expect(exit.code).toBe(0);
    // One line per event, with the job and the store (bound by the job registry in that order); never a credential.
    expect(app.output()).toMatch(/"jobId":"[^"]+".*"storeId":"metrics".*"msg":"inventory sync finished"/);
    expect(app.output()).not.toContain('demo-key');
  });

  it('answers liveness at once, but is ready only once its warm-up has run, which it logs', async () => {
    // The warm-up's first statements read the products table: behind an exclusive lock they wait, and so does the worker.
    const blocker = new Client({ connectionString: bed.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE');
      const port = await freePort();
      const app = spawnWorkerProcess(port);
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/healthz`);
      const waiting = async () =>
        (
          await blocker.query<{ waiting: number }>(
            "SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = 'products'::regclass AND NOT granted",
          )
        ).rows[0].waiting;
      await waitFor(async () => (await waiting()) > 0, { what: 'the warm-up to reach the products table' });

      const early = await fetch(`${url}/readyz`);
      expect(early.status).toBe(503);
      expect(await early.json()).toMatchObject({ status: 'unavailable', postgres: 'up', warmUp: 'down', worker: 'down' });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(app.output()).not.toContain('inventory sync warmed up');

      await blocker.query('COMMIT');
      await waitForHttp(`${url}/readyz`);
      expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', warmUp: 'up', worker: 'up' });
      // The log lines come through the child's stdout pipe, which may be read after the readiness answer arrived.
      const logged = /"warmUpMs":\d+.*"msg":"inventory sync warmed up"[^]*"msg":"inventory-worker started"/;
      await waitFor(() => logged.test(app.output()), { what: 'the warm-up and start log lines', timeoutMs: 10_000 });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
  });

  it('refuses to start without its configuration, naming each missing variable', async () => {
    const app = startApp('inventory-worker', { HEALTH_PORT: String(await freePort()) });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output()).toContain('DATABASE_URL is required but not set');
    expect(app.output()).toContain('ENCRYPTION_KEY is required but not set');

    const noRedis = startApp('inventory-worker', {
      DATABASE_URL: bed.db.url,
      ENCRYPTION_KEY: bed.encryptionKey,
      HEALTH_PORT: String(await freePort()),
    });
    expect((await noRedis.exited).code).toBe(1);
    expect(noRedis.output()).toContain('REDIS_URL is required but not set');

    const badMemo = startApp('inventory-worker', {
      DATABASE_URL: bed.db.url,
      REDIS_URL: serviceUrls().REDIS_URL,
      ENCRYPTION_KEY: bed.encryptionKey,
      INVENTORY_FEED_MEMO_ROWS: 'lots',
      HEALTH_PORT: String(await freePort()),
    });
    expect((await badMemo.exited).code).toBe(1);
    expect(badMemo.output()).toContain('INVENTORY_FEED_MEMO_ROWS must be a whole number of rows');
  });

  it("remembers its stores' feeds up to INVENTORY_FEED_MEMO_ROWS, and shares them: a re-sync recalls the rows it or another worker saw, and with 0 none", async () => {
    const syncTwice = async (app: RunningApp, storeId: string) => {
      await enableStore(bed, storeId);
      for (let i = 1; i <= 2; i++) {
        const job = await addJob(storeId);
        await waitFor(async () => (await job.getState()) === 'completed', { what: `sync ${i} of ${storeId}` });
        await waitFor(() => finishedSyncs(app, storeId).length === i, { what: `sync ${i} of ${storeId} to be logged` });
      }
      return finishedSyncs(app, storeId);
    };

    // Its start line (read through the child's stdout pipe, which may lag the readiness answer) names the memo's size.
    const logsStart = (app: RunningApp, rows: number) =>
      waitFor(() => new RegExp(`"feedMemoRows":${rows}.*"msg":"inventory-worker started"`).test(app.output()), {
        what: 'the start log line',
        timeoutMs: 10_000,
      });
    const remembering = await startWorkerProcess();
    await logsStart(remembering.app, 64_000);
    const [first, again] = await syncTwice(remembering.app, 'memo-default');
    expect(first.kept).toBeGreaterThan(100);
    expect(first.recalled).toBe(0);
    expect(again.recalled).toBe(again.kept); // nothing changed in Flowhub: every row recalled, none parsed again
    await remembering.app.stop('SIGTERM');

    // A worker started after it recalls them too: the first one saved what it remembers in PostgreSQL.
    const next = await startWorkerProcess();
    const job = await addJob('memo-default');
    await waitFor(async () => (await job.getState()) === 'completed', { what: 'the sync on the next worker' });
    await waitFor(() => finishedSyncs(next.app, 'memo-default').length === 1, { what: 'its sync to be logged' });
    const [onNext] = finishedSyncs(next.app, 'memo-default');
    expect(onNext.recalled).toBe(onNext.kept);
    await next.app.stop('SIGTERM');

    const forgetting = await startWorkerProcess({ INVENTORY_FEED_MEMO_ROWS: '0' });
    await logsStart(forgetting.app, 0);
    const syncs = await syncTwice(forgetting.app, 'memo-none');
    expect(syncs.map((sync) => sync.recalled)).toEqual([0, 0]);
    expect(syncs[1].kept).toBe(syncs[0].kept);
  }, 90_000);

  it('two worker processes never sync one store at once, whatever was queued', async () => {
    await enableStore(bed, 'shared');
    bed.sim.state.faults.add({ kind: 'latency', latencyMs: 200, locationId: 'demo-location' });
    const [first, second] = await Promise.all([startWorkerProcess(), startWorkerProcess()]);
    const jobs = await Promise.all(Array.from({ length: 8 }, () => addJob('shared')));
    await waitFor(async () => (await Promise.all(jobs.map((job) => job.getState()))).every((state) => state === 'completed'), {
      timeoutMs: 60_000,
      what: 'every queued sync to run',
    });
    const runs = await runsOf('shared');
    expect(runs).toHaveLength(8);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    const intervals = runs.map((run) => [run.startedAt!.getTime(), run.finishedAt!.getTime()]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++) expect(intervals[i][0]).toBeGreaterThanOrEqual(intervals[i - 1][1]);
    const worked = (app: RunningApp) => (app.output().match(/"storeId":"shared".*inventory sync finished/g) ?? []).length;
    // The log lines come through the children's stdout pipes, which may be read after the jobs were seen completed.
    await waitFor(() => worked(first.app) + worked(second.app) >= 8, { what: 'every sync to be logged', timeoutMs: 10_000 });
    expect(worked(first.app) + worked(second.app)).toBe(8);
    // Both processes took jobs of the store, and each either synced it or found the other syncing it: the lock, not
    // luck, kept them apart. (Which one ends up running the syncs is the queue's timing: one may run them all.)
    const tookJobs = (app: RunningApp) =>
      (app.output().match(/"storeId":"shared".*(inventory sync finished|another sync of this store is running)/g) ?? []).length;
    expect(Math.min(tookJobs(first.app), tookJobs(second.app))).toBeGreaterThan(0);
  }, 90_000);

  it('on SIGTERM during a long sync, exits within a bounded time and hands the sync back to another worker', async () => {
    await enableStore(bed, 'slow');
    bed.sim.state.faults.add({ kind: 'latency', latencyMs: 60_000, count: 1, locationId: 'demo-location' });
    const { app } = await startWorkerProcess();
    const job = await addJob('slow');
    await waitFor(async () => (await runsOf('slow'))[0]?.status === 'running', { what: 'the sync to start' });

    const exit = await app.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(15_000);
    expect(await job.getState()).toBe('delayed');

    await startWorkerProcess();
    await waitFor(async () => (await job.getState()) === 'completed', { timeoutMs: 30_000, what: 'another worker to finish the sync' });
    expect(await runsOf('slow')).toEqual([expect.objectContaining({ status: 'succeeded' })]);
  }, 60_000);
});
