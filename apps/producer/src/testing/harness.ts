import { createLogger, createSecretBox, type HostResolver, type Logger } from '@flowhub-sync/config';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { createFlowhubClient } from '@flowhub-sync/flowhub-client';
import { closeProductQueues, createProductQueues, createRedisConnection } from '@flowhub-sync/queues';
import { serviceUrls, testEncryptionKey, uniqueQueuePrefix } from '@flowhub-sync/testing';
import { buildApp } from '../app';
import type { ProducerDependencies } from '../dependencies';

export const TEST_API_TOKEN = 'test-api-token-0123456789';
export const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };

/** The harness's default resolver: every name is one public address, and no test touches real DNS. */
export const publicResolver: HostResolver = async () => [{ address: '93.184.216.34', family: 4 }];

export interface ProducerHarness {
  app: ReturnType<typeof buildApp>;
  deps: ProducerDependencies;
  db: TestDatabase;
  prefix: string;
  close(): Promise<void>;
}

/** The producer's app in-process, on this test file's own database and queue prefix, with the real Redis. */
export async function createProducerHarness(
  options: {
    flowhubUrl?: string;
    redisUrl?: string;
    inventorySyncEveryMs?: number;
    bullBoard?: { user: string; password: string };
    logger?: Logger;
    settings?: Partial<ProducerDependencies['settings']>;
    resolveHost?: HostResolver;
  } = {},
): Promise<ProducerHarness> {
  const db = await createTestDatabase();
  const prefix = uniqueQueuePrefix('producer');
  const redis = createRedisConnection({ REDIS_URL: options.redisUrl ?? serviceUrls().REDIS_URL }, 'api');
  redis.on('error', () => undefined);
  if (!options.redisUrl)
    await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  const flowhubUrl = options.flowhubUrl ?? 'http://flowhub.test';
  const deps: ProducerDependencies = {
    prisma: db.prisma,
    sql: db.sql,
    redis,
    queues: createProductQueues(redis, prefix),
    flowhub: createFlowhubClient({ apiUrl: flowhubUrl, authUrl: flowhubUrl, timeoutMs: 2_000 }),
    secrets: createSecretBox(testEncryptionKey()),
    logger: options.logger ?? createLogger({ name: 'producer-test', level: 'silent' }),
    resolveHost: options.resolveHost ?? publicResolver,
    settings: {
      apiToken: TEST_API_TOKEN,
      inventorySyncEveryMs: options.inventorySyncEveryMs ?? 600_000,
      statusPollEveryMs: 120_000,
      bullBoard: options.bullBoard,
      ...options.settings,
    },
  };
  for (const queue of Object.values(deps.queues)) queue.on('error', () => undefined);
  const app = buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    db,
    prefix,
    async close() {
      await app.close();
      if (redis.status === 'ready')
        await Promise.all(Object.values(deps.queues).map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await closeProductQueues(deps.queues).catch(() => undefined);
      redis.disconnect();
      await db.drop();
    },
  };
}
