import Fastify, { type FastifyInstance } from 'fastify';
import type { PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { errorHandler } from '../errors';
import { syncRunRoutes } from './syncs';

let db: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  db = await createTestDatabase();
  app = Fastify();
  // The test database's client is typed from the db sources, the routes' from its build: one class, two declarations.
  app.setErrorHandler(errorHandler);
  app.register(syncRunRoutes({ prisma: db.prisma as unknown as PrismaClient }));
  await app.ready();
  await db.prisma.store.create({ data: { id: 's1', enabled: true } });
  await db.prisma.store.create({ data: { id: 'quiet', enabled: true } });
  const base = Date.parse('2026-03-01T10:00:00Z');
  for (let i = 0; i < 25; i++) {
    await db.prisma.syncRun.create({
      data: {
        storeId: 's1',
        trigger: i === 0 ? 'initial' : 'scheduled',
        status: i === 24 ? 'suspicious' : 'succeeded',
        createdAt: new Date(base + i * 600_000),
        startedAt: new Date(base + i * 600_000),
        finishedAt: new Date(base + i * 600_000 + 1_500),
        fetched: 100 + i,
        kept: 99 + i,
        invalid: 1,
        // The row without a variantId still named its product (a productId): counted as present, kept.
        unreadable: 1,
        // Two variants listed in two packages each, one package listed twice.
        packagesMerged: 2,
        repeatedRows: 1,
        error: i === 24 ? 'the Flowhub feed is empty' : null,
        problems: [{ variantId: null, reason: 'skipped: row 3: variantId: missing' }],
      },
    });
  }
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

const get = (url: string) => app.inject({ method: 'GET', url });

describe('GET /v1/stores/{storeId}/syncs', () => {
  it('lists the latest 20 runs, newest first, as the contract shows them', async () => {
    const response = await get('/v1/stores/s1/syncs');
    expect(response.statusCode).toBe(200);
    const { items } = response.json();
    expect(items).toHaveLength(20);
    expect(items.map((run: { counts: { fetched: number } }) => run.counts.fetched)).toEqual(Array.from({ length: 20 }, (_, i) => 124 - i));
    expect(items[0]).toEqual({
      id: expect.any(String),
      trigger: 'scheduled',
      status: 'suspicious',
      startedAt: '2026-03-01T14:00:00.000Z',
      finishedAt: '2026-03-01T14:00:01.500Z',
      counts: {
        fetched: 124,
        kept: 123,
        created: 0,
        updated: 0,
        unchanged: 0,
        deactivated: 0,
        invalid: 1,
        uncategorized: 0,
        unknownTerpenes: 0,
        unknownStrainTypes: 0,
        unreadable: 1,
        packagesMerged: 2,
        repeatedRows: 1,
      },
      error: 'the Flowhub feed is empty',
      problems: [{ variantId: null, reason: 'skipped: row 3: variantId: missing' }],
      problemsTruncated: false,
    });
  });

  it('takes a limit up to 100', async () => {
    expect((await get('/v1/stores/s1/syncs?limit=3')).json().items).toHaveLength(3);
    expect((await get('/v1/stores/s1/syncs?limit=100')).json().items).toHaveLength(25);
    for (const limit of ['0', '101', 'ten']) {
      const response = await get(`/v1/stores/s1/syncs?limit=${limit}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details[0].path).toBe('limit');
    }
  });

  it('an empty list for a store that has not synced yet; 404 for an unknown store', async () => {
    expect((await get('/v1/stores/quiet/syncs')).json()).toEqual({ items: [] });
    expect((await get('/v1/stores/nobody/syncs')).json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
