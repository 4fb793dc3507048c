import type { FastifyPluginAsync } from 'fastify';
import fastifySwagger, { type StaticDocumentSpec } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { openApiDocument } from './api-document';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/**
 * `GET /openapi.json` (the document) and `/docs` (Swagger UI over the same document). No bearer token: the
 * reference holds no data. Swagger UI's assets ship inside @fastify/swagger-ui and are served from here, so
 * /docs works where no CDN is reachable; the page loads the document from /docs/json, the same object. Its server is
 * PUBLIC_URL when the producer has one.
 */
export const referenceRoutes =
  (publicUrl?: string): FastifyPluginAsync =>
  async (app) => {
    const document = openApiDocument(publicUrl);
    app.get(OPENAPI_PATH, async () => document);
    // Static mode: @fastify/swagger serves our document as it is, and generates nothing from the routes.
    await app.register(fastifySwagger, {
      mode: 'static',
      specification: { document: document as unknown as StaticDocumentSpec['document'] },
    });
    await app.register(fastifySwaggerUi, {
      routePrefix: DOCS_PATH,
      // BaseLayout: no top bar (its logo and URL box are Swagger UI's, not the product's).
      uiConfig: { layout: 'BaseLayout', docExpansion: 'list', defaultModelsExpandDepth: 1, tryItOutEnabled: false },
      theme: { title: 'flowhub-sync API reference' },
    });
  };
