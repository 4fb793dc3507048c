// The committed migrations, applied by our runner, must give exactly the database schema.prisma
// describes. These tests drive scripts/schema-engine.mjs (Prisma's schema engine in WebAssembly) as
// developers and CI do: as a separate Node process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from './index';
import { databaseServerUrl } from './testing';

const run = promisify(execFile);
const engineScript = path.join(__dirname, '..', 'scripts', 'schema-engine.mjs');
const schemaPath = path.resolve(DEFAULT_MIGRATIONS_DIR, '..', 'schema.prisma');
const env = { ...process.env, DATABASE_URL: databaseServerUrl() };
let tempDir: string;

const engine = (...args: string[]) => run(process.execPath, [engineScript, ...args], { env });

/** schema.prisma with one more column on OrderEvent: a change no migration carries. */
function driftedSchema(): string {
  const schema = fs.readFileSync(schemaPath, 'utf8');
  const drifted = schema.replace(/(model OrderEvent \{\n)/, '$1  operatorNote String? @map("operator_note")\n');
  expect(drifted).not.toBe(schema);
  const file = path.join(tempDir, 'drifted.prisma');
  fs.writeFileSync(file, drifted);
  return file;
}

beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowhub-drift-'));
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

describe('drift check (npm run migration:check -w @flowhub-sync/db)', () => {
  it('finds no drift between the committed migrations and schema.prisma', async () => {
    const { stdout } = await engine('check');
    expect(stdout).toContain('no drift');
  });

  it('fails on a schema that the migrations do not produce, naming the difference', async () => {
    const failure = engine('check', '--schema', driftedSchema());
    await expect(failure).rejects.toMatchObject({ code: 1 });
    const { stderr } = await failure.catch((error: { stderr: string }) => error);
    expect(stderr).toContain('drift: the migrations do not produce the database that schema.prisma describes');
    expect(stderr).toContain('Added column `operator_note`');
    expect(stderr).toContain('ALTER TABLE "order_events" ADD COLUMN     "operator_note" TEXT;');
  });
});

describe('authoring (npm run db:migration:create -- <name>)', () => {
  function copyOfMigrations(): string {
    const dir = path.join(tempDir, `migrations-${Date.now()}`);
    fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  it('writes the migration that brings the migrations folder to the changed schema, after which there is no drift', async () => {
    const migrationsDir = copyOfMigrations();
    const schema = driftedSchema();
    const before = new Set(fs.readdirSync(migrationsDir));

    const { stdout } = await engine('create', 'Add operator note', '--schema', schema, '--migrations', migrationsDir);

    const added = fs.readdirSync(migrationsDir).filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^\d{14}_add_operator_note$/);
    expect(stdout).toContain(`created`);
    const sql = fs.readFileSync(path.join(migrationsDir, added[0], 'migration.sql'), 'utf8');
    expect(sql).toContain('ALTER TABLE "order_events" ADD COLUMN     "operator_note" TEXT;');
    await expect(engine('check', '--schema', schema, '--migrations', migrationsDir)).resolves.toMatchObject({
      stdout: expect.stringContaining('no drift'),
    });
  });

  it('creates nothing when the schema has not changed', async () => {
    const migrationsDir = copyOfMigrations();
    const before = fs.readdirSync(migrationsDir);

    const { stdout } = await engine('create', 'nothing', '--migrations', migrationsDir);

    expect(stdout).toContain('no migration created');
    expect(fs.readdirSync(migrationsDir)).toEqual(before);
  });

  it('refuses a name without letters or digits', async () => {
    await expect(engine('create', '!!!')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give the migration a name of letters, digits or underscores'),
    });
  });
});

describe("Prisma's engine reading what npm run db:migrate wrote (what prisma migrate status/deploy would see)", () => {
  const databases: string[] = [];
  const serverUrl = databaseServerUrl();

  async function admin(sql: string) {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  }

  async function emptyDatabase(): Promise<string> {
    const name = `flowhub_status_test_${Date.now()}_${databases.length}`;
    await admin(`CREATE DATABASE "${name}"`);
    databases.push(name);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  const status = (url: string, ...args: string[]) =>
    run(process.execPath, [engineScript, 'status', ...args], { env: { ...process.env, DATABASE_URL: url } });

  afterAll(async () => {
    for (const name of databases) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('finds the history up to date after our runner applied the committed migrations', async () => {
    const url = await emptyDatabase();
    await expect(status(url)).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('not yet applied') });

    await migrateDatabase(url);

    await expect(status(url)).resolves.toMatchObject({
      stdout: 'Prisma schema engine: the database is up to date with the migrations folder\n',
    });
  });

  it('sees a migration our runner recorded as failed as failed, and an edited one as edited', async () => {
    const url = await emptyDatabase();
    const migrationsDir = path.join(tempDir, `status-${Date.now()}`);
    const write = (name: string, sql: string) => {
      fs.mkdirSync(path.join(migrationsDir, name), { recursive: true });
      fs.writeFileSync(path.join(migrationsDir, name, 'migration.sql'), sql);
    };
    write('20240101000000_one', 'CREATE TABLE one (id int);');
    write('20240102000000_broken', 'CREATE TABLE two (id int;');
    await expect(migrateDatabase(url, { migrationsDir })).rejects.toThrow(/20240102000000_broken failed/);
    write('20240101000000_one', 'CREATE TABLE one (id bigint);');

    const failure = status(url, '--migrations', migrationsDir);
    await expect(failure).rejects.toMatchObject({ code: 1 });
    const { stdout } = await failure.catch((error: { stdout: string }) => error);
    expect(stdout).toContain('failed: 20240102000000_broken');
    expect(stdout).toContain('modified after it was applied: 20240101000000_one');
  });
});
