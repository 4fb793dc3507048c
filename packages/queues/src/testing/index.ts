import { Worker, type Job, type Processor as BullProcessor, type WorkerOptions } from 'bullmq';
import type { QueueName } from '../definitions';

/**
 * A bare BullMQ worker for tests that need a queue consumed by something other than the product's processor: a
 * throwaway handler that records or fails jobs, as Bull Board's and the scheduling tests do. Production code starts
 * workers only through startWorkers (src/processors.ts); ESLint refuses `new Worker` anywhere else.
 */
export function startTestWorker<T = any>(
  queue: QueueName | (string & {}),
  handler: (job: Job<T>, token?: string) => Promise<unknown>,
  options: WorkerOptions,
): Worker<T> {
  return new Worker<T>(queue, handler as BullProcessor<T>, options);
}
