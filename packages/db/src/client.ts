import { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import { PrismaClient } from './generated/client';

export interface CreatePrismaClientOptions {
  /** Size of the connection pool (pg's default is 10). */
  max?: number;
  /** A pool to share with plain SQL (createSqlPool); its owner ends it after `$disconnect()`. */
  pool?: Pool;
}

/**
 * A Prisma client over @prisma/adapter-pg (no native engine). One per process or per test: callers
 * own it and `$disconnect()` it; there is deliberately no global instance.
 */
export function createPrismaClient(databaseUrl: string, options: CreatePrismaClientOptions = {}): PrismaClient {
  const adapter = options.pool
    ? new PrismaPg(options.pool)
    : new PrismaPg({ connectionString: databaseUrl, ...(options.max === undefined ? {} : { max: options.max }) });
  return new PrismaClient({ adapter });
}
