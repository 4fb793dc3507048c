import { createLogger, databaseEnv, handleShutdown, healthEnv, loadEnvOrExit, logEnv, redisEnv } from '@flowhub-sync/config';
import { createPrismaClient } from '@flowhub-sync/db';
import { createRedisConnection, startHealthServer } from '@flowhub-sync/queues';
import { startMaintenanceWorker } from './maintenance-worker';

async function main() {
  const env = loadEnvOrExit({ ...databaseEnv, ...redisEnv, ...healthEnv(9465), ...logEnv }, 'order-worker');
  const logger = createLogger({ name: 'order-worker', level: env.LOG_LEVEL });
  const prisma = createPrismaClient(env.DATABASE_URL);
  const redis = createRedisConnection(env, 'worker');
  redis.on('error', (error) => logger.debug({ err: error }, 'Redis connection error'));
  const maintenance = startMaintenanceWorker({ connection: redis, prefix: env.QUEUE_PREFIX, prisma, logger });

  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => {
      let postgres: 'up' | 'down' = 'up';
      try {
        await prisma.$queryRaw`SELECT 1`;
      } catch {
        postgres = 'down';
      }
      return { redis: redis.status === 'ready' ? 'up' : 'down', postgres, worker: maintenance.isRunning() ? 'up' : 'down' };
    },
  });
  logger.info({ healthPort: health.port }, 'order-worker started');
  handleShutdown(logger, [() => health.close(), () => maintenance.close(), () => redis.quit(), () => prisma.$disconnect()]);
}

main().catch((error) => {
  process.stderr.write(`order-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
