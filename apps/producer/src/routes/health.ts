import type { FastifyPluginAsync } from 'fastify';
import { pingDatabase } from '@flowhub-sync/db';
import type { ProducerDependencies } from '../dependencies';

export const healthRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.get('/healthz', async () => ({ status: 'ok' }));

    // Ready while PostgreSQL answers: orders are taken without Redis (their pushes wait in the outbox).
    app.get('/readyz', async (_request, reply) => {
      const redis = deps.redis.status === 'ready' ? 'up' : 'down';
      if (!(await pingDatabase(deps.sql)))
        return reply.status(503).send({ status: 'unavailable', postgres: 'down', redis, down: ['PostgreSQL'] });
      return { status: 'ready', postgres: 'up', redis };
    });
  };
