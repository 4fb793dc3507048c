// The sync run records the inventory sync writes for every sync (plain statements, not Prisma's model queries): what
// they write and return must be what Prisma reads.
import { randomUUID } from 'node:crypto';
import { databaseNow, type PrismaClient } from '../index';
import { createTestDatabase, type TestDatabase } from '../testing';
import { readCategoryMappingRows, replaceCategoryMappings } from '../category-mappings';
import { finishSyncRun, startSyncRun, stopSyncRun } from './sync-runs';
import { readStoreSyncSettings } from './sync-settings';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

const newStore = async () => (await prisma.store.create({ data: { id: `store-${randomUUID().slice(0, 8)}` } })).id;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
/** Starts a run as the sync does, and the run alone. */
const start = async (request: Parameters<typeof startSyncRun>[1]) => (await startSyncRun(db.sql, request)).run;

const counts = {
  fetched: 1001,
  kept: 990,
  created: 3,
  updated: 40,
  unchanged: 947,
  deactivated: 2,
  invalid: 4,
  uncategorized: 5,
  unknownTerpenes: 6,
  unknownStrainTypes: 7,
  unreadable: 8,
  packagesMerged: 9,
  repeatedRows: 10,
};

describe('sync runs', () => {
  it('startSyncRun creates a running run from the database clock and returns it as Prisma reads it', async () => {
    const storeId = await newStore();
    const before = await databaseNow(prisma);
    const { run, lastGood } = await startSyncRun(db.sql, { storeId, jobId: 'job-1', trigger: 'manual', acceptShrink: true });
    const after = await databaseNow(prisma);
    const stored = await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(run).toEqual(stored);
    expect(lastGood).toBeNull();
    expect(stored).toMatchObject({
      storeId,
      jobId: 'job-1',
      trigger: 'manual',
      status: 'running',
      acceptShrink: true,
      finishedAt: null,
      error: null,
      problems: [],
      kept: 0,
    });
    // The clock as databaseNow reads it (whole milliseconds): holds consumed before it are in the feed the sync reads.
    expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(run.startedAt.getTime()).toBeLessThanOrEqual(after.getTime());
    // Without a job, a run of its own every time (never one resumed).
    const first = await start({ storeId: await newStore(), trigger: 'scheduled', acceptShrink: false });
    expect(first).toEqual(await prisma.syncRun.findUniqueOrThrow({ where: { id: first.id } }));
    expect(first).toMatchObject({ jobId: null, trigger: 'scheduled', acceptShrink: false });
  });

  it('a job that runs again keeps its run; a run left running by another job is failed as interrupted', async () => {
    const storeId = await newStore();
    const left = await start({ storeId, jobId: 'dead-worker', trigger: 'scheduled', acceptShrink: false });
    const own = await start({ storeId, jobId: 'job-2', trigger: 'manual', acceptShrink: false });
    expect(own.id).not.toBe(left.id);
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: left.id } })).toMatchObject({
      status: 'failed',
      finishedAt: own.startedAt,
      error: 'interrupted: the worker running this sync stopped before it finished',
    });
    // The job is delayed (queued again), then runs again: the same run, running from the new start.
    await stopSyncRun(prisma, own.id, { status: 'queued', finishedAt: null, error: 'rate limited (the sync will run again)' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await start({ storeId, jobId: 'job-2', trigger: 'initial', acceptShrink: true });
    expect(again.id).toBe(own.id);
    expect(again).toEqual(await prisma.syncRun.findUniqueOrThrow({ where: { id: own.id } }));
    expect(again).toMatchObject({ status: 'running', trigger: 'initial', acceptShrink: true, error: null });
    expect(again.startedAt.getTime()).toBeGreaterThan(own.startedAt.getTime());
    expect(await prisma.syncRun.count({ where: { storeId } })).toBe(2);
    // A finished run of the job is not resumed: the job's next run is a new one.
    await finishSyncRun(db.sql, own.id, {
      status: 'succeeded',
      finishedAt: at(30),
      counts,
      error: null,
      problems: [],
      problemsTruncated: false,
      feedFingerprint: 'all',
    });
    const next = await startSyncRun(db.sql, { storeId, jobId: 'job-2', trigger: 'manual', acceptShrink: false });
    expect(next.run.id).not.toBe(own.id);
    // The finished run is the next one's last good run, what its shrink guard compares with.
    expect(next.lastGood).toEqual({ kept: counts.kept, unreadable: counts.unreadable, feedFingerprint: 'all', finishedAt: at(30) });
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: own.id } })).toMatchObject({ status: 'succeeded' });
  });

  it('finishSyncRun records every count, the problems and the fingerprint; a run that is gone is an error', async () => {
    const storeId = await newStore();
    const run = await start({ storeId, jobId: 'job-3', trigger: 'manual', acceptShrink: false });
    const problems = [
      { variantId: 'v-1', reason: 'category "Ünknown ☘" maps to nothing' },
      { variantId: null, reason: "row is not valid JSON (it's cut)" },
    ];
    const finished = await finishSyncRun(db.sql, run.id, {
      status: 'suspicious',
      finishedAt: at(5),
      counts,
      error: 'the feed shrank by 60%',
      problems,
      problemsTruncated: true,
      feedFingerprint: 'rooms:a,b',
    });
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toEqual({
      ...run,
      ...counts,
      status: 'suspicious',
      finishedAt: at(5),
      error: 'the feed shrank by 60%',
      problems,
      problemsTruncated: true,
      feedFingerprint: 'rooms:a,b',
    });
    // Nothing released without being asked; a store without a status webhook URL is not told of the run.
    expect(finished).toEqual({ releasedHolds: 0, announce: false });
    // A suspicious run is no last good run.
    expect((await startSyncRun(db.sql, { storeId, trigger: 'manual', acceptShrink: false })).lastGood).toBeNull();

    await prisma.syncRun.delete({ where: { id: run.id } });
    await expect(
      finishSyncRun(db.sql, run.id, {
        status: 'succeeded',
        finishedAt: at(6),
        counts,
        error: null,
        problems: [],
        problemsTruncated: false,
        feedFingerprint: 'all',
      }),
    ).rejects.toThrow(/not found/);
  });

  it('finishSyncRun says whether the store wants to hear of the run (a status webhook URL, as it is at the finish)', async () => {
    const storeId = await newStore();
    const finish = async () => {
      const { run } = await startSyncRun(db.sql, { storeId, trigger: 'manual', acceptShrink: false });
      const outcome = {
        status: 'succeeded',
        finishedAt: new Date(),
        counts,
        error: null,
        problems: [],
        problemsTruncated: false,
        feedFingerprint: 'all',
      } as const;
      return finishSyncRun(db.sql, run.id, outcome, { storeId, syncStartedAt: run.startedAt });
    };
    await expect(finish()).resolves.toEqual({ releasedHolds: 0, announce: false });
    await prisma.store.update({ where: { id: storeId }, data: { statusWebhookUrl: 'https://platform.example/hooks' } });
    await expect(finish()).resolves.toEqual({ releasedHolds: 0, announce: true });
  });
});

describe("the store's settings as a sync reads them", () => {
  it('are the stored settings, with the category mappings in the same order at every read; null for an unknown store', async () => {
    const storeId = await newStore();
    await prisma.store.update({
      where: { id: storeId },
      data: {
        enabled: true,
        clientId: 'client-1',
        apiKeyEncrypted: 'sealed',
        locationId: 'location-1',
        roomIds: ['room-b', 'room-a'],
        purchaseCategory: 'med',
        ownedFields: ['name', 'price'],
        mapCustomCategoryToSubCategory: true,
        pricesIncludeTax: true,
      },
    });
    const rows = [
      { flowhubValue: 'Pre Rolls', flowhubKey: 'prerolls', category: 'Pre-Rolls' },
      { flowhubValue: 'Carts', flowhubKey: 'carts', category: 'Vaporizers' },
      { flowhubValue: 'Gummies', flowhubKey: 'gummies', category: 'Edibles' },
    ];
    await replaceCategoryMappings(prisma, storeId, { useDefaults: false, rows });

    const settings = await readStoreSyncSettings(db.sql, storeId);
    const store = await prisma.store.findUniqueOrThrow({ where: { id: storeId } });
    expect(settings).toEqual({
      id: storeId,
      enabled: true,
      clientId: 'client-1',
      apiKeyEncrypted: 'sealed',
      locationId: 'location-1',
      roomIds: store.roomIds,
      purchaseCategory: 'med',
      ownedFields: store.ownedFields,
      mapCustomCategoryToSubCategory: true,
      pricesIncludeTax: true,
      categoryUseDefaults: false,
      // Saved together: by key.
      categoryMappings: [
        { flowhubValue: 'Carts', category: 'Vaporizers' },
        { flowhubValue: 'Gummies', category: 'Edibles' },
        { flowhubValue: 'Pre Rolls', category: 'Pre-Rolls' },
      ],
    });
    await expect(readStoreSyncSettings(db.sql, storeId)).resolves.toEqual(settings);
    // A check of the store's settings (packages/flowhub-check) reads them in the sync's order.
    await expect(readCategoryMappingRows(prisma, storeId)).resolves.toEqual(settings!.categoryMappings);

    // A mapping made later comes after those made before it.
    await prisma.categoryMapping.create({ data: { storeId, flowhubValue: 'Alpha', flowhubKey: 'alpha', category: 'Flower' } });
    expect((await readStoreSyncSettings(db.sql, storeId))?.categoryMappings.at(-1)).toEqual({ flowhubValue: 'Alpha', category: 'Flower' });

    const bare = await newStore();
    await expect(readStoreSyncSettings(db.sql, bare)).resolves.toMatchObject({ enabled: false, categoryMappings: [], roomIds: [] });
    await expect(readStoreSyncSettings(db.sql, 'no-such-store')).resolves.toBeNull();
  });
});
