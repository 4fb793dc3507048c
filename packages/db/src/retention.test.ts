import { createTestDatabase, type TestDatabase } from './testing';
import { applyRetention } from './retention';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await db.prisma.store.createMany({ data: [{ id: 's1' }, { id: 's2' }] });
});
afterEach(() => db.drop());

const day = 86_400_000;

describe('retention', () => {
  it('keeps sync runs bounded by age and count over many cycles, never losing the last good sync', async () => {
    const policy = { syncRunMaxAgeDays: 7, syncRunsPerStore: 20, webhookDeliveryMaxAgeDays: 3 };
    const start = Date.UTC(2026, 0, 1);
    // A month of syncs every ~6 hours; only the very first one of s2 succeeded.
    for (let cycle = 0; cycle < 120; cycle++) {
      const at = new Date(start + cycle * 6 * 3_600_000);
      await db.prisma.syncRun.createMany({
        data: [
          { storeId: 's1', trigger: 'scheduled', status: 'succeeded', createdAt: at, startedAt: at, finishedAt: at },
          {
            storeId: 's2',
            trigger: 'scheduled',
            status: cycle === 0 ? 'succeeded' : 'failed',
            createdAt: at,
            startedAt: at,
            finishedAt: at,
          },
        ],
      });
      await applyRetention(db.prisma, policy, new Date(at.getTime() + 1000));
      expect(await db.prisma.syncRun.count({ where: { storeId: 's1' } })).toBeLessThanOrEqual(21);
      expect(await db.prisma.syncRun.count({ where: { storeId: 's2' } })).toBeLessThanOrEqual(21);
    }
    const s1 = await db.prisma.syncRun.findMany({ where: { storeId: 's1' }, orderBy: { createdAt: 'desc' } });
    expect(s1).toHaveLength(20);
    // s2's only good sync, a month old, is kept: it is what the shrink guard and lastGoodSyncAt read.
    expect(await db.prisma.syncRun.count({ where: { storeId: 's2', status: 'succeeded' } })).toBe(1);
  });

  it('deletes finished webhook deliveries past their age, keeps pending ones', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 10 * day);
    await db.prisma.webhookDelivery.createMany({
      data: [
        { storeId: 's1', event: 'status_changed', sequence: 1, payload: {}, status: 'delivered', createdAt: old },
        { storeId: 's1', event: 'status_changed', sequence: 2, payload: {}, status: 'pending', createdAt: old },
        { storeId: 's1', event: 'status_changed', sequence: 3, payload: {}, status: 'delivered', createdAt: now },
      ],
    });
    expect(await applyRetention(db.prisma, { syncRunMaxAgeDays: 30, syncRunsPerStore: 100, webhookDeliveryMaxAgeDays: 7 }, now)).toEqual({
      syncRuns: 0,
      webhookDeliveries: 1,
    });
    expect((await db.prisma.webhookDelivery.findMany({ orderBy: { sequence: 'asc' } })).map((d) => d.sequence)).toEqual([2, 3]);
  });
});
