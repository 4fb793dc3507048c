import { isMaskedSecret, WEBHOOK_SECRET_OVERLAP_MS } from '@flowhub-sync/config';
import type { Store } from './generated/client';
import type { SecretOpener } from './stores';

/*
 * The sealed secrets of a store's settings (apiKey, orderAheadToken, statusWebhookSecret) across a settings save: what
 * a PUT sends (a new secret in clear, the stored one echoed back masked, null, or nothing) → the columns to write.
 */

export interface SecretSealer {
  encrypt(plain: string): string;
}

/** The stored value of a secret after a save: left out or echoed back masked keeps it; null clears it; anything else is new. */
export function nextSealedSecret(given: string | null | undefined, stored: string | null | undefined, box: SecretSealer): string | null {
  if (given === undefined || isMaskedSecret(given)) return stored ?? null;
  if (given === null) return null;
  return box.encrypt(given);
}

export type WebhookSecretColumns = Pick<
  Store,
  'statusWebhookSecretEncrypted' | 'statusWebhookPreviousSecretEncrypted' | 'statusWebhookSecretChangedAt'
>;

function sameSecret(box: SecretOpener, sealed: string, plain: string): boolean {
  try {
    return box.decrypt(sealed) === plain;
  } catch {
    return false; // sealed under a key no longer held: treat the one given as new
  }
}

/**
 * The webhook secret after a save, with the one it replaced. A new secret keeps the old one as the previous secret,
 * with the time of the change: deliveries carry a signature with each for WEBHOOK_SECRET_OVERLAP_MS
 * (packages/config/src/webhook-signature.ts), so the platform can switch without refusing any. The same secret sent
 * again in clear, left out or echoed masked changes nothing; null clears both. A previous secret past its overlap is
 * dropped at the next save.
 */
export function nextWebhookSecrets(
  given: string | null | undefined,
  existing: WebhookSecretColumns | null,
  box: SecretSealer & SecretOpener,
  now: Date,
): WebhookSecretColumns {
  const stored = existing?.statusWebhookSecretEncrypted ?? null;
  if (given === null)
    return { statusWebhookSecretEncrypted: null, statusWebhookPreviousSecretEncrypted: null, statusWebhookSecretChangedAt: null };
  const unchanged = given === undefined || isMaskedSecret(given) || (stored !== null && sameSecret(box, stored, given));
  if (unchanged) {
    const changedAt = existing?.statusWebhookSecretChangedAt ?? null;
    const overlapping = changedAt !== null && now.getTime() - changedAt.getTime() < WEBHOOK_SECRET_OVERLAP_MS;
    return {
      statusWebhookSecretEncrypted: stored,
      statusWebhookPreviousSecretEncrypted: overlapping ? (existing?.statusWebhookPreviousSecretEncrypted ?? null) : null,
      statusWebhookSecretChangedAt: changedAt,
    };
  }
  return {
    statusWebhookSecretEncrypted: box.encrypt(given),
    statusWebhookPreviousSecretEncrypted: stored,
    statusWebhookSecretChangedAt: now,
  };
}

/** Until when deliveries also carry a signature with the previous webhook secret, or null (none, or past its overlap). */
export function previousWebhookSecretUntil(store: WebhookSecretColumns, now = new Date()): Date | null {
  if (!store.statusWebhookPreviousSecretEncrypted || !store.statusWebhookSecretChangedAt) return null;
  const until = store.statusWebhookSecretChangedAt.getTime() + WEBHOOK_SECRET_OVERLAP_MS;
  return until > now.getTime() ? new Date(until) : null;
}
