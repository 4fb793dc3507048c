import http from 'node:http';

export type ReadinessCheck = () => Promise<Record<string, 'up' | 'down'>>;

/**
 * A worker's health and metrics port (HEALTH_PORT): /healthz answers while the process runs, /readyz only
 * while every dependency answers, /metrics serves the Prometheus text the caller supplies.
 */
export function startHealthServer(options: {
  port: number;
  readiness: ReadinessCheck;
  metrics?: () => Promise<{ contentType: string; body: string }>;
}): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body: unknown, contentType = 'application/json') => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      if (req.url === '/healthz') return reply(200, { status: 'ok' });
      if (req.url === '/readyz') {
        const checks = await options.readiness();
        const down = Object.entries(checks).filter(([, state]) => state === 'down').map(([name]) => name);
        return reply(down.length ? 503 : 200, { status: down.length ? 'unavailable' : 'ready', ...checks, ...(down.length ? { down } : {}) });
      }
      if (req.url === '/metrics' && options.metrics) {
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
