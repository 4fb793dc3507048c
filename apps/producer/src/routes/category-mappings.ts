import type { FastifyPluginAsync } from 'fastify';
import { AIQ_CATEGORIES, isAiqCategory, normalizeMappingKey } from '@flowhub-sync/mapping';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, parseWith, type ErrorDetail } from '../errors';
import { categoryMappingsBody } from '../settings-schema';
import type { CategoryMappingsView } from '../views/settings';

type StoreParams = { storeId: string };

async function mappingsView(deps: ProducerDependencies, storeId: string): Promise<CategoryMappingsView> {
  const [store, rows] = await Promise.all([
    deps.prisma.store.findUnique({ where: { id: storeId }, select: { categoryUseDefaults: true } }),
    deps.prisma.categoryMapping.findMany({ where: { storeId }, orderBy: { createdAt: 'asc' } }),
  ]);
  if (!store) throw notFound('store');
  return { useDefaults: store.categoryUseDefaults, rows: rows.map((row) => ({ flowhubValue: row.flowhubValue, category: row.category })) };
}

/** The store's Category Settings (mapping-rules.md): its own rows win over the defaults; a change applies from the next sync. */
export const categoryMappingRoutes = (deps: ProducerDependencies): FastifyPluginAsync => async (app) => {
  app.put<{ Params: StoreParams }>('/v1/stores/:storeId/category-mappings', async (request) => {
    const { storeId } = request.params;
    const body = parseWith(categoryMappingsBody, request.body ?? {});
    const details: ErrorDetail[] = [];
    const seen = new Map<string, number>();
    body.rows.forEach((row, index) => {
      if (!isAiqCategory(row.category)) {
        details.push({ path: `rows[${index}].category`, message: `must be one of the AIQ categories: ${AIQ_CATEGORIES.join(', ')}` });
      }
      const key = normalizeMappingKey(row.flowhubValue);
      const first = seen.get(key);
      if (first !== undefined) {
        details.push({ path: `rows[${index}].flowhubValue`, message: `maps the same Flowhub value as rows[${first}] (case, spaces, - and _ are ignored)` });
      } else seen.set(key, index);
    });
    if (details.length > 0) throw new ApiError('validation_failed', `invalid category mappings: ${details.map((detail) => detail.path).join(', ')}`, details);
    if (!(await deps.prisma.store.findUnique({ where: { id: storeId }, select: { id: true } }))) throw notFound('store');

    await deps.prisma.$transaction([
      deps.prisma.store.update({ where: { id: storeId }, data: { categoryUseDefaults: body.useDefaults } }),
      deps.prisma.categoryMapping.deleteMany({ where: { storeId } }),
      deps.prisma.categoryMapping.createMany({
        data: body.rows.map((row) => ({ storeId, flowhubValue: row.flowhubValue, flowhubKey: normalizeMappingKey(row.flowhubValue), category: row.category })),
      }),
    ]);
    request.log.info({ storeId, rows: body.rows.length, useDefaults: body.useDefaults }, 'category mappings saved');
    return mappingsView(deps, storeId);
  });

  app.get<{ Params: StoreParams }>('/v1/stores/:storeId/category-mappings', async (request) => mappingsView(deps, request.params.storeId));
};
