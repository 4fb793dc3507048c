import type { Queue } from 'bullmq';
import { jobIds, parsePayload, queues } from '@flowhub-sync/queues';

export type EnsureJobResult = 'added' | 'present';

/**
 * Makes sure an `order-push` job exists for the order, under its one id (jobIds.orderPush), so two
 * adds can never mean two jobs (BullMQ ignores an add whose id exists). A finished job under that id
 * (a completed or failed earlier push, kept for Bull Board) is removed first: otherwise it would
 * swallow the new push. A job still waiting, delayed or running is left alone.
 */
export async function ensureOrderPushJob(queue: Queue, storeId: string, externalId: string): Promise<EnsureJobResult> {
  const data = parsePayload('order-push', { storeId, externalId });
  const jobId = jobIds.orderPush(storeId, externalId);
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'present';
    try {
      await existing.remove();
    } catch {
      // Taken by a worker in the meantime (it is locked): that run is the push.
      return 'present';
    }
  }
  await queue.add(queues['order-push'].jobName(data), data, { ...queues['order-push'].defaults, jobId });
  return 'added';
}
