import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { QUEUE_NAMES, type QueueName } from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../dependencies';

export const BULL_BOARD_PATH = '/admin/queues';
export const BULL_BOARD_REALM = 'flowhub-sync';

/** What each queue does, shown under its name on the board, with the job names an operator searches for. */
const descriptions: Record<QueueName, string> = {
  'inventory-sync': 'Flowhub inventory → the store’s menu. Jobs: inventory-sync:<storeId>',
  'order-push': 'Confirmed online orders → Flowhub. Jobs: order-push:<storeId>:<externalId>',
  'order-status-poll': 'Flowhub order statuses → the platform. Jobs: order-status-poll:<storeId>',
  'webhook-delivery': 'Status changes POSTed to the store’s statusWebhookUrl. Jobs: webhook-delivery:<storeId>:<deliveryId>',
  maintenance: 'Outbox sweep, expiry of pending orders, retention. Jobs: maintenance:<task>',
};

/** Compares digests, so neither the content nor the length of a guess shows in the time taken. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when the request carries the board's HTTP Basic credentials. No credentials configured: nobody gets in. */
export function hasBoardCredentials(authorization: string | undefined, expected: { user: string; password: string } | undefined): boolean {
  if (!expected || !authorization?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both halves are always compared, so a right user with a wrong password takes as long as anything else.
  const userOk = sameSecret(decoded.slice(0, colon), expected.user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), expected.password);
  return userOk && passwordOk;
}

function refuse(reply: FastifyReply) {
  return reply
    .status(401)
    .header('WWW-Authenticate', `Basic realm="${BULL_BOARD_REALM}", charset="UTF-8"`)
    .send({
      error: {
        code: 'unauthorized',
        message: 'Bull Board needs its user and password (BULL_BOARD_USER / BULL_BOARD_PASSWORD)',
        details: [],
      },
    });
}

/**
 * Bull Board on every queue of the product. Register with `{ prefix: BULL_BOARD_PATH }`: the plugin is
 * encapsulated, so its onRequest hook runs before every route the board's adapter adds under that prefix
 * (page, JSON API, static assets, job actions) and before its not-found answers.
 */
export const bullBoardRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!hasBoardCredentials(request.headers.authorization, deps.settings.bullBoard)) return refuse(reply);
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] } }),
    );

    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    createBullBoard({
      queues: QUEUE_NAMES.map((name) => new BullMQAdapter(deps.queues[name], { description: descriptions[name] })),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'flowhub-sync', hideDocsLink: true } },
    });
    await app.register(serverAdapter.registerPlugin());
  };
