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
  producerEnv,
  redisEnv,
  retentionEnv,
  systemResolver,
  webhookEnv,
} from '@flowhub-sync/config';
import { createPrismaClient, createSqlPool, pingDatabase } from '@flowhub-sync/db';
import { createFlowhubClient, createRedisRequestBudget } from '@flowhub-sync/flowhub-client';
import {
  countWebhookOutcomes,
  createOrderPushMetrics,
  createStatusPollMetrics,
  maintenanceProcessor,
  orderPushProcessor,
  orderStatusPollProcessor,
  shutdownGraceMs,
  webhookDeliveryProcessor,
} from '@flowhub-sync/orders';
import {
  closeProductQueues,
  createMetricsRegistry,
  createProductQueues,
  createRedisConnection,
  flowhubRequestObserver,
  startHealthServer,
  startWorkers,
} from '@flowhub-sync/queues';

/** The order-worker: wiring only. Its jobs are @flowhub-sync/orders' processors, started by startWorkers. */
async function main() {
  const env = loadEnvOrExit(
    {
      ...databaseEnv,
      ...redisEnv,
      ...flowhubEnv,
      ...encryptionEnv,
      ...retentionEnv,
      PUBLIC_URL: producerEnv.PUBLIC_URL,
      ...healthEnv(9465),
      ...metricsEnv,
      ...webhookEnv,
      ...logEnv,
    },
    'order-worker',
  );
  const logger = createLogger({ name: 'order-worker', level: env.LOG_LEVEL });
  // Two pools: one for the push's named statements (each planned once: packages/db/src/sql.ts), one for Prisma.
  const onIdleError = (error: Error) => logger.warn({ err: error }, 'an idle PostgreSQL connection closed');
  const sql = createSqlPool(env.DATABASE_URL, { onIdleError });
  const prisma = createPrismaClient(env.DATABASE_URL, { onIdleError });
  const redis = createRedisConnection(env, 'worker');
  redis.on('error', (error) => logger.debug({ err: error }, 'Redis connection error'));
  const queues = createProductQueues(redis, env.QUEUE_PREFIX);
  const registry = createMetricsRegistry('order-worker');
  const flowhub = createFlowhubClient({
    apiUrl: env.FLOWHUB_API_URL,
    authUrl: env.FLOWHUB_AUTH_URL,
    proxyUrl: env.HTTPS_PROXY,
    createTimeoutMs: env.FLOWHUB_CREATE_TIMEOUT_MS,
    // Shared by every process: one request budget per store's Flowhub credentials (and one per egress, if set).
    budget: createRedisRequestBudget(redis, { maxRps: env.FLOWHUB_MAX_RPS, maxRpsGlobal: env.FLOWHUB_MAX_RPS_GLOBAL }),
    logger,
    // Flowhub requests by endpoint and status (no ids or secrets in the labels), as the inventory-worker counts them.
    onRequest: flowhubRequestObserver(registry),
  });
  const secrets = createSecretBox(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD);
  const webhookQueue = queues['webhook-delivery'];

  // Pushes; statuses coming back per store (scheduled polls, and postbacks' re-reads); webhooks, one delivery per job;
  // the app-wide maintenance tasks (the producer owns their schedulers).
  const running = startWorkers(
    [
      orderPushProcessor({
        prisma,
        sql,
        flowhub,
        secrets,
        logger,
        publicUrl: env.PUBLIC_URL,
        webhookQueue,
        metrics: createOrderPushMetrics(registry),
      }),
      orderStatusPollProcessor({ prisma, flowhub, secrets, logger, webhookQueue, metrics: createStatusPollMetrics(registry) }),
      webhookDeliveryProcessor({
        prisma,
        secrets,
        logger,
        resolve: systemResolver,
        allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      }),
      maintenanceProcessor({
        prisma,
        logger,
        outbox: { orderPush: queues['order-push'], webhookDelivery: webhookQueue },
        retention: {
          syncRunMaxAgeDays: env.SYNC_RUN_RETENTION_DAYS,
          syncRunsPerStore: env.SYNC_RUNS_PER_STORE,
          webhookDeliveryMaxAgeDays: env.WEBHOOK_RETENTION_DAYS,
        },
      }),
    ],
    {
      owns: ['order-push', 'order-status-poll', 'webhook-delivery', 'maintenance'],
      connection: redis,
      prefix: env.QUEUE_PREFIX,
      logger,
      metrics: registry,
      onWorker: countWebhookOutcomes(registry),
    },
  );

  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => ({
      redis: redis.status === 'ready' ? 'up' : 'down',
      postgres: (await pingDatabase(sql)) ? 'up' : 'down',
      worker: running.isRunning() ? 'up' : 'down',
    }),
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    metricsToken: env.METRICS_TOKEN,
  });
  // Closing the workers lets the pushes in hand finish: a clean shutdown never leaves an order 'pushing'. A create may
  // take FLOWHUB_CREATE_TIMEOUT_MS, so the grace before the process exits anyway is derived from it.
  const graceMs = shutdownGraceMs(env.FLOWHUB_CREATE_TIMEOUT_MS);
  logger.info(
    { healthPort: health.port, createTimeoutMs: env.FLOWHUB_CREATE_TIMEOUT_MS, shutdownGraceMs: graceMs },
    'order-worker started',
  );
  handleShutdown(
    logger,
    [
      () => health.close(),
      () => running.close(),
      () => closeProductQueues(queues),
      () => redis.quit(),
      () => prisma.$disconnect(),
      () => sql.end(),
    ],
    { timeoutMs: graceMs },
  );
}

main().catch((error) => {
  process.stderr.write(`order-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
