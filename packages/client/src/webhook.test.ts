import { signWebhook, verifyWebhookSignature } from '@flowhub-sync/config';
import { verifyWebhook, WebhookVerificationError, type WebhookVerificationReason } from './index';

/** verifyWebhook against the producer's own signing (packages/config, which the order-worker signs deliveries with). */

const body = JSON.stringify({
  id: 'd-1',
  storeId: 's1',
  externalId: 'A-1',
  event: 'status_changed',
  status: 'ready',
  flowhubStatus: 'ready',
  sequence: 3,
  at: '2026-11-27T10:00:00.000Z',
});
const t = 1_800_000_000;
const now = new Date(t * 1000);

function refusal(run: () => unknown): WebhookVerificationReason {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
}

it('accepts what the producer signs, as text or bytes', () => {
  const header = signWebhook('whsec-1', body, t);
  expect(verifyWebhook('whsec-1', header, body, { now })).toMatchObject({ event: 'status_changed', sequence: 3 });
  expect(verifyWebhook(['other', 'whsec-1'], header, Buffer.from(body), { now }).id).toBe('d-1');
  expect(verifyWebhook('whsec-1', header, new TextEncoder().encode(body), { now }).id).toBe('d-1');
  // The same verdicts as the producer's own verification.
  expect(verifyWebhookSignature('whsec-1', body, header, { now: t })).toEqual({ valid: true, timestamp: t });
});

it('accepts any v1= against any secret during a rotation', () => {
  const header = signWebhook(['whsec-new', 'whsec-old'], body, t);
  expect(verifyWebhook('whsec-new', header, body, { now }).id).toBe('d-1');
  expect(verifyWebhook('whsec-old', header, body, { now }).id).toBe('d-1');
  expect(verifyWebhook(['whsec-newer', 'whsec-old'], header, body, { now }).id).toBe('d-1');
  expect(refusal(() => verifyWebhook(['whsec-newer', 'whsec-oldest'], header, body, { now }))).toBe('signature_mismatch');
  // An unknown scheme beside ours is ignored.
  expect(verifyWebhook('whsec-old', `${header},v2=abc`, body, { now }).id).toBe('d-1');
});

it('refuses a wrong secret, an altered body, a moved timestamp and a replay', () => {
  const header = signWebhook('whsec-1', body, t);
  expect(refusal(() => verifyWebhook('whsec-2', header, body, { now }))).toBe('signature_mismatch');
  expect(refusal(() => verifyWebhook('whsec-1', header, body.replace('"ready"', '"completed"'), { now }))).toBe('signature_mismatch');
  expect(refusal(() => verifyWebhook('whsec-1', header.replace(`t=${t}`, `t=${t + 1}`), body, { now }))).toBe('signature_mismatch');
  // Replayed later than the tolerance (default 300 s), or signed too far in the future.
  expect(verifyWebhook('whsec-1', header, body, { now: new Date((t + 300) * 1000) }).id).toBe('d-1');
  expect(refusal(() => verifyWebhook('whsec-1', header, body, { now: new Date((t + 301) * 1000) }))).toBe('timestamp_out_of_tolerance');
  expect(refusal(() => verifyWebhook('whsec-1', header, body, { now: new Date((t - 301) * 1000) }))).toBe('timestamp_out_of_tolerance');
  expect(verifyWebhook('whsec-1', header, body, { now: new Date((t + 600) * 1000), toleranceSeconds: 600 }).id).toBe('d-1');
});

it('refuses malformed headers and bodies', () => {
  const header = signWebhook('whsec-1', body, t);
  for (const bad of [
    undefined,
    null,
    '',
    'v1=' + 'a'.repeat(64),
    `t=${t}`,
    `t=soon,v1=${'a'.repeat(64)}`,
    `t=${t},t=${t},${header.split(',')[1]}`,
    `t=${t},v1=xyz`,
  ]) {
    expect(refusal(() => verifyWebhook('whsec-1', bad, body, { now }))).toBe('malformed_signature');
  }
  const notJson = 'not json';
  expect(refusal(() => verifyWebhook('whsec-1', signWebhook('whsec-1', notJson, t), notJson, { now }))).toBe('malformed_body');
  expect(() => verifyWebhook([], header, body, { now })).toThrow(TypeError);
  expect(() => verifyWebhook('whsec-1', header, JSON.parse(body) as never, { now })).toThrow(TypeError);
});
