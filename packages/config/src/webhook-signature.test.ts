import { signWebhook, verifyWebhookSignature, WEBHOOK_SECRET_OVERLAP_MS, webhookSigningSecrets } from './webhook-signature';

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
    expect(verifyWebhookSignature('whsec-1', body.replace('ready', 'completed'), header, { now })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('whsec-1', body, 'v1=abc', { now })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWebhookSignature('whsec-1', body, undefined, { now })).toEqual({ valid: false, reason: 'malformed' });
  });

  it('let a receiver recognise a replayed delivery by its timestamp', () => {
    const header = signWebhook('whsec-1', body, 1_800_000_000);
    expect(verifyWebhookSignature('whsec-1', body, header, { now: 1_800_000_000 + 3600 })).toEqual({ valid: false, reason: 'too_old' });
  });

  it('carry one v1 per secret during a rotation; a receiver holding either secret accepts the delivery', () => {
    const now = 1_800_000_000;
    const header = signWebhook(['whsec-new', 'whsec-old'], body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(header.split(',')[1]).toBe(signWebhook('whsec-new', body, now).split(',')[1]);
    expect(header.split(',')[2]).toBe(signWebhook('whsec-old', body, now).split(',')[1]);
    expect(verifyWebhookSignature('whsec-new', body, header, { now })).toEqual({ valid: true, timestamp: now });
    expect(verifyWebhookSignature('whsec-old', body, header, { now })).toEqual({ valid: true, timestamp: now });
    // A receiver in the middle of its own switch holds both; one match is enough.
    expect(verifyWebhookSignature(['whsec-new', 'whsec-old'], body, signWebhook('whsec-old', body, now), { now })).toMatchObject({
      valid: true,
    });
    expect(verifyWebhookSignature(['whsec-x', 'whsec-y'], body, header, { now })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec-new', body, `${header},v1=zz`, { now })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWebhookSignature([], body, header, { now })).toEqual({ valid: false, reason: 'malformed' });
  });

  it('sign with the previous secret for 24 hours after a change, then with the new one alone', () => {
    const changedAt = new Date('2027-01-01T00:00:00Z');
    const previous = { secret: 'whsec-old', changedAt };
    const at = (ms: number) => new Date(changedAt.getTime() + ms);
    expect(WEBHOOK_SECRET_OVERLAP_MS).toBe(24 * 3600 * 1000);
    expect(webhookSigningSecrets('whsec-new', previous, at(0))).toEqual(['whsec-new', 'whsec-old']);
    expect(webhookSigningSecrets('whsec-new', previous, at(WEBHOOK_SECRET_OVERLAP_MS - 1))).toEqual(['whsec-new', 'whsec-old']);
    expect(webhookSigningSecrets('whsec-new', previous, at(WEBHOOK_SECRET_OVERLAP_MS))).toEqual(['whsec-new']);
    expect(webhookSigningSecrets('whsec-new', null, at(0))).toEqual(['whsec-new']);
    expect(webhookSigningSecrets('whsec-new', { secret: 'whsec-new', changedAt }, at(0))).toEqual(['whsec-new']);
  });
});
