#!/usr/bin/env node
// A process that runs inventory syncs one after the other, like a worker, so that its peak memory is its own.
// Started with fork() and a JSON argument naming the way to sync: `product` (the inventory sync's syncStore,
// built), `naive` or `ceiling` (references). It first runs a warm-up sync and re-sync of a small location (a worker
// that has been up for a while has compiled its code), then answers IPC messages:
//   {sync: {storeId, location}}  →  {ms, phases, fetched, written, counts, maxRssMb, windowUs}
//   (windowUs: the sync's start and end on the clock of a `--cpu-prof` profile, to cut the profile to it)
//   {finish: true}               →  {maxRssMb}, then exits
// maxRssMb is the process's peak resident memory so far (process.resourceUsage().maxRSS).
import { fromProduct, newRedis, pgClient, pgPool } from './scratch.mjs';
import { naiveSync } from '../references/naive-sync.mjs';
import { ceilingSync } from '../references/ceiling-sync.mjs';

const args = JSON.parse(process.argv[2]);
const { createPrismaClient } = fromProduct('@flowhub-sync/db');
const { createSecretBox } = fromProduct('@flowhub-sync/config');
const { createFlowhubClient, createRedisRequestBudget } = fromProduct('@flowhub-sync/flowhub-client');
const { syncStore } = fromProduct('@flowhub-sync/inventory-sync');

const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };
const secrets = createSecretBox(args.encryptionKey);

/** The store row a sync reads its settings from (the naive sync needs it for the products' foreign key). */
const ensureStore = (prisma, storeId, location) =>
  prisma.store.upsert({
    where: { id: storeId },
    create: { id: storeId, enabled: true, clientId: location.clientId, locationId: location.locationId, apiKeyEncrypted: secrets.encrypt(location.key) },
    update: {},
  });

async function productRunner() {
  const prisma = createPrismaClient(args.databaseUrl);
  const redis = newRedis(args.redisUrl);
  // As the worker builds it: the shared request budget in Redis (20 requests/s per credentials, the default).
  const flowhub = createFlowhubClient({
    apiUrl: args.simUrl,
    authUrl: args.simUrl,
    budget: createRedisRequestBudget(redis, { maxRps: 20, prefix: args.budgetPrefix }),
    maxRetryWaitMs: 1_000,
    logger: silent,
  });
  // A pool for the bulk product statements beside Prisma's own (apps/inventory-worker/src/main.ts shares one pool).
  const sql = pgPool(args.databaseUrl);
  await prisma.$queryRaw`SELECT 1`;
  const deps = { prisma, sql, flowhub, secrets, logger: silent, budgetWaitMs: 500 };
  return {
    async sync(storeId, location) {
      await ensureStore(prisma, storeId, location);
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
      return {
        ms,
        fetched: outcome.counts.fetched,
        written: outcome.counts.created + outcome.counts.updated,
        counts: outcome.counts,
        phases: {
          fetchMs: marks.mapping - marks.fetching,
          mapAndCompareMs: marks.writing - marks.mapping,
          writeMs: marks.finishing - marks.writing,
          finishMs: marks.done - marks.finishing,
        },
      };
    },
    close: async () => {
      await sql.end();
      await prisma.$disconnect();
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

const runners = { product: productRunner, naive: naiveRunner, ceiling: ceilingRunner };
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
// The monotonic clock in µs: the clock of `node --cpu-prof` profiles, to cut a profile to one sync.
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function main() {
  const runner = await runners[args.mode]();
  if (args.warmup) {
    await runner.sync(args.warmupStoreId, args.warmup);
    await runner.sync(args.warmupStoreId, args.warmup);
  }
  process.send({ ready: true });
  process.on('message', async (message) => {
    try {
      if (message.finish) {
        await runner.close();
        process.send({ maxRssMb: peakRssMb() }, () => process.exit(0));
        return;
      }
      const fromUs = monotonicUs();
      const measured = await runner.sync(message.sync.storeId, message.sync.location);
      process.send({ ...measured, maxRssMb: peakRssMb(), windowUs: [fromUs, monotonicUs()] });
    } catch (error) {
      process.send({ error: String(error.stack ?? error) });
    }
  });
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
