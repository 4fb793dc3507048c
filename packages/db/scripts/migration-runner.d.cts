/** Pino-compatible: `logger.info(fields, message)` or `logger.info(message)`. */
export interface MigrationLogger {
  info(fieldsOrMessage: object | string, message?: string): void;
  warn(fieldsOrMessage: object | string, message?: string): void;
}

export interface MigrationOptions {
  /** Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  logger?: MigrationLogger;
}

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export declare const ADVISORY_LOCK_KEY: number;
export declare const DEFAULT_MIGRATIONS_DIR: string;

export declare class MigrationError extends Error {
  constructor(message: string, migrationName?: string);
  readonly migrationName: string | undefined;
}

export declare function checksumOf(bytes: Buffer | Uint8Array): string;
export declare function readMigrations(migrationsDir?: string): LocalMigration[];
export declare function runMigrations(databaseUrl: string, options?: MigrationOptions): Promise<{ applied: string[] }>;
export declare function markMigrationRolledBack(
  databaseUrl: string,
  migrationName: string,
  options?: MigrationOptions,
): Promise<void>;
