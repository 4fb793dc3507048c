import { COLLECT_AFTER_ROWS, giveBackMemory } from './give-back-memory';

describe('after a large sync', () => {
  it("the worker's garbage is collected as soon as the sync has returned", async () => {
    // Garbage as a large sync leaves it: many small objects, unreferenced once it ends.
    const sync = () => Array.from({ length: 300_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    expect(sync()).toBe(300_000);
    const during = process.memoryUsage().heapUsed;
    giveBackMemory(COLLECT_AFTER_ROWS);
    await new Promise((resolve) => setImmediate(resolve));
    const after = process.memoryUsage().heapUsed;
    expect(during - after).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('not after a sync that parsed few rows (a re-sync: its rows recalled from the feed memo)', async () => {
    const sync = () => Array.from({ length: 300_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    expect(sync()).toBe(300_000);
    const during = process.memoryUsage().heapUsed;
    giveBackMemory(COLLECT_AFTER_ROWS - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(during - process.memoryUsage().heapUsed).toBeLessThan(20 * 1024 * 1024);
  });
});
