import type { Job } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import { inventorySyncProcessor, type InventorySyncJobDependencies } from '../jobs/inventory-sync';
import type { SyncOutcome } from '../sync-store';

/**
 * The inventory-sync processor bound to a logger, with BullMQ's processor signature (`process(job, token)`): for a
 * test that runs the job in a worker of its own. Production, and this package's tests, start it through startWorkers
 * or call `inventorySyncProcessor(deps).run(job, token, logger)`.
 */
export function createInventorySyncProcessor(deps: InventorySyncJobDependencies & { logger: Logger }) {
  const { logger, ...jobDeps } = deps;
  const processor = inventorySyncProcessor(jobDeps);
  return {
    process: (job: Job, token?: string): Promise<SyncOutcome> => processor.run(job, token, logger),
    interruptAll: (reason: string) => processor.interruptAll(reason),
  };
}
