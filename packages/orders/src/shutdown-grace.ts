/** What the order-worker's shutdown grace adds to the create's deadline: the push's own writes around the create. */
export const SHUTDOWN_MARGIN_MS = 5_000;
/** Never less than this: status polls and webhook deliveries in hand finish within it (handleShutdown's default). */
export const MIN_SHUTDOWN_GRACE_MS = 20_000;

/**
 * How long SIGTERM waits for the jobs in hand before the process exits anyway. A push in hand may be waiting on
 * its create, which may take FLOWHUB_CREATE_TIMEOUT_MS; a process that exits first leaves the order 'pushing' for
 * the crash sweep and, since its outcome is then unknown, for a person (needs_reconciliation). So the grace is
 * derived from that timeout, never a constant below it. The platform running the process must allow at least as
 * long before it kills it (docker-compose.yml's stop_grace_period, a Kubernetes terminationGracePeriodSeconds).
 */
export function shutdownGraceMs(createTimeoutMs: number): number {
  return Math.max(MIN_SHUTDOWN_GRACE_MS, createTimeoutMs + SHUTDOWN_MARGIN_MS);
}
