import Fastify from 'fastify';
import { createLogger, handleShutdown, loadEnvOrExit, logEnv, producerEnv, redisEnv } from '@flowhub-sync/config';

async function main() {
  const env = loadEnvOrExit({ ...producerEnv, ...redisEnv, ...logEnv }, 'producer');
  const logger = createLogger({ name: 'producer', level: env.LOG_LEVEL });
  const app = Fastify({ loggerInstance: logger });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.listen({ port: env.PORT, host: '0.0.0.0' });
  handleShutdown(logger, [() => app.close()]);
}

main().catch((error) => {
  process.stderr.write(`producer failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
