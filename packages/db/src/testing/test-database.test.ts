import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, databaseServerUrl, templateDatabaseName, type TestDatabase } from './index';

const serverUrl = databaseServerUrl();
const tempDirs: string[] = [];
const templatesToDrop: string[] = [];

async function databasesNamed(pattern: string): Promise<string[]> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [pattern]);
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

function migrationsFolder(sql: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowhub-template-'));
  tempDirs.push(dir);
  fs.mkdirSync(path.join(dir, '20240101000000_only'));
  fs.writeFileSync(path.join(dir, '20240101000000_only', 'migration.sql'), sql);
  return dir;
}

afterAll(async () => {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  for (const name of templatesToDrop) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('createTestDatabase', () => {
  it('gives each caller its own migrated database, and drop() removes it', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    try {
      expect(first.url).not.toBe(second.url);
      await first.prisma.store.create({ data: { id: 'only-in-first' } });
      expect(await first.prisma.store.count()).toBe(1);
      expect(await second.prisma.store.count()).toBe(0);
    } finally {
      await second.drop();
    }
    const secondName = new URL(second.url).pathname.slice(1);
    expect(await databasesNamed(secondName)).toEqual([]);
    await first.drop();
  });

  it('clones one template per migrations folder content, built once even when asked for concurrently', async () => {
    const table = `t_${randomBytes(4).toString('hex')}`;
    const sql = `CREATE TABLE ${table} (id int);`;
    // Two folders with identical content share a template name but not the in-process cache, so
    // both calls really race to build it: the advisory lock must make one wait for the other.
    const databases: TestDatabase[] = await Promise.all([
      createTestDatabase({ migrationsDir: migrationsFolder(sql) }),
      createTestDatabase({ migrationsDir: migrationsFolder(sql) }),
    ]);
    try {
      for (const database of databases) {
        const tables = await database.prisma.$queryRawUnsafe<{ exists: boolean }[]>(`SELECT to_regclass('${table}') IS NOT NULL AS exists`);
        expect(tables[0].exists).toBe(true);
      }
      const template = templateDatabaseName(tempDirs[tempDirs.length - 1]);
      templatesToDrop.push(template);
      expect(await databasesNamed(template)).toEqual([template]);
      expect(await databasesNamed(`${template}_building`)).toEqual([]);
    } finally {
      for (const database of databases) await database.drop();
    }
  });
});
