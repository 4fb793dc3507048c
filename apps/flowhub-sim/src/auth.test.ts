import { startSimulator, type RunningSimulator } from './simulator';
import { DEMO_HEADERS, getToken, orderStatus } from './testing/sim-client';

describe('inventory credentials (clientId / key headers)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({
      rows: 50,
      locations: [
        {
          locationId: 'demo-location',
          clientId: 'demo-client',
          key: 'demo-key',
          orderAheadClientId: 'demo-oa-client',
          orderAheadClientSecret: 'demo-oa-secret',
        },
        { locationId: 'second-store', clientId: 'demo-client', key: 'demo-key', importId: 'IMPORT-2' },
        { locationId: 'other-company', clientId: 'other-client', key: 'other-key' },
      ],
    });
  });
  afterAll(() => sim.close());

  const inventory = (locationId: string, headers: Record<string, string>) =>
    fetch(`${sim.url}/v0/locations/${locationId}/inventoryNonZero`, { headers });

  it("answers a wrong key with a JSON 403, or the gateway's HTML page with the forbiddenAsHtml switch", async () => {
    const response = await inventory('demo-location', { clientId: 'demo-client', key: 'wrong' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ status: 403, message: 'Forbidden' });
    sim.state.updateBehaviour({ forbiddenAsHtml: true });
    try {
      const page = await inventory('demo-location', { clientId: 'demo-client', key: 'wrong' });
      expect(page.status).toBe(403);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<h1>403 Forbidden</h1>');
    } finally {
      sim.state.updateBehaviour({ forbiddenAsHtml: false });
    }
  });

  it('answers an unknown clientId with the same 403', async () => {
    const response = await inventory('demo-location', { clientId: 'nobody', key: 'demo-key' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ status: 403, message: 'Forbidden' });
  });

  it('answers missing credential headers with 401', async () => {
    const response = await inventory('demo-location', {});
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ status: 401, message: expect.stringContaining('clientId') });
  });

  it("does not serve another client's location (404), nor an unknown one", async () => {
    expect((await inventory('other-company', DEMO_HEADERS)).status).toBe(404);
    expect((await inventory('no-such-location', DEMO_HEADERS)).status).toBe(404);
    expect((await inventory('other-company', { clientId: 'other-client', key: 'other-key' })).status).toBe(200);
  });

  it("lists only the client's own locations in clientsLocations", async () => {
    const response = await fetch(`${sim.url}/v0/clientsLocations`, { headers: DEMO_HEADERS });
    const body = (await response.json()) as { status: number; data: Record<string, unknown>[] };
    expect(body.status).toBe(200);
    expect(body.data.map((location) => location.locationId).sort()).toEqual(['demo-location', 'second-store']);
    // The fields and shapes of Flowhub's published Location type; importId is the locationId, as in its example.
    expect(body.data[0]).toEqual({
      address: {
        city: expect.any(String),
        country: expect.any(String),
        county: null,
        state: expect.any(String),
        streetAddress1: expect.any(String),
        streetAddress2: null,
        zip: expect.any(String),
      },
      clientId: 'demo-client',
      clientName: expect.any(String),
      email: expect.any(String),
      hoursOfOperation: null,
      importId: 'demo-location',
      licenseType: ['rec', 'med'],
      locationId: 'demo-location',
      locationLogoURL: null,
      locationName: expect.any(String),
      phoneNumber: expect.stringMatching(/^\(\d{3}\) \d{3}-\d{4}$/),
      timeZone: 'US/Mountain',
      website: expect.any(String),
    });
    expect(body.data[1]).toEqual(expect.objectContaining({ locationId: 'second-store', importId: 'IMPORT-2' }));
    const wrong = await fetch(`${sim.url}/v0/clientsLocations`, { headers: { clientId: 'demo-client', key: 'nope' } });
    expect(wrong.status).toBe(403);
  });
});

describe('Order Ahead token issuer and Bearer tokens', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await startSimulator({ rows: 20 });
  });
  afterEach(() => sim.close());

  const tokenRequest = (body: Record<string, string>, form = false) =>
    fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });
  const good = {
    client_id: 'demo-oa-client',
    client_secret: 'demo-oa-secret',
    audience: 'https://api.flowhub.co',
    grant_type: 'client_credentials',
  };

  it('issues {access_token, token_type: Bearer, expires_in, scope} for the right client credentials, JSON or form-encoded', async () => {
    for (const form of [false, true]) {
      const response = await tokenRequest(good, form);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 86400,
        scope: expect.any(String),
      });
    }
  });

  it('refuses a wrong secret (401), a wrong audience (403) and a missing grant_type (400) as Auth0 does', async () => {
    const wrongSecret = await tokenRequest({ ...good, client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    const unknownClient = await tokenRequest({ ...good, client_id: 'nobody' });
    expect(unknownClient.status).toBe(401);
    const wrongAudience = await tokenRequest({ ...good, audience: sim.url });
    expect(wrongAudience.status).toBe(403);
    expect(((await wrongAudience.json()) as { error_description: string }).error_description).toContain('Service not found');
    const { grant_type: _omitted, ...noGrant } = good;
    expect((await tokenRequest(noGrant)).status).toBe(400);
  });

  it('answers 401 to a missing or unknown Bearer token, and accepts an issued one', async () => {
    const missing = await fetch(`${sim.url}/order-ahead/v0/orderStatus/some-order`);
    expect(missing.status).toBe(401);
    expect((await orderStatus(sim, 'not-a-token', 'some-order')).status).toBe(401);
    const token = await getToken(sim);
    expect((await orderStatus(sim, token, 'some-order')).status).toBe(404); // authenticated; no such order
  });

  it('keeps a token valid by default, however long, until tokens are expired on demand', async () => {
    const token = await getToken(sim);
    sim.state.advanceClock(30 * 86_400_000);
    expect((await orderStatus(sim, token, 'x')).status).toBe(404);
    expect(await (await fetch(`${sim.url}/__sim/tokens/expire`, { method: 'POST' })).json()).toEqual({ expired: 1 });
    expect((await orderStatus(sim, token, 'x')).status).toBe(401);
  });

  it('expires tokens after expires_in on the simulated clock with the tokenExpiry switch, and on demand', async () => {
    sim.state.updateBehaviour({ tokenExpiry: true });
    const token = await getToken(sim);
    sim.state.advanceClock(86_399_000);
    expect((await orderStatus(sim, token, 'x')).status).toBe(404);
    sim.state.advanceClock(1_000);
    expect((await orderStatus(sim, token, 'x')).status).toBe(401);

    const fresh = await getToken(sim);
    const expired = await fetch(`${sim.url}/__sim/tokens/expire`, { method: 'POST' });
    expect(await expired.json()).toEqual({ expired: 1 });
    expect((await orderStatus(sim, fresh, 'x')).status).toBe(401);
  });

  it('does not accept inventory credentials on Order Ahead routes', async () => {
    const response = await fetch(`${sim.url}/order-ahead/v0/orderStatus/x`, { headers: DEMO_HEADERS });
    expect(response.status).toBe(401);
  });
});
