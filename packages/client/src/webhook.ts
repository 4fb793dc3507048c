import { createHmac, timingSafeEqual } from 'node:crypto';
import type { webhooks } from './generated/api';

/**
 * The body the producer POSTs to a store's statusWebhookUrl: the `webhooks.statusWebhook` of its OpenAPI document.
 */
export type StatusWebhookEvent = webhooks['statusWebhook']['post']['requestBody']['content']['application/json'];
export type StatusWebhookEventName = StatusWebhookEvent['event'];
/** The body POSTed after each finished inventory sync run: the `webhooks.menuSyncedWebhook` of the document. */
export type MenuSyncedWebhookEvent = webhooks['menuSyncedWebhook']['post']['requestBody']['content']['application/json'];
/** Any body the producer POSTs to a statusWebhookUrl: tell them apart by `event`. */
export type WebhookEvent = StatusWebhookEvent | MenuSyncedWebhookEvent;

/** The header that carries the signature (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, one v1= per secret). */
export const SIGNATURE_HEADER = 'x-flowhub-sync-signature';
/** The header that carries the delivery id (the body's `id`): a delivery seen before is a repeat. */
export const DELIVERY_HEADER = 'x-flowhub-sync-delivery';

export type WebhookVerificationReason = 'malformed_signature' | 'signature_mismatch' | 'timestamp_out_of_tolerance' | 'malformed_body';

/** A delivery refused by verifyWebhook: answer it with a 4xx and do not act on it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyWebhookOptions {
  /** A delivery whose signed timestamp is further than this from now (either way) is refused (default 300 s): a replay. */
  toleranceSeconds?: number;
  /** The current time (default: the clock). */
  now?: Date;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Verifies a delivery of the producer's webhook and returns its event: the signature must be the HMAC-SHA256 of
 * `"<t>.<raw body>"` under one of `secrets`, and `t` within `toleranceSeconds` of now. During a rotation the
 * header carries one `v1=` per secret the producer signs with, and the receiver may hold the new and the old
 * secret: one match between them is enough. Compared in constant time. Pass the body exactly as received (the
 * bytes, or their UTF-8 text), before any JSON parsing. Throws WebhookVerificationError otherwise.
 */
export function verifyWebhook(
  secrets: string | readonly string[],
  signatureHeader: string | readonly string[] | null | undefined,
  rawBody: string | Uint8Array,
  { toleranceSeconds = 300, now = new Date() }: VerifyWebhookOptions = {},
): WebhookEvent {
  const keys = (typeof secrets === 'string' ? [secrets] : [...secrets]).filter((secret) => secret.length > 0);
  if (keys.length === 0) throw new TypeError('verifyWebhook needs at least one non-empty secret');
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('verifyWebhook needs the raw body (string or bytes) as received, not a parsed object');
  }

  const header = typeof signatureHeader === 'string' ? signatureHeader : (signatureHeader ?? []).join(',');
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value))
        throw new WebhookVerificationError('malformed_signature', 'the signature header has no single valid t=');
      timestamp = Number(value);
    } else if (key === 'v1' && HEX_SHA256.test(value)) {
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (or a v1= of another length) are not ours: ignored, as a newer producer may add some.
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(
      'malformed_signature',
      'the signature header needs t=<unix seconds> and at least one v1=<hex HMAC-SHA256>',
    );
  }

  let matched = false;
  for (const secret of keys) {
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
    // Every pair is compared, whatever matched before: the time taken says nothing about which.
    for (const signature of signatures) matched = timingSafeEqual(expected, signature) || matched;
  }
  if (!matched) throw new WebhookVerificationError('signature_mismatch', 'no signature of the delivery matches a secret');

  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (Math.abs(age) > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `the delivery was signed ${age} s from now, beyond the tolerance of ${toleranceSeconds} s (a replay?)`,
    );
  }

  let event: unknown;
  try {
    event = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch {
    throw new WebhookVerificationError('malformed_body', 'the body is not JSON');
  }
  if (!event || typeof event !== 'object' || typeof (event as { event?: unknown }).event !== 'string') {
    throw new WebhookVerificationError('malformed_body', 'the body is not a webhook event');
  }
  return event as WebhookEvent;
}
