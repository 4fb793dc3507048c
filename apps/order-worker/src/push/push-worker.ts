import { Worker } from 'bullmq';
import type { RedisConnection } from '@flowhub-sync/queues';
import { createOrderPushProcessor, type OrderPushDependencies } from '../jobs/order-push';

/** Pushes one process works at once: each mostly waits on Flowhub; the request budget paces them per store. */
export const ORDER_PUSH_CONCURRENCY = 8;

/**
 * The BullMQ worker of the `order-push` queue. On SIGTERM `close()` lets the pushes in hand finish
 * (a send is never abandoned half way by a clean shutdown); only a crash leaves one 'pushing'.
 */
export function startOrderPushWorker(
  deps: OrderPushDependencies & { connection: RedisConnection; prefix: string; concurrency?: number },
): Worker {
  const processor = createOrderPushProcessor(deps);
  const worker = new Worker('order-push', (job, token) => processor(job, token), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? ORDER_PUSH_CONCURRENCY,
  });
  worker.on('failed', (job, error) => {
    deps.logger.warn(
      { storeId: job?.data?.storeId, externalId: job?.data?.externalId, jobId: job?.id, attemptsMade: job?.attemptsMade, reason: error.message },
      'order-push job failed',
    );
  });
  return worker;
}
