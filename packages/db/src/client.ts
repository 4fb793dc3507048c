import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import { PrismaClient } from './generated/client';
import { plansGenerically } from './sql';

export interface CreatePrismaClientOptions {
  /** Size of the connection pool (pg's default is 10). */
  max?: number;
  /**
   * A pool of the caller's for Prisma to use (a read-only one, say); its owner ends it after `$disconnect()`. Not one of
   * createSqlPool's: their sessions keep one generic plan per statement, made for our named statements, where Prisma's
   * unnamed ones are planned for their values at every call (docs/decisions.md 20).
   */
  pool?: Pool;
  /** Told when an idle connection of its own pool dies (PostgreSQL restarted, the connection was terminated). */
  onIdleError?: (error: Error) => void;
  /** How long its own pool keeps an idle connection (pg's default: 10 s). */
  idleTimeoutMs?: number;
}

/**
 * The connection of the Prisma transaction being started in this async context (inSqlTransaction,
 * ./orders/transaction.ts): the first connection the adapter takes from the pool there is the transaction's own.
 */
export const transactionConnections = new AsyncLocalStorage<{ client?: PoolClient }>();

/**
 * The pool as Prisma's adapter sees it: the pool itself, except that a connection taken while inSqlTransaction starts
 * a transaction is noted, so that plain SQL (named statements) can run inside that very transaction.
 */
function notingTransactionConnections(pool: Pool): Pool {
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'connect') {
        return async (...args: unknown[]) => {
          if (args.length > 0) return (target.connect as (...rest: unknown[]) => unknown)(...args);
          const client = await target.connect();
          const slot = transactionConnections.getStore();
          if (slot && !slot.client) slot.client = client;
          return client;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A Prisma client over @prisma/adapter-pg (no native engine). One per process or per test: callers
 * own it and `$disconnect()` it; there is deliberately no global instance.
 */
export function createPrismaClient(databaseUrl: string, options: CreatePrismaClientOptions = {}): PrismaClient {
  if (options.pool && plansGenerically(options.pool)) {
    throw new TypeError("createPrismaClient: this pool is createSqlPool's, whose sessions plan generically; Prisma needs its own");
  }
  const adapter = options.pool
    ? new PrismaPg(notingTransactionConnections(options.pool), { onPoolError: options.onIdleError })
    : new PrismaPg(
        notingTransactionConnections(
          new Pool({
            connectionString: databaseUrl,
            ...(options.max === undefined ? {} : { max: options.max }),
            ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMillis: options.idleTimeoutMs }),
          }),
        ),
        { disposeExternalPool: true, onPoolError: options.onIdleError },
      );
  return new PrismaClient({ adapter });
}
