import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { listSyncRuns, storeExists } from '@flowhub-sync/db';
import type { ProducerDependencies } from '../dependencies';
import { notFound, parseWith } from '../errors';
import { storeParams } from '../params';
import { syncRunView } from '../views/sync-run';

export const syncRunsQuery = z.object({
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20),
});

/** GET …/syncs: the store's recent sync runs, newest first (api-contract.md "Inventory"). */
export const syncRunRoutes =
  (deps: Pick<ProducerDependencies, 'prisma'>): FastifyPluginAsync =>
  async (app) => {
    app.get('/v1/stores/:storeId/syncs', async (request) => {
      const { storeId } = parseWith(storeParams, request.params);
      const { limit } = parseWith(syncRunsQuery, request.query);
      if (!(await storeExists(deps.prisma, storeId))) throw notFound('store');
      const runs = await listSyncRuns(deps.prisma, storeId, limit);
      return { items: runs.map(syncRunView) };
    });
  };
