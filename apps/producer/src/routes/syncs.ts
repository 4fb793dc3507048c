import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ProducerDependencies } from '../dependencies';
import { notFound, parseWith } from '../errors';
import { syncRunView } from '../views/sync-run';

const params = z.object({ storeId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must match ^[A-Za-z0-9._-]{1,64}$') });
export const syncRunsQuery = z.object({
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
});

/** GET …/syncs: the store's recent sync runs, newest first (api-contract.md "Inventory"). */
export const syncRunRoutes = (deps: Pick<ProducerDependencies, 'prisma'>): FastifyPluginAsync => async (app) => {
  app.get('/v1/stores/:storeId/syncs', async (request) => {
    const { storeId } = parseWith(params, request.params);
    const { limit } = parseWith(syncRunsQuery, request.query);
    const store = await deps.prisma.store.findUnique({ where: { id: storeId }, select: { id: true } });
    if (!store) throw notFound('store');
    const runs = await deps.prisma.syncRun.findMany({
      where: { storeId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return { items: runs.map(syncRunView) };
  });
};
