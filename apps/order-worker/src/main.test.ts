import { freePort, serviceUrls, startApp, testEncryptionKey, uniqueQueuePrefix, waitFor, waitForHttp } from '@flowhub-sync/testing';

describe('order-worker process', () => {
  it('starts, reports ready, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    // A prefix of its own: the worker must not take jobs from anything else using this Redis.
    const app = startApp('order-worker', {
      ...serviceUrls(),
      ENCRYPTION_KEY: testEncryptionKey(),
      QUEUE_PREFIX: uniqueQueuePrefix('order-worker'),
      HEALTH_PORT: String(port),
      LOG_LEVEL: 'info',
      FLOWHUB_CREATE_TIMEOUT_MS: '60000',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      // The create's deadline is read, and the shutdown grace outlasts it (a push in hand is let finish). The start line
      // is logged once the health port listens, and comes through the child's stdout pipe: it may lag the answer above.
      await waitFor(() => /"createTimeoutMs":60000,"shutdownGraceMs":65000/.test(app.output()), {
        what: 'the start log line',
        timeoutMs: 10_000,
      });
      const ready = await waitForHttp(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready', redis: 'up', postgres: 'up', worker: 'up' });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('# TYPE flowhub_sync_order_pushes_total counter');
      expect(metrics).toContain('# TYPE flowhub_sync_stale_flowhub_statuses_total counter');
      expect(metrics).toContain('# TYPE flowhub_sync_webhook_deliveries_total counter');
    } finally {
      const exit = await app.stop('SIGTERM');
      expect(exit.code).toBe(0);
    }
  });

  it('refuses to start without its configuration, naming the variable', async () => {
    const withoutDatabase = startApp('order-worker', { REDIS_URL: serviceUrls().REDIS_URL, HEALTH_PORT: String(await freePort()) });
    expect((await withoutDatabase.exited).code).toBe(1);
    expect(withoutDatabase.output()).toContain('DATABASE_URL is required but not set');

    const withoutRedis = startApp('order-worker', {
      DATABASE_URL: serviceUrls().DATABASE_URL,
      ENCRYPTION_KEY: testEncryptionKey(),
      HEALTH_PORT: String(await freePort()),
    });
    expect((await withoutRedis.exited).code).toBe(1);
    expect(withoutRedis.output()).toContain('REDIS_URL is required but not set');

    const badTimeout = startApp('order-worker', {
      ...serviceUrls(),
      ENCRYPTION_KEY: testEncryptionKey(),
      HEALTH_PORT: String(await freePort()),
      FLOWHUB_CREATE_TIMEOUT_MS: 'soon',
    });
    expect((await badTimeout.exited).code).toBe(1);
    expect(badTimeout.output()).toContain('order-worker: FLOWHUB_CREATE_TIMEOUT_MS');
  });
});
