import { Pool } from 'pg';

/**
 * Plain SQL over node-postgres, for the paths that run for every order (create, confirm, push) and the
 * order view. Prisma costs about a third of a millisecond of CPU per statement on top of the round trip,
 * and its nested writes take several round trips where one statement with CTEs does the same work; see
 * docs/PERFORMANCE.md. Everything else stays on Prisma. The same pool serves both (createPrismaClient's
 * `pool` option), so a process keeps one set of connections.
 *
 * The hot statements are named (`{ name, text, values }`): each connection parses them once, and after a few
 * runs PostgreSQL keeps a generic plan, where an unnamed statement is parsed and planned at every call
 * (planning the order statements cost PostgreSQL about as much as running them). A name belongs to one text.
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

export function createSqlPool(databaseUrl: string, options: CreateSqlPoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    ...(options.max === undefined ? {} : { max: options.max }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMillis: options.idleTimeoutMs }),
  });
  // Without a listener, an idle connection's death would be an unhandled 'error' event: a crash.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
