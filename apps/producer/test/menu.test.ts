// End to end as a store sees it: the store is enabled, the inventory sync job (as the inventory-worker runs it)
// syncs its Flowhub inventory, and the menu API (the producer's product and sync routes) shows the result,
// through edits and later syncs.
import Fastify, { type FastifyInstance } from 'fastify';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inventorySyncProcessor } from '@flowhub-sync/inventory-sync';
import { enableStore, silentLogger, startSyncTestbed, type SyncTestbed } from '@flowhub-sync/inventory-sync/testing';
import { requestInventorySync, startWorkers, type RunningWorkers } from '@flowhub-sync/queues';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { errorHandler } from '../src/errors';
import { productRoutes } from '../src/routes/products';
import { syncRunRoutes } from '../src/routes/syncs';

let bed: SyncTestbed;
let api: FastifyInstance;
let prefix: string;
let connections: Redis[];
let queue: Queue;
let workers: RunningWorkers;

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 250, seed: 21 });
  api = Fastify();
  api.setErrorHandler(errorHandler);
  api.register(productRoutes({ prisma: bed.prisma }));
  api.register(syncRunRoutes({ prisma: bed.prisma }));
  await api.ready();

  prefix = uniqueQueuePrefix('menu');
  connections = [0, 1, 2].map(() => new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null }));
  queue = new Queue('inventory-sync', { connection: connections[0], prefix });
  const processor = inventorySyncProcessor({ ...bed.deps, redis: connections[1], queuePrefix: prefix });
  workers = startWorkers([processor], { owns: ['inventory-sync'], connection: connections[2], prefix, logger: silentLogger });
});
afterAll(async () => {
  await workers.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await Promise.all(connections.map((connection) => connection.quit()));
  await api.close();
  await bed.close();
});

const get = async (url: string) => {
  const response = await api.inject({ method: 'GET', url });
  expect(response.statusCode).toBe(200);
  return response.json();
};

/** A manual sync through the queue, as POST …/sync asks for one; resolves with the run once it finished. */
async function syncNow(storeId: string) {
  const { jobId } = await requestInventorySync(queue, storeId, 'manual');
  return waitFor(
    async () => {
      const run = (await get(`/v1/stores/${storeId}/syncs?limit=1`)).items[0];
      return run && (await bed.prisma.syncRun.findUnique({ where: { id: run.id } }))?.jobId === jobId && run.finishedAt ? run : undefined;
    },
    { what: `the sync of ${storeId}` },
  );
}

async function wholeMenu(storeId: string, query = '') {
  const items = [];
  let cursor: string | null = null;
  do {
    const page: { items: { variantId: string }[]; nextCursor: string | null } = await get(
      `/v1/stores/${storeId}/products?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe("a store's menu, from Flowhub through the worker to the API", () => {
  const storeId = 'corner-shop';
  const location = () => bed.sim.state.location('demo-location')!;
  const inFeed = () =>
    location()
      .catalogue()
      .filter((item) => item.defect === null && location().forSaleQuantity(item) > 0);

  beforeAll(async () => {
    // Owns everything but the description; keeps 3 units back from the online menu.
    await enableStore(bed, storeId, {
      quantityThreshold: 3,
      ownedFields: ['name', 'brand', 'category', 'strainType', 'cannabinoids', 'terpenes', 'price', 'image', 'weight'],
    });
  });

  it('after the first sync, the menu lists every product Flowhub has for sale, and the run is visible', async () => {
    const run = await syncNow(storeId);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual', counts: { created: inFeed().length, kept: inFeed().length } });
    const menu = await wholeMenu(storeId);
    expect(menu.map((item) => item.variantId).sort()).toEqual(
      inFeed()
        .map((item) => item.variantId)
        .sort(),
    );
  });

  it('the threshold hides low stock from what can be sold', async () => {
    const [low, plenty] = inFeed();
    location().setQuantity(low.variantId, 2);
    location().setQuantity(plenty.variantId, 10);
    expect((await syncNow(storeId)).counts.updated).toBeGreaterThanOrEqual(1);
    expect(await get(`/v1/stores/${storeId}/products/${low.variantId}`)).toMatchObject({
      posQuantity: 2,
      sellableQuantity: 0,
      sellable: false,
      active: true,
    });
    expect(await get(`/v1/stores/${storeId}/products/${plenty.variantId}`)).toMatchObject({
      posQuantity: 10,
      sellableQuantity: 7,
      sellable: true,
    });
    const sellable = (await wholeMenu(storeId, '&sellable=true')).map((item) => item.variantId);
    expect(sellable).toContain(plenty.variantId);
    expect(sellable).not.toContain(low.variantId);
  });

  it("the store's own description survives later syncs; an owned field cannot be edited and follows Flowhub", async () => {
    const [, , item] = inFeed();
    const edit = await api.inject({
      method: 'PATCH',
      url: `/v1/stores/${storeId}/products/${item.variantId}`,
      payload: { description: 'Staff favourite' },
    });
    expect(edit.statusCode).toBe(200);
    const refused = await api.inject({
      method: 'PATCH',
      url: `/v1/stores/${storeId}/products/${item.variantId}`,
      payload: { name: 'Our name' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('owned by the Flowhub sync');

    location().updateFields(item.variantId, { productName: 'Renamed in Flowhub', productDescription: 'Flowhub copy' });
    await syncNow(storeId);
    await syncNow(storeId);
    expect(await get(`/v1/stores/${storeId}/products/${item.variantId}`)).toMatchObject({
      name: 'Renamed in Flowhub',
      description: 'Staff favourite',
      editedFields: ['description'],
    });
  });

  it('a product Flowhub no longer has leaves the menu but can still be looked up', async () => {
    const [, , , gone] = inFeed();
    location().removeProduct(gone.variantId);
    expect((await syncNow(storeId)).counts.deactivated).toBe(1);
    expect((await wholeMenu(storeId)).map((item) => item.variantId)).not.toContain(gone.variantId);
    expect(await get(`/v1/stores/${storeId}/products/${gone.variantId}`)).toMatchObject({ active: false, posQuantity: 0, sellable: false });
  });

  it('the change feed answers exactly the products a sync changed: 5% of the menu, and a tombstone for one that left', async () => {
    /** Every change after `cursor`, page by page, once the feed shows at least `count` (a late commit is handed out late). */
    const changesAfter = (cursor: string | null, count: number) =>
      waitFor(
        async () => {
          const items: { variantId: string; active: boolean; posQuantity?: number; change: number }[] = [];
          let after = cursor;
          for (;;) {
            const page = await get(`/v1/stores/${storeId}/products/changes?limit=7${after ? `&after=${after}` : ''}`);
            items.push(...page.items);
            after = page.nextCursor;
            if (!page.hasMore) break;
          }
          return items.length >= count ? { items, cursor: after } : undefined;
        },
        { what: `${count} changes in the feed` },
      );
    await syncNow(storeId);
    // From the beginning: the whole menu (and the products that left it before), each product once.
    const everything = await changesAfter(null, (await wholeMenu(storeId, '&active=all')).length);
    expect(new Set(everything.items.map((item) => item.variantId)).size).toBe(everything.items.length);
    const start = everything.cursor!;
    expect((await get(`/v1/stores/${storeId}/products/changes?after=${start}`)).items).toEqual([]);

    const active = inFeed();
    const changed = active.slice(5, 5 + Math.ceil(active.length * 0.05));
    for (const [index, item] of changed.entries()) location().setQuantity(item.variantId, 1000 + index);
    const [gone] = active.slice(-1);
    location().removeProduct(gone.variantId);
    const run = await syncNow(storeId);
    expect(run.counts).toMatchObject({ updated: changed.length, deactivated: 1 });

    const { items } = await changesAfter(start, changed.length + 1);
    expect(items.map((item) => item.variantId).sort()).toEqual([...changed.map((item) => item.variantId), gone.variantId].sort());
    expect(items.find((item) => item.variantId === gone.variantId)).toEqual({
      variantId: gone.variantId,
      active: false,
      change: expect.any(Number),
    });
    for (const [index, item] of changed.entries()) {
      expect(items.find((entry) => entry.variantId === item.variantId)).toMatchObject({ active: true, posQuantity: 1000 + index });
    }
  });

  it('an unchanged re-sync changes nothing on the menu', async () => {
    const before = await bed.prisma.product.findMany({
      where: { storeId },
      select: { variantId: true, updatedAt: true },
      orderBy: { variantId: 'asc' },
    });
    const run = await syncNow(storeId);
    expect(run.counts).toMatchObject({ created: 0, updated: 0, deactivated: 0, unchanged: run.counts.kept });
    const after = await bed.prisma.product.findMany({
      where: { storeId },
      select: { variantId: true, updatedAt: true },
      orderBy: { variantId: 'asc' },
    });
    expect(after).toEqual(before);
  });
});
