import type { PrismaClient, Sql } from '@flowhub-sync/db';
import type { FlowhubClient } from '@flowhub-sync/flowhub-client';
import type { Logger, SecretBox } from '@flowhub-sync/config';
import type { ProductQueues, RedisConnection } from '@flowhub-sync/queues';

/** Everything the producer's routes use, passed in (no globals), so tests build the app with their own. */
export interface ProducerDependencies {
  prisma: PrismaClient;
  /** Plain SQL for the order routes' hot paths (create, confirm, the order view), on the same pool as `prisma`. */
  sql: Sql;
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
