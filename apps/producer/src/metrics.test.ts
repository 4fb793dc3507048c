import { metricSample } from '@flowhub-sync/testing';
import { auth, createProducerHarness, type ProducerHarness } from './testing/harness';

let h: ProducerHarness;
beforeEach(async () => {
  h = await createProducerHarness();
});
afterEach(() => h.close());

describe('GET /metrics', () => {
  it('counts API requests by route pattern and status, and serves the store and queue gauges', async () => {
    await h.db.prisma.store.create({ data: { id: 'old-store', enabled: true } });
    await h.db.prisma.syncRun.create({
      data: { storeId: 'old-store', trigger: 'scheduled', status: 'succeeded', finishedAt: new Date(Date.now() - 3_600_000) },
    });
    await h.app.inject({ method: 'GET', url: '/v1/stores/old-store/flowhub', headers: auth });
    await h.app.inject({ method: 'GET', url: '/v1/stores/missing/flowhub', headers: auth });
    const response = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(metricSample(text, 'flowhub_sync_api_requests_total', { route: '/v1/stores/:storeId/flowhub', status: '200' })).toBe(1);
    expect(metricSample(text, 'flowhub_sync_api_requests_total', { route: '/v1/stores/:storeId/flowhub', status: '404' })).toBe(1);
    expect(text).not.toContain('missing'); // ids never become labels
    const age = metricSample(text, 'flowhub_sync_store_last_good_sync_age_seconds', { store: 'old-store' })!;
    expect(age).toBeGreaterThan(3_500);
    expect(age).toBeLessThan(3_700);
    expect(metricSample(text, 'flowhub_sync_holds_active', { measure: 'holds' })).toBe(0);
    expect(metricSample(text, 'flowhub_sync_queue_jobs', { queue: 'inventory-sync', state: 'waiting' })).toBe(0);
  });
});
