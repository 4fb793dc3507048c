'use strict';
// Applies prisma/migrations to a PostgreSQL database the way `prisma migrate deploy` does, without
// Prisma's native engine (which cannot be downloaded here). It keeps Prisma's bookkeeping exactly:
// the same `_prisma_migrations` table and rows, and the same advisory lock key, so this runner and a
// real `prisma migrate deploy` can take turns on one database.
//
// Plain JavaScript on purpose: `npm run db:migrate` must work from a fresh clone with no build.
// Types: migration-runner.d.cts beside this file.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const pg = require('pg');

/** Prisma's own key (schema-engine, PostgreSQL connector): both runners exclude each other. */
const ADVISORY_LOCK_KEY = 72707369;

const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../prisma/migrations');

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

class MigrationError extends Error {
  /** @param {string} message @param {string} [migrationName] */
  constructor(message, migrationName) {
    super(message);
    this.name = 'MigrationError';
    this.migrationName = migrationName;
  }
}

const silentLogger = { info() {}, warn() {} };

/** Lowercase hex SHA-256 of the file's bytes, as Prisma stores it. */
function checksumOf(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** The migrations folder, oldest first: `<timestamp>_<name>/migration.sql` directories. */
function readMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR) {
  if (!fs.existsSync(migrationsDir)) {
    throw new MigrationError(`migrations folder not found: ${migrationsDir}`);
  }
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  if (fs.existsSync(lockPath)) {
    const provider = /provider\s*=\s*"([^"]+)"/.exec(fs.readFileSync(lockPath, 'utf8'));
    if (provider && provider[1] !== 'postgresql') {
      throw new MigrationError(`migration_lock.toml names provider "${provider[1]}", expected "postgresql"`);
    }
  }
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!fs.existsSync(file)) throw new MigrationError(`migration ${name} has no migration.sql`, name);
      const bytes = fs.readFileSync(file);
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    });
}

/** Prisma compares checksums with Windows line endings normalised; so do we. */
function sameScript(migration, storedChecksum) {
  if (migration.checksum === storedChecksum) return true;
  return checksumOf(Buffer.from(migration.sql.replace(/\r\n/g, '\n'), 'utf8')) === storedChecksum;
}

function describeDatabaseError(error) {
  const parts = [];
  if (error && error.code) parts.push(`Database error code: ${error.code}`);
  parts.push(`Database error:\n${error && error.message ? error.message : String(error)}`);
  if (error && error.position) parts.push(`Position: ${error.position}`);
  return parts.join('\n\n');
}

/** Rejects URLs that are not PostgreSQL, without echoing them (they may carry a password). */
function assertPostgresUrl(databaseUrl) {
  let protocol;
  try {
    protocol = new URL(databaseUrl).protocol;
  } catch {
    throw new MigrationError('DATABASE_URL is not a valid URL');
  }
  if (protocol !== 'postgresql:' && protocol !== 'postgres:') {
    throw new MigrationError('DATABASE_URL must be a postgresql:// connection string');
  }
}

async function withMigrationLock(databaseUrl, logger, work) {
  assertPostgresUrl(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'flowhub-sync-migrate' });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS locked', [ADVISORY_LOCK_KEY]);
    if (!rows[0].locked) {
      logger.info('another process is migrating this database; waiting for it to finish');
      await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    }
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/**
 * Applies every migration of the folder that the database has not applied yet, in name order, each
 * in its own transaction. Stops at the first failure and leaves it recorded as failed, which blocks
 * later runs until it is resolved (`markMigrationRolledBack`), as Prisma does.
 */
async function runMigrations(databaseUrl, options = {}) {
  const logger = options.logger || silentLogger;
  const migrations = readMigrations(options.migrationsDir);
  return withMigrationLock(databaseUrl, logger, async (client) => {
    const { rows } = await client.query(
      `SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs
         FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed.length > 0) {
      const first = failed[0];
      throw new MigrationError(
        `migration ${first.migration_name} failed (started ${first.started_at.toISOString()}) and blocks ` +
          'the migrations after it. Fix the database by hand if it kept part of the change, then mark ' +
          `it rolled back (npm run db:migrate -- --rolled-back ${first.migration_name}) and migrate again.` +
          (first.logs ? `\n${first.logs}` : ''),
        first.migration_name,
      );
    }
    const applied = new Map(
      rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]),
    );
    const local = new Set(migrations.map((migration) => migration.name));
    for (const name of applied.keys()) {
      if (!local.has(name)) logger.warn({ migration: name }, 'the database has a migration that the migrations folder lacks');
    }

    const appliedNow = [];
    for (const migration of migrations) {
      const done = applied.get(migration.name);
      if (done) {
        if (!sameScript(migration, done.checksum)) {
          logger.warn({ migration: migration.name }, 'migration.sql was modified after it was applied');
        }
        continue;
      }
      const id = crypto.randomUUID();
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      logger.info({ migration: migration.name }, 'applying migration');
      try {
        // One query string without parameters runs as one implicit transaction in PostgreSQL:
        // a failing migration leaves none of its statements behind (what Prisma relies on too).
        await client.query(migration.sql);
      } catch (error) {
        const logs = `Migration name: ${migration.name}\n\n${describeDatabaseError(error)}`;
        await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, logs]);
        throw new MigrationError(
          `migration ${migration.name} failed; later migrations were not applied.\n${describeDatabaseError(error)}`,
          migration.name,
        );
      }
      await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
      appliedNow.push(migration.name);
    }
    return { applied: appliedNow };
  });
}

/** `prisma migrate resolve --rolled-back <name>`: a failed migration stops blocking the others. */
async function markMigrationRolledBack(databaseUrl, migrationName, options = {}) {
  const logger = options.logger || silentLogger;
  return withMigrationLock(databaseUrl, logger, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now()
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [migrationName],
    );
    if (rowCount === 0) {
      throw new MigrationError(`migration ${migrationName} is not in a failed state; nothing to roll back`, migrationName);
    }
  });
}

module.exports = {
  ADVISORY_LOCK_KEY,
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  checksumOf,
  markMigrationRolledBack,
  readMigrations,
  runMigrations,
};
