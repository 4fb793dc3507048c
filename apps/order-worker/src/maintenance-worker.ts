import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import { applyRetention, DEFAULT_RETENTION, type PrismaClient, type RetentionPolicy } from '@flowhub-sync/db';
import { InvalidJobPayload, parsePayload, type MaintenanceTask, type RedisConnection } from '@flowhub-sync/queues';
import { expirePendingOrders } from './jobs/expire-pending-orders';
import { sweepOutbox } from './jobs/outbox-sweep';

export interface MaintenanceDependencies {
  prisma: PrismaClient;
  logger: Logger;
  /** The queues the outbox sweep adds left-behind jobs to. */
  outbox?: { orderPush: Queue; webhookDelivery: Queue };
  /** How long finished work is kept in PostgreSQL (the retention task). */
  retention?: RetentionPolicy;
}

/** Every maintenance task has its handler here (the type refuses a missing one, so a task can never be scheduled unworked). */
export const maintenanceTasks: Record<MaintenanceTask, (deps: MaintenanceDependencies, now: Date) => Promise<Record<string, unknown>>> = {
  retention: async (deps, now) => applyRetention(deps.prisma, deps.retention ?? DEFAULT_RETENTION, now),
  'expire-pending-orders': async (deps, now) => ({ expired: (await expirePendingOrders(deps.prisma, { now, logger: deps.logger })).expired.length }),
  'outbox-sweep': async (deps, now) => {
    if (!deps.outbox) throw new UnrecoverableError('this order-worker was started without the queues the outbox sweep needs');
    const { orderPush, webhookDelivery } = deps.outbox;
    return { ...(await sweepOutbox({ prisma: deps.prisma, logger: deps.logger, queue: orderPush, webhookQueue: webhookDelivery, now: () => now })) };
  },
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
