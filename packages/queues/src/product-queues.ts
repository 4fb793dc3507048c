import { Queue } from 'bullmq';
import type { RedisConnection } from './connection';
import { QUEUE_NAMES, queues, type QueueName } from './definitions';

export type ProductQueues = Record<QueueName, Queue>;

/** One BullMQ Queue per queue of the product, sharing a connection and the (hash-tagged) prefix. */
export function createProductQueues(connection: RedisConnection, prefix: string): ProductQueues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix, defaultJobOptions: queues[name].defaults })]),
  ) as ProductQueues;
}

export async function closeProductQueues(productQueues: ProductQueues): Promise<void> {
  await Promise.all(Object.values(productQueues).map((queue) => queue.close()));
}
