import type { PrismaClient, Store } from './generated/client';

/** A store's settings as the workers use them: secrets opened, for this job only (never logged, never queued). */
export interface StoreForWork
  extends Omit<Store, 'apiKeyEncrypted' | 'orderAheadTokenEncrypted' | 'statusWebhookSecretEncrypted' | 'statusWebhookPreviousSecretEncrypted'> {
  apiKey: string | null;
  orderAheadToken: string | null;
  statusWebhookSecret: string | null;
  /** The webhook secret the last change replaced (deliveries carry its signature too for a while: webhook-signature.ts). */
  statusWebhookPreviousSecret: string | null;
}

export interface SecretOpener {
  decrypt(ciphertext: string): string;
}

export function openStoreSecrets(store: Store, secrets: SecretOpener): StoreForWork {
  const { apiKeyEncrypted, orderAheadTokenEncrypted, statusWebhookSecretEncrypted, statusWebhookPreviousSecretEncrypted, ...rest } = store;
  return {
    ...rest,
    apiKey: apiKeyEncrypted ? secrets.decrypt(apiKeyEncrypted) : null,
    orderAheadToken: orderAheadTokenEncrypted ? secrets.decrypt(orderAheadTokenEncrypted) : null,
    statusWebhookSecret: statusWebhookSecretEncrypted ? secrets.decrypt(statusWebhookSecretEncrypted) : null,
    statusWebhookPreviousSecret: statusWebhookPreviousSecretEncrypted ? secrets.decrypt(statusWebhookPreviousSecretEncrypted) : null,
  };
}

/** Loads a store fresh from the database for one job. */
export async function loadStoreForWork(prisma: PrismaClient, secrets: SecretOpener, storeId: string): Promise<StoreForWork | null> {
  const store = await prisma.store.findUnique({ where: { id: storeId } });
  return store ? openStoreSecrets(store, secrets) : null;
}

/** Order statuses that are still moving in Flowhub: their pushed orders are polled. */
export const OPEN_ORDER_STATUSES = ['confirmed', 'preparing', 'ready', 'out_for_delivery'] as const;
