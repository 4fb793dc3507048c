import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { idSchema } from '@flowhub-sync/config';

/**
 * Every queue of the product, its payload schema and its default job options, in one place.
 * Producers and workers import the same definitions, so a payload can't drift between them.
 * A job carries ids, never documents or secrets: everything else is read fresh from the database.
 */

const storeId = idSchema('must be a store id');
const externalId = idSchema('must be an order external id');

export const syncTriggers = ['scheduled', 'manual', 'initial'] as const;
export type SyncTrigger = (typeof syncTriggers)[number];

export const maintenanceTasks = ['outbox-sweep', 'expire-pending-orders', 'retention'] as const;
export type MaintenanceTask = (typeof maintenanceTasks)[number];

const retention = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} satisfies JobsOptions;

export const queues = {
  'inventory-sync': {
    payload: z.object({
      storeId,
      trigger: z.enum(syncTriggers),
      acceptShrink: z.boolean().default(false),
    }),
    jobName: (data: { storeId: string }) => `inventory-sync:${data.storeId}`,
    defaults: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000 },
      ...retention,
    } satisfies JobsOptions,
  },
  'order-push': {
    payload: z.object({ storeId, externalId }),
    jobName: (data: { storeId: string; externalId: string }) => `order-push:${data.storeId}:${data.externalId}`,
    defaults: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 2_000 },
      ...retention,
    } satisfies JobsOptions,
  },
  'order-status-poll': {
    // A scheduled poll carries the store only; a Flowhub postback adds the order to re-read (and the Flowhub
    // order id it named, which may resolve an order whose push outcome was unknown).
    payload: z.object({ storeId, orderId: z.string().uuid().optional(), flowhubOrderId: z.string().min(1).max(200).optional() }),
    jobName: (data: { storeId: string }) => `order-status-poll:${data.storeId}`,
    defaults: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 3600, count: 200 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    } satisfies JobsOptions,
  },
  'webhook-delivery': {
    payload: z.object({ deliveryId: z.string().min(1), storeId }),
    jobName: (data: { storeId: string; deliveryId: string }) => `webhook-delivery:${data.storeId}:${data.deliveryId}`,
    defaults: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 2_000 },
      ...retention,
    } satisfies JobsOptions,
  },
  maintenance: {
    payload: z.object({ task: z.enum(maintenanceTasks) }),
    jobName: (data: { task: MaintenanceTask }) => `maintenance:${data.task}`,
    defaults: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 3600, count: 100 },
      removeOnFail: { age: 24 * 3600, count: 500 },
    } satisfies JobsOptions,
  },
} as const;

export type QueueName = keyof typeof queues;
export const QUEUE_NAMES = Object.keys(queues) as QueueName[];
export type JobPayload<Q extends QueueName> = z.input<(typeof queues)[Q]['payload']>;
export type ParsedJobPayload<Q extends QueueName> = z.output<(typeof queues)[Q]['payload']>;

/**
 * BullMQ refuses custom ids containing ':' (unless exactly three parts) and all-digit ids, and a store id
 * may be "123": ids use '~' as separator and start with the queue's word.
 */
export const jobIds = {
  orderPush: (storeId: string, externalId: string) => `push~${storeId}~${externalId}`,
  webhookDelivery: (deliveryId: string) => `webhook~${deliveryId}`,
  inventorySchedule: (storeId: string) => `inventory-sync~${storeId}`,
  statusPollSchedule: (storeId: string) => `order-status-poll~${storeId}`,
  /** Manual and initial syncs of one store share one deduplication lane (see the producer's sync route). */
  inventoryLane: (storeId: string) => `inventory-lane~${storeId}`,
};

export class InvalidJobPayload extends Error {
  constructor(queue: QueueName, reason: string) {
    super(`invalid ${queue} job payload: ${reason}`);
    this.name = 'InvalidJobPayload';
  }
}

/** Validates a payload at enqueue time and again when a job starts (a job that fails this can never succeed). */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): ParsedJobPayload<Q> {
  const result = queues[queue].payload.safeParse(data);
  if (!result.success) {
    throw new InvalidJobPayload(
      queue,
      result.error.issues.map((issue) => `${issue.path.join('.') || 'payload'} ${issue.message}`).join('; '),
    );
  }
  return result.data as ParsedJobPayload<Q>;
}
