import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { jobIds, parsePayload, queues, type SyncTrigger } from './definitions';

/**
 * Where in the interval a store's scheduled work runs: a stable position derived from the store id, so that
 * thousands of stores spread evenly over the 10 minutes instead of all calling Flowhub at once, and a store
 * keeps its slot across restarts.
 */
export function staggerOffset(storeId: string, everyMs: number): number {
  const hash = createHash('sha1').update(storeId).digest().readUInt32BE(0);
  return hash % everyMs;
}

/**
 * The store's periodic inventory sync. With an offset BullMQ waits for the next slot before the first run, so
 * enabling a store also enqueues a first sync at once (requestInventorySync 'initial'): exactly one first sync.
 */
export async function scheduleInventorySync(queue: Queue, storeId: string, everyMs: number): Promise<void> {
  const data = parsePayload('inventory-sync', { storeId, trigger: 'scheduled' });
  await queue.upsertJobScheduler(
    jobIds.inventorySchedule(storeId),
    { every: everyMs, offset: staggerOffset(storeId, everyMs) },
    { name: queues['inventory-sync'].jobName(data), data, opts: queues['inventory-sync'].defaults },
  );
}

export async function scheduleStatusPoll(queue: Queue, storeId: string, everyMs: number): Promise<void> {
  const data = parsePayload('order-status-poll', { storeId });
  await queue.upsertJobScheduler(
    jobIds.statusPollSchedule(storeId),
    { every: everyMs, offset: staggerOffset(`${storeId}#poll`, everyMs) },
    { name: queues['order-status-poll'].jobName(data), data, opts: queues['order-status-poll'].defaults },
  );
}

export const unscheduleInventorySync = (queue: Queue, storeId: string) => queue.removeJobScheduler(jobIds.inventorySchedule(storeId));
export const unscheduleStatusPoll = (queue: Queue, storeId: string) => queue.removeJobScheduler(jobIds.statusPollSchedule(storeId));

/** The store ids that currently have a scheduler of the given kind. */
export async function scheduledStoreIds(queue: Queue, kind: 'inventory' | 'status'): Promise<Set<string>> {
  const prefix = kind === 'inventory' ? jobIds.inventorySchedule('') : jobIds.statusPollSchedule('');
  const ids = new Set<string>();
  const pageSize = 1000;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getJobSchedulers(start, start + pageSize - 1, true);
    for (const scheduler of page) {
      const id = scheduler.key ?? scheduler.id;
      if (id?.startsWith(prefix)) ids.add(id.slice(prefix.length));
    }
    if (page.length < pageSize) break;
  }
  return ids;
}

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
  await queue.add(queues['order-push'].jobName(data), data, { ...queues['order-push'].defaults, jobId: jobIds.orderPush(storeId, externalId) });
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
