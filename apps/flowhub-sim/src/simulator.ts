import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './admin-routes';
import { registerTokenRoute } from './auth';
import type { Endpoint } from './endpoints';
import { SimInputError } from './input-error';
import { registerInventoryRoutes } from './inventory-routes';
import { registerOrderRoutes } from './order-routes';
import { SimulatorState, type SimulatorStateOptions } from './state';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The Flowhub endpoint a route serves, for request counters. */
    endpoint?: Endpoint;
  }
}

export interface SimulatorOptions extends SimulatorStateOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningSimulator {
  /** Base URL for both FLOWHUB_API_URL and FLOWHUB_AUTH_URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  state: SimulatorState;
  close(): Promise<void>;
}

/** Builds the HTTP app over a state, without listening (for `inject` or a custom server). */
export function buildSimulatorApp(state: SimulatorState): FastifyInstance {
  // forceCloseConnections: close() must not wait for requests a timeout fault keeps hanging.
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 5 * 1024 * 1024 });

  // Auth0's token endpoint also takes form-encoded bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (request) => {
    const endpoint = request.routeOptions.config.endpoint;
    if (!endpoint) return;
    const params = request.params as { locationId?: string };
    state.requests.request(endpoint, params.locationId ?? state.tokens.locationFor(request.headers.authorization, state.clock.now()));
  });
  app.addHook('onResponse', async (request, reply) => {
    const endpoint = request.routeOptions.config.endpoint;
    if (endpoint) state.requests.answered(endpoint, reply.statusCode);
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof SimInputError) return reply.code(400).send({ error: error.message });
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      state.logger?.error({ err: error, url: request.url }, 'simulator error');
      return reply.code(500).send({ status: 500, message: 'Internal Server Error' });
    }
    return reply.code(status).send({ status, message: error.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ status: 404, message: 'Not Found' }));

  registerTokenRoute(app, state);
  registerInventoryRoutes(app, state);
  registerOrderRoutes(app, state);
  registerAdminRoutes(app, state);
  return app;
}

/** Starts a simulator: a demo location (or the given ones) served over HTTP until `close()`. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = new SimulatorState(options);
  const app = buildSimulatorApp(state);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
  // On the real clock, lifecycles move by themselves; on the manual clock only `advance` moves them.
  const ticker = state.clock.mode === 'real' ? setInterval(() => state.tick(), 1000) : undefined;
  ticker?.unref();
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    state,
    close() {
      closed ??= (async () => {
        if (ticker) clearInterval(ticker);
        state.shutdown.abort();
        await app.close();
        await state.postbacks.idle();
      })();
      return closed;
    },
  };
}
