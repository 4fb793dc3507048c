import { createLogger, handleShutdown, healthEnv, loadEnvOrExit, logEnv, redisEnv } from '@flowhub-sync/config';
import { createRedisConnection, startHealthServer } from '@flowhub-sync/queues';

async function main() {
  const env = loadEnvOrExit({ ...redisEnv, ...healthEnv(9465), ...logEnv }, 'order-worker');
  const logger = createLogger({ name: 'order-worker', level: env.LOG_LEVEL });
  const redis = createRedisConnection(env, 'worker');
  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => ({ redis: redis.status === 'ready' ? 'up' : 'down' }),
  });
  logger.info({ healthPort: health.port }, 'order-worker started');
  handleShutdown(logger, [() => health.close(), () => redis.quit()]);
}

main().catch((error) => {
  process.stderr.write(`order-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
