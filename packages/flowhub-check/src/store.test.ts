import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@flowhub-sync/config';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { normalizeMappingKey } from '@flowhub-sync/mapping';
import type { CheckReport } from './check';
import { openReadOnlyDatabase } from './targets';
import { API_KEY, catalogueFacts, check, OA_CLIENT_ID, OA_SECRET, SIM_LOCATIONS } from './testing/check-kit';

let sim: RunningSimulator;
let db: TestDatabase;
const oldKey = randomBytes(32).toString('base64');
const key = randomBytes(32).toString('base64');

beforeAll(async () => {
  sim = await startSimulator({ locations: SIM_LOCATIONS });
  db = await createTestDatabase();
  const sealed = createSecretBox(key);
  const sealedWithOldKey = createSecretBox(oldKey);
  const main = sim.state.location('loc-main')!;
  await db.prisma.store.createMany({
    data: [
      {
        id: 'store-main',
        enabled: true,
        syncOrders: true,
        clientId: 'client-7',
        apiKeyEncrypted: sealed.encrypt(API_KEY),
        locationId: 'loc-main',
        orderAheadClientId: OA_CLIENT_ID,
        orderAheadTokenEncrypted: sealed.encrypt(OA_SECRET),
      },
      {
        // One room, medical only, and a key from before a rotation.
        id: 'store-vault',
        clientId: 'client-7',
        apiKeyEncrypted: sealedWithOldKey.encrypt(API_KEY),
        locationId: 'loc-main',
        roomIds: [main.rooms.find((room) => room.roomName === 'Vault')!.roomId.toUpperCase()],
        purchaseCategory: 'med',
      },
      { id: 'store-unsaved', clientId: 'client-7' },
    ],
  });
});
afterAll(async () => {
  await Promise.all([sim?.close(), db?.drop()]);
});

const storeEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  FLOWHUB_API_URL: sim.url,
  FLOWHUB_AUTH_URL: sim.url,
  DATABASE_URL: db.url,
  ENCRYPTION_KEY: key,
  ENCRYPTION_KEYS_OLD: oldKey,
  // Ignored with --store: the store's own settings are checked.
  FLOWHUB_API_KEY: 'not-this-one-0123456789',
  ...extra,
});

async function snapshotOfDatabase() {
  const [stores, runs, products, mappings] = await Promise.all([
    db.prisma.store.findMany({ orderBy: { id: 'asc' } }),
    db.prisma.syncRun.count(),
    db.prisma.product.count(),
    db.prisma.categoryMapping.count(),
  ]);
  return { stores, runs, products, mappings };
}

describe('flowhub:check --store', () => {
  it('checks the settings saved for the store, its secrets opened with ENCRYPTION_KEY, and writes nothing', async () => {
    const before = await snapshotOfDatabase();
    const { status, out, last } = await check(['--store', 'store-main'], storeEnv());
    const expected = catalogueFacts(sim.state.location('loc-main')!);
    expect(last).toBe(`flowhub:check: ok, ${expected.rows} rows, ${expected.invalid} invalid`);
    expect(status).toBe(0);
    expect(out).toMatch(/Settings +store store-main \(integration enabled, syncs orders, 0 category mappings\)/);
    expect(out).toMatch(/Order Ahead token +ok:/);
    expect(out).toMatch(/The store's sync maps +\d+ variants/);
    for (const secret of [API_KEY, OA_SECRET, key, oldKey]) expect(out).not.toContain(secret);
    expect(out).not.toContain('v1:'); // nor a sealed secret
    expect(await snapshotOfDatabase()).toEqual(before);
  });

  it("applies the store's rooms, purchase category and Category Settings as its sync would (--store=<id> works too)", async () => {
    const uncategorized = async () => {
      const { out } = await check(['--store=store-vault', '--json'], storeEnv());
      return JSON.parse(out) as CheckReport;
    };
    const report = await uncategorized();
    const all = JSON.parse((await check(['--json', '--store', 'store-main'], storeEnv())).out) as CheckReport;
    const sync = report.inventory.facts!.sync;
    expect(report.ok).toBe(true);
    expect(report.settings).toMatchObject({
      source: 'store',
      storeId: 'store-vault',
      enabled: false,
      purchaseCategory: 'med',
      orderAheadClientId: null,
    });
    expect(report.orderAheadToken).toMatchObject({ status: 'skipped', reason: 'the store has no Order Ahead Client Id and Token' });
    expect(sync.outsideRooms).toBeGreaterThan(0);
    expect(sync.outsidePurchaseCategory).toBeGreaterThan(0);
    expect(sync.variants).toBeLessThan(all.inventory.facts!.sync.variants);
    // The same answer whatever the store: the facts of the rows do not depend on its filters.
    expect(report.inventory.facts!.rows).toBe(all.inventory.facts!.rows);

    // A Category Settings row for a value the check reported uncategorised takes it out of the list.
    const missed = all.inventory.facts!.sync.uncategorized;
    expect(missed.count).toBeGreaterThan(0);
    const value =
      /custom category "([^"]+)"/.exec(missed.examples[0].reason)?.[1] ?? /category "([^"]+)"/.exec(missed.examples[0].reason)![1];
    await db.prisma.categoryMapping.create({
      data: { storeId: 'store-main', flowhubValue: value, flowhubKey: normalizeMappingKey(value), category: 'Edibles' },
    });
    const mapped = JSON.parse((await check(['--json', '--store', 'store-main'], storeEnv())).out) as CheckReport;
    expect(mapped.settings.categoryMappings).toBe(1);
    expect(mapped.inventory.facts!.sync.uncategorized.count).toBeLessThan(missed.count);
  });

  it('reads the database on a session where PostgreSQL refuses writes', async () => {
    const { prisma, close } = openReadOnlyDatabase(db.url);
    try {
      expect(await prisma.store.count()).toBe(3);
      await expect(prisma.store.update({ where: { id: 'store-main' }, data: { enabled: false } })).rejects.toThrow(/read-only transaction/);
    } finally {
      await close();
    }
    expect((await db.prisma.store.findUniqueOrThrow({ where: { id: 'store-main' } })).enabled).toBe(true);
  });

  it('says which key is missing when a secret was sealed with a key no longer given', async () => {
    const { status, last } = await check(['--store', 'store-vault'], storeEnv({ ENCRYPTION_KEYS_OLD: '' }));
    expect(last).toMatch(
      /^flowhub:check: failed: store store-vault's API Key: cannot decrypt a stored secret: sealed with an unknown key \([0-9a-f]{8}\); is it missing from ENCRYPTION_KEYS_OLD\?$/,
    );
    expect(status).toBe(1);
  });

  it('fails for an unknown store, a store without credentials, and without DATABASE_URL or ENCRYPTION_KEY', async () => {
    expect((await check(['--store', 'store-nope'], storeEnv())).last).toBe(
      'flowhub:check: failed: store store-nope is not in the database (no Flowhub settings were ever saved for it)',
    );
    expect((await check(['--store', 'store-unsaved'], storeEnv())).last).toBe(
      "flowhub:check: failed: store store-unsaved's Flowhub settings lack apiKey, locationId: save them first",
    );
    const { DATABASE_URL: _url, ENCRYPTION_KEY: _key, ...without } = storeEnv();
    const missing = await check(['--store', 'store-main'], without);
    expect(missing.last).toBe('flowhub:check: failed: DATABASE_URL is required but not set; ENCRYPTION_KEY is required but not set');
    expect(missing.status).toBe(1);
  });
});
