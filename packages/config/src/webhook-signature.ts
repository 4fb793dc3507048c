import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the webhooks sent to the platform (api-contract.md):
 * `X-Flowhub-Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with statusWebhookSecret>`.
 * The timestamp is signed too, so a receiver can refuse a replayed delivery by its age.
 */
export function signWebhook(secret: string, rawBody: string, unixSeconds = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

export type WebhookVerification = { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'mismatch' | 'too_old' };

/** What a receiver does with a delivery: recompute, compare in constant time, and refuse stale timestamps. */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  { toleranceSeconds = 300, now = Math.floor(Date.now() / 1000) } = {},
): WebhookVerification {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(signWebhook(secret, rawBody, timestamp).split('v1=')[1], 'hex');
  if (!timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'))) return { valid: false, reason: 'mismatch' };
  if (Math.abs(now - timestamp) > toleranceSeconds) return { valid: false, reason: 'too_old' };
  return { valid: true, timestamp };
}
