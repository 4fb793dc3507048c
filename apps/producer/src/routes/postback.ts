import type { FastifyPluginAsync } from 'fastify';
import { parsePayload, queues } from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../dependencies';
import { notFound } from '../errors';
import { withRedis } from '../schedules';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,128}$/;

/**
 * Flowhub's status postbacks (PUBLIC_URL set): `POST /v1/flowhub/postback/{token}`, no bearer token — the
 * unguessable per-order token in the path is the credential. Nothing in the body is trusted: the order-worker
 * re-reads the status from Flowhub before acting, so a forged postback changes nothing. The answer is immediate;
 * the re-read runs on the order-status-poll queue within moments. The 2-minute poll remains the safety net.
 * The re-read is applied as every status read is (packages/db applyFlowhubStatus): only forward, judged against the
 * order's row inside the applying transaction, so a re-read racing a poll never moves the order back.
 */
export const postbackRoutes = (deps: ProducerDependencies): FastifyPluginAsync => async (app) => {
  app.post<{ Params: { token: string } }>('/v1/flowhub/postback/:token', async (request, reply) => {
    const { token } = request.params;
    if (!TOKEN_PATTERN.test(token)) throw notFound('postback');
    const order = await deps.prisma.order.findUnique({ where: { postbackToken: token }, select: { id: true, storeId: true, externalId: true, pushState: true } });
    if (!order) throw notFound('postback');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const named = typeof body.orderId === 'string' || typeof body.orderId === 'number' ? String(body.orderId).slice(0, 200) : undefined;
    const data = parsePayload('order-status-poll', {
      storeId: order.storeId,
      orderId: order.id,
      ...(order.pushState === 'needs_reconciliation' && named ? { flowhubOrderId: named } : {}),
    });
    await withRedis(deps, () => deps.queues['order-status-poll'].add(queues['order-status-poll'].jobName(data), data, queues['order-status-poll'].defaults));
    request.log.info({ storeId: order.storeId, externalId: order.externalId }, 'Flowhub postback received');
    return reply.status(202).send({ accepted: true });
  });
};
