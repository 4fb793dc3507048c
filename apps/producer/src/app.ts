import { createBearerCheck } from '@flowhub-sync/config';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ProducerDependencies } from './dependencies';
import { ApiError, errorHandler, parseWith } from './errors';
import { clientErrorHandler, frameworkErrorHandler } from './refusals';
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
import { storeParams } from './params';

declare module 'fastify' {
  interface FastifyRequest {
    /** The id of the API token the request was authenticated with (first 8 hex of its SHA-256), for the log. */
    tokenId: string | null;
  }
}

/** A media type as Fastify reads one: `type/subtype`, then `;` and parameters. Fastify refuses any other Content-Type with 415. */
const MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(?:;|$)/;
/** Content-Type values that are not a media type, set aside before Fastify reads the body, so that the parser can name them. */
const unreadableTypes = new WeakMap<object, string>();

/**
 * Request bodies. An empty body is no body, whatever the Content-Type (many clients send
 * `Content-Type: application/json` on every request): routes whose body is optional take it as absent, routes
 * that need one refuse it naming `body`. A non-empty body is JSON in UTF-8, not compressed (with or without that
 * Content-Type; Fastify's own parser, which refuses `__proto__` and `constructor` keys); anything else is a 415.
 */
function acceptJsonOrNothing(app: Pick<FastifyInstance, 'getDefaultJsonParser' | 'removeAllContentTypeParsers' | 'addContentTypeParser'>) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    const unreadable = unreadableBody(request);
    if (unreadable) return done(Object.assign(new Error(unreadable), { statusCode: 415 }));
    parseJson(request, text, (error, value) => {
      if (!error) return done(null, value);
      // Fastify's message speaks of the Content-Type whatever went wrong: say which.
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      const message = valid ? 'the body has a __proto__ or constructor key, which is refused' : 'the body is not valid JSON';
      done(Object.assign(new Error(message), { statusCode: 400 }));
    });
  });
}

/**
 * Fastify answers 415 to a Content-Type that is not a media type before any parser runs, even for an empty body. So
 * this preParsing hook sets such a header aside (an empty one is no header at all), and the parser refuses it only
 * when a body comes.
 */
async function setAsideUnreadableContentType(request: FastifyRequest) {
  const declared = request.headers['content-type'];
  if (declared === undefined || MEDIA_TYPE.test(declared)) return;
  delete request.headers['content-type'];
  if (declared.trim() !== '') unreadableTypes.set(request.raw, declared);
}

/** Why a non-empty body cannot be read as JSON (a 415), or undefined when it can. */
function unreadableBody(request: FastifyRequest): string | undefined {
  const unreadable = unreadableTypes.get(request.raw);
  if (unreadable !== undefined) {
    return `Content-Type ${JSON.stringify(unreadable.slice(0, 100))} is not a media type: a request body must be JSON`;
  }
  const [type, ...parameters] = (request.headers['content-type'] ?? '').split(';');
  const mediaType = type.trim().toLowerCase();
  if (mediaType !== '' && mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    return `a request body must be JSON (Content-Type: application/json), not ${mediaType}`;
  }
  const charset = parameters
    .map((parameter) => parameter.split('='))
    .find(([name]) => name.trim().toLowerCase() === 'charset')?.[1]
    ?.trim()
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return `a request body must be JSON in UTF-8, not charset=${charset}`;
  }
  const encoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') return `Content-Encoding ${encoding} is not accepted: send the body uncompressed`;
  return undefined;
}

/** The platform's routes: every /v1 route but Flowhub's postback, each behind the bearer token (API_TOKEN, API_TOKENS). */
function platformApi(deps: ProducerDependencies) {
  const authenticate = createBearerCheck([deps.settings.apiToken, ...(deps.settings.apiTokens ?? [])]);
  return async (api: FastifyInstance) => {
    // An encapsulated plugin's hook runs for the routes registered inside it, whatever text the request target
    // arrived as (percent-escapes, absolute form, trailing slash…): it is decided by the route that matched.
    api.addHook('onRequest', async (request, reply) => {
      request.tokenId = authenticate(request.headers.authorization);
      if (!request.tokenId) {
        reply.header('www-authenticate', 'Bearer');
        throw new ApiError('unauthorized', 'missing or wrong bearer token');
      }
    });
    api.register(settingsRoutes(deps));
    api.register(categoryMappingRoutes(deps));
    api.register(syncRoutes(deps));
    api.register(syncRunRoutes(deps));
    api.register(productRoutes(deps));
    api.register(orderRoutes(deps));
    api.register(orderPushRoutes(deps));
  };
}

/** Headers on every answer; `/v1` answers (by the route that matched) are never cached. No CSP: Bull Board and /docs need inline code. */
async function securityHeaders(request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  if (request.routeOptions.url?.startsWith('/v1/')) reply.header('cache-control', 'no-store');
}

export function buildApp(deps: ProducerDependencies) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Our own request line (onResponse below) carries the route pattern and the token's id; not Fastify's.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Ids in paths are validated by each route; keep Fastify from rewriting them. Each route names an id too long
    // (a variantId takes 200 characters): Fastify's own limit (100) is set past any request line Node reads (16 KiB).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // Requests refused before any route (a target that does not decode) or by the HTTP parser: in our error shape.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] } }),
  );

  app.decorateRequest('tokenId', null);
  app.addHook('onSend', async (request, reply) => securityHeaders(request, reply));
  app.addHook('preParsing', setAsideUnreadableContentType);
  acceptJsonOrNothing(app);
  // Every store route checks its storeId before anything else.
  app.addHook('preValidation', async (request) => {
    const params = request.params as Record<string, unknown> | undefined;
    if (params && 'storeId' in params) parseWith(storeParams, { storeId: params.storeId });
  });

  const metrics = createProducerMetrics(deps);
  const metricsAllowed = deps.settings.metricsToken ? createBearerCheck([deps.settings.metricsToken]) : () => 'open';
  app.get('/metrics', async (request, reply) => {
    if (!metricsAllowed(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      throw new ApiError('unauthorized', 'missing or wrong bearer token (METRICS_TOKEN)');
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: ids stay out of the metric's labels.
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        tokenId: request.tokenId ?? undefined,
      },
      'request',
    );
  });

  app.register(healthRoutes(deps));
  app.register(platformApi(deps));
  app.register(postbackRoutes(deps));
  app.register(bullBoardRoutes(deps), { prefix: BULL_BOARD_PATH });
  app.register(referenceRoutes(deps.settings.publicUrl));
  return app;
}
