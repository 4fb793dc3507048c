// Test databases for every workspace's tests: each test file gets its own freshly migrated database,
// cloned from a template that is migrated once per migrations folder (its name carries a hash of the
// folder, so a new migration gives a new template).
import { createHash, randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { createPrismaClient } from '../client';
import type { PrismaClient } from '../generated/client';
import { createSqlPool } from '../sql';
import { readMigrations, migrateDatabase } from '../migrate';

export interface TestDatabase {
  /** Connection string of this test file's own database. */
  url: string;
  prisma: PrismaClient;
  /** Plain SQL on the same connections as `prisma`. */
  sql: Pool;
  /** Disconnects the client and drops the database. */
  drop(): Promise<void>;
}

/** Serialises template creation across Jest workers (advisory locks are per database: taken on the admin one). */
const TEMPLATE_LOCK_KEY = 0x666c6f77; // "flow"

const templates = new Map<string, Promise<string>>();

/** DATABASE_URL: the test PostgreSQL server's admin URL (a user that may CREATE DATABASE). */
export function databaseServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: tests need a PostgreSQL server where they may CREATE DATABASE');
  }
  return url;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdminClient<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The template database's name: a hash of the migrations folder's names and contents. */
export function templateDatabaseName(migrationsDir?: string): string {
  const hash = createHash('sha256');
  for (const migration of readMigrations(migrationsDir)) hash.update(`${migration.name}:${migration.checksum}\n`);
  return `flowhub_tpl_${hash.digest('hex').slice(0, 16)}`;
}

async function buildTemplate(serverUrl: string, migrationsDir?: string): Promise<string> {
  const template = templateDatabaseName(migrationsDir);
  return withAdminClient(serverUrl, async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const existing = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (existing.rowCount === 0) {
        // Built under another name and renamed when complete: a crashed run never leaves a
        // half-migrated template behind under the real name.
        const building = `${template}_building`;
        await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        await admin.query(`CREATE DATABASE "${building}"`);
        await migrateDatabase(withDatabase(serverUrl, building), { migrationsDir });
        await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      }
      return template;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
}

/**
 * A freshly migrated database of its own for the calling test file, on the DATABASE_URL server.
 * Call `drop()` in afterAll.
 */
export async function createTestDatabase(options: { migrationsDir?: string } = {}): Promise<TestDatabase> {
  const serverUrl = databaseServerUrl();
  const key = options.migrationsDir ?? '';
  let template = templates.get(key);
  if (!template) {
    template = buildTemplate(serverUrl, options.migrationsDir);
    templates.set(key, template);
    template.catch(() => templates.delete(key));
  }
  const name = `flowhub_test_${randomBytes(8).toString('hex')}`;
  const templateName = await template;
  await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`));
  const url = withDatabase(serverUrl, name);
  // As the apps make them: the named statements' pool and Prisma's own (packages/db/src/sql.ts).
  const sql = createSqlPool(url, { max: 4 });
  const prisma = createPrismaClient(url, { max: 4 });
  return {
    url,
    prisma,
    sql,
    async drop() {
      await prisma.$disconnect();
      await sql.end();
      await withAdminClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
