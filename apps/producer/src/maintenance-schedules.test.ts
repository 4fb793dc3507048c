import { createProducerHarness, type ProducerHarness } from './testing/harness';
import { MAINTENANCE_SCHEDULES, maintenanceSchedulerId } from '@flowhub-sync/queues';
import { reconcileSchedules } from './schedules';

describe('maintenance schedules', () => {
  let h: ProducerHarness;
  beforeEach(async () => {
    h = await createProducerHarness();
  });
  afterEach(() => h.close());

  const maintenance = () => h.deps.queues.maintenance;

  it('reconciliation keeps one app-wide scheduler per maintenance task, every minute for pending-hold expiry', async () => {
    const report = await reconcileSchedules(h.deps);
    expect(report.maintenanceAdded).toEqual(MAINTENANCE_SCHEDULES.map(({ task }) => task));
    const scheduler = await maintenance().getJobScheduler(maintenanceSchedulerId('expire-pending-orders'));
    expect(scheduler).toMatchObject({
      every: 60_000,
      name: 'maintenance:expire-pending-orders',
      template: { data: { task: 'expire-pending-orders' } },
    });

    // Nothing to do the second time (a second producer starting finds them in place).
    expect(await reconcileSchedules(h.deps)).toMatchObject({ maintenanceAdded: [], maintenanceRemoved: [] });
    expect(await maintenance().getJobSchedulersCount()).toBe(MAINTENANCE_SCHEDULES.length);
  });

  it('retunes a scheduler whose interval changed and removes one no longer listed', async () => {
    await maintenance().upsertJobScheduler(
      maintenanceSchedulerId('expire-pending-orders'),
      { every: 3_600_000 },
      { name: 'old', data: { task: 'expire-pending-orders' } },
    );
    await maintenance().upsertJobScheduler('maintenance~vacuum-everything', { every: 1_000 }, { name: 'stray', data: {} });
    const report = await reconcileSchedules(h.deps);
    expect(report.maintenanceAdded).toContain('expire-pending-orders');
    expect(report.maintenanceRemoved).toEqual(['maintenance~vacuum-everything']);
    expect(await maintenance().getJobScheduler(maintenanceSchedulerId('expire-pending-orders'))).toMatchObject({ every: 60_000 });
    expect(await maintenance().getJobScheduler('maintenance~vacuum-everything')).toBeUndefined();
  });
});
