import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isStoreEnabled } from '@flowhub-sync/db';
import { requestInventorySync } from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, parseWith } from '../errors';
import { withRedis } from '../schedules';

/** POST …/sync: `acceptShrink` lets this sync deactivate products even when the feed shrank past the safety guard. */
export const syncBody = z.object({ acceptShrink: z.boolean().default(false) }).default({ acceptShrink: false });

/** POST …/sync: a manual sync, joining one that is queued and not started, or queued behind a running one. */
export const syncRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { storeId: string } }>('/v1/stores/:storeId/sync', async (request, reply) => {
      const { storeId } = request.params;
      // No body is the default; any body, `null` included, must be the object.
      const { acceptShrink } = parseWith(syncBody, request.body);
      const enabled = await isStoreEnabled(deps.prisma, storeId);
      if (enabled === null) throw notFound('store');
      if (!enabled) {
        throw new ApiError('integration_disabled', 'the Flowhub integration is disabled for this store: enable it before syncing');
      }
      const result = await withRedis(deps, () => requestInventorySync(deps.queues['inventory-sync'], storeId, 'manual', { acceptShrink }));
      request.log.info({ storeId, ...result, acceptShrink }, 'manual sync requested');
      return reply.status(202).send(result);
    });
  };
