import { COLLECT_AFTER_ROWS, giveBackMemory } from './give-back-memory';

describe('after a large sync', () => {
  it("the worker's garbage is collected at once", () => {
    // Garbage as a large sync leaves it: many small objects, unreferenced once it ends.
    const sync = () => Array.from({ length: 300_000 }, (_, i) => ({ variantId: `v-${i}`, name: `row ${i}` })).length;
    expect(sync()).toBe(300_000);
    const during = process.memoryUsage().heapUsed;
    giveBackMemory(COLLECT_AFTER_ROWS);
    const after = process.memoryUsage().heapUsed;
    expect(during - after).toBeGreaterThan(20 * 1024 * 1024);
  });
});
