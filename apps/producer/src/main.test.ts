import { freePort, serviceUrls, startApp, testEncryptionKey, waitForHttp } from '@flowhub-sync/testing';

describe('producer process', () => {
  it('starts, answers /healthz, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const app = startApp('producer', {
      ...serviceUrls(),
      PORT: String(port),
      API_TOKEN: 'test-api-token-0123456789',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'ops-password',
      ENCRYPTION_KEY: testEncryptionKey(),
      LOG_LEVEL: 'info',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      const ready = await waitForHttp(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ postgres: 'up', redis: 'up' });
    } finally {
      const exit = await app.stop('SIGTERM');
      expect(exit.code).toBe(0);
    }
  });

  it('refuses to start without its configuration, naming each variable', async () => {
    const app = startApp('producer', { REDIS_URL: 'redis://127.0.0.1:1' });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output()).toContain('API_TOKEN is required but not set');
    expect(app.output()).toContain('BULL_BOARD_PASSWORD is required but not set');
  });
});
