// The feed memo: a re-sync parses and maps only the rows that changed, and its menu is always the menu a sync without
// the memo makes. Each step syncs two stores on the same location and settings: one through a memo, its twin through
// none; their menus, counts and reported problems must be the same after every step.
import type { SyncStatement } from '@flowhub-sync/db';
import type { FlowhubInventoryRow } from '@flowhub-sync/flowhub-client';
import { rowDigest } from '@flowhub-sync/flowhub-client';
import { OWNED_FIELDS } from '@flowhub-sync/mapping';
import { FeedMemo } from './feed-memo';
import { syncStore, type SyncOutcome } from './sync-store';
import { enableStore, startSyncTestbed, type StoreSettings, type SyncTestbed } from './testing/sync-testbed';

let bed: SyncTestbed;
const memo = new FeedMemo();
const REMEMBERING = 'remembering';
const FORGETTING = 'forgetting';

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 300, seed: 21 });
  // A location whose variants are spread over rooms and packages: a product made of several rows.
  bed.sim.state.addLocation({
    locationId: 'packs',
    clientId: 'demo-client',
    key: 'demo-key',
    rows: 200,
    seed: 5,
    rooms: 3,
    severalPackages: true,
  });
});
afterAll(() => bed.close());

type Succeeded = Extract<SyncOutcome, { runId: string }>;

async function sync(storeId: string, feedMemo: FeedMemo): Promise<Succeeded> {
  const outcome = await syncStore({ ...bed.deps, feedMemo }, { storeId, trigger: 'manual', acceptShrink: true });
  if (outcome.status === 'skipped') throw new Error(`the sync was skipped: ${outcome.reason}`);
  // The memo is saved for the other workers once the sync is done.
  await feedMemo.settled();
  return outcome;
}

/** The store's menu as a shopper and the platform see it (what differs between two stores left out). */
async function menu(storeId: string) {
  const products = await bed.prisma.product.findMany({ where: { storeId }, orderBy: { variantId: 'asc' } });
  return products.map(({ storeId: _store, change: _change, createdAt: _c, updatedAt: _u, lastSyncedAt: _s, ...rest }) => rest);
}

async function problems(runId: string) {
  const run = await bed.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
  return run.problems;
}

/**
 * Syncs both stores, the remembering one through `worker`'s memo (by default the one worker of most tests); expects the
 * same menus, counts and problems; returns the remembering store's outcome.
 */
async function syncBoth(worker = memo): Promise<Succeeded> {
  const remembered = await sync(REMEMBERING, worker);
  const fresh = await sync(FORGETTING, new FeedMemo({ maxRows: 0 }));
  expect(fresh.recalled).toBe(0);
  expect(await menu(REMEMBERING)).toEqual(await menu(FORGETTING));
  expect(remembered.counts).toEqual(fresh.counts);
  expect(await problems(remembered.runId)).toEqual(await problems(fresh.runId));
  return remembered;
}

/** The store's settings as a new store has them, except those given. */
const DEFAULTS: StoreSettings = {
  locationId: 'demo-location',
  roomIds: [],
  purchaseCategory: 'all',
  pricesIncludeTax: false,
  mapCustomCategoryToSubCategory: false,
  ownedFields: [...OWNED_FIELDS],
};

async function setBoth(settings: StoreSettings) {
  await enableStore(bed, REMEMBERING, { ...DEFAULTS, ...settings });
  await enableStore(bed, FORGETTING, { ...DEFAULTS, ...settings });
}

const demo = () => bed.sim.state.location('demo-location')!;
const packs = () => bed.sim.state.location('packs')!;
/** A variant's For-Sale quantity over all its packages. */
const packsForSale = (variantId: string) =>
  Math.round(
    packs()
      .catalogue()
      .filter((item) => item.variantId === variantId)
      .reduce((sum, item) => sum + packs().forSaleQuantity(item), 0) * 1e6,
  ) / 1e6;

describe('a store synced through the feed memo', () => {
  it('first sync: every row parsed; unchanged re-sync: every valid row recalled, nothing written, problems reported again', async () => {
    await setBoth({});
    const first = await syncBoth();
    expect(first.recalled).toBe(0);
    expect(first.counts.invalid).toBeGreaterThan(0); // the simulator's feed has malformed rows
    expect(first.counts.uncategorized + first.counts.unknownStrainTypes + first.counts.unknownTerpenes).toBeGreaterThan(0);

    const again = await syncBoth();
    expect(again.recalled).toBe(again.counts.fetched - again.counts.invalid);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: first.counts.kept, invalid: first.counts.invalid });
    // Invalid rows and mapping misses are reported on every run, recalled or not.
    expect(await problems(again.runId)).toEqual(await problems(first.runId));
  });

  it('parses only the rows that changed: quantities, a renamed product, one added and one removed', async () => {
    await setBoth({});
    await syncBoth();
    const items = demo()
      .catalogue()
      .filter((item) => item.defect === null && demo().forSaleQuantity(item) > 0);
    for (const item of items.slice(0, 10)) demo().setQuantity(item.variantId, demo().forSaleQuantity(item) + 3);
    demo().updateFields(items[10].variantId, { productName: 'Renamed in Flowhub' });
    demo().addProduct({ productName: 'Brand new' }, 7);
    demo().removeProduct(items[11].variantId);

    const outcome = await syncBoth();
    // 10 quantities, a rename and an added row are new bytes; the removed row is just gone.
    expect(outcome.recalled).toBe(outcome.counts.fetched - outcome.counts.invalid - 12);
    expect(outcome.counts).toMatchObject({ created: 1, updated: 11, deactivated: 1 });
    const renamed = await bed.prisma.product.findUniqueOrThrow({
      where: { storeId_variantId: { storeId: REMEMBERING, variantId: items[10].variantId } },
    });
    expect(renamed.name).toBe('Renamed in Flowhub');
  });

  it('recalls nothing once a setting that shapes a product changed, and the menu follows the new settings', async () => {
    await setBoth({});
    await syncBoth();
    const changes: Array<() => Promise<unknown>> = [
      () => setBoth({ pricesIncludeTax: true }),
      () => setBoth({ pricesIncludeTax: true, mapCustomCategoryToSubCategory: true }),
      () => setBoth({ pricesIncludeTax: true, mapCustomCategoryToSubCategory: true, ownedFields: ['name', 'price'] }),
      () =>
        Promise.all(
          [REMEMBERING, FORGETTING].map((storeId) =>
            bed.prisma.categoryMapping.create({ data: { storeId, flowhubValue: 'Flower', flowhubKey: 'flower', category: 'Accessories' } }),
          ),
        ),
      () => setBoth({ purchaseCategory: 'med' }),
    ];
    for (const change of changes) {
      await change();
      const outcome = await syncBoth();
      expect(outcome.recalled).toBe(0);
      // The same settings again: recalled.
      expect((await syncBoth()).recalled).toBeGreaterThan(0);
    }
    await bed.prisma.categoryMapping.deleteMany({ where: { storeId: { in: [REMEMBERING, FORGETTING] } } });
  });

  it('writes a product the menu lost behind its back (edited in the database, deactivated) from the bytes it recalled', async () => {
    await setBoth({});
    await syncBoth();
    const [edited, deactivated] = (await menu(REMEMBERING)).filter((product) => product.active).slice(0, 2);
    for (const storeId of [REMEMBERING, FORGETTING]) {
      await bed.prisma.product.update({
        where: { storeId_variantId: { storeId, variantId: edited.variantId } },
        data: { name: 'tampered', contentHash: 'tampered' },
      });
      await bed.prisma.product.update({
        where: { storeId_variantId: { storeId, variantId: deactivated.variantId } },
        data: { active: false },
      });
    }
    const outcome = await syncBoth();
    expect(outcome.recalled).toBe(outcome.counts.fetched - outcome.counts.invalid);
    expect(outcome.counts.updated).toBe(2);
    const after = new Map((await menu(REMEMBERING)).map((product) => [product.variantId, product]));
    expect(after.get(edited.variantId)).toEqual(edited);
    expect(after.get(deactivated.variantId)).toEqual(deactivated);
  });

  it('a product made of several rows (rooms, packages) follows a change in any of them', async () => {
    const rooms = packs().rooms.filter((room) => room.forSale);
    await setBoth({ locationId: 'packs', roomIds: rooms.map((room) => room.roomId) });
    const first = await syncBoth();
    expect(first.counts.packagesMerged).toBeGreaterThan(0);
    // Variants stocked in two rooms: their last room's row changes, their first row's bytes do not (each variant's first
    // package: the one the simulator's setQuantity sets).
    const spread = packs()
      .catalogue()
      .filter((item) => item.defect === null && packs().variant(item.variantId) === item)
      .filter((item) => item.stock.filter((quantity, i) => packs().rooms[i].forSale && quantity > 0).length >= 2)
      .slice(0, 5);
    expect(spread.length).toBeGreaterThan(0);
    for (const item of spread) {
      const last = packs().rooms.findLastIndex((room, i) => room.forSale && item.stock[i] > 0);
      packs().setQuantity(item.variantId, item.stock[last] + 2, packs().rooms[last].roomId);
    }
    const outcome = await syncBoth();
    expect(outcome.recalled).toBeGreaterThan(0);
    expect(outcome.counts.updated).toBe(spread.length);
    const quantities = new Map((await menu(REMEMBERING)).map((product) => [product.variantId, product.posQuantity]));
    for (const item of spread) expect(quantities.get(item.variantId)).toBe(packsForSale(item.variantId));
  });
});

describe('the memory it keeps', () => {
  const row = (variantId: string, quantity = 1) =>
    ({ variantId, productId: `p-${variantId}`, roomId: null, purchaseCategory: null, quantity }) as unknown as FlowhubInventoryRow;
  const remember = (memory: FeedMemo, storeId: string, variantIds: string[]) => {
    const read = memory.begin(storeId, 'settings');
    for (const id of variantIds) read.item(row(id), rowDigest(Buffer.from(id)));
    read.commit();
  };

  it('beyond its bound, makes room by forgetting stores not synced for a while, else does not take the new store', () => {
    let now = 0;
    const memory = new FeedMemo({ maxRows: 5, maxStoreRows: 5, staleMs: 1_000, now: () => now });
    const recalls = (storeId: string, id: string) =>
      memory.begin(storeId, 'settings').recall(rowDigest(Buffer.from(id)), Buffer.from(id)) !== undefined;
    remember(memory, 'a', ['1', '2']);
    now = 100;
    remember(memory, 'b', ['3', '4']);
    remember(memory, 'c', ['5', '6']); // no room, nobody stale: not remembered
    expect(memory.size).toBe(4);
    expect([recalls('a', '1'), recalls('b', '3'), recalls('c', '5')]).toEqual([true, true, false]);
    now = 1_050; // a is stale, b is not
    remember(memory, 'c', ['5', '6']);
    expect([recalls('a', '1'), recalls('b', '3'), recalls('c', '5')]).toEqual([false, true, true]);
    remember(memory, 'b', ['3', '4', '7']); // a store again, with one row more: fits once its last feed is let go
    expect(memory.size).toBe(5);
    remember(memory, 'huge', ['7', '8', '9', '10', '11', '12']); // larger than the bound: never
    expect(recalls('huge', '7')).toBe(false);
  });

  it('does not remember a store whose feed would take more than its share (a quarter, by default)', () => {
    const memory = new FeedMemo({ maxRows: 8 });
    remember(memory, 'small', ['1', '2']);
    remember(memory, 'large', ['3', '4', '5']);
    expect(memory.size).toBe(2);
    expect(memory.begin('large', 'settings').recall(rowDigest(Buffer.from('3')), Buffer.from('3'))).toBeUndefined();
    expect(memory.begin('small', 'settings').recall(rowDigest(Buffer.from('1')), Buffer.from('1'))?.variantId).toBe('1');
  });

  it('tells the sync each row it parses, with the count so far; recalled rows are not counted', () => {
    const memory = new FeedMemo();
    remember(memory, 'a', ['1', '2']);
    const parsed: number[] = [];
    const read = memory.begin('a', 'settings', { onRowParsed: (rows) => parsed.push(rows) });
    for (const id of ['1', '3', '2', '4']) read.recall(rowDigest(Buffer.from(id)), Buffer.from(id));
    expect(parsed).toEqual([1, 2]);
    expect(read.recalled).toBe(2);
  });

  it('keeps only the rows of the last feed, and recalls nothing under other settings', () => {
    const memory = new FeedMemo();
    remember(memory, 'a', ['1', '2', '3']);
    remember(memory, 'a', ['3', '4']);
    expect(memory.size).toBe(2);
    const digest = rowDigest(Buffer.from('3'));
    expect(memory.begin('a', 'other settings').recall(digest, Buffer.from('3'))).toBeUndefined();
    expect(memory.begin('a', 'settings').recall(digest, Buffer.from('3'))?.variantId).toBe('3');
  });

  it("expects the last feed's rows in its order; after a changed row, the one that followed the row it replaced", () => {
    const memory = new FeedMemo();
    const bytes = (id: string) => Buffer.from(JSON.stringify(row(id)));
    /** Reads a feed of these rows; says which row was expected before each. */
    const readFeed = (variantIds: string[]) => {
      const read = memory.begin('a', 'settings');
      const expected = variantIds.map((id) => {
        const guess = read.expected();
        const digest = rowDigest(bytes(id));
        read.item(read.recall(digest, bytes(id)) ?? row(id), digest);
        return guess && { variantId: guess.variantId, bytesMatch: guess.byteLength === bytes(guess.variantId).length };
      });
      read.commit();
      return expected.map((guess) => guess && (guess.bytesMatch ? guess.variantId : 'wrong length'));
    };
    expect(readFeed(['1', '2', '3', '4'])).toEqual([undefined, undefined, undefined, undefined]);
    expect(readFeed(['1', '2', '3', '4'])).toEqual(['1', '2', '3', '4']);
    // Row 2 changed, a row is new at the end.
    expect(readFeed(['1', '2b', '3', '4', '5'])).toEqual(['1', '2', '3', '4', undefined]);
    // A row removed, two swapped: back in step after each.
    expect(readFeed(['1', '3', '2b', '4', '5'])).toEqual(['1', '2b', '4', '3', '5']);
    expect(memory.begin('a', 'other settings').expected()).toBeUndefined();
  });
});

describe('a store synced by several workers: the memo they share in PostgreSQL', () => {
  const sharedMemo = async () =>
    (await bed.db.sql.query('SELECT generation::int AS generation, updated_at FROM feed_memos WHERE store_id = $1', [REMEMBERING]))
      .rows[0] as { generation: number; updated_at: Date } | undefined;

  beforeEach(async () => {
    await setBoth({});
    await bed.db.sql.query('DELETE FROM feed_memos');
  });

  it('a worker that did not sync the store last, or was just started, parses only the rows that changed since', async () => {
    const [one, two] = [new FeedMemo(), new FeedMemo()];
    expect((await syncBoth(one)).recalled).toBe(0);
    expect(await sharedMemo()).toMatchObject({ generation: 1 });
    const items = demo()
      .catalogue()
      .filter((item) => item.defect === null && demo().forSaleQuantity(item) > 0);
    for (const item of items.slice(0, 4)) demo().setQuantity(item.variantId, demo().forSaleQuantity(item) + 2);

    const onTwo = await syncBoth(two);
    expect(onTwo.recalled).toBe(onTwo.counts.fetched - onTwo.counts.invalid - 4);
    expect(onTwo.counts).toMatchObject({ created: 0, updated: 4 });
    expect(await sharedMemo()).toMatchObject({ generation: 2 });

    // The first worker's own memory is a sync behind: it reads the second's, and recalls every row.
    const onOne = await syncBoth(one);
    expect(onOne.recalled).toBe(onOne.counts.fetched - onOne.counts.invalid);
    expect(onOne.counts).toMatchObject({ created: 0, updated: 0 });
  });

  it("while a worker's save of the store's feed is under way, its next sync of the store recalls the feed it holds", async () => {
    const [one, two] = [new FeedMemo(), new FeedMemo()];
    await syncBoth(one);
    const items = demo()
      .catalogue()
      .filter((item) => item.defect === null && demo().forSaleQuantity(item) > 0);
    for (const item of items.slice(0, 4)) demo().setQuantity(item.variantId, demo().forSaleQuantity(item) + 2);
    await syncBoth(two);
    // The second worker's memo is the newest one saved; the first's save of a feed it holds is (as if) under way.
    let saved = () => undefined as void;
    one.track(REMEMBERING, new Promise<void>((resolve) => (saved = resolve)));
    const outcome = await syncBoth(one);
    expect(outcome.recalled).toBe(outcome.counts.fetched - outcome.counts.invalid - 4);
    saved();
    await one.settled();
  });

  it('a sync that changed nothing in the memo does not save it again', async () => {
    const one = new FeedMemo();
    await syncBoth(one);
    const saved = await sharedMemo();
    const again = await syncBoth(one);
    expect(again.recalled).toBe(again.counts.fetched - again.counts.invalid);
    expect(await sharedMemo()).toEqual(saved);
    // Nor when the memo came from another worker.
    expect((await syncBoth(new FeedMemo())).recalled).toBe(again.recalled);
    expect(await sharedMemo()).toEqual(saved);
  });

  it('is not recalled under other settings, other code, or when it cannot be read: the sync parses every row and the menu is the same', async () => {
    await syncBoth(new FeedMemo());
    await setBoth({ pricesIncludeTax: true });
    expect((await syncBoth(new FeedMemo())).recalled).toBe(0);

    // Saved by a build whose code differs (its key digests the code too).
    await bed.db.sql.query("UPDATE feed_memos SET key = 'saved by other code'");
    expect((await syncBoth(new FeedMemo())).recalled).toBe(0);

    await bed.db.sql.query('UPDATE feed_memos SET memo = convert_to(\'{"format": 1, "rows": [\', \'UTF8\')');
    const warnings: unknown[] = [];
    const logger = { ...bed.deps.logger, warn: (...args: unknown[]) => void warnings.push(args) } as typeof bed.deps.logger;
    const worker = new FeedMemo();
    const outcome = await syncStore(
      { ...bed.deps, logger, feedMemo: worker },
      { storeId: REMEMBERING, trigger: 'manual', acceptShrink: true },
    );
    await worker.settled();
    expect(outcome).toMatchObject({ status: 'succeeded', recalled: 0 });
    expect(JSON.stringify(warnings)).toMatch(/could not read the shared feed memo/);
    // That sync saved a good one.
    const next = await syncBoth(new FeedMemo());
    expect(next.recalled).toBe(next.counts.fetched - next.counts.invalid);
  });

  it('a memo that cannot be saved is logged, and the sync is not affected', async () => {
    const warnings: unknown[] = [];
    const logger = { ...bed.deps.logger, warn: (...args: unknown[]) => void warnings.push(args) } as typeof bed.deps.logger;
    const sql = {
      query: (statement: SyncStatement) =>
        statement.text.includes('INSERT INTO feed_memos')
          ? Promise.reject(new Error('no room left on the device'))
          : bed.deps.sql.query(statement),
    };
    const worker = new FeedMemo();
    const outcome = await syncStore(
      { ...bed.deps, sql, logger, feedMemo: worker },
      { storeId: REMEMBERING, trigger: 'manual', acceptShrink: true },
    );
    await worker.settled();
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(JSON.stringify(warnings)).toMatch(/could not save the shared feed memo/);
    expect(await sharedMemo()).toBeUndefined();
  });

  it('is not shared by a worker told not to, nor by one that remembers nothing', async () => {
    await sync(REMEMBERING, new FeedMemo({ maxRows: 0 }));
    const worker = new FeedMemo();
    await syncStore(
      { ...bed.deps, feedMemo: worker, shareFeedMemo: false },
      { storeId: REMEMBERING, trigger: 'manual', acceptShrink: true },
    );
    await worker.settled();
    expect(await sharedMemo()).toBeUndefined();
  });
});
