import type { Order } from '@flowhub-sync/db';
import type { ProducerDependencies } from '../dependencies';
import { enqueueOrderPush } from './push-queue';

/**
 * What follows a confirmation, once it is committed: the one place where the order push starts. The
 * confirmation (pushState 'queued') is already in PostgreSQL, so this step may fail or find Redis away
 * without losing anything: the outbox sweep re-enqueues every confirmed order still 'queued'. It never throws.
 * The job: `order-push`, job id jobIds.orderPush(storeId, externalId) (see ./push-queue.ts).
 */
export async function afterConfirm(
  deps: Pick<ProducerDependencies, 'logger' | 'queues' | 'redis'>,
  order: Pick<Order, 'id' | 'storeId' | 'externalId' | 'pushState'>,
): Promise<void> {
  if (order.pushState !== 'queued') return;
  await enqueueOrderPush(deps, order, { firstPush: true });
}
