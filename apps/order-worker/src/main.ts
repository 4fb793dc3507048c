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
import { createPrismaClient, createSqlPool } from '@flowhub-sync/db';
import { createFlowhubClient, createRedisRequestBudget } from '@flowhub-sync/flowhub-client';
import {
  closeProductQueues,
  createMetricsRegistry,
  createProductQueues,
  createRedisConnection,
  flowhubRequestObserver,
  instrumentWorker,
  startHealthServer,
} from '@flowhub-sync/queues';
import { Counter, type Registry } from 'prom-client';
import { Worker } from 'bullmq';
import { orderStatusPollProcessor } from './jobs/order-status-poll';
import { createStatusPollMetrics } from './jobs/status-poll-metrics';
import { webhookDeliveryProcessor } from './jobs/webhook-delivery';
import { startMaintenanceWorker } from './maintenance-worker';
import { createOrderPushMetrics } from './push/push-metrics';
import { startOrderPushWorker } from './push/push-worker';
import { shutdownGraceMs } from './shutdown-grace';

async function main() {
  const env = loadEnvOrExit(
    { ...databaseEnv, ...redisEnv, ...flowhubEnv, ...encryptionEnv, ...retentionEnv, PUBLIC_URL: producerEnv.PUBLIC_URL, ...healthEnv(9465), ...metricsEnv, ...webhookEnv, ...logEnv },
    'order-worker',
  );
  const logger = createLogger({ name: 'order-worker', level: env.LOG_LEVEL });
  const sql = createSqlPool(env.DATABASE_URL, { onIdleError: (error) => logger.warn({ err: error }, 'an idle PostgreSQL connection closed') });
  const prisma = createPrismaClient(env.DATABASE_URL, { pool: sql });
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
  const push = startOrderPushWorker({
    connection: redis,
    prefix: env.QUEUE_PREFIX,
    prisma,
    sql,
    flowhub,
    secrets,
    logger,
    publicUrl: env.PUBLIC_URL,
    webhookQueue: queues['webhook-delivery'],
    metrics: createOrderPushMetrics(registry),
  });
  const maintenance = startMaintenanceWorker({
    connection: redis,
    prefix: env.QUEUE_PREFIX,
    prisma,
    logger,
    outbox: { orderPush: queues['order-push'], webhookDelivery: queues['webhook-delivery'] },
    retention: {
      syncRunMaxAgeDays: env.SYNC_RUN_RETENTION_DAYS,
      syncRunsPerStore: env.SYNC_RUNS_PER_STORE,
      webhookDeliveryMaxAgeDays: env.WEBHOOK_RETENTION_DAYS,
    },
  });
  // Statuses come back per store (scheduled polls, and postbacks' re-reads); webhooks go out one delivery per job.
  const statusPoll = new Worker('order-status-poll', orderStatusPollProcessor({ prisma, flowhub, secrets, logger, webhookQueue: queues['webhook-delivery'], metrics: createStatusPollMetrics(registry) }), {
    connection: redis,
    prefix: env.QUEUE_PREFIX,
    concurrency: 8,
  });
  const webhookDeliveries = webhookDeliveryProcessor({
    prisma,
    secrets,
    logger,
    resolve: systemResolver,
    allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
  });
  const webhooks = new Worker('webhook-delivery', webhookDeliveries, {
    connection: redis,
    prefix: env.QUEUE_PREFIX,
    concurrency: 20,
  });
  countWebhookOutcomes(registry, webhooks);
  const workers = [push, maintenance, statusPoll, webhooks];
  for (const worker of workers) {
    instrumentWorker(registry, worker);
    worker.on('error', (error) => logger.error({ err: error, queue: worker.name }, 'worker error'));
  }

  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => {
      let postgres: 'up' | 'down' = 'up';
      try {
        await prisma.$queryRaw`SELECT 1`;
      } catch {
        postgres = 'down';
      }
      return { redis: redis.status === 'ready' ? 'up' : 'down', postgres, worker: workers.every((worker) => worker.isRunning()) ? 'up' : 'down' };
    },
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    metricsToken: env.METRICS_TOKEN,
  });
  // push.close() lets the pushes in hand finish: a clean shutdown never leaves an order 'pushing'. A create may take
  // FLOWHUB_CREATE_TIMEOUT_MS, so the grace before the process exits anyway is derived from it.
  const graceMs = shutdownGraceMs(env.FLOWHUB_CREATE_TIMEOUT_MS);
  logger.info({ healthPort: health.port, createTimeoutMs: env.FLOWHUB_CREATE_TIMEOUT_MS, shutdownGraceMs: graceMs }, 'order-worker started');
  handleShutdown(logger, [
    () => health.close(),
    () => Promise.all(workers.map((worker) => worker.close())),
    () => closeProductQueues(queues),
    () => redis.quit(),
    () => prisma.$disconnect(),
    () => sql.end(),
  ], { timeoutMs: graceMs });
}

function countWebhookOutcomes(registry: Registry, worker: Worker) {
  const deliveries = new Counter({
    name: 'flowhub_sync_webhook_deliveries_total',
    help: 'Webhook deliveries to the platform by outcome (failed = an attempt failed)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  worker.on('completed', () => deliveries.inc({ outcome: 'delivered' }));
  worker.on('failed', () => deliveries.inc({ outcome: 'failed' }));
}

main().catch((error) => {
  process.stderr.write(`order-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
