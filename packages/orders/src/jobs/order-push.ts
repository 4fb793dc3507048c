import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Logger } from '@flowhub-sync/config';
import {
  claimPush,
  readPushedOrder,
  recordPushed,
  recordPushSkipped,
  transitionPush,
  type PrismaClient,
  type SecretOpener,
  type Sql,
} from '@flowhub-sync/db';
import { FlowhubError, type FlowhubClient } from '@flowhub-sync/flowhub-client';
import { defineProcessor } from '@flowhub-sync/queues';
import type { OrderPushMetrics } from '../metrics';
import { buildOrderAheadPayload, orderItemIdHint } from '../push/order-ahead-payload';
import { sendPlatformNotices } from '../push/platform-notices';
import { PREVIOUS_ATTEMPT_REASON, RESOLVE_HINT } from '../push/push-state';

/**
 * The `order-push` job: creates one confirmed order in Flowhub (Order Ahead), at most once. The
 * state machine that makes "at most once" hold is described in packages/orders/src/push/push-state.ts. Here:
 * - refused before sending (no phone and no medical id, unknown product, missing credentials) or by
 *   Flowhub (422, credentials rejected): the push fails at once (UnrecoverableError) with the reason
 *   on the order (pushState 'failed', pushError) and as the job's failure reason;
 * - throttled (429, or the shared request budget is spent): the job is delayed without spending an
 *   attempt, so only this store's pushes wait;
 * - certainly not sent (connection refused, token issuer down): back to 'queued', BullMQ retries
 *   with backoff; after the last attempt the push fails with the reason;
 * - outcome unknown (timeout or reset after sending, 5xx, 3xx, a crash): needs_reconciliation, never
 *   sent again by itself.
 */

export interface OrderPushDependencies {
  prisma: PrismaClient;
  /** Plain SQL for the statements every push runs (read, claim, record): createSqlPool's pool, beside Prisma's. */
  sql: Sql;
  flowhub: Pick<FlowhubClient, 'createOrder'>;
  secrets: SecretOpener;
  logger: Logger;
  /** PUBLIC_URL: when set, each create carries a postbackUrl with the order's token. */
  publicUrl?: string;
  /** How long a create may wait for a slot of the store's request budget before the job is delayed. Default 500 ms. */
  budgetWaitMs?: number;
  metrics?: OrderPushMetrics;
  /** The `webhook-delivery` queue: the platform's notices of failures, reconciliation needs and fulfilment go there after each commit. */
  webhookQueue?: Queue;
  /** Tries of the write that records Flowhub's answer before it is left to the next run. Default 4. */
  recordTries?: number;
  /** Pushes one process works at once (default ORDER_PUSH_CONCURRENCY). */
  concurrency?: number;
}

export type OrderPushResult =
  { status: 'pushed'; flowhubOrderId: string; fulfilled: boolean; consumedHolds: number } | { status: 'skipped'; reason: string };

/** Job data key under which a run notes Flowhub's orderId when PostgreSQL refused to record it. */
const ACCEPTED_KEY = 'acceptedFlowhubOrderId';

/** Pushes one process works at once: each mostly waits on Flowhub; the request budget paces them per store. */
export const ORDER_PUSH_CONCURRENCY = 8;

/**
 * The processor of the `order-push` queue. On SIGTERM the worker lets the pushes in hand finish (a send is never
 * abandoned half way by a clean shutdown); only a crash leaves one 'pushing'.
 */
export function orderPushProcessor(deps: OrderPushDependencies) {
  const budgetWaitMs = deps.budgetWaitMs ?? 500;
  const recordTries = deps.recordTries ?? 4;

  return defineProcessor(
    'order-push',
    async (payload, job: Job, context): Promise<OrderPushResult> => {
      const { storeId, externalId } = payload;
      const { token } = context;
      const logger = context.logger.child({ externalId });
      const { prisma, sql } = deps;
      const outcome = (name: Parameters<OrderPushMetrics['outcome']>[0]) => deps.metrics?.outcome(name);

      const order = await readPushedOrder(sql, storeId, externalId);
      if (!order) {
        outcome('failed');
        throw new UnrecoverableError(`order ${externalId} of store ${storeId} does not exist`);
      }

      const notify = (deliveries: string[]) => sendPlatformNotices(deps.webhookQueue, storeId, deliveries, logger);

      const skip = async (reason: string, resetState: boolean): Promise<OrderPushResult> => {
        if (resetState) {
          await transitionPush(prisma, order.id, {
            from: ['queued', 'not_pushed'],
            to: 'not_pushed',
            pushError: null,
            event: 'push_skipped',
            reason,
          });
        }
        logger.info({ reason }, 'order push skipped');
        outcome('skipped');
        return { status: 'skipped', reason };
      };

      /**
       * The store was disabled or stopped syncing orders after the confirmation: not_pushed with the reason, and the
       * platform's `push_skipped` webhook; the order is queued again when the store syncs orders again
       * (packages/db/src/orders/skipped-pushes.ts).
       */
      const skipForStore = async (reason: string): Promise<OrderPushResult> => {
        const skipped = await recordPushSkipped(prisma, order.id, reason);
        if (!skipped.skipped && skipped.storeSyncsOrders) {
          // Order sync was switched back on since this run read the store: push after all, from a fresh read.
          outcome('retried');
          throw new Error('the store syncs orders again since this push read its settings; trying again');
        }
        if (skipped.skipped) await notify(skipped.deliveries);
        logger.info({ reason }, 'order push skipped');
        outcome('skipped');
        return { status: 'skipped', reason };
      };

      const fail = async (reason: string, from: { states: ('queued' | 'not_pushed' | 'pushing')[]; attempt?: number }): Promise<never> => {
        const { deliveries } = await transitionPush(prisma, order.id, {
          from: from.states,
          attempt: from.attempt,
          to: 'failed',
          pushError: reason,
          event: 'push_failed',
          webhook: 'push_failed',
        });
        await notify(deliveries);
        logger.warn({ reason }, 'order push failed');
        outcome('failed');
        throw new UnrecoverableError(reason);
      };

      const reconcile = async (reason: string, attempt: number): Promise<never> => {
        const { deliveries } = await transitionPush(prisma, order.id, {
          from: ['pushing'],
          attempt,
          to: 'needs_reconciliation',
          pushError: reason,
          event: 'needs_reconciliation',
          webhook: 'needs_reconciliation',
        });
        await notify(deliveries);
        logger.warn({ reason }, 'order push needs reconciliation');
        outcome('needs_reconciliation');
        throw new UnrecoverableError(reason);
      };

      const pushed = async (attempt: number, flowhubOrderId: string, flowhubStatus: string | null): Promise<OrderPushResult> => {
        const record = () => recordPushed({ sql, prisma }, { id: order.id, attempt }, order.store, { flowhubOrderId, flowhubStatus });
        const result = await withTries(recordTries, record);
        if (!result.recorded) {
          await notify(result.deliveries);
          outcome('skipped');
          if (result.duplicate) {
            // Two Flowhub orders for one of ours: kept on the order (push.duplicateFlowhubOrderIds), told to the platform, counted.
            deps.metrics?.duplicate();
            logger.error(
              { flowhubOrderId, pushState: result.pushState, recorded: result.flowhubOrderId },
              'Flowhub created a second order for this order: staff must cancel it in Flowhub',
            );
            return {
              status: 'skipped',
              reason: `the push was resolved meanwhile (${result.pushState}${result.flowhubOrderId ? `, as Flowhub order ${result.flowhubOrderId}` : ''}): Flowhub's answer names a second Flowhub order ${flowhubOrderId}, which staff must cancel in Flowhub`,
            };
          }
          logger.warn(
            { flowhubOrderId, pushState: result.pushState, recorded: result.flowhubOrderId },
            'Flowhub answered after the push was resolved',
          );
          return {
            status: 'skipped',
            reason: `the push was resolved meanwhile (${result.pushState}); Flowhub's answer ${flowhubOrderId} is in the order's history`,
          };
        }
        await notify(result.deliveries);
        if (result.cancelRequired)
          logger.warn({ flowhubOrderId, attempt }, 'order pushed to Flowhub after it was cancelled here: staff must cancel it in Flowhub');
        logger.info(
          { flowhubOrderId, attempt, fulfilled: result.fulfilled, consumedHolds: result.consumed.length },
          'order pushed to Flowhub',
        );
        outcome('pushed');
        return { status: 'pushed', flowhubOrderId, fulfilled: result.fulfilled, consumedHolds: result.consumed.length };
      };

      switch (order.pushState) {
        case 'pushed':
          return skip(`already pushed (Flowhub order ${order.flowhubOrderId})`, false);
        case 'failed':
        case 'needs_reconciliation':
          return skip(`the push is ${order.pushState}: it waits for POST …/push`, false);
        case 'pushing': {
          // An earlier run claimed the order and recorded no outcome. If it saw Flowhub's answer but could
          // not write it, it left the id on the job: record it. Otherwise the create may exist: never resend.
          const accepted = job.data?.[ACCEPTED_KEY];
          if (typeof accepted === 'string' && accepted !== '') return pushed(order.pushAttempts, accepted, null);
          return reconcile(PREVIOUS_ATTEMPT_REASON, order.pushAttempts);
        }
        case 'queued':
        case 'not_pushed':
          break;
      }

      const notConfirmed = (status: string) => skip(`the order is ${status}; only a confirmed order is pushed`, true);
      const storeNotSyncing = (enabled: boolean) =>
        skipForStore(
          `not pushed: the store ${enabled ? 'stopped syncing orders to Flowhub' : 'was disabled'} before the push ran; it is queued again when the store syncs orders again`,
        );
      if (order.status !== 'confirmed') return notConfirmed(order.status);
      const { store } = order;
      if (!store.enabled || !store.syncOrders) return storeNotSyncing(store.enabled);

      let clientSecret: string | undefined;
      try {
        clientSecret = store.orderAheadTokenEncrypted ? deps.secrets.decrypt(store.orderAheadTokenEncrypted) : undefined;
      } catch (error) {
        return fail(`the store's Order Ahead Token cannot be read (${(error as Error).message}); save it again in the store's settings`, {
          states: ['queued', 'not_pushed'],
        });
      }
      if (!store.orderAheadClientId || !clientSecret) {
        return fail("the store's Order Ahead Client Id and Token are not both set; complete the store's settings, then push again", {
          states: ['queued', 'not_pushed'],
        });
      }

      // Generated at the first attempt; unguessable, it is the credential of Flowhub's postbacks for this order.
      const postbackToken = order.postbackToken ?? randomBytes(32).toString('base64url');
      const built = buildOrderAheadPayload({ ...order, postbackToken }, order.items, {
        publicUrl: deps.publicUrl,
        orderItemId: store.orderItemId,
      });
      if (!built.ok) {
        return fail(`the order cannot be sent to Flowhub: ${built.problems.join('; ')}`, { states: ['queued', 'not_pushed'] });
      }

      const attempt = await claimPush(sql, order, postbackToken);
      if (attempt === undefined) {
        // The claim checks again what was read above. Still waiting for a push: the order was cancelled or its store
        // stopped syncing orders in between (nothing is sent); otherwise another run took it.
        const now = await readPushedOrder(sql, storeId, externalId);
        if (now && (now.pushState === 'queued' || now.pushState === 'not_pushed')) {
          if (now.status !== 'confirmed') return notConfirmed(now.status);
          if (!now.store.enabled || !now.store.syncOrders) return storeNotSyncing(now.store.enabled);
        }
        return skip('another worker took this push', false);
      }
      logger.info({ attempt }, 'sending the order to Flowhub');

      let answer;
      try {
        answer = await deps.flowhub.createOrder({ clientId: store.orderAheadClientId, clientSecret }, built.payload, { budgetWaitMs });
      } catch (error) {
        if (!(error instanceof FlowhubError)) {
          // Not a Flowhub error, so not classified: whether the request left cannot be known.
          return reconcile(
            `the push stopped unexpectedly while sending (${(error as Error).message}); it may have reached Flowhub; ${RESOLVE_HINT}`,
            attempt,
          );
        }
        if (error.sendOutcome === 'unknown') {
          return reconcile(
            `Flowhub's answer to the create was lost (${error.message}): the order may or may not exist in Flowhub; ${RESOLVE_HINT}`,
            attempt,
          );
        }
        switch (error.kind) {
          case 'invalid':
          case 'not_found': {
            // An answered 4xx about the items may mean Flowhub wants the items' other id: the reason says which setting.
            const answered = error.status !== undefined && error.status >= 400 && error.status < 500;
            const hint = answered
              ? orderItemIdHint(error.messages?.length ? error.messages : [error.message], store.orderItemId)
              : undefined;
            return fail(`Flowhub refused the order: ${error.messages?.join('; ') || error.message}${hint ? `. ${hint}` : ''}`, {
              states: ['pushing'],
              attempt,
            });
          }
          case 'credentials_rejected':
            return fail(
              `Flowhub rejected the store's Order Ahead credentials (${error.status ?? 'no status'}); fix the Order Ahead Client Id / Token in the store's settings, then push again`,
              { states: ['pushing'], attempt },
            );
          case 'rate_limited': {
            const waitMs = Math.max(1_000, error.retryAfterMs ?? 1_000);
            const reason = `Flowhub is throttling this store's requests; trying again in ${Math.ceil(waitMs / 1000)} s`;
            await transitionPush(prisma, order.id, { from: ['pushing'], attempt, to: 'queued', pushError: reason, event: 'push_delayed' });
            logger.info({ waitMs }, 'order push delayed: throttled');
            outcome('delayed');
            if (!token) throw new Error(reason, { cause: error });
            await job.moveToDelayed(Date.now() + waitMs, token);
            throw new DelayedError();
          }
          default: {
            // Certainly not sent (refused connection, no budget, token issuer down): safe to send again.
            const reason = `the order could not be sent to Flowhub (${error.message})`;
            const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
            if (finalAttempt)
              return fail(`${reason}; gave up after ${job.attemptsMade + 1} attempts: push again with POST …/push`, {
                states: ['pushing'],
                attempt,
              });
            await transitionPush(prisma, order.id, {
              from: ['pushing'],
              attempt,
              to: 'queued',
              pushError: `${reason}; retrying`,
              event: 'push_retrying',
            });
            logger.warn({ reason }, 'order push will be retried');
            outcome('retried');
            throw new Error(reason, { cause: error });
          }
        }
      }

      try {
        return await pushed(attempt, answer.orderId, answer.status);
      } catch (error) {
        // Flowhub has the order but PostgreSQL would not take its id: leave the id on the job, so that the
        // next run records it instead of marking the order for reconciliation.
        logger.error({ err: error, flowhubOrderId: answer.orderId }, 'Flowhub accepted the order but its id could not be recorded');
        await job.updateData({ ...job.data, [ACCEPTED_KEY]: answer.orderId }).catch(() => undefined);
        throw new Error(`Flowhub accepted the order as ${answer.orderId} but recording it failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
    { concurrency: deps.concurrency ?? ORDER_PUSH_CONCURRENCY },
  );
}

export type OrderPushProcessor = ReturnType<typeof orderPushProcessor>;

/** A write that must land (Flowhub's answer): tried a few times over a couple of seconds of database trouble. */
async function withTries<T>(tries: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
    }
  }
}
