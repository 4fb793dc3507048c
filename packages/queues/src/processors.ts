import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Registry } from 'prom-client';
import type { Logger } from '@flowhub-sync/config';
import type { RedisConnection } from './connection';
import { InvalidJobPayload, parsePayload, QUEUE_NAMES, type ParsedJobPayload, type QueueName } from './definitions';
import { instrumentWorker } from './metrics';

/*
 * The job registry: every job of the product is a processor defined here, and every BullMQ Worker of the
 * product is started by startWorkers (ESLint refuses `new Worker` anywhere else). One shape for all of them:
 *
 *   export const webhookDelivery = (deps) => defineProcessor('webhook-delivery', async (payload, job) => { … });
 *   const workers = startWorkers([webhookDelivery(deps), …], { owns: ['webhook-delivery', …], connection, prefix, logger });
 */

/** What a handler gets beside its parsed payload. */
export interface JobContext {
  /** The process logger bound to the job (`jobId`, the queue, and `storeId` when the payload names one). */
  logger: Logger;
  /** BullMQ's lock token: needed to move the job to delayed from inside the handler. */
  token: string | undefined;
}

export type JobHandler<Q extends QueueName, R> = (
  payload: ParsedJobPayload<Q>,
  job: Job<ParsedJobPayload<Q>>,
  context: JobContext,
) => Promise<R>;

export interface ProcessorOptions {
  /** Jobs one process works at once. */
  concurrency?: number;
  /** BullMQ worker options beyond concurrency (lock duration, stalled checks). */
  worker?: Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency' | 'autorun'>;
  /**
   * Jobs still in hand this long after shutdown began are interrupted by `run` (a sync hands its job back to the
   * queue for another worker); without it, shutdown waits for them.
   */
  interruptOnShutdown?: { afterMs: number; run: () => void };
}

export interface Processor<Q extends QueueName = QueueName, R = unknown> {
  readonly queue: Q;
  readonly options: ProcessorOptions;
  /** Runs one job: parses the payload (an invalid one fails at once), binds the logger, calls the handler. */
  run(job: Job, token: string | undefined, logger: Logger): Promise<R>;
}

/**
 * One job of the product. The payload is parsed with the queue's schema when the job starts: a payload that fails it
 * can never succeed, so it fails at once (UnrecoverableError, zod's message) instead of burning every retry.
 */
export function defineProcessor<Q extends QueueName, R>(
  queue: Q,
  handler: JobHandler<Q, R>,
  options: ProcessorOptions = {},
): Processor<Q, R> {
  return {
    queue,
    options,
    async run(job, token, logger) {
      let payload: ParsedJobPayload<Q>;
      try {
        payload = parsePayload(queue, job.data);
      } catch (error) {
        if (error instanceof InvalidJobPayload) throw new UnrecoverableError(error.message);
        throw error;
      }
      const storeId = (payload as { storeId?: unknown }).storeId;
      const bound = logger.child({ queue, jobId: job.id, ...(typeof storeId === 'string' ? { storeId } : {}) });
      return handler(payload, job as Job<ParsedJobPayload<Q>>, { logger: bound, token });
    },
  };
}

export class WorkerRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerRegistryError';
  }
}

/**
 * Refuses a set of processors that does not cover the queues an app owns exactly once: a queue with no processor
 * would fill up unworked, one with two would run every job through whichever worker took it. Pure, so it is tested
 * in a millisecond, and startWorkers calls it before it connects anything.
 */
export function checkProcessors(processors: readonly Processor[], owns: readonly QueueName[]): void {
  const problems: string[] = [];
  for (const queue of owns) {
    const count = processors.filter((processor) => processor.queue === queue).length;
    if (count === 0) problems.push(`queue ${queue} has no processor`);
    if (count > 1) problems.push(`queue ${queue} has ${count} processors`);
  }
  for (const processor of processors) {
    if (!QUEUE_NAMES.includes(processor.queue)) problems.push(`queue ${processor.queue} is not a queue of the product`);
    else if (!owns.includes(processor.queue)) problems.push(`queue ${processor.queue} has a processor but is not one this process owns`);
  }
  if (problems.length > 0) throw new WorkerRegistryError(`refusing to start: ${[...new Set(problems)].join('; ')}`);
}

export interface StartWorkersOptions {
  /** The queues this process works: each must have exactly one processor. */
  owns: readonly QueueName[];
  /** BullMQ's connection (a `worker` connection: blocking commands wait across reconnects). */
  connection: RedisConnection;
  prefix: string;
  logger: Logger;
  /** Job counts and durations per queue on this registry. */
  metrics?: Registry;
  /** Listeners beyond logging and metrics (a counter of webhook outcomes, say), per queue. */
  onWorker?: (worker: Worker) => void;
}

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  /** The worker of a queue (tests and metrics listeners). */
  worker(queue: QueueName): Worker;
  /** True while every worker takes jobs: readiness. */
  isRunning(): boolean;
  /** Stops taking jobs and waits for the jobs in hand (interrupting, past their grace, those of processors that say how). */
  close(): Promise<void>;
}

/** The only place the product starts BullMQ workers. Throws WorkerRegistryError before connecting when `owns` is not covered exactly. */
export function startWorkers(processors: readonly Processor[], options: StartWorkersOptions): RunningWorkers {
  checkProcessors(processors, options.owns);
  const { logger } = options;
  const workers = processors.map((processor) => {
    const worker = new Worker(processor.queue, (job, token) => processor.run(job, token, logger), {
      ...processor.options.worker,
      connection: options.connection,
      prefix: options.prefix,
      concurrency: processor.options.concurrency ?? 1,
    });
    worker.on('failed', (job, error) => {
      logger.warn(
        { queue: processor.queue, jobId: job?.id, storeId: job?.data?.storeId, attemptsMade: job?.attemptsMade, reason: error.message },
        `${processor.queue} job failed`,
      );
    });
    worker.on('error', (error) => logger.error({ err: error, queue: processor.queue }, 'worker error'));
    if (options.metrics) instrumentWorker(options.metrics, worker);
    options.onWorker?.(worker);
    return worker;
  });
  return {
    workers,
    worker(queue) {
      const found = workers.find((worker) => worker.name === queue);
      if (!found) throw new WorkerRegistryError(`no worker of ${queue} in this process`);
      return found;
    },
    isRunning: () => workers.every((worker) => worker.isRunning()),
    async close() {
      await Promise.all(
        workers.map(async (worker, index) => {
          const interrupt = processors[index].options.interruptOnShutdown;
          const timer = interrupt ? setTimeout(interrupt.run, interrupt.afterMs) : undefined;
          try {
            await worker.close();
          } finally {
            clearTimeout(timer);
          }
        }),
      );
    },
  };
}
