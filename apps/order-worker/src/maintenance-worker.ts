import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import type { PrismaClient } from '@flowhub-sync/db';
import { InvalidJobPayload, parsePayload, type MaintenanceTask, type RedisConnection } from '@flowhub-sync/queues';
import { expirePendingOrders } from './jobs/expire-pending-orders';

export interface MaintenanceDependencies {
  prisma: PrismaClient;
  logger: Logger;
}

/** The maintenance tasks this worker knows, by name. 'outbox-sweep' and 'retention' join this table with their issues. */
export const maintenanceTasks: Partial<Record<MaintenanceTask, (deps: MaintenanceDependencies, now: Date) => Promise<Record<string, unknown>>>> = {
  'expire-pending-orders': async (deps, now) => ({ expired: (await expirePendingOrders(deps.prisma, { now, logger: deps.logger })).expired.length }),
};

export function createMaintenanceProcessor(deps: MaintenanceDependencies) {
  return async (job: Job) => {
    let task: MaintenanceTask;
    try {
      task = parsePayload('maintenance', job.data).task;
    } catch (error) {
      // A payload that fails validation can never succeed: fail at once instead of burning retries.
      if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
      throw error;
    }
    const run = maintenanceTasks[task];
    if (!run) throw new UnrecoverableError(`maintenance task ${task} has no handler in this version of the order-worker`);
    const started = Date.now();
    const result = await run(deps, new Date());
    deps.logger.info({ task, jobId: job.id, ms: Date.now() - started, ...result }, 'maintenance task done');
    return result;
  };
}

/** The BullMQ worker of the `maintenance` queue (the producer owns its schedulers). */
export function startMaintenanceWorker(deps: MaintenanceDependencies & { connection: RedisConnection; prefix: string }): Worker {
  const worker = new Worker('maintenance', createMaintenanceProcessor(deps), { connection: deps.connection, prefix: deps.prefix, concurrency: 1 });
  worker.on('failed', (job, error) => deps.logger.warn({ task: job?.data?.task, jobId: job?.id, reason: error.message }, 'maintenance job failed'));
  worker.on('error', (error) => deps.logger.error({ err: error }, 'maintenance worker error'));
  return worker;
}
