import type { Logger } from 'pino';

export type Closer = () => Promise<unknown> | unknown;

/**
 * SIGTERM / SIGINT close the process within a bounded time: the closers run in order (stop taking work,
 * finish or hand back what is in hand, close connections), and a process that cannot finish in time
 * exits anyway rather than hanging a deployment.
 */
export function handleShutdown(logger: Logger, closers: Closer[], { timeoutMs = 20_000 } = {}): void {
  let closing = false;
  const close = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    let code = 0;
    for (const closer of closers) {
      try {
        await closer();
      } catch (error) {
        code = 1;
        logger.error({ err: error }, 'error while shutting down');
      }
    }
    logger.info('stopped');
    logger.flush?.();
    process.exit(code);
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
