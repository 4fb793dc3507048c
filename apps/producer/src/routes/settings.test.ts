import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { HostResolver } from '@flowhub-sync/config';
import { jobIds } from '@flowhub-sync/queues';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { reconcileSchedules } from '../schedules';
import { ROOM_ID_MESSAGE } from './settings/save-schema';

const flowhub = setupServer(
  http.get('http://flowhub.test/v0/clientsLocations', ({ request }) => {
    if (request.headers.get('clientId') !== 'client-1' || request.headers.get('key') !== 'good-api-key-9876') {
      return new HttpResponse('<html><body><h1>403 Forbidden</h1></body></html>', {
        status: 403,
        headers: { 'content-type': 'text/html' },
      });
    }
    return HttpResponse.json({ status: 200, data: [{ locationId: 'loc-1', locationName: 'Main St', licenseType: ['rec'] }] });
  }),
  http.post('http://flowhub.test/oauth/token', async ({ request }) => {
    const body = (await request.json()) as { client_secret?: string };
    if (body.client_secret !== 'oa-secret-5555')
      return HttpResponse.json({ error: 'access_denied', error_description: 'Unauthorized' }, { status: 401 });
    return HttpResponse.json({ access_token: 'tok', token_type: 'Bearer', expires_in: 86400, scope: '' });
  }),
);

const validSettings = {
  enabled: true,
  clientId: 'client-1',
  apiKey: 'good-api-key-9876',
  locationId: 'loc-1',
};

let h: ProducerHarness;
beforeAll(() => flowhub.listen({ onUnhandledRequest: 'error' }));
afterAll(() => flowhub.close());
beforeEach(async () => {
  h = await createProducerHarness();
});
afterEach(async () => {
  flowhub.resetHandlers();
  await h.close();
});

const put = (storeId: string, body: unknown, query = '') =>
  h.app.inject({ method: 'PUT', url: `/v1/stores/${storeId}/flowhub${query}`, headers: auth, payload: body as object });
const inventoryQueue = () => h.deps.queues['inventory-sync'];
const waitingSyncs = async (storeId: string) => (await inventoryQueue().getJobs(['waiting'])).filter((job) => job.data.storeId === storeId);

describe('PUT /v1/stores/{storeId}/flowhub', () => {
  it('enables a store: secrets masked, a schedule, and exactly one first sync at once', async () => {
    const response = await put('store-1', validSettings);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      storeId: 'store-1',
      enabled: true,
      apiKey: '••••9876',
      purchaseCategory: 'all',
      roomIds: [],
      pendingHoldMinutes: 60,
    });
    expect(JSON.stringify(body)).not.toContain('good-api-key-9876');
    expect(body.ownedFields).toHaveLength(10);
    expect(body.status).toMatchObject({ lastSync: null, lastGoodSyncAt: null, openOrders: 0 });
    expect(body.status.nextSyncAt).toEqual(expect.any(String));

    expect(await inventoryQueue().getJobScheduler(jobIds.inventorySchedule('store-1'))).toMatchObject({ every: 600_000 });
    const first = await waitingSyncs('store-1');
    expect(first.map((job) => job.data.trigger)).toEqual(['initial']);

    // Saving again (same settings) neither schedules twice nor asks for a second first sync.
    expect((await put('store-1', validSettings)).statusCode).toBe(200);
    expect(await waitingSyncs('store-1')).toHaveLength(1);
  });

  it('stores secrets as ciphertext', async () => {
    await put('store-1', { ...validSettings, syncOrders: true, orderAheadClientId: 'oa-1', orderAheadToken: 'oa-secret-5555' });
    const row = await h.db.prisma.store.findUniqueOrThrow({ where: { id: 'store-1' } });
    expect(row.apiKeyEncrypted).not.toContain('good-api-key-9876');
    expect(h.deps.secrets.decrypt(row.apiKeyEncrypted!)).toBe('good-api-key-9876');
    expect(h.deps.secrets.decrypt(row.orderAheadTokenEncrypted!)).toBe('oa-secret-5555');
  });

  it('keeps secrets that come back masked or left out', async () => {
    await put('store-1', { ...validSettings, statusWebhookUrl: 'https://platform.example/hook', statusWebhookSecret: 'whsec-abcdefgh' });
    const shown = (await h.app.inject({ method: 'GET', url: '/v1/stores/store-1/flowhub', headers: auth })).json();
    const { status: _status, storeId: _storeId, ...echo } = shown;
    expect(echo.apiKey).toBe('••••9876');
    expect((await put('store-1', { ...echo, quantityThreshold: 2 })).statusCode).toBe(200);
    const { apiKey: _left, ...withoutKey } = echo;
    expect((await put('store-1', withoutKey)).statusCode).toBe(200);
    const row = await h.db.prisma.store.findUniqueOrThrow({ where: { id: 'store-1' } });
    expect(h.deps.secrets.decrypt(row.apiKeyEncrypted!)).toBe('good-api-key-9876');
    expect(h.deps.secrets.decrypt(row.statusWebhookSecretEncrypted!)).toBe('whsec-abcdefgh');
  });

  it('replaces: a field left out takes its default', async () => {
    await put('store-1', {
      ...validSettings,
      maui: true,
      purchaseCategory: 'med',
      quantityThreshold: 3,
      roomIds: ['0123456789abcdef0123456789abcdef'],
    });
    const body = (await put('store-1', validSettings)).json();
    expect(body).toMatchObject({ maui: false, purchaseCategory: 'all', quantityThreshold: 0, roomIds: [] });
  });

  it("keeps the store's orderItemId (productId by default, or variantId) and shows it; another value is a 400 naming it", async () => {
    expect((await put('store-1', validSettings)).json().orderItemId).toBe('productId');
    expect((await put('store-1', { ...validSettings, orderItemId: 'variantId' })).json().orderItemId).toBe('variantId');
    expect((await h.app.inject({ method: 'GET', url: '/v1/stores/store-1/flowhub', headers: auth })).json().orderItemId).toBe('variantId');
    expect((await h.db.prisma.store.findUniqueOrThrow({ where: { id: 'store-1' } })).orderItemId).toBe('variantId');
    // Replace semantics: left out, it is the default again.
    expect((await put('store-1', validSettings)).json().orderItemId).toBe('productId');
    const refused = await put('store-1', { ...validSettings, orderItemId: 'sku' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.map((detail: { path: string }) => detail.path)).toEqual(['orderItemId']);
  });

  it('names every wrong field in one 400', async () => {
    const response = await put('store-1', {
      enabled: true,
      clientId: 'client-1',
      roomIds: ['Main Room', '0123456789abcdef-0123456789abcdef', '0123456789abcdef0123456789abcdef'],
      purchaseCategory: 'adult',
      quantityThreshold: -1,
      syncOrders: true,
      ownedFields: ['name', 'colour'],
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('validation_failed');
    const byPath = Object.fromEntries(error.details.map((detail: { path: string; message: string }) => [detail.path, detail.message]));
    expect(byPath['roomIds[0]']).toBe(ROOM_ID_MESSAGE);
    expect(byPath['roomIds[1]']).toBe(ROOM_ID_MESSAGE);
    expect(byPath['roomIds[2]']).toBeUndefined();
    expect(ROOM_ID_MESSAGE).toMatch(/32 letters and digits.*no spaces or dashes.*not its name/);
    expect(Object.keys(byPath)).toEqual(
      expect.arrayContaining([
        'purchaseCategory',
        'quantityThreshold',
        'ownedFields[1]',
        'apiKey',
        'locationId',
        'orderAheadClientId',
        'orderAheadToken',
      ]),
    );
    expect(await h.db.prisma.store.count()).toBe(0);
  });

  it("refuses credentials Flowhub rejects with 422 and Flowhub's reason, saving nothing", async () => {
    const wrongKey = await put('store-1', { ...validSettings, apiKey: 'wrong-key-0000' });
    expect(wrongKey.statusCode).toBe(422);
    expect(wrongKey.json().error).toMatchObject({
      code: 'flowhub_rejected',
      message: expect.stringMatching(/Flowhub rejected the inventory credentials/),
    });
    expect(wrongKey.body).not.toContain('wrong-key-0000');

    const wrongLocation = await put('store-1', { ...validSettings, locationId: 'loc-9' });
    expect(wrongLocation.statusCode).toBe(422);
    expect(wrongLocation.json().error.message).toMatch(/loc-9 is not among this client's locations/);

    const wrongToken = await put('store-1', {
      ...validSettings,
      syncOrders: true,
      orderAheadClientId: 'oa-1',
      orderAheadToken: 'nope-1234',
    });
    expect(wrongToken.statusCode).toBe(422);
    expect(wrongToken.json().error.message).toMatch(/Order Ahead/);
    expect(await h.db.prisma.store.count()).toBe(0);

    // ?verify=false skips the check (the operator's call).
    expect((await put('store-1', { ...validSettings, apiKey: 'wrong-key-0000' }, '?verify=false')).statusCode).toBe(200);
  });

  it("finds the location by its locationId in any case, or by its importId, and saves the location's own locationId", async () => {
    flowhub.use(
      http.get('http://flowhub.test/v0/clientsLocations', () =>
        HttpResponse.json({
          status: 200,
          data: [
            { locationId: '5f0c1a2b3c4d5e6f7a8b9c0d', importId: 'STORE-17', locationName: 'Main St' },
            { locationId: 'ab12cd34', importId: 'store-18', locationName: 'Downtown' },
          ],
        }),
      ),
    );
    const byCase = await put('store-1', { ...validSettings, locationId: '5F0C1A2B3C4D5E6F7A8B9C0D' });
    expect(byCase.statusCode).toBe(200);
    expect(byCase.json().locationId).toBe('5f0c1a2b3c4d5e6f7a8b9c0d');
    expect((await h.db.prisma.store.findUniqueOrThrow({ where: { id: 'store-1' } })).locationId).toBe('5f0c1a2b3c4d5e6f7a8b9c0d');

    const byImportId = await put('store-2', { ...validSettings, locationId: 'Store-18' });
    expect(byImportId.statusCode).toBe(200);
    expect(byImportId.json().locationId).toBe('ab12cd34');

    // Unverified, the id is saved as given: nothing to match it against.
    expect((await put('store-3', { ...validSettings, locationId: 'STORE-17' }, '?verify=false')).json().locationId).toBe('STORE-17');
  });

  it('names the locations the credentials can see when the Location ID is none of them, or more than one', async () => {
    flowhub.use(
      http.get('http://flowhub.test/v0/clientsLocations', () =>
        HttpResponse.json({
          status: 200,
          data: [
            { locationId: 'Loc-A', importId: null, locationName: 'Main St' },
            { locationId: 'loc-a', importId: null, locationName: 'Main St (old)' },
            { locationId: 'loc-b', importId: 'imp-b', locationName: 'Downtown' },
          ],
        }),
      ),
    );
    const unknown = await put('store-1', { ...validSettings, locationId: 'loc-9' });
    expect(unknown.statusCode).toBe(422);
    const { error } = unknown.json();
    expect(error.code).toBe('flowhub_rejected');
    expect(error.message).toBe(
      "Flowhub refused the Location ID: location loc-9 is not among this client's locations " +
        '(these credentials see: Loc-A "Main St", loc-a "Main St (old)", loc-b "Downtown" (importId imp-b))',
    );
    expect(error.details).toEqual([
      { path: 'locationId', message: expect.stringContaining('these credentials see: Loc-A "Main St", loc-a') },
    ]);

    // An exact id is never ambiguous; one that matches two locations only in another case is.
    expect((await put('store-1', { ...validSettings, locationId: 'loc-a' })).json().locationId).toBe('loc-a');
    const ambiguous = await put('store-2', { ...validSettings, locationId: 'LOC-A' });
    expect(ambiguous.statusCode).toBe(422);
    expect(ambiguous.json().error.message).toMatch(
      /LOC-A matches more than one of this client's locations \(these credentials see: Loc-A "Main St", loc-a "Main St \(old\)"\)$/,
    );
    expect(await h.db.prisma.store.count({ where: { id: 'store-2' } })).toBe(0);
  });

  it('answers 503 naming Flowhub when Flowhub cannot be reached', async () => {
    flowhub.use(http.get('http://flowhub.test/v0/clientsLocations', () => HttpResponse.error()));
    const response = await put('store-1', validSettings);
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('Flowhub') });
  });

  it('disabling stops the inventory schedule and keeps the data', async () => {
    await put('store-1', validSettings);
    expect((await put('store-1', { ...validSettings, enabled: false })).json().enabled).toBe(false);
    expect(await inventoryQueue().getJobScheduler(jobIds.inventorySchedule('store-1'))).toBeUndefined();
    await put('store-1', validSettings);
    const deleted = await h.app.inject({ method: 'DELETE', url: '/v1/stores/store-1/flowhub', headers: auth });
    expect(deleted.statusCode).toBe(204);
    expect(await inventoryQueue().getJobScheduler(jobIds.inventorySchedule('store-1'))).toBeUndefined();
    const kept = await h.app.inject({ method: 'GET', url: '/v1/stores/store-1/flowhub', headers: auth });
    expect(kept.json()).toMatchObject({ enabled: false, clientId: 'client-1', apiKey: '••••9876' });
  });

  it('spreads many stores across the interval', async () => {
    for (let i = 0; i < 30; i++) await put(`store-${i}`, validSettings, '?verify=false');
    const nexts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        inventoryQueue()
          .getJobScheduler(jobIds.inventorySchedule(`store-${i}`))
          .then((s) => s!.next!),
      ),
    );
    const minutes = new Set(nexts.map((next) => Math.floor((next % 600_000) / 60_000)));
    expect(minutes.size).toBeGreaterThanOrEqual(6); // 30 stores over 10 minutes, not all in one
  });
});

describe('store routes', () => {
  it('404 for an unknown store, 400 for a malformed store id, 401 without the token', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/stores/nobody/flowhub', headers: auth })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'DELETE', url: '/v1/stores/nobody/flowhub', headers: auth })).statusCode).toBe(404);
    const bad = await h.app.inject({ method: 'GET', url: '/v1/stores/bad%20id!/flowhub', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('storeId');
    expect((await h.app.inject({ method: 'GET', url: '/v1/stores/store-1/flowhub' })).statusCode).toBe(401);
    expect(
      (await h.app.inject({ method: 'GET', url: '/v1/stores/store-1/flowhub', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401);
  });
});

describe('boot reconciliation', () => {
  it('heals a missing and a stray schedule, and gives a never-synced store its first sync', async () => {
    await h.db.prisma.store.createMany({
      data: [
        { id: 'enabled-1', enabled: true, clientId: 'c', locationId: 'l' },
        { id: 'disabled-1', enabled: false },
      ],
    });
    const { scheduleInventorySync } = await import('@flowhub-sync/queues');
    await scheduleInventorySync(inventoryQueue(), 'disabled-1', 600_000);
    const report = await reconcileSchedules(h.deps);
    expect(report).toMatchObject({ inventoryAdded: ['enabled-1'], inventoryRemoved: ['disabled-1'], initialSyncs: ['enabled-1'] });
    expect(await inventoryQueue().getJobScheduler(jobIds.inventorySchedule('enabled-1'))).toBeDefined();
    expect(await inventoryQueue().getJobScheduler(jobIds.inventorySchedule('disabled-1'))).toBeUndefined();
    expect((await waitingSyncs('enabled-1')).map((job) => job.data.trigger)).toEqual(['initial']);
    // Nothing to do the second time.
    expect(await reconcileSchedules(h.deps)).toMatchObject({ inventoryAdded: [], inventoryRemoved: [], initialSyncs: [] });
  });
});

/** A resolver over a fixed table (no real DNS): 'hang' never answers, a name not in the table does not exist. */
function tableResolver(table: Record<string, string[] | 'hang'>) {
  const asked: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    asked.push(hostname);
    const answer = table[hostname];
    if (answer === 'hang') return new Promise<never>(() => undefined);
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return { resolve, asked };
}

describe('the statusWebhookUrl perimeter', () => {
  const withHook = (statusWebhookUrl: string) => ({ ...validSettings, statusWebhookUrl, statusWebhookSecret: 'whsec-abcdefgh' });

  it('refuses a URL whose host is a private address in any spelling, without asking DNS', async () => {
    const dns = tableResolver({});
    h.deps.resolveHost = dns.resolve;
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:9464/metrics',
      'http://10.0.0.5/',
      'http://[::1]:6379/',
      'http://localhost:5432/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://[::ffff:169.254.169.254]/',
      'http://hooks.localhost./',
    ]) {
      const response = await put('store-1', withHook(url), '?verify=false');
      expect({ url, status: response.statusCode }).toEqual({ url, status: 400 });
      expect(response.json().error).toMatchObject({
        code: 'validation_failed',
        details: [
          { path: 'statusWebhookUrl', message: expect.stringMatching(/^must point to a public address: .*is not a public address/) },
        ],
      });
    }
    expect(dns.asked).toEqual([]);
    expect(await h.db.prisma.store.count()).toBe(0);
  });

  it('refuses a name that resolves to a private address, naming it beside every other wrong field', async () => {
    h.deps.resolveHost = tableResolver({ 'hooks.example': ['10.0.0.5'], 'mixed.example': ['93.184.216.34', 'fd00::5'] }).resolve;
    const response = await put('store-1', { ...withHook('https://hooks.example/flowhub'), quantityThreshold: -1 }, '?verify=false');
    expect(response.statusCode).toBe(400);
    const byPath = Object.fromEntries(
      response.json().error.details.map((detail: { path: string; message: string }) => [detail.path, detail.message]),
    );
    expect(Object.keys(byPath).sort()).toEqual(['quantityThreshold', 'statusWebhookUrl']);
    expect(byPath.statusWebhookUrl).toBe(
      'must point to a public address: hooks.example resolves to 10.0.0.5, which is not a public address (private): only public internet addresses are allowed',
    );
    // One private address among public ones is enough.
    const mixed = await put('store-1', withHook('https://mixed.example/flowhub'), '?verify=false');
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.details[0].message).toContain('fd00::5');
    expect(await h.db.prisma.store.count()).toBe(0);
  });

  it('accepts a public name, and a name that does not resolve now or not within 2 s (each delivery checks again)', async () => {
    const dns = tableResolver({ 'public.example': ['93.184.216.34', '2606:4700::1111'], 'slow.example': 'hang' });
    h.deps.resolveHost = dns.resolve;
    expect((await put('store-1', withHook('https://public.example/hook'), '?verify=false')).json()).toMatchObject({
      statusWebhookUrl: 'https://public.example/hook',
    });
    expect((await put('store-1', withHook('https://93.184.216.34/hook'), '?verify=false')).statusCode).toBe(200);
    expect((await put('store-1', withHook('https://[2606:4700::1111]/hook'), '?verify=false')).statusCode).toBe(200);
    expect((await put('store-1', withHook('https://not-yet.example/hook'), '?verify=false')).statusCode).toBe(200);
    const started = Date.now();
    const slow = await put('store-1', withHook('https://slow.example/hook'), '?verify=false');
    expect(slow.statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(dns.asked).toEqual(['public.example', 'not-yet.example', 'slow.example']);
  });

  it('lets a private address through with WEBHOOK_ALLOW_PRIVATE_NETWORKS (local development)', async () => {
    h.deps.settings.webhookAllowPrivateNetworks = true;
    h.deps.resolveHost = tableResolver({ localhost: ['127.0.0.1'] }).resolve;
    expect((await put('store-1', withHook('http://127.0.0.1:9999/hook'), '?verify=false')).statusCode).toBe(200);
    expect((await put('store-1', withHook('http://localhost:9999/hook'), '?verify=false')).statusCode).toBe(200);
  });
});

describe('statusWebhookSecret rotation', () => {
  const hook = { ...validSettings, statusWebhookUrl: 'https://platform.example/hook' };
  const row = () => h.db.prisma.store.findUniqueOrThrow({ where: { id: 'store-1' } });
  const open = (sealed: string | null) => (sealed ? h.deps.secrets.decrypt(sealed) : null);

  it('keeps the replaced secret, with the time of the change, for 24 hours; never shows it', async () => {
    const first = (await put('store-1', { ...hook, statusWebhookSecret: 'whsec-first-1111' }, '?verify=false')).json();
    expect(first).toMatchObject({ statusWebhookSecret: '••••1111', statusWebhookPreviousSecretUntil: null });
    expect((await row()).statusWebhookPreviousSecretEncrypted).toBeNull();

    const before = Date.now();
    const changed = await put('store-1', { ...hook, statusWebhookSecret: 'whsec-second-2222' }, '?verify=false');
    expect(changed.statusCode).toBe(200);
    expect(changed.body).not.toContain('whsec-first');
    expect(changed.body).not.toContain('1111');
    const stored = await row();
    expect(open(stored.statusWebhookSecretEncrypted)).toBe('whsec-second-2222');
    expect(open(stored.statusWebhookPreviousSecretEncrypted)).toBe('whsec-first-1111');
    expect(stored.statusWebhookPreviousSecretEncrypted).not.toContain('whsec-first');
    expect(stored.statusWebhookSecretChangedAt!.getTime()).toBeGreaterThanOrEqual(before - 5);
    const until = new Date(changed.json().statusWebhookPreviousSecretUntil).getTime();
    expect(until).toBe(stored.statusWebhookSecretChangedAt!.getTime() + 24 * 3600 * 1000);

    // Echoed masked, or the same secret again in clear: no change, the rotation goes on as it was.
    const { status: _status, storeId: _storeId, ...echo } = changed.json();
    expect((await put('store-1', echo, '?verify=false')).statusCode).toBe(200);
    expect((await put('store-1', { ...hook, statusWebhookSecret: 'whsec-second-2222' }, '?verify=false')).statusCode).toBe(200);
    expect(await row()).toMatchObject({
      statusWebhookPreviousSecretEncrypted: stored.statusWebhookPreviousSecretEncrypted,
      statusWebhookSecretChangedAt: stored.statusWebhookSecretChangedAt,
    });

    // A day later the previous secret no longer signs: the view says so, and the next save drops it.
    await h.db.prisma.store.update({
      where: { id: 'store-1' },
      data: { statusWebhookSecretChangedAt: new Date(Date.now() - 25 * 3600 * 1000) },
    });
    expect(
      (await h.app.inject({ method: 'GET', url: '/v1/stores/store-1/flowhub', headers: auth })).json().statusWebhookPreviousSecretUntil,
    ).toBeNull();
    expect((await put('store-1', hook, '?verify=false')).statusCode).toBe(200);
    expect(await row()).toMatchObject({ statusWebhookPreviousSecretEncrypted: null });
    expect(open((await row()).statusWebhookSecretEncrypted)).toBe('whsec-second-2222');
  });

  it('a second change within the day replaces the previous secret; clearing the webhook clears both', async () => {
    for (const secret of ['whsec-a-aaaa', 'whsec-b-bbbb', 'whsec-c-cccc']) {
      expect((await put('store-1', { ...hook, statusWebhookSecret: secret }, '?verify=false')).statusCode).toBe(200);
    }
    expect(open((await row()).statusWebhookPreviousSecretEncrypted)).toBe('whsec-b-bbbb');
    expect(
      (await put('store-1', { ...validSettings, statusWebhookUrl: null, statusWebhookSecret: null }, '?verify=false')).statusCode,
    ).toBe(200);
    expect(await row()).toMatchObject({
      statusWebhookSecretEncrypted: null,
      statusWebhookPreviousSecretEncrypted: null,
      statusWebhookSecretChangedAt: null,
    });
  });
});
