import { Pool } from 'pg';

/**
 * Plain SQL over node-postgres, for the paths that run for every order (create, confirm, push), the order view and the
 * inventory sync. Prisma costs about a third of a millisecond of CPU per statement on top of the round trip, and its
 * nested writes take several round trips where one statement with CTEs does the same work; see docs/PERFORMANCE.md.
 * Everything else stays on Prisma, on a pool of its own (createPrismaClient).
 *
 * The statements on this pool are named (`{ name, text, values }`): each connection parses one once. Its sessions also
 * plan each once: they run with `plan_cache_mode = force_generic_plan`, so PostgreSQL keeps one generic plan per named
 * statement instead of weighing, at every call, a plan made for the call's values. Left to choose, it planned the
 * order's create at every call (its plan for two lines looks cheaper than the plan for any lines), and planning that
 * statement cost as much as running it (docs/decisions.md 20). Every statement written for this pool is written to run
 * well whatever its values: it finds its rows through an index by the values it is given. A name belongs to one text.
 */
export type Sql = Pick<Pool, 'query'>;

export interface CreateSqlPoolOptions {
  /** Size of the connection pool (pg's default is 10). */
  max?: number;
  /** Told when an idle connection dies (PostgreSQL restarted, the connection was terminated); the pool replaces it. */
  onIdleError?: (error: Error) => void;
  /** How long a connection may sit idle before the pool closes it (pg's default: 10 s). */
  idleTimeoutMs?: number;
}

/** The sessions' setting that keeps one generic plan per named statement (see above). */
export const GENERIC_PLANS = '-c plan_cache_mode=force_generic_plan';

/** Pools made by createSqlPool: Prisma must not be given one (createPrismaClient), its statements are planned per call. */
const genericPlanPools = new WeakSet<Pool>();

export const plansGenerically = (pool: Pool): boolean => genericPlanPools.has(pool);

export function createSqlPool(databaseUrl: string, options: CreateSqlPoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: withGenericPlans(databaseUrl),
    ...(options.max === undefined ? {} : { max: options.max }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMillis: options.idleTimeoutMs }),
  });
  genericPlanPools.add(pool);
  // Without a listener, an idle connection's death would be an unhandled 'error' event: a crash.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/**
 * The connection string with GENERIC_PLANS added to its `options` (the server settings a session starts with): node-
 * postgres takes a connection string's `options` over the one it is given beside it, so an operator's own (a
 * statement_timeout, say) are kept and ours are added after them.
 */
export function withGenericPlans(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const given = url.searchParams.get('options')?.trim();
  url.searchParams.set('options', given ? `${given} ${GENERIC_PLANS}` : GENERIC_PLANS);
  return url.toString();
}
