import type { Queue } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import type { PrismaClient, RetentionPolicy } from '@flowhub-sync/db';

/** What the maintenance tasks run on (the order-worker's `maintenance` processor hands it to each). */
export interface MaintenanceDependencies {
  prisma: PrismaClient;
  logger: Logger;
  /** The queues the outbox sweep adds left-behind jobs to. */
  outbox?: { orderPush: Queue; webhookDelivery: Queue };
  /** How long finished work is kept in PostgreSQL (the retention task). */
  retention?: RetentionPolicy;
}

/** One maintenance task: runs once per job, answers what it did (the job's return value, and the log). */
export type MaintenanceTaskRun = (deps: MaintenanceDependencies, now: Date) => Promise<Record<string, unknown>>;
