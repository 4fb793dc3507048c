import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { waitFor } from '@flowhub-sync/testing';
import { DEFAULT_MIGRATIONS_DIR, MigrationError, markMigrationRolledBack, migrateDatabase } from './index';
import { ADVISORY_LOCK_KEY } from '../scripts/migration-runner.cjs';
import { databaseServerUrl } from './testing';

const run = promisify(execFile);
const serverUrl = databaseServerUrl();
const migrateCli = path.join(__dirname, '..', 'scripts', 'migrate.cjs');
const created: string[] = [];
const tempDirs: string[] = [];

function urlOf(database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function emptyDatabase(): Promise<string> {
  const name = `flowhub_migrate_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  created.push(name);
  return urlOf(name);
}

async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A migrations folder of our own: given name → SQL, plus Prisma's lock file. */
function migrationsFolder(migrations: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowhub-migrations-'));
  tempDirs.push(dir);
  fs.writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  for (const [name, sql] of Object.entries(migrations)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const rows = await query<{ exists: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  return rows[0].exists;
}

afterAll(async () => {
  for (const name of created) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrateDatabase', () => {
  it('applies every committed migration to an empty database and records them as Prisma does', async () => {
    const url = await emptyDatabase();
    const committed = fs
      .readdirSync(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();

    const { applied } = await migrateDatabase(url);

    expect(applied).toEqual(committed);
    expect(await tableExists(url, 'products')).toBe(true);
    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      started_at: Date;
      rolled_back_at: Date | null;
      logs: string | null;
      applied_steps_count: number;
    }>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows.map((row) => row.migration_name)).toEqual(committed);
    for (const row of rows) {
      const bytes = fs.readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('is idempotent: a second run applies nothing and adds no rows', async () => {
    const url = await emptyDatabase();
    await migrateDatabase(url);

    await expect(migrateDatabase(url)).resolves.toEqual({ applied: [] });
    const rows = await query(url, 'SELECT 1 FROM "_prisma_migrations"');
    expect(rows).toHaveLength(fs.readdirSync(DEFAULT_MIGRATIONS_DIR).filter((name) => !name.endsWith('.toml')).length);
  });

  it('applies only the migrations added since the last run', async () => {
    const url = await emptyDatabase();
    const first = { '20240101000000_one': 'CREATE TABLE one (id int);' };
    await migrateDatabase(url, { migrationsDir: migrationsFolder(first) });

    const both = migrationsFolder({ ...first, '20240102000000_two': 'CREATE TABLE two (id int);' });
    await expect(migrateDatabase(url, { migrationsDir: both })).resolves.toEqual({ applied: ['20240102000000_two'] });
    expect(await tableExists(url, 'two')).toBe(true);
  });

  it('stops at a failing migration, keeps none of its statements, records it failed and blocks later runs', async () => {
    const url = await emptyDatabase();
    const dir = migrationsFolder({
      '20240101000000_good': 'CREATE TABLE good (id int);',
      '20240102000000_bad': 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;',
      '20240103000000_later': 'CREATE TABLE later (id int);',
    });

    const failure = migrateDatabase(url, { migrationsDir: dir });
    await expect(failure).rejects.toThrow(MigrationError);
    await expect(failure).rejects.toThrow(/20240102000000_bad failed.*\n[\s\S]*no_such_table/);

    expect(await tableExists(url, 'good')).toBe(true);
    expect(await tableExists(url, 'half_done')).toBe(false);
    expect(await tableExists(url, 'later')).toBe(false);
    const [bad] = await query<{ finished_at: Date | null; logs: string; applied_steps_count: number }>(
      url,
      `SELECT finished_at, logs, applied_steps_count FROM "_prisma_migrations" WHERE migration_name = '20240102000000_bad'`,
    );
    expect(bad.finished_at).toBeNull();
    expect(bad.applied_steps_count).toBe(0);
    expect(bad.logs).toContain('42P01'); // undefined_table

    // A later run refuses to go on while the failure stands, even if the file was fixed meanwhile.
    fs.writeFileSync(path.join(dir, '20240102000000_bad', 'migration.sql'), 'CREATE TABLE fixed (id int);');
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      /20240102000000_bad failed .* blocks the migrations after it/,
    );
    expect(await tableExists(url, 'later')).toBe(false);

    // Resolving it (as `prisma migrate resolve --rolled-back` does) lets the fixed migration and the rest run.
    await markMigrationRolledBack(url, '20240102000000_bad', { migrationsDir: dir });
    await expect(migrateDatabase(url, { migrationsDir: dir })).resolves.toEqual({
      applied: ['20240102000000_bad', '20240103000000_later'],
    });
    expect(await tableExists(url, 'fixed')).toBe(true);
  });

  it('refuses to mark a migration rolled back that has not failed', async () => {
    const url = await emptyDatabase();
    const dir = migrationsFolder({ '20240101000000_good': 'CREATE TABLE good (id int);' });
    await migrateDatabase(url, { migrationsDir: dir });

    await expect(markMigrationRolledBack(url, '20240101000000_good', { migrationsDir: dir })).rejects.toThrow(/not in a failed state/);
  });

  it('warns when an applied migration was edited afterwards, and does not run it again', async () => {
    const url = await emptyDatabase();
    const dir = migrationsFolder({ '20240101000000_one': 'CREATE TABLE one (id int);' });
    await migrateDatabase(url, { migrationsDir: dir });
    fs.writeFileSync(path.join(dir, '20240101000000_one', 'migration.sql'), 'CREATE TABLE one (id bigint);');
    const warn = jest.fn();

    await expect(migrateDatabase(url, { migrationsDir: dir, logger: { info: () => {}, warn } })).resolves.toEqual({
      applied: [],
    });
    expect(warn).toHaveBeenCalledWith({ migration: '20240101000000_one' }, 'migration.sql was modified after it was applied');
  });

  it('gives a clear error for a URL that is not PostgreSQL, without echoing it', async () => {
    await expect(migrateDatabase('mysql://root:hunter2@localhost/db')).rejects.toThrow(
      'DATABASE_URL must be a postgresql:// connection string',
    );
    await expect(migrateDatabase('not a url')).rejects.toThrow('DATABASE_URL is not a valid URL');
  });
});

describe('the committed migrations on data written by earlier versions', () => {
  /** A database migrated up to, not including, the committed migration whose name ends with `name`. */
  async function migratedUpTo(name: string): Promise<string> {
    const committed = fs
      .readdirSync(DEFAULT_MIGRATIONS_DIR)
      .filter((entry) => /^\d{14}_/.test(entry))
      .sort();
    const index = committed.findIndex((entry) => entry.endsWith(`_${name}`));
    expect(index).toBeGreaterThan(0);
    const sqlOf = (entry: string) => fs.readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, entry, 'migration.sql'), 'utf8');
    const earlier = committed.slice(0, index).map((entry) => [entry, sqlOf(entry)]);
    const url = await emptyDatabase();
    await migrateDatabase(url, { migrationsDir: migrationsFolder(Object.fromEntries(earlier)) });
    return url;
  }

  it("hold_released_event_name: an old order's holds_released events become hold_released, nothing else changes", async () => {
    const url = await migratedUpTo('hold_released_event_name');
    await query(url, "INSERT INTO stores (id) VALUES ('old-store')");
    const [{ id: orderId }] = await query<{ id: string }>(
      url,
      'INSERT INTO orders (store_id, external_id, type, customer, content_hash) ' +
        "VALUES ('old-store', 'OLD-1', 'pickup', '{}', 'h') RETURNING id",
    );
    const holds = { holds: [{ variantId: 'v-1', quantity: 2 }] };
    const old = [
      ['fulfilled', 'operator'],
      ['holds_released', 'Maui handles the stock of a pushed order'],
      ['hold_released', 'cancelled'],
    ];
    for (const [event, cause] of old) {
      const insert = 'INSERT INTO order_events (order_id, event, cause, details) VALUES ($1, $2, $3, $4)';
      await query(url, insert, [orderId, event, cause, holds]);
    }

    await migrateDatabase(url);

    const events = await query<{ event: string; cause: string; details: unknown }>(
      url,
      'SELECT event, cause, details FROM order_events ORDER BY cause COLLATE "C"',
    );
    expect(events).toEqual([
      { event: 'hold_released', cause: 'Maui handles the stock of a pushed order', details: holds },
      { event: 'hold_released', cause: 'cancelled', details: holds },
      { event: 'fulfilled', cause: 'operator', details: holds },
    ]);
  });
});

describe('npm run db:migrate (scripts/migrate.cjs)', () => {
  const cli = (url: string, ...args: string[]) =>
    run(process.execPath, [migrateCli, ...args], { env: { ...process.env, DATABASE_URL: url } });

  it('lets exactly one of two simultaneous processes apply; the other waits, then finds nothing to do', async () => {
    const url = await emptyDatabase();
    // A slow migration makes the two runs overlap for certain (the second process must start, even on a loaded machine,
    // while the first sleeps).
    const dir = migrationsFolder({
      '20240101000000_one': 'CREATE TABLE one (id int);',
      '20240102000000_slow': 'SELECT pg_sleep(4);\nCREATE TABLE slow (id int);',
    });

    const first = cli(url, '--migrations', dir);
    // Start the second once the first holds the lock (it sleeps inside the slow migration).
    await waitFor(async () => (await query(url, MIGRATION_LOCK_HELD, [ADVISORY_LOCK_KEY])).length > 0, {
      intervalMs: 20,
      what: 'the migration lock',
    });
    const second = cli(url, '--migrations', dir);
    const outputs = await Promise.all([first, second]);

    const [applier, waiter] = outputs;
    expect(applier.stdout).toContain('applied 2 migration(s): 20240101000000_one, 20240102000000_slow');
    expect(waiter.stdout).toContain('another process is migrating this database; waiting for it to finish');
    expect(waiter.stdout).toContain('no pending migrations');
    const rows = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM "_prisma_migrations"');
    expect(rows.map((row) => row.migration_name).sort()).toEqual(['20240101000000_one', '20240102000000_slow']);
  });

  it('exits non-zero with the failing migration named', async () => {
    const url = await emptyDatabase();
    const dir = migrationsFolder({ '20240101000000_broken': 'CREATE TABLE x (id int;' });

    const failure = cli(url, '--migrations', dir);
    await expect(failure).rejects.toMatchObject({ code: 1 });
    await expect(failure).rejects.toMatchObject({
      stderr: expect.stringContaining('db:migrate failed: migration 20240101000000_broken failed'),
    });
  });

  it('says that DATABASE_URL is missing', async () => {
    const failure = run(process.execPath, [migrateCli], { env: { ...process.env, DATABASE_URL: '' } });
    await expect(failure).rejects.toMatchObject({ code: 1, stderr: 'db:migrate failed: DATABASE_URL is not set\n' });
  });
});

// pg_locks spans the cluster: look for Prisma's key in this database only.
const MIGRATION_LOCK_HELD = `SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND objid = $1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
