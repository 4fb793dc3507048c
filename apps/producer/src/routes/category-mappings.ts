import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { readCategoryMappings, replaceCategoryMappings, storeExists } from '@flowhub-sync/db';
import { categoryMappingProblems, normalizeMappingKey } from '@flowhub-sync/mapping';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, parseWith } from '../errors';
import type { CategoryMappingsView } from '../views/settings';

type StoreParams = { storeId: string };

/** PUT …/category-mappings. */
export const categoryMappingsBody = z.object({
  useDefaults: z.boolean().default(true),
  rows: z
    .array(
      z.object({
        flowhubValue: z.string().trim().min(1, 'must not be empty').max(200),
        category: z.string(),
      }),
    )
    .max(1000)
    .default([]),
});

async function mappingsView(deps: ProducerDependencies, storeId: string): Promise<CategoryMappingsView> {
  const mappings = await readCategoryMappings(deps.prisma, storeId);
  if (!mappings) throw notFound('store');
  return mappings;
}

/** The store's Category Settings (mapping-rules.md): its own rows win over the defaults; a change applies from the next sync. */
export const categoryMappingRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.put<{ Params: StoreParams }>('/v1/stores/:storeId/category-mappings', async (request) => {
      const { storeId } = request.params;
      const body = parseWith(categoryMappingsBody, request.body ?? {});
      const details = categoryMappingProblems(body.rows);
      if (details.length > 0)
        throw new ApiError('validation_failed', `invalid category mappings: ${details.map((detail) => detail.path).join(', ')}`, details);
      if (!(await storeExists(deps.prisma, storeId))) throw notFound('store');
      await replaceCategoryMappings(deps.prisma, storeId, {
        useDefaults: body.useDefaults,
        rows: body.rows.map((row) => ({ ...row, flowhubKey: normalizeMappingKey(row.flowhubValue) })),
      });
      request.log.info({ storeId, rows: body.rows.length, useDefaults: body.useDefaults }, 'category mappings saved');
      return mappingsView(deps, storeId);
    });

    app.get<{ Params: StoreParams }>('/v1/stores/:storeId/category-mappings', async (request) =>
      mappingsView(deps, request.params.storeId),
    );
  };
