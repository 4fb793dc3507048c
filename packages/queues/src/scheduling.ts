import type { Queue } from 'bullmq';
import { jobIds, parsePayload, queues, type SyncTrigger } from './definitions';

/*
 * One-off jobs: a store's sync asked for now, an order's push. The repeating ones, what runs when, are in
 * packages/queues/src/schedules.ts.
 */

const pendingStates = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/**
 * Asks for a sync of one store, keeping one lane per store at the queue:
 * - a sync of the store that is queued and not started yet (its due scheduled run, or an earlier manual or
 *   initial request) is joined: its id comes back with `joined: true`;
 * - while one runs, the request is kept and runs right after it (BullMQ deduplication with keepLastIfActive:
 *   at most one active and one waiting per lane).
 * The inventory worker's per-store lock is what guarantees that two syncs of a store never run at once.
 */
export async function requestInventorySync(
  queue: Queue,
  storeId: string,
  trigger: Exclude<SyncTrigger, 'scheduled'>,
  { acceptShrink = false } = {},
): Promise<{ jobId: string; joined: boolean }> {
  const data = parsePayload('inventory-sync', { storeId, trigger, acceptShrink });
  const joinable = await pendingSyncJob(queue, storeId);
  if (joinable) {
    if (acceptShrink && !joinable.data.acceptShrink) await joinable.updateData({ ...joinable.data, acceptShrink: true });
    return { jobId: joinable.id!, joined: true };
  }
  const job = await queue.add(queues['inventory-sync'].jobName(data), data, {
    ...queues['inventory-sync'].defaults,
    deduplication: { id: jobIds.inventoryLane(storeId), keepLastIfActive: true },
  });
  return { jobId: job.id!, joined: false };
}

async function pendingSyncJob(queue: Queue, storeId: string) {
  const laneJobId = await queue.getDeduplicationJobId(jobIds.inventoryLane(storeId));
  if (laneJobId) {
    const job = await queue.getJob(laneJobId);
    if (job && pendingStates.has(await job.getState())) return job;
  }
  // A scheduled run that is due but not picked up yet waits under the id BullMQ derives from its time.
  const scheduler = await queue.getJobScheduler(jobIds.inventorySchedule(storeId));
  if (scheduler?.next && scheduler.next <= Date.now()) {
    const job = await queue.getJob(`repeat:${jobIds.inventorySchedule(storeId)}:${scheduler.next}`);
    if (job && (await job.getState()) === 'waiting') return job;
  }
  return undefined;
}

/**
 * Adds the `order-push` job of an order that has just been confirmed, in one round trip. No push job of the
 * order can have run before (only a confirmed order gets one), so there is no finished job to clear: when
 * the outbox sweep added it first, BullMQ ignores this add (same id). Every later push goes through
 * ensureOrderPushJob.
 */
export async function addFirstOrderPushJob(queue: Queue, storeId: string, externalId: string): Promise<void> {
  const data = parsePayload('order-push', { storeId, externalId });
  await queue.add(queues['order-push'].jobName(data), data, {
    ...queues['order-push'].defaults,
    jobId: jobIds.orderPush(storeId, externalId),
  });
}

/**
 * Adds the `webhook-delivery` job of a delivery recorded in PostgreSQL (with the change it reports), under its one
 * id: an add whose id exists is ignored, so the producer, the order-worker and the outbox sweep may all add it.
 */
export async function addWebhookDeliveryJob(queue: Queue, storeId: string, deliveryId: string): Promise<void> {
  const data = parsePayload('webhook-delivery', { deliveryId, storeId });
  const jobId = jobIds.webhookDelivery(deliveryId);
  await queue.add(queues['webhook-delivery'].jobName(data), data, { ...queues['webhook-delivery'].defaults, jobId });
}

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
