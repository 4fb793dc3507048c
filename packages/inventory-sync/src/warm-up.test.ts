// The worker's warm-up at boot (warm-up.ts): it reads, never writes; it calls nothing over HTTP; it opens the pool's
// connections; and a database it cannot reach does not stop it.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Pool } from 'pg';
import { createPrismaClient } from '@flowhub-sync/db';
import { FeedMemo } from './feed-memo';
import { enableStore, startSyncTestbed, type SyncTestbed } from './testing/sync-testbed';
import { syncStore } from './sync-store';
import { warmUpInventorySync } from './warm-up';

let bed: SyncTestbed;

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 200, seed: 11 });
  // A store with a menu and a sync run: rows a stray write would change.
  await enableStore(bed, 'menu');
  const feedMemo = new FeedMemo();
  await syncStore({ ...bed.deps, feedMemo }, { storeId: 'menu', trigger: 'manual', acceptShrink: false });
  // The sync's memo is saved for the other workers once it has returned: done before the snapshots are taken.
  await feedMemo.settled();
});
afterAll(() => bed.close());

/** Every table of the database, its row count and a digest of its rows: what any write would change. */
async function snapshot(): Promise<Record<string, { rows: number; digest: string }>> {
  const { rows: tables } = await bed.db.sql.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const entries = await Promise.all(
    tables.map(async ({ name }) => {
      const { rows } = await bed.db.sql.query<{ rows: number; digest: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
      );
      return [name, rows[0]] as const;
    }),
  );
  return Object.fromEntries(entries);
}

describe('warmUpInventorySync', () => {
  it('writes nothing to the database and sends no HTTP request', async () => {
    const requests: string[] = [];
    // Any HTTP request of this process (fetch, node:http, axios: the Flowhub client's) is recorded and fails.
    const server = setupServer(
      http.all('*', ({ request }) => {
        requests.push(`${request.method} ${request.url}`);
        return HttpResponse.error();
      }),
    );
    const before = await snapshot();
    expect(before.products.rows).toBeGreaterThan(100);
    expect(before.sync_runs.rows).toBe(1);

    server.listen({ onUnhandledRequest: 'error' });
    try {
      const report = await warmUpInventorySync({ prisma: bed.prisma, sql: bed.deps.sql });
      expect(report).toMatchObject({ databaseError: null, passes: 6, rows: 1000 });
      // The synthetic feed goes through the whole path: most rows map, a few are refused as malformed ones are.
      expect(report.mapped).toBeGreaterThan(6 * 500);
      expect(report.skipped).toBeGreaterThan(0);
      expect(report.skipped).toBeLessThan(report.mapped / 20);
      expect(requests).toEqual([]);
      // The trap works: the product's Flowhub client is caught by it (each of its attempts).
      await expect(
        bed.flowhub.getInventory({ clientId: 'demo-client', apiKey: 'demo-key', locationId: 'demo-location' }, { byRooms: false }),
      ).rejects.toThrow();
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((request) => request.endsWith('/v0/locations/demo-location/inventoryNonZero'))).toBe(true);
    } finally {
      server.close();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('opens a connection of the pool per sync the worker runs at once', async () => {
    const pool = new Pool({ connectionString: bed.db.url, max: 8 });
    try {
      await warmUpInventorySync({ prisma: bed.prisma, sql: pool }, { passes: 1, rows: 50, connections: 4 });
      expect(pool.totalCount).toBe(4);
      expect(pool.idleCount).toBe(4);
    } finally {
      await pool.end();
    }
  });

  it('warms up the code paths all the same when PostgreSQL cannot be reached, and says why', async () => {
    // Nothing listens on port 1.
    const unreachable = 'postgresql://nobody@127.0.0.1:1/nothing';
    const pool = new Pool({ connectionString: unreachable, max: 2 });
    pool.on('error', () => undefined);
    const prisma = createPrismaClient(unreachable, { pool });
    try {
      const report = await warmUpInventorySync({ prisma, sql: pool }, { passes: 2, rows: 100 });
      expect(report).toMatchObject({ passes: 2, rows: 100, databaseError: expect.stringMatching(/ECONNREFUSED|connect/) });
    } finally {
      await prisma.$disconnect().catch(() => undefined);
      await pool.end();
    }
  });
});
