import { Worker } from 'bullmq';
import { Pool } from 'pg';
import {
  createLogger,
  createSecretBox,
  databaseEnv,
  encryptionEnv,
  flowhubEnv,
  handleShutdown,
  healthEnv,
  metricsEnv,
  loadEnvOrExit,
  logEnv,
  redisEnv,
} from '@flowhub-sync/config';
import { createPrismaClient } from '@flowhub-sync/db';
import { createFlowhubClient, createRedisRequestBudget } from '@flowhub-sync/flowhub-client';
import { createMetricsRegistry, createRedisConnection, flowhubRequestObserver, instrumentWorker, startHealthServer } from '@flowhub-sync/queues';
import { createInventorySyncProcessor } from './jobs/inventory-sync';
import { createSyncMetrics } from './metrics';
import { createStoreLockConnection } from './sync/store-lock';

/** Jobs one process works at once: syncs mostly wait on Flowhub and PostgreSQL, not on this CPU. */
const CONCURRENCY = 4;
/** On SIGTERM, syncs in hand get this long to finish before they are handed back to the queue. */
const SHUTDOWN_GRACE_MS = 8_000;

async function main() {
  const env = loadEnvOrExit(
    { ...databaseEnv, ...redisEnv, ...flowhubEnv, ...encryptionEnv, ...healthEnv(9464), ...metricsEnv, ...logEnv },
    'inventory-worker',
  );
  const logger = createLogger({ name: 'inventory-worker', level: env.LOG_LEVEL });
  const secrets = createSecretBox(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD);
  const prisma = createPrismaClient(env.DATABASE_URL);
  // The bulk product statements bypass Prisma (see ProductSql in sync/write-products.ts): one connection per job.
  const sql = new Pool({ connectionString: env.DATABASE_URL, max: CONCURRENCY });
  sql.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL pool connection error'));
  // BullMQ's blocking connection, and a second one for the request budget (never blocked).
  const workerConnection = createRedisConnection(env, 'worker');
  const redis = createRedisConnection(env, 'worker');
  // The store locks' own connection: fail-fast, so a lock that cannot be renewed is noticed (sync/store-lock.ts).
  const lockRedis = createStoreLockConnection(env);
  const registry = createMetricsRegistry('inventory-worker');
  const flowhub = createFlowhubClient({
    apiUrl: env.FLOWHUB_API_URL,
    authUrl: env.FLOWHUB_AUTH_URL,
    proxyUrl: env.HTTPS_PROXY,
    // The default key prefix: every process of the product shares one budget per Flowhub credentials (and one per
    // egress with FLOWHUB_MAX_RPS_GLOBAL).
    budget: createRedisRequestBudget(redis, { maxRps: env.FLOWHUB_MAX_RPS, maxRpsGlobal: env.FLOWHUB_MAX_RPS_GLOBAL }),
    // A longer Retry-After is the job's to wait (delayed), not a worker slot's.
    maxRetryWaitMs: 1_000,
    logger,
    // Flowhub requests by endpoint and status, under the order-worker's metric name and labels: queries sum both.
    onRequest: flowhubRequestObserver(registry),
  });
  const metrics = createSyncMetrics(registry);
  const processor = createInventorySyncProcessor({
    prisma,
    sql,
    flowhub,
    secrets,
    logger,
    redis: lockRedis,
    queuePrefix: env.QUEUE_PREFIX,
    budgetWaitMs: 500,
    metrics,
  });

  const worker = new Worker('inventory-sync', (job, token) => processor.process(job, token), {
    connection: workerConnection,
    prefix: env.QUEUE_PREFIX,
    concurrency: CONCURRENCY,
  });
  instrumentWorker(registry, worker);
  for (const connection of [redis, workerConnection, lockRedis]) connection.on('error', (error) => logger.debug({ err: error }, 'Redis connection error'));
  worker.on('error', (error) => logger.error({ err: error }, 'inventory-sync worker error'));

  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => {
      let postgres: 'up' | 'down' = 'up';
      try {
        await prisma.$queryRaw`SELECT 1`;
      } catch {
        postgres = 'down';
      }
      return {
        redis: [redis, workerConnection, lockRedis].every((connection) => connection.status === 'ready') ? 'up' : 'down',
        postgres,
        worker: worker.isRunning() ? 'up' : 'down',
      };
    },
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    metricsToken: env.METRICS_TOKEN,
  });
  logger.info({ healthPort: health.port, concurrency: CONCURRENCY, queuePrefix: env.QUEUE_PREFIX }, 'inventory-worker started');

  handleShutdown(logger, [
    async () => {
      // Stop taking jobs; give the syncs in hand a moment, then hand them back so another worker runs them.
      const grace = setTimeout(() => processor.interruptAll('the worker is shutting down; the sync was handed back'), SHUTDOWN_GRACE_MS);
      try {
        await worker.close();
      } finally {
        clearTimeout(grace);
      }
    },
    () => health.close(),
    () => sql.end(),
    () => prisma.$disconnect(),
    () => redis.quit(),
    () => lockRedis.quit(),
    () => workerConnection.quit(),
  ]);
}

main().catch((error) => {
  process.stderr.write(`inventory-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
