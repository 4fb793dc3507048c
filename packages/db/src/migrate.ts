// The runner is plain JavaScript in scripts/ so that `npm run db:migrate` works without a build;
// this module gives it a typed home in the package's API.
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  markMigrationRolledBack,
  readMigrations,
  runMigrations,
  type MigrationLogger,
  type MigrationOptions,
} from '../scripts/migration-runner.cjs';

export { DEFAULT_MIGRATIONS_DIR, MigrationError, markMigrationRolledBack, readMigrations };
export type { MigrationLogger, MigrationOptions };

/**
 * Applies pending migrations of prisma/migrations to the database, as `prisma migrate deploy` would
 * (same `_prisma_migrations` bookkeeping, same advisory lock). Safe to run from several processes at
 * once: one applies, the others wait and then find nothing to do. A failed migration throws
 * MigrationError and blocks later runs until it is marked rolled back.
 */
export function migrateDatabase(databaseUrl: string, options: MigrationOptions = {}): Promise<{ applied: string[] }> {
  return runMigrations(databaseUrl, options);
}
