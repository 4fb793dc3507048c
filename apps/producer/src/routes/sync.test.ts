import { type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startSimulator } from '@flowhub-sync/flowhub-sim';
import { serviceUrls, waitFor } from '@flowhub-sync/testing';
import { isValidRoomId } from '@flowhub-sync/mapping';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { jobIds } from '@flowhub-sync/queues';
import { startTestWorker } from '@flowhub-sync/queues/testing';

const demo = { enabled: true, clientId: 'demo-client', apiKey: 'demo-key', locationId: 'demo-location' };

describe('POST /v1/stores/{storeId}/sync', () => {
  let h: ProducerHarness;
  beforeEach(async () => {
    h = await createProducerHarness();
  });
  afterEach(() => h.close());

  const sync = (storeId: string, payload?: object) =>
    h.app.inject({ method: 'POST', url: `/v1/stores/${storeId}/sync`, headers: auth, ...(payload ? { payload } : {}) });

  it('404 for an unknown store, 409 integration_disabled for a disabled one', async () => {
    expect((await sync('nobody')).statusCode).toBe(404);
    await h.db.prisma.store.create({ data: { id: 'off', enabled: false } });
    const disabled = await sync('off');
    expect(disabled.statusCode).toBe(409);
    expect(disabled.json().error.code).toBe('integration_disabled');
  });

  it('joins a sync that is queued and not started, and queues one behind a running one', async () => {
    await h.app.inject({ method: 'PUT', url: '/v1/stores/s1/flowhub?verify=false', headers: auth, payload: demo });
    // The store's periodic run could fall due while the test runs (its slot depends on the clock), and a due run
    // that waits is rightly joined: without its scheduler, the lane holds only what this test asks for.
    await h.deps.queues['inventory-sync'].removeJobScheduler(jobIds.inventorySchedule('s1'));
    const initial = (await h.deps.queues['inventory-sync'].getJobs(['waiting']))[0];

    const joined = await sync('s1');
    expect(joined.statusCode).toBe(202);
    expect(joined.json()).toEqual({ jobId: initial.id, joined: true });
    expect((await sync('s1', { acceptShrink: true })).json()).toEqual({ jobId: initial.id, joined: true });
    expect((await h.deps.queues['inventory-sync'].getJob(initial.id!))!.data.acceptShrink).toBe(true);

    // A test processor holds the sync "running".
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const processed: Job[] = [];
    const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
    const worker = startTestWorker(
      'inventory-sync',
      async (job) => {
        processed.push(job);
        if (job.data.trigger === 'initial') await held;
      },
      { connection, prefix: h.prefix },
    );
    try {
      await waitFor(() => processed.length === 1, { what: 'the first sync to run' });
      const behind = await sync('s1');
      expect(behind.statusCode).toBe(202);
      expect(behind.json().joined).toBe(false);
      await sync('s1');
      release();
      await waitFor(() => processed.length === 2, { what: 'the queued sync' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(processed.map((job) => job.data.trigger)).toEqual(['initial', 'manual']);
    } finally {
      release(); // a failed check must not leave the worker's close waiting on the held run
      await worker.close();
      await connection.quit();
    }
  });
});

describe('without Redis', () => {
  let h: ProducerHarness;
  beforeEach(async () => {
    h = await createProducerHarness({ redisUrl: 'redis://127.0.0.1:1' });
  });
  afterEach(() => h.close());

  it('still saves settings, answers a manual sync 503 at once, and stays ready', async () => {
    const saved = await h.app.inject({ method: 'PUT', url: '/v1/stores/s1/flowhub?verify=false', headers: auth, payload: demo });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ enabled: true, status: { nextSyncAt: null } });
    const started = Date.now();
    const manual = await h.app.inject({ method: 'POST', url: '/v1/stores/s1/sync', headers: auth });
    expect(manual.statusCode).toBe(503);
    expect(manual.json().error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('Redis') });
    expect(Date.now() - started).toBeLessThan(5_000);
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ postgres: 'up', redis: 'down' });
  });
});

describe('GET /v1/stores/{storeId}/flowhub/rooms', () => {
  it("lists the location's rooms with ids an operator can paste into roomIds", async () => {
    const sim = await startSimulator({ rows: 300, seed: 3 });
    const h = await createProducerHarness({ flowhubUrl: sim.url });
    try {
      expect((await h.app.inject({ method: 'PUT', url: '/v1/stores/s1/flowhub', headers: auth, payload: demo })).statusCode).toBe(200);
      const rooms = await h.app.inject({ method: 'GET', url: '/v1/stores/s1/flowhub/rooms', headers: auth });
      expect(rooms.statusCode).toBe(200);
      const { items } = rooms.json() as { items: { roomId: string; roomName: string; rows: number }[] };
      expect(items.length).toBeGreaterThanOrEqual(2);
      for (const room of items) {
        expect(isValidRoomId(room.roomId)).toBe(true);
        expect(room.roomName).toEqual(expect.any(String));
        expect(room.rows).toBeGreaterThan(0);
      }
      // The ids are accepted as a room filter.
      const filtered = await h.app.inject({
        method: 'PUT',
        url: '/v1/stores/s1/flowhub',
        headers: auth,
        payload: { ...demo, roomIds: [items[0].roomId] },
      });
      expect(filtered.statusCode).toBe(200);
    } finally {
      await h.close();
      await sim.close();
    }
  });
});
