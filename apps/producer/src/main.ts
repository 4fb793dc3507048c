import {
  createLogger,
  createSecretBox,
  databaseEnv,
  encryptionEnv,
  flowhubEnv,
  handleShutdown,
  loadEnvOrExit,
  logEnv,
  metricsEnv,
  producerEnv,
  redisEnv,
  scheduleEnv,
  systemResolver,
  webhookEnv,
} from '@flowhub-sync/config';
import { createPrismaClient, createSqlPool } from '@flowhub-sync/db';
import { createFlowhubClient } from '@flowhub-sync/flowhub-client';
import { closeProductQueues, createProductQueues, createRedisConnection } from '@flowhub-sync/queues';
import { buildApp } from './app';
import type { ProducerDependencies } from './dependencies';
import { reconcileSchedules } from './schedules';

async function main() {
  const env = loadEnvOrExit(
    {
      ...databaseEnv,
      ...redisEnv,
      ...flowhubEnv,
      ...encryptionEnv,
      ...producerEnv,
      ...scheduleEnv,
      ...metricsEnv,
      ...webhookEnv,
      ...logEnv,
    },
    'producer',
  );
  const logger = createLogger({ name: 'producer', level: env.LOG_LEVEL });
  // Two pools: one for the orders' named statements (each planned once: packages/db/src/sql.ts), one for Prisma.
  const onIdleError = (error: Error) => logger.warn({ err: error }, 'an idle PostgreSQL connection closed');
  const sql = createSqlPool(env.DATABASE_URL, { onIdleError });
  const prisma = createPrismaClient(env.DATABASE_URL, { onIdleError });
  const redis = createRedisConnection(env, 'api');
  // Without Redis the API keeps taking orders; don't let connection errors crash or flood the log.
  redis.on('error', (error) => logger.debug({ err: error }, 'Redis connection error'));
  const deps: ProducerDependencies = {
    prisma,
    sql,
    redis,
    queues: createProductQueues(redis, env.QUEUE_PREFIX),
    flowhub: createFlowhubClient({ apiUrl: env.FLOWHUB_API_URL, authUrl: env.FLOWHUB_AUTH_URL, proxyUrl: env.HTTPS_PROXY, logger }),
    secrets: createSecretBox(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD),
    logger,
    resolveHost: systemResolver,
    settings: {
      apiToken: env.API_TOKEN,
      apiTokens: env.API_TOKENS,
      metricsToken: env.METRICS_TOKEN,
      inventorySyncEveryMs: env.INVENTORY_SYNC_EVERY_MS,
      statusPollEveryMs: env.STATUS_POLL_EVERY_MS,
      publicUrl: env.PUBLIC_URL,
      bullBoard: { user: env.BULL_BOARD_USER, password: env.BULL_BOARD_PASSWORD },
      webhookAllowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    },
  };
  for (const queue of Object.values(deps.queues))
    queue.on('error', (error) => logger.debug({ err: error, queue: queue.name }, 'queue error'));

  // Schedules follow the database: reconcile at start and each time Redis comes (back) up.
  const reconcile = () =>
    reconcileSchedules(deps).catch((error) => logger.warn({ err: error }, 'schedule reconciliation failed; retrying when Redis is back'));
  redis.on('ready', reconcile);
  if (redis.status === 'ready') void reconcile();

  const app = buildApp(deps);
  await app.listen({ port: env.PORT, host: '0.0.0.0' });
  logger.info({ port: env.PORT }, 'producer listening');
  handleShutdown(logger, [
    () => app.close(),
    () => closeProductQueues(deps.queues),
    () => redis.quit().catch(() => redis.disconnect()),
    () => prisma.$disconnect(),
    () => sql.end(),
  ]);
}

main().catch((error) => {
  process.stderr.write(`producer failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
