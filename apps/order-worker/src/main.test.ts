import { freePort, serviceUrls, startApp, waitForHttp } from '@flowhub-sync/testing';

describe('order-worker process', () => {
  it('starts, reports ready, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const app = startApp('order-worker', { ...serviceUrls(), HEALTH_PORT: String(port), LOG_LEVEL: 'info' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      const ready = await waitForHttp(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready', redis: 'up' });
    } finally {
      const exit = await app.stop('SIGTERM');
      expect(exit.code).toBe(0);
    }
  });

  it('refuses to start without its configuration, naming the variable', async () => {
    const app = startApp('order-worker', { HEALTH_PORT: String(await freePort()) });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output()).toContain('REDIS_URL is required but not set');
  });
});
