import type { FastifyPluginAsync } from 'fastify';
import { requestInventorySync } from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, parseWith } from '../errors';
import { withRedis } from '../schedules';
import { syncBody } from '../settings-schema';

/** POST …/sync: a manual sync, joining one that is queued and not started, or queued behind a running one. */
export const syncRoutes = (deps: ProducerDependencies): FastifyPluginAsync => async (app) => {
  app.post<{ Params: { storeId: string } }>('/v1/stores/:storeId/sync', async (request, reply) => {
    const { storeId } = request.params;
    const { acceptShrink } = parseWith(syncBody, request.body ?? undefined);
    const store = await deps.prisma.store.findUnique({ where: { id: storeId }, select: { enabled: true } });
    if (!store) throw notFound('store');
    if (!store.enabled) throw new ApiError('integration_disabled', 'the Flowhub integration is disabled for this store: enable it before syncing');
    const result = await withRedis(deps, () => requestInventorySync(deps.queues['inventory-sync'], storeId, 'manual', { acceptShrink }));
    request.log.info({ storeId, ...result, acceptShrink }, 'manual sync requested');
    return reply.status(202).send(result);
  });
};
