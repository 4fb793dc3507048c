import { MIN_SHUTDOWN_GRACE_MS, shutdownGraceMs } from './shutdown-grace';

describe('the order-worker shutdown grace', () => {
  it('outlasts the create timeout by 5 s, whatever it is set to', () => {
    expect(shutdownGraceMs(30_000)).toBe(35_000); // FLOWHUB_CREATE_TIMEOUT_MS' default
    expect(shutdownGraceMs(90_000)).toBe(95_000);
    for (const timeout of [1, 15_000, 30_000, 120_000]) expect(shutdownGraceMs(timeout)).toBeGreaterThan(timeout);
  });

  it('never falls below the 20 s the other jobs in hand need', () => {
    expect(shutdownGraceMs(2_000)).toBe(MIN_SHUTDOWN_GRACE_MS);
    expect(MIN_SHUTDOWN_GRACE_MS).toBe(20_000);
  });
});
