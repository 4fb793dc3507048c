import type { PrismaClient, Sql } from '@flowhub-sync/db';
import type { FlowhubClient } from '@flowhub-sync/flowhub-client';
import type { HostResolver, Logger, SecretBox } from '@flowhub-sync/config';
import type { ProductQueues, RedisConnection } from '@flowhub-sync/queues';

/** Everything the producer's routes use, passed in (no globals), so tests build the app with their own. */
export interface ProducerDependencies {
  prisma: PrismaClient;
  /** Plain SQL for the order routes' hot paths (create, confirm, the order view): createSqlPool's pool, beside Prisma's. */
  sql: Sql;
  redis: RedisConnection;
  queues: ProductQueues;
  flowhub: FlowhubClient;
  secrets: SecretBox;
  logger: Logger;
  /** Resolves a statusWebhookUrl's host for the outbound guard at save (main: the system resolver; tests: a table). */
  resolveHost: HostResolver;
  settings: {
    /** API_TOKEN, and API_TOKENS: every token the platform may send (two while it rolls its token). */
    apiToken: string;
    apiTokens?: string[];
    /** METRICS_TOKEN: when set, /metrics needs it as a bearer token. */
    metricsToken?: string;
    inventorySyncEveryMs: number;
    statusPollEveryMs: number;
    publicUrl?: string;
    bullBoard?: { user: string; password: string };
    /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: a statusWebhookUrl may point at loopback and private networks (development). */
    webhookAllowPrivateNetworks?: boolean;
  };
}
