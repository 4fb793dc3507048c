import {
  COLLECT_AFTER_ROWS,
  giveBackMemory,
  HOLD_CHECK_ROWS,
  heapGrowth,
  LARGE_SYNC_HEAP_GROWING_PERCENT,
  LARGE_SYNC_ROWS,
  SyncHeap,
} from './give-back-memory';

describe('after a large sync', () => {
  it("the worker's garbage is collected as soon as the sync has returned", async () => {
    // Garbage as a large sync leaves it: many small objects, unreferenced once it ends.
    const sync = () => Array.from({ length: 300_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    expect(sync()).toBe(300_000);
    const during = process.memoryUsage().heapUsed;
    giveBackMemory(COLLECT_AFTER_ROWS, {});
    await new Promise((resolve) => setImmediate(resolve));
    const after = process.memoryUsage().heapUsed;
    expect(during - after).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('not after a sync that parsed few rows (a re-sync: its rows recalled from the feed memo)', async () => {
    const sync = () => Array.from({ length: 300_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    expect(sync()).toBe(300_000);
    const during = process.memoryUsage().heapUsed;
    giveBackMemory(COLLECT_AFTER_ROWS - 1, {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(during - process.memoryUsage().heapUsed).toBeLessThan(20 * 1024 * 1024);
  });

  it("holds the sync's own objects through the collection, and lets them go after it", async () => {
    // What V8 learned about the shapes of a sync's objects lasts only while one of them is alive (give-back-memory.ts):
    // the collection must not find none.
    const sync = (): WeakRef<object> => {
      const ownObjects = { planner: { created: 0 }, report: { problems: [] } };
      giveBackMemory(COLLECT_AFTER_ROWS, ownObjects);
      return new WeakRef(ownObjects);
    };
    const ownObjects = sync();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ownObjects.deref()).toBeDefined();
    // The next large sync's collection, with nothing else holding them, takes them.
    giveBackMemory(COLLECT_AFTER_ROWS, {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(ownObjects.deref()).toBeUndefined();
  });
});

describe("a large sync's heap", () => {
  const parse = (heap: SyncHeap, rows: number) => {
    for (let row = 1; row <= rows; row++) heap.rowParsed(row);
  };

  it("is held tighter from its LARGE_SYNC_ROWS-th parsed row until it is done, and while any other large sync runs; V8's own heuristics otherwise", () => {
    const [first, second, small] = [new SyncHeap(), new SyncHeap(), new SyncHeap()];
    parse(first, LARGE_SYNC_ROWS - 1);
    expect(heapGrowth()).toBe(0);
    parse(first, LARGE_SYNC_ROWS);
    expect(heapGrowth()).toBe(LARGE_SYNC_HEAP_GROWING_PERCENT);
    parse(second, LARGE_SYNC_ROWS + 10);
    parse(small, 100);
    small.done();
    first.done();
    first.done(); // a failed sync's cleanup after its writes' own: counted once
    expect(heapGrowth()).toBe(LARGE_SYNC_HEAP_GROWING_PERCENT);
    second.done();
    expect(heapGrowth()).toBe(0);
  });

  it('is collected when it becomes large, so that what it read before sets the limit', () => {
    const heap = new SyncHeap();
    parse(heap, LARGE_SYNC_ROWS - 1);
    const read = () => Array.from({ length: 300_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    expect(read()).toBe(300_000);
    const during = process.memoryUsage().heapUsed;
    heap.rowParsed(LARGE_SYNC_ROWS);
    expect(during - process.memoryUsage().heapUsed).toBeGreaterThan(20 * 1024 * 1024);
    heap.done();
  });

  it('is collected between the read and the writes, only when large', () => {
    const read = () => Array.from({ length: 300_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    const small = new SyncHeap();
    expect(read()).toBe(300_000);
    let during = process.memoryUsage().heapUsed;
    small.beforeWrites();
    expect(during - process.memoryUsage().heapUsed).toBeLessThan(20 * 1024 * 1024);
    const large = new SyncHeap();
    parse(large, LARGE_SYNC_ROWS);
    expect(read()).toBe(300_000);
    during = process.memoryUsage().heapUsed;
    large.beforeWrites();
    expect(during - process.memoryUsage().heapUsed).toBeGreaterThan(20 * 1024 * 1024);
    large.done();
  });

  it('is collected before a write batch once it has grown past its limit since its last collection, only when large', () => {
    // What a batch of writes leaves: objects that lived through a few scavenges while it was made (promoted), then let go.
    const promotedGarbage = () => Array.from({ length: 600_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    const small = new SyncHeap();
    expect(promotedGarbage()).toBe(600_000);
    expect(small.beforeBatch()).toBe(false);

    const large = new SyncHeap();
    parse(large, LARGE_SYNC_ROWS);
    large.beforeWrites();
    expect(large.beforeBatch()).toBe(false);
    expect(promotedGarbage()).toBe(600_000);
    const during = process.memoryUsage().heapUsed;
    expect(large.beforeBatch()).toBe(true);
    expect(during - process.memoryUsage().heapUsed).toBeGreaterThan(20 * 1024 * 1024);
    expect(large.beforeBatch()).toBe(false);
    large.done();
    expect(promotedGarbage()).toBe(600_000);
    expect(large.beforeBatch()).toBe(false);
  });

  it('is collected during its read once it has grown past its limit, checked every HOLD_CHECK_ROWS parsed rows', () => {
    const promotedGarbage = () => Array.from({ length: 600_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    const large = new SyncHeap();
    parse(large, LARGE_SYNC_ROWS);
    expect(promotedGarbage()).toBe(600_000);
    let during = process.memoryUsage().heapUsed;
    large.rowParsed(LARGE_SYNC_ROWS + HOLD_CHECK_ROWS - 1);
    expect(during - process.memoryUsage().heapUsed).toBeLessThan(20 * 1024 * 1024);
    during = process.memoryUsage().heapUsed;
    large.rowParsed(LARGE_SYNC_ROWS + HOLD_CHECK_ROWS);
    expect(during - process.memoryUsage().heapUsed).toBeGreaterThan(20 * 1024 * 1024);
    large.done();
  });
});
