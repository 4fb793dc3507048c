import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the webhooks sent to the platform (api-contract.md):
 * `X-Flowhub-Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with statusWebhookSecret>`.
 * The timestamp is signed too, so a receiver can refuse a replayed delivery by its age.
 *
 * While a store's secret is being rotated the header carries one `v1=` per secret, the new one first
 * (`t=…,v1=<new>,v1=<old>`): a receiver that still knows only the old secret keeps accepting deliveries until it
 * has switched, for WEBHOOK_SECRET_OVERLAP_MS after the change.
 */

/** How long after a change of statusWebhookSecret deliveries are signed with the previous secret as well. */
export const WEBHOOK_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

const digest = (secret: string, rawBody: string, unixSeconds: number) =>
  createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');

/** The header value: one `v1=` per secret, in the order given (the current secret first). */
export function signWebhook(secrets: string | readonly string[], rawBody: string, unixSeconds = Math.floor(Date.now() / 1000)): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new Error('signWebhook needs at least one secret');
  return [`t=${unixSeconds}`, ...list.map((secret) => `v1=${digest(secret, rawBody, unixSeconds)}`)].join(',');
}

/**
 * The secrets a delivery is signed with: the current one, and the previous one while it is within
 * WEBHOOK_SECRET_OVERLAP_MS of the change that replaced it.
 */
export function webhookSigningSecrets(
  current: string,
  previous: { secret: string; changedAt: Date } | null,
  now: Date = new Date(),
): string[] {
  if (!previous || previous.secret === current) return [current];
  const age = now.getTime() - previous.changedAt.getTime();
  return age >= 0 && age < WEBHOOK_SECRET_OVERLAP_MS ? [current, previous.secret] : [current];
}

export type WebhookVerification = { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'mismatch' | 'too_old' };

/**
 * What a receiver does with a delivery: recompute, compare in constant time, and refuse stale timestamps. The
 * header may carry several `v1=` (during a rotation) and the receiver may hold several secrets (the new one and
 * the old one, while it switches): one match between them is enough.
 */
export function verifyWebhookSignature(
  secrets: string | readonly string[],
  rawBody: string,
  header: string | undefined,
  { toleranceSeconds = 300, now = Math.floor(Date.now() / 1000) } = {},
): WebhookVerification {
  let timestamp = NaN;
  const signatures: Buffer[] = [];
  for (const part of (header ?? '').split(',')) {
    const at = part.indexOf('=');
    const [key, value] = at < 0 ? [part.trim(), ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    if (key === 't') timestamp = /^\d+$/.test(value) ? Number(value) : NaN;
    else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { valid: false, reason: 'malformed' };
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  if (!Number.isSafeInteger(timestamp) || signatures.length === 0 || keys.length === 0) return { valid: false, reason: 'malformed' };
  let matched = false;
  for (const secret of keys) {
    const expected = Buffer.from(digest(secret, rawBody, timestamp), 'hex');
    for (const signature of signatures) if (timingSafeEqual(expected, signature)) matched = true;
  }
  if (!matched) return { valid: false, reason: 'mismatch' };
  if (Math.abs(now - timestamp) > toleranceSeconds) return { valid: false, reason: 'too_old' };
  return { valid: true, timestamp };
}
