import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'd1', event: 'status_changed', status: 'ready', sequence: 3 });

  it("verify with the store's secret", () => {
    const header = signWebhook('whsec-1', body, 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec-1', body, header, { now: 1_800_000_010 })).toEqual({ valid: true, timestamp: 1_800_000_000 });
  });

  it('refuse another secret, a changed body, a malformed header', () => {
    const header = signWebhook('whsec-1', body, 1_800_000_000);
    const now = 1_800_000_000;
    expect(verifyWebhookSignature('whsec-2', body, header, { now })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec-1', body.replace('ready', 'completed'), header, { now })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec-1', body, 'v1=abc', { now })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWebhookSignature('whsec-1', body, undefined, { now })).toEqual({ valid: false, reason: 'malformed' });
  });

  it('let a receiver recognise a replayed delivery by its timestamp', () => {
    const header = signWebhook('whsec-1', body, 1_800_000_000);
    expect(verifyWebhookSignature('whsec-1', body, header, { now: 1_800_000_000 + 3600 })).toEqual({ valid: false, reason: 'too_old' });
  });
});
