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

/** What each session of the pool runs once, before its first statement: one generic plan per named statement (above). */
const GENERIC_PLANS = 'SET plan_cache_mode = force_generic_plan';

/** Pools made by createSqlPool: Prisma must not be given one (createPrismaClient), its statements are planned per call. */
const genericPlanPools = new WeakSet<Pool>();

export const plansGenerically = (pool: Pool): boolean => genericPlanPools.has(pool);

export function createSqlPool(databaseUrl: string, options: CreateSqlPoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    ...(options.max === undefined ? {} : { max: options.max }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMillis: options.idleTimeoutMs }),
    // A statement of its own on each new connection (not a startup parameter, which connection poolers such as
    // PgBouncer refuse unless told to ignore it); the pool hands the connection out once it has run, and a connection
    // on which it failed is closed, failing the statement that waited for it.
    onConnect: async (client) => {
      await client.query(GENERIC_PLANS);
    },
  });
  genericPlanPools.add(pool);
  // Without a listener, an idle connection's death would be an unhandled 'error' event: a crash.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
