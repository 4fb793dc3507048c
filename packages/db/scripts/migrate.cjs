#!/usr/bin/env node
'use strict';
// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
// `npm run db:migrate -- --rolled-back <name>`: marks a failed migration rolled back (after fixing
// the database by hand), like `prisma migrate resolve --rolled-back`.
// `--migrations <dir>` applies another migrations folder (tests).
const { MigrationError, markMigrationRolledBack, runMigrations } = require('./migration-runner.cjs');

// Pino-like signature (fields, message) so the runner can take a real pino logger elsewhere.
const line = (fieldsOrMessage, message) =>
  typeof fieldsOrMessage === 'string' ? fieldsOrMessage : `${message} (${Object.values(fieldsOrMessage).join(', ')})`;
const logger = {
  info: (fields, message) => process.stdout.write(`${line(fields, message)}\n`),
  warn: (fields, message) => process.stderr.write(`warning: ${line(fields, message)}\n`),
};

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new MigrationError('DATABASE_URL is not set');
  const args = process.argv.slice(2);
  const folder = args.indexOf('--migrations');
  const migrationsDir = folder === -1 ? undefined : args[folder + 1];
  if (folder !== -1 && !migrationsDir) throw new MigrationError('--migrations needs a folder');
  const rollBack = args.indexOf('--rolled-back');
  if (rollBack !== -1) {
    const name = args[rollBack + 1];
    if (!name) throw new MigrationError('--rolled-back needs the migration name');
    await markMigrationRolledBack(databaseUrl, name, { logger, migrationsDir });
    logger.info(`marked ${name} rolled back`);
    return;
  }
  const { applied } = await runMigrations(databaseUrl, { logger, migrationsDir });
  logger.info(applied.length === 0 ? 'no pending migrations' : `applied ${applied.length} migration(s): ${applied.join(', ')}`);
}

main().catch((error) => {
  // pg's connection errors never include the password; ours never include the URL.
  process.stderr.write(`db:migrate failed: ${error && error.message ? error.message : String(error)}\n`);
  process.exit(1);
});
