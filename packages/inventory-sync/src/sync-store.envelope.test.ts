// A Flowhub answer with HTTP 200 whose envelope says it failed (`"status": 500`) is never applied as a feed: the sync
// fails (and is retried) rather than deactivate the products the answer left out, acceptShrink or not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFlowhubClient } from '@flowhub-sync/flowhub-client';
import { enableStore, startSyncTestbed, type SyncTestbed } from './testing/sync-testbed';
import { SyncFailed, syncStore, type SyncOutcome } from './sync-store';

let bed: SyncTestbed;
let failing: Server;
let failingUrl: string;
/** What the failing Flowhub answers, with status 200, to any request. */
let failingBody = '';

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 60, seed: 11 });
  failing = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end(failingBody);
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
});
afterAll(async () => {
  failing.closeAllConnections();
  await new Promise((resolve) => failing.close(resolve));
  await bed.close();
});

/** The rows the simulator serves the demo location now, as Flowhub sends them. */
async function feedRows(): Promise<unknown[]> {
  const response = await fetch(`${bed.sim.url}/v0/locations/demo-location/inventoryNonZero`, {
    headers: { clientId: 'demo-client', key: 'demo-key' },
  });
  return ((await response.json()) as { data: unknown[] }).data;
}

const activeProducts = (storeId: string) => bed.prisma.product.count({ where: { storeId, active: true } });

it('fails the sync, retryable, and deactivates nothing when the envelope says 500, even with most rows and acceptShrink', async () => {
  await enableStore(bed, 'envelope');
  const first = (await syncStore(bed.deps, { storeId: 'envelope', trigger: 'manual', acceptShrink: false })) as Extract<
    SyncOutcome,
    { runId: string }
  >;
  expect(first.status).toBe('succeeded');
  const active = await activeProducts('envelope');
  expect(active).toBeGreaterThan(10);

  // Most of the feed, then a status saying the answer is not whole: applied, it would deactivate the rest.
  const rows = await feedRows();
  failingBody = JSON.stringify({
    data: rows.slice(0, rows.length - 5),
    status: 500,
    message: 'Internal server error: inventory query timed out',
  });
  const flowhub = createFlowhubClient({ apiUrl: failingUrl, authUrl: failingUrl, retryBaseDelayMs: 5, maxRetries: 1 });
  const failure = await syncStore({ ...bed.deps, flowhub }, { storeId: 'envelope', trigger: 'manual', acceptShrink: true }).catch(
    (error: unknown) => error,
  );

  expect(failure).toBeInstanceOf(SyncFailed);
  expect((failure as SyncFailed).handling.action).toBe('retry');
  const run = await bed.prisma.syncRun.findUniqueOrThrow({ where: { id: (failure as SyncFailed).runId } });
  expect(run).toMatchObject({ status: 'failed', deactivated: 0 });
  expect(run.error).toMatch(/500 in the body of an HTTP 200 answer.*inventory query timed out/);
  expect(await activeProducts('envelope')).toBe(active);
});
