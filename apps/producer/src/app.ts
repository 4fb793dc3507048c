import { timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { z } from 'zod';
import type { ProducerDependencies } from './dependencies';
import { ApiError, errorHandler, parseWith } from './errors';
import { healthRoutes } from './routes/health';
import { createProducerMetrics } from './metrics';
import { settingsRoutes } from './routes/settings';
import { categoryMappingRoutes } from './routes/category-mappings';
import { syncRoutes } from './routes/sync';
import { productRoutes } from './routes/products';
import { syncRunRoutes } from './routes/syncs';
import { orderRoutes } from './routes/orders';
import { postbackRoutes } from './routes/postback';
import { orderPushRoutes } from './routes/order-push';
import { BULL_BOARD_PATH, bullBoardRoutes } from './routes/bull-board';
import { referenceRoutes } from './openapi/reference-routes';

export const idPattern = /^[A-Za-z0-9._-]{1,64}$/;
export const storeParams = z.object({ storeId: z.string().regex(idPattern, 'must match ^[A-Za-z0-9._-]{1,64}$') });

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function buildApp(deps: ProducerDependencies) {
  const app = Fastify({
    loggerInstance: deps.logger,
    disableRequestLogging: true,
    bodyLimit: 1024 * 1024,
    // Ids in paths are validated by each route; keep Fastify from rewriting them.
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] } }),
  );

  // Every /v1 route but Flowhub's postback needs the platform's bearer token.
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/') || request.url.startsWith('/v1/flowhub/postback/')) return;
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !sameSecret(token, deps.settings.apiToken)) throw new ApiError('unauthorized', 'missing or wrong bearer token');
  });
  // Every store route checks its storeId before anything else.
  app.addHook('preValidation', async (request) => {
    const params = request.params as Record<string, unknown> | undefined;
    if (params && 'storeId' in params) parseWith(storeParams, { storeId: params.storeId });
  });

  const metrics = createProducerMetrics(deps);
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: ids stay out of the metric's labels.
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.register(healthRoutes(deps));
  app.register(settingsRoutes(deps));
  app.register(categoryMappingRoutes(deps));
  app.register(syncRoutes(deps));
  app.register(syncRunRoutes(deps));
  app.register(productRoutes(deps));
  app.register(orderRoutes(deps));
  app.register(postbackRoutes(deps));
  app.register(orderPushRoutes(deps));
  app.register(bullBoardRoutes(deps), { prefix: BULL_BOARD_PATH });
  app.register(referenceRoutes());
  return app;
}
