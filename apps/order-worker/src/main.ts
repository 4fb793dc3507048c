import {
  createLogger,
  createSecretBox,
  databaseEnv,
  encryptionEnv,
  flowhubEnv,
  handleShutdown,
  healthEnv,
  loadEnvOrExit,
  logEnv,
  producerEnv,
  redisEnv,
} from '@flowhub-sync/config';
import { createPrismaClient } from '@flowhub-sync/db';
import { createFlowhubClient, createRedisRequestBudget } from '@flowhub-sync/flowhub-client';
import {
  closeProductQueues,
  createMetricsRegistry,
  createProductQueues,
  createRedisConnection,
  instrumentWorker,
  startHealthServer,
} from '@flowhub-sync/queues';
import { startMaintenanceWorker } from './maintenance-worker';
import { createOrderPushMetrics } from './push/push-metrics';
import { startOrderPushWorker } from './push/push-worker';

async function main() {
  const env = loadEnvOrExit(
    { ...databaseEnv, ...redisEnv, ...flowhubEnv, ...encryptionEnv, PUBLIC_URL: producerEnv.PUBLIC_URL, ...healthEnv(9465), ...logEnv },
    'order-worker',
  );
  const logger = createLogger({ name: 'order-worker', level: env.LOG_LEVEL });
  const prisma = createPrismaClient(env.DATABASE_URL);
  const redis = createRedisConnection(env, 'worker');
  redis.on('error', (error) => logger.debug({ err: error }, 'Redis connection error'));
  const queues = createProductQueues(redis, env.QUEUE_PREFIX);
  const registry = createMetricsRegistry('order-worker');
  const flowhub = createFlowhubClient({
    apiUrl: env.FLOWHUB_API_URL,
    authUrl: env.FLOWHUB_AUTH_URL,
    proxyUrl: env.HTTPS_PROXY,
    // Shared by every process: one request budget per store's Flowhub credentials.
    budget: createRedisRequestBudget(redis, { maxRps: env.FLOWHUB_MAX_RPS }),
    logger,
  });
  const push = startOrderPushWorker({
    connection: redis,
    prefix: env.QUEUE_PREFIX,
    prisma,
    flowhub,
    secrets: createSecretBox(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD),
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
  });
  instrumentWorker(registry, push);
  instrumentWorker(registry, maintenance);

  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => {
      let postgres: 'up' | 'down' = 'up';
      try {
        await prisma.$queryRaw`SELECT 1`;
      } catch {
        postgres = 'down';
      }
      return { redis: redis.status === 'ready' ? 'up' : 'down', postgres, worker: maintenance.isRunning() && push.isRunning() ? 'up' : 'down' };
    },
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  });
  logger.info({ healthPort: health.port }, 'order-worker started');
  // push.close() lets the pushes in hand finish: a clean shutdown never leaves an order 'pushing'.
  handleShutdown(logger, [
    () => health.close(),
    () => push.close(),
    () => maintenance.close(),
    () => closeProductQueues(queues),
    () => redis.quit(),
    () => prisma.$disconnect(),
  ]);
}

main().catch((error) => {
  process.stderr.write(`order-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
