import fc from 'fast-check';
import { backoffDelayMs, parseRetryAfterMs, sleep } from './retry-timing';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2024-05-01T12:00:00.000Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('30', now)).toBe(30_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date, and a date in the past as no wait', () => {
    expect(parseRetryAfterMs('Wed, 01 May 2024 12:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfterMs('Wed, 01 May 2024 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('stays between 1 ms and the doubling ceiling, capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 60_000 }),
        (attempt, baseMs, maxMs) => {
          const delay = backoffDelayMs(attempt, { baseMs, maxMs });
          expect(delay).toBeGreaterThanOrEqual(1);
          expect(delay).toBeLessThanOrEqual(Math.max(1, Math.min(maxMs, baseMs * 2 ** (attempt - 1))));
        },
      ),
    );
  });

  it('spreads retries instead of sending them in step', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, { baseMs: 500 })));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('sleep', () => {
  it('ends early with the reason when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await expect(sleep(5000, controller.signal)).rejects.toThrow('shutting down');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
