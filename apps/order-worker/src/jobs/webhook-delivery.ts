import { signWebhook, type Logger, type SecretBox } from '@flowhub-sync/config';
import type { PrismaClient } from '@flowhub-sync/db';
import { parsePayload } from '@flowhub-sync/queues';

export interface WebhookDeliveryDependencies {
  prisma: PrismaClient;
  secrets: Pick<SecretBox, 'decrypt'>;
  logger: Logger;
  timeoutMs?: number;
}

export type DeliveryOutcome = 'delivered' | 'already_delivered' | 'gone' | 'no_endpoint';

export class WebhookEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookEndpointError';
  }
}

/**
 * Delivers one notification to the store's statusWebhookUrl, signed with its statusWebhookSecret. Each delivery is
 * its own job, so a dead endpoint only delays its own deliveries (retried with backoff by BullMQ) and never the
 * other stores'. The delivery row records every attempt; after the last one it is marked failed.
 */
export async function deliverWebhook(
  deps: WebhookDeliveryDependencies,
  deliveryId: string,
  { lastAttempt }: { lastAttempt: boolean },
): Promise<DeliveryOutcome> {
  const delivery = await deps.prisma.webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: { store: { select: { statusWebhookUrl: true, statusWebhookSecretEncrypted: true } } },
  });
  if (!delivery) return 'gone';
  if (delivery.status === 'delivered') return 'already_delivered';
  const { statusWebhookUrl: url, statusWebhookSecretEncrypted: sealed } = delivery.store;
  if (!url || !sealed) {
    await deps.prisma.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'failed', lastError: 'the store has no webhook URL or secret any more' } });
    return 'no_endpoint';
  }
  const body = JSON.stringify(delivery.payload);
  let status: number | null = null;
  let failure: string | null = null;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'flowhub-sync',
        'x-flowhub-sync-delivery': delivery.id,
        'x-flowhub-sync-signature': signWebhook(deps.secrets.decrypt(sealed), body),
      },
      body,
      signal: AbortSignal.timeout(deps.timeoutMs ?? 5_000),
      redirect: 'manual',
    });
    status = response.status;
    await response.body?.cancel();
    if (status < 200 || status >= 300) failure = `the webhook endpoint answered ${status}`;
  } catch (error) {
    failure = (error as Error).name === 'TimeoutError' ? 'the webhook endpoint did not answer in time' : `the webhook endpoint could not be reached (${(error as Error).message})`;
  }
  await deps.prisma.webhookDelivery.update({
    where: { id: deliveryId },
    data: {
      attempts: { increment: 1 },
      responseStatus: status,
      lastError: failure,
      ...(failure ? (lastAttempt ? { status: 'failed' as const } : {}) : { status: 'delivered' as const, deliveredAt: new Date() }),
    },
  });
  if (failure) {
    deps.logger.warn({ storeId: delivery.storeId, deliveryId, status, lastAttempt }, failure);
    throw new WebhookEndpointError(failure);
  }
  deps.logger.info({ storeId: delivery.storeId, deliveryId, event: delivery.event, sequence: delivery.sequence }, 'webhook delivered');
  return 'delivered';
}

/** The BullMQ processor of the `webhook-delivery` queue. */
export function webhookDeliveryProcessor(deps: WebhookDeliveryDependencies) {
  return async (job: { data: unknown; attemptsMade: number; opts: { attempts?: number } }) => {
    const { deliveryId } = parsePayload('webhook-delivery', job.data);
    return deliverWebhook(deps, deliveryId, { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });
  };
}
