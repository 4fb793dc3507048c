import { z } from 'zod';

/**
 * The environment of api-contract.md, as small reusable pieces. Each app picks the pieces it uses
 * (`loadEnv({ ...databaseEnv, ...redisEnv })`), so a worker never demands the producer's API token.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const url = z.string().url();

const base64Key = z.string().refine((value) => {
  try {
    return Buffer.from(value, 'base64').length === 32;
  } catch {
    return false;
  }
}, 'must be a base64-encoded 32-byte key (e.g. `openssl rand -base64 32`)');

export const databaseEnv = {
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string'),
};

export const redisEnv = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port,host:port,…')
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[^{}]+\}$/, 'must be hash-tagged, e.g. {flowhub-sync}, so all keys share a cluster slot')
    .default('{flowhub-sync}'),
};

export const flowhubEnv = {
  FLOWHUB_API_URL: url.default('https://api.flowhub.co'),
  FLOWHUB_AUTH_URL: url.default('https://flowhub.auth0.com'),
  FLOWHUB_MAX_RPS: z.coerce.number().positive().default(20),
  /** Requests per second per egress (direct, or each HTTPS_PROXY host), every credentials together; unset: none. */
  FLOWHUB_MAX_RPS_GLOBAL: z.coerce.number().positive().optional(),
  /**
   * Deadline of an Order Ahead create: one that times out has an unknown outcome (needs_reconciliation), so it is
   * generous. The order-worker's shutdown grace is derived from it (packages/orders/src/shutdown-grace.ts).
   */
  FLOWHUB_CREATE_TIMEOUT_MS: positiveMs.default(30_000),
  HTTPS_PROXY: url.optional(),
};

export const encryptionEnv = {
  ENCRYPTION_KEY: base64Key,
  ENCRYPTION_KEYS_OLD: z
    .string()
    .optional()
    .transform((value) =>
      value
        ? value
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(base64Key)),
};

const apiToken = z.string().min(16, 'must be at least 16 characters');

export const producerEnv = {
  PORT: port.default(3000),
  API_TOKEN: apiToken,
  /** More accepted tokens besides API_TOKEN, comma-separated: the platform rolls its token without downtime. */
  API_TOKENS: z
    .string()
    .optional()
    .transform((value) =>
      value
        ? value
            .split(',')
            .map((token) => token.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(apiToken)),
  BULL_BOARD_USER: z.string().min(1),
  BULL_BOARD_PASSWORD: z.string().min(8, 'must be at least 8 characters'),
  PUBLIC_URL: url.optional(),
};

export const scheduleEnv = {
  INVENTORY_SYNC_EVERY_MS: positiveMs.default(600_000),
  STATUS_POLL_EVERY_MS: positiveMs.default(120_000),
};

export const healthEnv = (defaultPort: number) => ({ HEALTH_PORT: port.default(defaultPort) });

/**
 * The inventory worker's feed memo (packages/inventory-sync/src/feed-memo.ts): rows of its stores' last feeds it
 * remembers, over all stores, so that re-syncs parse only what changed (about 450 bytes of heap a row). Unset: the
 * memo's default (DEFAULT_FEED_MEMO_ROWS, 64,000); 0 remembers nothing. Sizing: README.md, "Deployment".
 */
export const feedMemoEnv = {
  INVENTORY_FEED_MEMO_ROWS: z.coerce
    .number('must be a whole number of rows')
    .int('must be a whole number of rows')
    .min(0, 'must be 0 or more')
    .max(20_000_000, 'must be at most 20,000,000 (about 9 GB of heap)')
    .optional(),
};

/** Every process's /metrics: unset, open (as /healthz); set, a bearer token the scraper must send. */
export const metricsEnv = {
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

/**
 * The producer's and the order-worker's webhook perimeter (outbound-guard.ts): `true` lets statusWebhookUrl
 * point at loopback and private networks, for local development only (`npm start` sets it).
 */
export const webhookEnv = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false', '1', '0'], 'must be true or false')
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
};

/** How long finished work is kept (the maintenance queue's retention task). */
export const retentionEnv = {
  SYNC_RUN_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  SYNC_RUNS_PER_STORE: z.coerce.number().int().positive().default(500),
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().positive().default(14),
};

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const simulatorEnv = {
  SIM_PORT: port.default(4010),
  SIM_ROWS: z.coerce.number().int().min(10).max(100_000).default(2000),
  SIM_SEED: z.coerce.number().int().default(1),
  /**
   * Invented behaviours of the simulator to switch on, comma-separated switch names (apps/flowhub-sim behaviour.ts),
   * e.g. `orderLifecycles,statusPostbacks,gatewayHtmlPages,tokenExpiry`. Default none.
   */
  SIM_BEHAVIOUR: z.string().default(''),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

type Shape = Record<string, z.ZodType>;

/** Parses `env` against the given pieces; throws a ConfigError with one line per wrong variable. */
export function loadEnv<S extends Shape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  // An empty string means "unset" in shells and compose files alike.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const missing = issue.code === 'invalid_type' && present[name] === undefined;
        return missing ? `${name} is required but not set` : `${name} ${issue.message}`;
      }),
    );
  }
  const parsed = result.data as Record<string, unknown>;
  if ('REDIS_URL' in shape && !parsed.REDIS_URL && !parsed.REDIS_CLUSTER_NODES) {
    throw new ConfigError(['REDIS_URL is required but not set (or set REDIS_CLUSTER_NODES)']);
  }
  return result.data;
}

/** loadEnv for a process entry point: a wrong environment stops the process with one line per variable. */
export function loadEnvOrExit<S extends Shape>(shape: S, processName: string): z.infer<z.ZodObject<S>> {
  try {
    return loadEnv(shape);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`${processName}: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}
