import {
  createLogger,
  createSecretBox,
  databaseEnv,
  encryptionEnv,
  feedMemoEnv,
  flowhubEnv,
  handleShutdown,
  healthEnv,
  metricsEnv,
  loadEnvOrExit,
  logEnv,
  redisEnv,
} from '@flowhub-sync/config';
import { createPrismaClient, createSqlPool, pingDatabase } from '@flowhub-sync/db';
import { createFlowhubClient, createRedisRequestBudget } from '@flowhub-sync/flowhub-client';
import {
  createStoreLockConnection,
  createSyncMetrics,
  FeedMemo,
  INVENTORY_SYNC_CONCURRENCY,
  SYNC_POOL_IDLE_MS,
  inventorySyncProcessor,
  warmUpInventorySync,
} from '@flowhub-sync/inventory-sync';
import {
  closeProductQueues,
  createMetricsRegistry,
  createProductQueues,
  createRedisConnection,
  flowhubRequestObserver,
  startHealthServer,
  startWorkers,
  type RunningWorkers,
} from '@flowhub-sync/queues';

async function main() {
  const env = loadEnvOrExit(
    { ...databaseEnv, ...redisEnv, ...flowhubEnv, ...encryptionEnv, ...feedMemoEnv, ...healthEnv(9464), ...metricsEnv, ...logEnv },
    'inventory-worker',
  );
  const logger = createLogger({ name: 'inventory-worker', level: env.LOG_LEVEL });
  const secrets = createSecretBox(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD);
  // The sync's named statements (ProductSql in packages/db/src/sync/product-writes.ts; each planned once:
  // packages/db/src/sql.ts) on one pool: a sync holds at most one connection at a time; twice the syncs in hand leaves
  // room for the readiness check and spares. Prisma (a failed run's record, the menu webhook's delivery) on its own.
  const onIdleError = (error: Error) => logger.warn({ err: error }, 'PostgreSQL pool connection error');
  const sql = createSqlPool(env.DATABASE_URL, { max: 2 * INVENTORY_SYNC_CONCURRENCY, idleTimeoutMs: SYNC_POOL_IDLE_MS, onIdleError });
  const prisma = createPrismaClient(env.DATABASE_URL, { max: INVENTORY_SYNC_CONCURRENCY, idleTimeoutMs: SYNC_POOL_IDLE_MS, onIdleError });
  // BullMQ's blocking connection, and a second one for the request budget (never blocked).
  const workerConnection = createRedisConnection(env, 'worker');
  const redis = createRedisConnection(env, 'worker');
  // The store locks' own connection: fail-fast, so a lock that cannot be renewed is noticed
  // (packages/inventory-sync/src/store-lock.ts).
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
  // The queues this process adds jobs to (webhook deliveries: menu_synced), on the request budget's connection.
  const queues = createProductQueues(redis, env.QUEUE_PREFIX);
  for (const connection of [redis, workerConnection, lockRedis]) {
    connection.on('error', (error) => logger.debug({ err: error }, 'Redis connection error'));
  }

  // Liveness answers from here on; readiness only once the warm-up has run and the worker takes jobs.
  const boot: { running?: RunningWorkers; warmedUp: boolean; stopping: boolean } = { warmedUp: false, stopping: false };
  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => ({
      redis: [redis, workerConnection, lockRedis].every((connection) => connection.status === 'ready') ? 'up' : 'down',
      postgres: (await pingDatabase(sql)) ? 'up' : 'down',
      warmUp: boot.warmedUp ? 'up' : 'down',
      worker: boot.running?.isRunning() ? 'up' : 'down',
    }),
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    metricsToken: env.METRICS_TOKEN,
  });

  // What the worker remembers of its stores' last feeds, and shares with the other workers through PostgreSQL: re-syncs
  // parse only the rows that changed.
  const feedMemo = new FeedMemo({ maxRows: env.INVENTORY_FEED_MEMO_ROWS });

  handleShutdown(logger, [
    // Stops taking jobs; the syncs in hand get a moment, then are handed back for another worker (the processor's
    // interruptOnShutdown). A shutdown during the warm-up: no worker is started after it.
    () => {
      boot.stopping = true;
      return boot.running?.close();
    },
    // The last syncs' memos, saved after them, before the pool closes.
    () => feedMemo.settled(),
    () => health.close(),
    () => closeProductQueues(queues),
    () => prisma.$disconnect(),
    () => sql.end(),
    () => redis.quit(),
    () => lockRedis.quit(),
    () => workerConnection.quit(),
  ]);

  // Before the first job: a fresh worker's first sync would otherwise run its code cold (docs/PERFORMANCE.md).
  // It writes nothing and calls nothing over HTTP (packages/inventory-sync/src/warm-up.ts).
  const warmUp = await warmUpInventorySync({ prisma, sql });
  if (warmUp.databaseError) {
    logger.warn({ err: warmUp.databaseError }, 'the warm-up could not reach PostgreSQL; the worker starts anyway (readiness reports it)');
  }
  logger.info({ warmUpMs: Math.round(warmUp.ms), rows: warmUp.rows, passes: warmUp.passes }, 'inventory sync warmed up');
  boot.warmedUp = true;
  if (boot.stopping) return;

  boot.running = startWorkers(
    [
      inventorySyncProcessor({
        prisma,
        sql,
        flowhub,
        secrets,
        redis: lockRedis,
        queuePrefix: env.QUEUE_PREFIX,
        budgetWaitMs: 500,
        feedMemo,
        metrics: createSyncMetrics(registry),
        webhookQueue: queues['webhook-delivery'],
      }),
    ],
    { owns: ['inventory-sync'], connection: workerConnection, prefix: env.QUEUE_PREFIX, logger, metrics: registry },
  );
  logger.info(
    {
      healthPort: health.port,
      concurrency: INVENTORY_SYNC_CONCURRENCY,
      queuePrefix: env.QUEUE_PREFIX,
      feedMemoRows: feedMemo.maxRows,
      warmUpMs: Math.round(warmUp.ms),
    },
    'inventory-worker started',
  );
}

main().catch((error) => {
  process.stderr.write(`inventory-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
