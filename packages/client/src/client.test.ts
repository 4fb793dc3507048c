import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, signWebhook, type HostResolver } from '@flowhub-sync/config';
import { recordMenuSyncedWebhook, recordWebhookDelivery } from '@flowhub-sync/db';
import { deliverWebhook } from '@flowhub-sync/orders';
import { createProducerHarness, seedProduct, TEST_API_TOKEN, type ProducerHarness } from '@flowhub-sync/producer/testing';
import { waitFor } from '@flowhub-sync/testing';
import {
  createClient,
  FlowhubSyncError,
  menuChanges,
  verifyWebhook,
  WebhookVerificationError,
  type FlowhubSyncClient,
  type MenuChange,
  type OrderCreate,
  type WebhookEvent,
} from './index';

/**
 * The client against a real producer: the producer's app in-process (its test harness: its own database and queue
 * prefix, the real Redis) listening on a port, called over HTTP as the platform calls it.
 */

let h: ProducerHarness;
let baseUrl: string;
let client: FlowhubSyncClient;

beforeAll(async () => {
  h = await createProducerHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  client = createClient({ baseUrl, token: TEST_API_TOKEN, retry: { minDelayMs: 5 } });
});
afterAll(async () => {
  await h?.close();
});

let storeSeq = 0;
/** A store configured through the API (unverified: there is no Flowhub here), with two products on its menu. */
async function freshStore(settings: Record<string, unknown> = {}) {
  const storeId = `client-store-${++storeSeq}`;
  const saved = await client.PUT('/v1/stores/{storeId}/flowhub', {
    params: { path: { storeId }, query: { verify: 'false' } },
    body: { enabled: true, clientId: 'client-1', apiKey: 'api-key-0001', locationId: 'loc-1', ...settings },
  });
  expect(saved.enabled).toBe(true);
  await seedProduct(h.db.prisma, storeId, 'v-a', 10);
  await seedProduct(h.db.prisma, storeId, 'v-b', 5);
  return storeId;
}

const order = (externalId: string, overrides: Partial<OrderCreate> = {}): OrderCreate => ({
  externalId,
  type: 'pickup',
  placedAt: '2026-11-27T10:00:00Z',
  customer: { firstName: 'Ada', lastName: 'Lovelace', phone: '+15555550123', purchaseCategory: 'rec' },
  items: [{ variantId: 'v-a', quantity: 2 }],
  ...overrides,
});

async function failure(call: Promise<unknown>): Promise<FlowhubSyncError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(FlowhubSyncError);
    return error as FlowhubSyncError;
  }
  throw new Error('expected the call to fail');
}

describe('the client against the producer', () => {
  it('creates, confirms and reads an order', async () => {
    const storeId = await freshStore();
    const created = await client.POST('/v1/stores/{storeId}/orders', { params: { path: { storeId } }, body: order('A-1001') });
    expect(created).toMatchObject({ externalId: 'A-1001', status: 'pending', holds: [{ variantId: 'v-a', quantity: 2, state: 'held' }] });

    const confirmed = await client.POST('/v1/stores/{storeId}/orders/{externalId}/confirm', {
      params: { path: { storeId, externalId: 'A-1001' } },
    });
    expect(confirmed.status).toBe('confirmed');

    const read = await client.GET('/v1/stores/{storeId}/orders/{externalId}', { params: { path: { storeId, externalId: 'A-1001' } } });
    expect(read).toMatchObject({
      externalId: 'A-1001',
      status: 'confirmed',
      push: { state: 'not_pushed' },
      items: [{ variantId: 'v-a', quantity: 2 }],
    });

    // The same order again is the same order (200), which is what makes retrying a create safe.
    const again = await client.POST('/v1/stores/{storeId}/orders', { params: { path: { storeId } }, body: order('A-1001') });
    expect(again.externalId).toBe('A-1001');

    const page = await client.GET('/v1/stores/{storeId}/orders', { params: { path: { storeId }, query: { limit: 10 } } });
    expect(page.items.map((item) => item.externalId)).toEqual(['A-1001']);
  });

  it('surfaces a 409 conflict: the same externalId with other content', async () => {
    const storeId = await freshStore();
    await client.POST('/v1/stores/{storeId}/orders', { params: { path: { storeId } }, body: order('A-2001') });
    const error = await failure(
      client.POST('/v1/stores/{storeId}/orders', {
        params: { path: { storeId } },
        body: order('A-2001', { items: [{ variantId: 'v-b', quantity: 1 }] }),
      }),
    );
    expect(error).toMatchObject({ status: 409, code: 'conflict' });
    expect(error.message).toEqual(expect.any(String));
  });

  it('surfaces a 409 insufficient_inventory with its details', async () => {
    const storeId = await freshStore();
    const error = await failure(
      client.POST('/v1/stores/{storeId}/orders', {
        params: { path: { storeId } },
        body: order('A-2002', { items: [{ variantId: 'v-b', quantity: 6 }] }),
      }),
    );
    expect(error).toMatchObject({
      status: 409,
      code: 'insufficient_inventory',
      details: [{ path: 'items[0]', variantId: 'v-b', requested: 6, sellable: 5 }],
    });
  });

  it('surfaces a 400 with the details naming every wrong field', async () => {
    const storeId = await freshStore();
    const error = await failure(
      client.POST('/v1/stores/{storeId}/orders', { params: { path: { storeId } }, body: { ...order('not a valid id!'), items: [] } }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    const paths = error.details.map((detail) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['externalId', 'items']));
    for (const detail of error.details) expect(detail.message).toEqual(expect.any(String));
  });

  it('surfaces a 404 for an unknown store and a 401 for a wrong token', async () => {
    const missing = await failure(
      client.GET('/v1/stores/{storeId}/orders/{externalId}', { params: { path: { storeId: 'no-such-store', externalId: 'A-1' } } }),
    );
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });

    const stranger = createClient({ baseUrl, token: 'not-the-token-0123456789' });
    const refused = await failure(stranger.GET('/v1/stores/{storeId}/flowhub', { params: { path: { storeId: 'no-such-store' } } }));
    expect(refused).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('retries an order create whose answer was lost, and gets the one order', async () => {
    const storeId = await freshStore();
    let creates = 0;
    // The first create reaches the producer, but its answer never comes back (the connection dropped).
    const lossy = createClient({
      baseUrl,
      token: TEST_API_TOKEN,
      retry: { minDelayMs: 5 },
      fetch: async (request) => {
        const response = await fetch(request);
        if (request.method === 'POST' && ++creates === 1) throw new TypeError('fetch failed');
        return response;
      },
    });
    const created = await lossy.POST('/v1/stores/{storeId}/orders', { params: { path: { storeId } }, body: order('A-3001') });
    expect(created).toMatchObject({ externalId: 'A-3001', status: 'pending' });
    expect(creates).toBe(2);
    expect(await h.db.prisma.order.count({ where: { storeId } })).toBe(1);
  });
});

describe('the menu change feed as an async iterator', () => {
  /** The entries after `after`, once there are at least `count` (a write is handed out once older transactions ended). */
  const drain = (storeId: string, after: string | undefined, count: number) =>
    waitFor(
      async () => {
        const entries: MenuChange[] = [];
        for await (const entry of menuChanges(client, storeId, { after, pageSize: 2 })) entries.push(entry);
        return entries.length >= count ? entries : undefined;
      },
      { what: `${count} menu changes` },
    );

  it('yields the whole menu first, then exactly what changed, each once, resuming from the cursor kept', async () => {
    const storeId = await freshStore();
    await seedProduct(h.db.prisma, storeId, 'v-gone', 0, { active: false });
    const first = await drain(storeId, undefined, 3);
    expect(first.map(({ product }) => [product.variantId, product.active]).sort()).toEqual([
      ['v-a', true],
      ['v-b', true],
      ['v-gone', false],
    ]);
    expect(first.find(({ product }) => product.variantId === 'v-gone')!.product).toEqual({
      variantId: 'v-gone',
      active: false,
      change: expect.any(Number),
    });
    const saved = first[first.length - 1].cursor;
    expect(await drain(storeId, saved, 0)).toEqual([]);

    // An order holds two of v-a: the feed hands out v-a again, with its held quantity, and nothing else.
    await client.POST('/v1/stores/{storeId}/orders', { params: { path: { storeId } }, body: order('F-1') });
    const [held, ...rest] = await drain(storeId, saved, 1);
    expect(rest).toEqual([]);
    expect(held.product).toMatchObject({ variantId: 'v-a', active: true, heldQuantity: 2, sellableQuantity: 8 });

    // Stopping after an entry and starting again from its cursor goes on with the next one; v-a now comes last.
    const expected = first
      .slice(1)
      .map(({ product }) => product.variantId)
      .filter((variantId) => variantId !== 'v-a')
      .concat('v-a');
    const resumed = await drain(storeId, first[0].cursor, expected.length);
    expect(resumed.map(({ product }) => product.variantId)).toEqual(expected);
  });
});

describe('webhooks the producer delivers', () => {
  /** A platform endpoint: keeps what it receives (headers and the raw body). */
  async function startReceiver() {
    const received: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('verifies a real delivery, across a secret rotation, and refuses forged ones', async () => {
    const receiver = await startReceiver();
    try {
      // The producer checks that the URL is public (the harness resolves every name to a public address); the
      // delivery connects to this receiver, as local development does.
      const storeId = await freshStore({
        statusWebhookUrl: `http://platform.test:${receiver.port}/hooks/flowhub`,
        statusWebhookSecret: 'whsec-old-0001',
      });
      await client.POST('/v1/stores/{storeId}/orders', { params: { path: { storeId } }, body: order('A-4001') });
      const stored = await h.db.prisma.order.findFirstOrThrow({ where: { storeId, externalId: 'A-4001' } });
      const resolve: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
      const deliver = async () => {
        const id = await h.db.prisma.$transaction((tx) =>
          recordWebhookDelivery(tx, {
            storeId,
            orderId: stored.id,
            externalId: 'A-4001',
            event: 'status_changed',
            status: 'ready',
            flowhubStatus: 'ready',
            at: new Date(),
          }),
        );
        const deps = {
          prisma: h.db.prisma,
          secrets: h.deps.secrets,
          logger: createLogger({ name: 't', level: 'silent' }),
          resolve,
          allowPrivateNetworks: true,
        };
        expect(await deliverWebhook(deps, id!, { lastAttempt: true })).toBe('delivered');
        return receiver.received[receiver.received.length - 1];
      };

      const first = await deliver();
      const event = verifyWebhook('whsec-old-0001', first.headers['x-flowhub-sync-signature'], first.body);
      expect(event).toMatchObject({
        storeId,
        externalId: 'A-4001',
        event: 'status_changed',
        status: 'ready',
        flowhubStatus: 'ready',
        sequence: 1,
      });
      expect(event.id).toBe(first.headers['x-flowhub-sync-delivery']);
      expect(verifyWebhook('whsec-old-0001', first.headers['x-flowhub-sync-signature'], first.body.toString('utf8'))).toEqual(event);

      // The secret changes: for a day, deliveries carry a signature with each.
      await client.PUT('/v1/stores/{storeId}/flowhub', {
        params: { path: { storeId }, query: { verify: 'false' } },
        body: {
          enabled: true,
          clientId: 'client-1',
          locationId: 'loc-1',
          statusWebhookUrl: `http://platform.test:${receiver.port}/hooks/flowhub`,
          statusWebhookSecret: 'whsec-new-0002',
        },
      });
      const second = await deliver();
      const header = String(second.headers['x-flowhub-sync-signature']);
      expect(header.match(/v1=/g)).toHaveLength(2);
      expect(verifyWebhook('whsec-old-0001', header, second.body)).toMatchObject({ sequence: 2 });
      expect(verifyWebhook('whsec-new-0002', header, second.body)).toMatchObject({ sequence: 2 });
      expect(verifyWebhook(['whsec-new-0002', 'whsec-old-0001'], header, second.body)).toMatchObject({ sequence: 2 });

      // Forged or replayed: refused.
      const reason = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          expect(error).toBeInstanceOf(WebhookVerificationError);
          return (error as WebhookVerificationError).reason;
        }
        throw new Error('expected the delivery to be refused');
      };
      expect(reason(() => verifyWebhook('whsec-someone-else', header, second.body))).toBe('signature_mismatch');
      const altered = Buffer.from(second.body.toString('utf8').replace('"ready"', '"completed"'));
      expect(reason(() => verifyWebhook('whsec-new-0002', header, altered))).toBe('signature_mismatch');
      const inTenMinutes = new Date(Date.now() + 600_000);
      expect(reason(() => verifyWebhook('whsec-new-0002', header, second.body, { now: inTenMinutes }))).toBe('timestamp_out_of_tolerance');
      expect(verifyWebhook('whsec-new-0002', header, second.body, { now: inTenMinutes, toleranceSeconds: 3600 })).toMatchObject({
        sequence: 2,
      });
      // Re-signed by someone holding no secret of ours, with a fresh timestamp: still refused.
      expect(reason(() => verifyWebhook('whsec-new-0002', signWebhook('guess', second.body.toString('utf8')), second.body))).toBe(
        'signature_mismatch',
      );
      expect(reason(() => verifyWebhook('whsec-new-0002', undefined, second.body))).toBe('malformed_signature');

      // After a sync run: menu_synced, verified the same way and told apart by its event.
      const runId = (await h.db.prisma.syncRun.create({ data: { storeId, trigger: 'manual', status: 'succeeded' } })).id;
      const counts = { fetched: 2, kept: 2, created: 0, updated: 1, unchanged: 1, deactivated: 0, invalid: 0 };
      const menuDelivery = await recordMenuSyncedWebhook(h.db.prisma, { storeId, runId, counts, at: new Date() });
      const deps = {
        prisma: h.db.prisma,
        secrets: h.deps.secrets,
        logger: createLogger({ name: 't', level: 'silent' }),
        resolve,
        allowPrivateNetworks: true,
      };
      expect(await deliverWebhook(deps, menuDelivery!, { lastAttempt: true })).toBe('delivered');
      const announced = receiver.received[receiver.received.length - 1];
      const menu: WebhookEvent = verifyWebhook('whsec-new-0002', announced.headers['x-flowhub-sync-signature'], announced.body);
      if (menu.event !== 'menu_synced') throw new Error(`expected menu_synced, got ${menu.event}`);
      expect(menu).toMatchObject({ storeId, runId, counts: { updated: 1 }, cursor: expect.any(String) });
      // Its cursor is one the change feed takes, and nothing changed after it.
      const after = await client.GET('/v1/stores/{storeId}/products/changes', {
        params: { path: { storeId }, query: { after: menu.cursor } },
      });
      expect(after.items).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
