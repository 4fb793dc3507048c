import { createLogger, handleShutdown, healthEnv, loadEnvOrExit, logEnv, redisEnv } from '@flowhub-sync/config';
import { createRedisConnection, startHealthServer } from '@flowhub-sync/queues';

async function main() {
  const env = loadEnvOrExit({ ...redisEnv, ...healthEnv(9464), ...logEnv }, 'inventory-worker');
  const logger = createLogger({ name: 'inventory-worker', level: env.LOG_LEVEL });
  const redis = createRedisConnection(env, 'worker');
  const health = await startHealthServer({
    port: env.HEALTH_PORT,
    readiness: async () => ({ redis: redis.status === 'ready' ? 'up' : 'down' }),
  });
  logger.info({ healthPort: health.port }, 'inventory-worker started');
  handleShutdown(logger, [() => health.close(), () => redis.quit()]);
}

main().catch((error) => {
  process.stderr.write(`inventory-worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
