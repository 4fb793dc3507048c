import http from 'node:http';
import { createBearerCheck } from '@flowhub-sync/config';

export type ReadinessCheck = () => Promise<Record<string, 'up' | 'down'>>;

/**
 * A worker's health and metrics port (HEALTH_PORT): /healthz answers while the process runs, /readyz only
 * while every dependency answers, /metrics serves the Prometheus text the caller supplies (behind a bearer token
 * when `metricsToken` is set: METRICS_TOKEN, docs/SECURITY.md).
 */
export function startHealthServer(options: {
  port: number;
  readiness: ReadinessCheck;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  metricsToken?: string;
}): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  const metricsAllowed = options.metricsToken ? createBearerCheck([options.metricsToken]) : () => 'open';
  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': contentType, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      if (req.url === '/healthz') return reply(200, { status: 'ok' });
      if (req.url === '/readyz') {
        const checks = await options.readiness();
        const down = Object.entries(checks)
          .filter(([, state]) => state === 'down')
          .map(([name]) => name);
        return reply(down.length ? 503 : 200, {
          status: down.length ? 'unavailable' : 'ready',
          ...checks,
          ...(down.length ? { down } : {}),
        });
      }
      if (req.url === '/metrics' && options.metrics) {
        if (!metricsAllowed(req.headers.authorization)) {
          return reply(401, { error: { code: 'unauthorized', message: 'missing or wrong bearer token (METRICS_TOKEN)' } }, undefined, {
            'www-authenticate': 'Bearer',
          });
        }
        const { contentType, body } = await options.metrics();
        return reply(200, body, contentType);
      }
      reply(404, { error: { code: 'not_found', message: 'not found' } });
    } catch (error) {
      reply(500, { error: { code: 'internal', message: (error as Error).message } });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      const address = server.address();
      resolve({
        server,
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
