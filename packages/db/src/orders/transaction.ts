import type { PoolClient } from 'pg';
import { transactionConnections } from '../client';
import type { PrismaClient } from '../generated/client';
import type { Sql } from '../sql';
import type { Transaction } from './holds';

/**
 * Order transactions wait their turn for a connection and for the product rows they lock: a burst of orders
 * for one popular product queues on its row lock, so they get more patience than Prisma's defaults (2 s to
 * start, 5 s to run).
 */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 20_000 };
const ATTEMPTS = 3;

/** A deadlock (e.g. against a sync's bulk upsert, which locks products in feed order) or serialization failure. */
function retryable(error: unknown): boolean {
  const text = `${(error as { code?: unknown })?.code ?? ''} ${(error as Error)?.message ?? ''} ${safeJson((error as { meta?: unknown })?.meta)}`;
  return /40P01|40001|deadlock detected|could not serialize|P2034/.test(text);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Runs `work` (one transaction or one statement) again when PostgreSQL chose it as a deadlock victim. */
export async function retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= ATTEMPTS || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
    }
  }
}

/**
 * Runs `work` in one Prisma transaction and hands it, beside Prisma's `tx`, plain SQL (`sql`) on the transaction's own
 * connection: a named statement (../sql.ts) run through it is part of the transaction, so one statement has one path,
 * whether it runs on its own or with Prisma's writes around it. Needs a client made by createPrismaClient.
 */
export async function inSqlTransaction<T>(
  prisma: PrismaClient,
  work: (tx: Transaction, sql: Sql) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  const slot: { client?: PoolClient } = {};
  const sql: Sql = {
    query: ((...args: Parameters<PoolClient['query']>) => {
      // No connection: the transaction is over, or the client was not made by createPrismaClient.
      if (!slot.client) throw new Error('plain SQL of a Prisma transaction runs only inside it, on a client made by createPrismaClient');
      return (slot.client.query as (...rest: unknown[]) => unknown)(...args);
    }) as Sql['query'],
  };
  try {
    return await transactionConnections.run(slot, () => prisma.$transaction((tx) => work(tx, sql), options));
  } finally {
    slot.client = undefined; // back in the pool: never used from here again
  }
}

/** Runs `work` in one transaction; PostgreSQL rolls it back on any error, and a deadlock victim runs again. */
export async function inOrderTransaction<T>(prisma: PrismaClient, work: (tx: Transaction, sql: Sql) => Promise<T>): Promise<T> {
  return retryingDeadlocks(() => inSqlTransaction(prisma, work, TRANSACTION_OPTIONS));
}

/** Prisma's unique-constraint violation (P2002), e.g. a concurrent create of the same externalId. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === 'P2002' ||
    /23505|unique constraint/i.test(`${(error as Error)?.message ?? ''} ${safeJson((error as { meta?: unknown })?.meta)}`)
  );
}
