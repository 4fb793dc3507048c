import type { Sql } from './sql';

/**
 * Readiness: whether PostgreSQL answers a round trip on the process's pool (the one Prisma shares), within the pool's
 * own wait for a connection. False rather than an error: a readiness probe reports it, it does not fail.
 */
export async function pingDatabase(sql: Sql): Promise<boolean> {
  try {
    await sql.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
