import { createFlowhubClient, type FlowhubClient, type FlowhubInventoryRow, type InventoryProblem } from '@flowhub-sync/flowhub-client';
import { normalizePurchaseCategory } from '@flowhub-sync/mapping';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { fetchFeed, type FeedSettings } from './fetch-feed';

let sim: RunningSimulator;
let flowhub: FlowhubClient;
const demo: FeedSettings = {
  clientId: 'demo-client',
  apiKey: 'demo-key',
  locationId: 'demo-location',
  roomIds: [],
  purchaseCategory: 'all',
};

beforeAll(async () => {
  sim = await startSimulator({ rows: 400, seed: 11 });
  flowhub = createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url });
});
afterAll(() => sim.close());

const location = () => sim.state.location('demo-location')!;

describe('the feed a store syncs', () => {
  it('without a room filter: every variant with For-Sale stock, with its For-Sale quantity', async () => {
    const feed = await fetchFeed(flowhub, demo);
    const expected = new Map(
      location()
        .catalogue()
        .filter((item) => item.defect === null && location().forSaleQuantity(item) > 0)
        .map((item) => [item.variantId, location().forSaleQuantity(item)]),
    );
    expect(new Map(feed.rows.map((row) => [row.variantId, row.quantity]))).toEqual(expected);
  });

  it("with a room filter: only the chosen rooms, a variant's quantities summed over them, whatever form the feed gives the ids in", async () => {
    const rooms = location().rooms;
    const forSale = rooms.map((room, index) => ({ room, index })).filter(({ room }) => room.forSale);
    const chosen = [forSale[0], forSale[2]];
    // The store's settings hold ids as saved (32 characters); the by-rooms feed sends some dashed or upper case.
    const feed = await fetchFeed(flowhub, { ...demo, roomIds: chosen.map(({ room }) => room.roomId.toUpperCase()) });

    const expected = new Map<string, number>();
    for (const item of location().catalogue()) {
      if (item.defect !== null) continue;
      const sum = chosen.reduce((total, { index }) => total + item.stock[index], 0);
      if (chosen.some(({ index }) => item.stock[index] > 0)) expected.set(item.variantId, Math.round(sum * 1e6) / 1e6);
    }
    const got = new Map(feed.rows.map((row) => [row.variantId, row.quantity]));
    expect(got).toEqual(expected);
    // The point of the filter: variants stocked only in the room left out are not on this menu.
    const onlyInOtherRoom = location()
      .catalogue()
      .filter((item) => item.defect === null && item.stock[forSale[1].index] > 0 && chosen.every(({ index }) => item.stock[index] === 0));
    expect(onlyInOtherRoom.length).toBeGreaterThan(0);
    for (const item of onlyInOtherRoom) expect(got.has(item.variantId)).toBe(false);
    expect(feed.outsideRooms).toBeGreaterThan(0);
  });

  it('keeps only the purchase category the store sells (both and unmarked items pass)', async () => {
    const all = await fetchFeed(flowhub, demo);
    const med = await fetchFeed(flowhub, { ...demo, purchaseCategory: 'med' });
    expect(med.rows.length).toBeGreaterThan(0);
    expect(med.rows.length).toBeLessThan(all.rows.length);
    for (const row of med.rows) expect(['med', 'both', null]).toContain(normalizePurchaseCategory(row.purchaseCategory));
    const recOnly = all.rows.filter((row) => normalizePurchaseCategory(row.purchaseCategory) === 'rec');
    expect(recOnly.length).toBe(med.outsidePurchaseCategory);
  });

  it('lists malformed rows with their reason instead of failing the feed', async () => {
    const feed = await fetchFeed(flowhub, demo);
    const defects = location()
      .catalogue()
      .filter((item) => item.defect !== null && location().forSaleQuantity(item) > 0);
    expect(defects.length).toBeGreaterThan(0);
    expect(feed.invalid).toHaveLength(defects.length);
    for (const problem of feed.invalid) expect(problem.reason).toMatch(/variantId|quantity/);
    expect(feed.fetched).toBe(feed.rows.length + feed.invalid.length);
  });

  it("names the products of rows that cannot be read, within the store's filters; a variant with such a row is left out even if its other rooms' rows were read", async () => {
    const [roomA, roomB, roomC] = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];
    const row = (variantId: string, roomId: string, quantity: number) =>
      ({ productId: `p-${variantId}`, variantId, roomId, purchaseCategory: 'rec', quantity }) as unknown as FlowhubInventoryRow;
    const bad = (ids: Partial<InventoryProblem>, index: number): InventoryProblem => ({
      index,
      variantId: null,
      productId: null,
      roomId: roomA,
      purchaseCategory: null,
      reason: 'quantity: expected a number, got "abc"',
      ...ids,
    });
    const stub = {
      getInventory: async () => ({
        fetched: 11,
        rows: [row('v1', roomA, 2), row('v2', roomA, 1), row('v2', roomB, 4), row('v7', roomC, 5)],
        problems: [
          bad({ variantId: 'v1', roomId: roomB.toUpperCase() }, 4), // its room A row was read: its sum is still unknown
          bad({ variantId: 'v3', roomId: roomC }, 5), // a room the store does not sell from
          bad({ variantId: 'v4', roomId: null }, 6), // the room cannot be read: taken as the store's
          bad({ productId: 'p5' }, 7), // the variantId cannot be read: the product still can
          bad({}, 8), // no id at all: cannot be tied to a product
          bad({ variantId: 'v6', purchaseCategory: 'med' }, 9), // a purchase category the store does not sell
          bad({ variantId: 'v8', purchaseCategory: 'Both' }, 10),
        ],
      }),
    } as unknown as FlowhubClient;
    const feed = await fetchFeed(stub, { ...demo, roomIds: [roomA, roomB], purchaseCategory: 'rec' });
    expect(feed.rows.map((entry) => [entry.variantId, entry.quantity])).toEqual([['v2', 5]]);
    expect(feed.unreadable).toEqual({ variantIds: new Set(['v1', 'v4', 'v8']), productIds: new Set(['p5']) });
    expect(feed.invalid).toHaveLength(7); // every bad row is still reported
  });
});
