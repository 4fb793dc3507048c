import type { PrismaClient } from '@flowhub-sync/db';
import type { FlowhubClient } from '@flowhub-sync/flowhub-client';
import type { Logger, SecretBox } from '@flowhub-sync/config';
import type { ProductQueues, RedisConnection } from '@flowhub-sync/queues';

/** Everything the producer's routes use, passed in (no globals), so tests build the app with their own. */
export interface ProducerDependencies {
  prisma: PrismaClient;
  redis: RedisConnection;
  queues: ProductQueues;
  flowhub: FlowhubClient;
  secrets: SecretBox;
  logger: Logger;
  settings: {
    apiToken: string;
    inventorySyncEveryMs: number;
    statusPollEveryMs: number;
    publicUrl?: string;
    bullBoard?: { user: string; password: string };
  };
}
