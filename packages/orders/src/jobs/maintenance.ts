import { UnrecoverableError } from 'bullmq';
import { defineProcessor, type MaintenanceTask } from '@flowhub-sync/queues';
import { expirePendingOrdersTask } from '../maintenance/expire-pending-orders';
import { outboxSweepTask } from '../maintenance/outbox-sweep';
import { retentionTask } from '../maintenance/retention';
import type { MaintenanceDependencies, MaintenanceTaskRun } from '../maintenance/task';

export type { MaintenanceDependencies, MaintenanceTaskRun };

/** Every maintenance task has its handler here (the type refuses a missing one, so a task can never be scheduled unworked). */
export const maintenanceTasks: Record<MaintenanceTask, MaintenanceTaskRun> = {
  retention: retentionTask,
  'expire-pending-orders': expirePendingOrdersTask,
  'outbox-sweep': outboxSweepTask,
};

/** The processor of the `maintenance` queue (the producer owns its schedulers): one task per job, one job at a time. */
export function maintenanceProcessor(deps: MaintenanceDependencies) {
  return defineProcessor(
    'maintenance',
    async ({ task }, job) => {
      const run = maintenanceTasks[task];
      if (!run) throw new UnrecoverableError(`maintenance task ${task} has no handler in this version of the order-worker`);
      const started = Date.now();
      const result = await run(deps, new Date());
      deps.logger.info({ task, jobId: job.id, ms: Date.now() - started, ...result }, 'maintenance task done');
      return result;
    },
    { concurrency: 1 },
  );
}
