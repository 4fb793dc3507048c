#!/usr/bin/env node
// A process that runs inventory syncs one after the other, like a worker, so that its peak memory is its own.
// Started with fork() and a JSON argument naming the way to sync:
//   `product`  the inventory sync's syncStore (built), with the worker's dependencies. It first runs a warm-up sync and
//              re-sync of a small location (`args.warmup`): a worker that has served other stores has compiled its code.
//   `fresh`    the same sync in a process that has synced nothing: before it says ready it runs only the product's own
//              warm-up (warmUpInventorySync), as apps/inventory-worker/src/main.ts does at boot.
//   `cold`     the same again with no warm-up at all: what a fresh worker's first sync cost before the warm-up existed.
//   `naive`, `ceiling`, `plain` (per-row), `fetch` (fetch-only): the references (bench/references/).
// `args.warmUpOptions`: options of warmUpInventorySync for `fresh` (the product's defaults without). Once ready it says
// `{ready: true, warmUp?}` (warmUp: the product's warm-up report, for `fresh`), then answers IPC messages:
//   {sync: {storeId, location, storeExists?}}  →  {ms, phases, fetched, written, counts, maxRssMb, windowUs}
//   (storeExists: the store row is already there, made by the scenario; windowUs: the sync's start and end on the
//   clock of a `--cpu-prof` profile, to cut the profile to it)
//   {finish: true}  →  {maxRssMb}, then exits
//   {idle: true}  →  {rssMb}: the resident memory now, with nothing running (after a full GC when --expose-gc)
// maxRssMb is the process's peak resident memory so far (process.resourceUsage().maxRSS). With {sync: {…, ownPeak: true}}
// the kernel's peak (VmHWM) is reset before the sync (`5` to /proc/self/clear_refs), and the answer carries `ownPeakMb`:
// the peak of that sync alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { fromProduct, newRedis, pgClient, pgPool } from './scratch.mjs';
import { naiveSync } from '../references/naive-sync.mjs';
import { ceilingSync } from '../references/ceiling-sync.mjs';
import { ensurePlainStore, plainPerRowSync } from '../references/plain-per-row-sync.mjs';
import { fetchOnly } from '../references/fetch-only.mjs';

const args = JSON.parse(process.argv[2]);
const { createPrismaClient, createSqlPool } = fromProduct('@flowhub-sync/db');
const { createSecretBox } = fromProduct('@flowhub-sync/config');
const { createFlowhubClient, createRedisRequestBudget } = fromProduct('@flowhub-sync/flowhub-client');
const { INVENTORY_SYNC_CONCURRENCY, PROCESS_FEED_MEMO, SYNC_POOL_IDLE_MS, syncStore, warmUpInventorySync } =
  fromProduct('@flowhub-sync/inventory-sync');

const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };
const secrets = createSecretBox(args.encryptionKey);

/** The store row a sync reads its settings from (the naive sync needs it for the products' foreign key). */
const ensureStore = (prisma, storeId, location) =>
  prisma.store.upsert({
    where: { id: storeId },
    create: {
      id: storeId,
      enabled: true,
      clientId: location.clientId,
      locationId: location.locationId,
      apiKeyEncrypted: secrets.encrypt(location.key),
    },
    update: {},
  });

async function productRunner() {
  // As apps/inventory-worker/src/main.ts builds them: a pool for the sync's named statements, and Prisma's own.
  const sql = createSqlPool(args.databaseUrl, { max: 2 * INVENTORY_SYNC_CONCURRENCY, idleTimeoutMs: SYNC_POOL_IDLE_MS });
  const prisma = createPrismaClient(args.databaseUrl, { max: INVENTORY_SYNC_CONCURRENCY, idleTimeoutMs: SYNC_POOL_IDLE_MS });
  const redis = newRedis(args.redisUrl);
  // As the worker builds it: the shared request budget in Redis (20 requests/s per credentials, the default).
  const flowhub = createFlowhubClient({
    apiUrl: args.simUrl,
    authUrl: args.simUrl,
    budget: createRedisRequestBudget(redis, { maxRps: 20, prefix: args.budgetPrefix }),
    maxRetryWaitMs: 1_000,
    logger: silent,
  });
  const deps = { prisma, sql, flowhub, secrets, logger: silent, budgetWaitMs: 500 };
  // The worker's boot: `fresh` runs the product's warm-up and nothing else; the others only check the connection, as
  // the worker's readiness check does.
  const warmUp = args.mode === 'fresh' ? await warmUpInventorySync({ prisma, sql }, args.warmUpOptions) : undefined;
  if (!warmUp) await sql.query('SELECT 1');
  return {
    warmUp,
    async sync(storeId, location, { storeExists = false } = {}) {
      // A fresh process's store is made by the scenario: a Prisma upsert here would compile code the sync then uses.
      if (!storeExists) await ensureStore(prisma, storeId, location);
      const marks = {};
      const started = performance.now();
      const outcome = await syncStore(deps, {
        storeId,
        trigger: 'manual',
        acceptShrink: false,
        onProgress: ({ phase }) => (marks[phase] ??= performance.now()),
      });
      const ms = performance.now() - started;
      if (outcome.status !== 'succeeded') throw new Error(`the sync ended ${outcome.status}: ${outcome.reason}`);
      // The shared feed memo is saved once the sync has returned (the store's menu and run are done by then): waited
      // for here, so that it does not run into the next measured sync, and timed on its own.
      const saving = performance.now();
      await PROCESS_FEED_MEMO.settled();
      const sharedMemoSaveMs = performance.now() - saving;
      // And the collection a worker runs after a sync that parsed many rows, once its save is done (giveBackMemory).
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      return {
        ms,
        fetched: outcome.counts.fetched,
        written: outcome.counts.created + outcome.counts.updated,
        counts: outcome.counts,
        phases: {
          fetchMs: marks.mapping - marks.fetching,
          // The stored hashes (read during the fetch) awaited; the feed is mapped during the writes.
          beforeWriteMs: marks.writing - marks.mapping,
          mapAndWriteMs: marks.finishing - marks.writing,
          finishMs: marks.done - marks.finishing,
          sharedMemoSaveMs,
        },
      };
    },
    close: async () => {
      await prisma.$disconnect();
      await sql.end();
      redis.disconnect();
    },
  };
}

async function naiveRunner() {
  const prisma = createPrismaClient(args.databaseUrl);
  await prisma.$queryRaw`SELECT 1`;
  return {
    async sync(storeId, location) {
      await ensureStore(prisma, storeId, location);
      const started = performance.now();
      const outcome = await naiveSync({ prisma, simUrl: args.simUrl, location, storeId });
      return { ms: performance.now() - started, ...outcome };
    },
    close: () => prisma.$disconnect(),
  };
}

async function ceilingRunner() {
  const pg = await pgClient(args.databaseUrl);
  return {
    async sync(storeId, location) {
      const started = performance.now();
      const outcome = await ceilingSync({ pg, simUrl: args.simUrl, location, storeId });
      return { ms: performance.now() - started, ...outcome };
    },
    close: () => pg.end(),
  };
}

async function plainRunner() {
  const pool = pgPool(args.databaseUrl);
  await pool.query('SELECT 1');
  return {
    async sync(storeId, location) {
      await ensurePlainStore(pool, storeId, location);
      const started = performance.now();
      const outcome = await plainPerRowSync({ pool, simUrl: args.simUrl, location, storeId });
      return { ms: performance.now() - started, ...outcome };
    },
    close: () => pool.end(),
  };
}

function fetchRunner() {
  return {
    async sync(_storeId, location) {
      const started = performance.now();
      const outcome = await fetchOnly({ simUrl: args.simUrl, location });
      return { ms: performance.now() - started, ...outcome };
    },
    close: async () => {},
  };
}

const runners = {
  product: productRunner,
  fresh: productRunner,
  cold: productRunner,
  naive: naiveRunner,
  ceiling: ceilingRunner,
  plain: plainRunner,
  fetch: fetchRunner,
};
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const statusMb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');
// The monotonic clock in µs: the clock of `node --cpu-prof` profiles, to cut a profile to one sync.
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function main() {
  const runner = await runners[args.mode]();
  // A fresh process (`fresh`, `cold`) has synced nothing before its first measured sync.
  if (args.warmup && !['fresh', 'cold'].includes(args.mode)) {
    await runner.sync(args.warmupStoreId, args.warmup);
    await runner.sync(args.warmupStoreId, args.warmup);
  }
  process.send({ ready: true, ...(runner.warmUp ? { warmUp: runner.warmUp } : {}) });
  process.on('message', async (message) => {
    try {
      if (message.finish) {
        await runner.close();
        process.send({ maxRssMb: peakRssMb() }, () => process.exit(0));
        return;
      }
      if (message.idle) {
        globalThis.gc?.();
        await new Promise((resolve) => setTimeout(resolve, 200));
        process.send({ rssMb: statusMb('VmRSS') });
        return;
      }
      if (message.sync.ownPeak) resetPeak();
      const fromUs = monotonicUs();
      const measured = await runner.sync(message.sync.storeId, message.sync.location, { storeExists: message.sync.storeExists });
      const ownPeak = message.sync.ownPeak ? { ownPeakMb: statusMb('VmHWM') } : {};
      process.send({ ...measured, ...ownPeak, maxRssMb: peakRssMb(), windowUs: [fromUs, monotonicUs()] });
    } catch (error) {
      process.send({ error: String(error.stack ?? error) });
    }
  });
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
