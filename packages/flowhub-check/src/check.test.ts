import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { normalizeStrainType } from '@flowhub-sync/mapping';
import type { CheckReport } from './check';
import { API_KEY, catalogueFacts, check, OA_SECRET, SIM_LOCATIONS, simEnv } from './testing/check-kit';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ locations: SIM_LOCATIONS });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.state.faults.clear();
  sim.state.requests.reset();
});

const main = () => sim.state.location('loc-main')!;
/** No secret, nor an access token (Auth0's are JWTs: base64 of `{"`…), in anything printed. */
const expectNoSecret = (text: string) => {
  for (const secret of [API_KEY, OA_SECRET]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}/);
};

describe('flowhub:check from the environment, against the simulator', () => {
  it("passes on good settings, with the counts of the location's catalogue", async () => {
    const { status, out, lines, last } = await check([], simEnv(sim));
    const expected = catalogueFacts(main());
    expect(expected.invalid).toBeGreaterThan(0); // the catalogue has broken rows of its own (malformedEvery)
    expect(last).toBe(`flowhub:check: ok, ${expected.rows} rows, ${expected.invalid} invalid`);
    expect(lines.filter((line) => line.startsWith('flowhub:check:'))).toHaveLength(1);
    expect(status).toBe(0);
    expect(out).toMatch(/Order Ahead token +ok: Flowhub issued an access token/);
    expect(out).toMatch(/Locations +ok: loc-main is among the 2 locations these credentials see/);
    expect(out).toMatch(
      /Inventory +ok: GET \/v0\/locations\/loc-main\/inventoryByRoomsNonZero, \d+ bytes \(\d+\.\d\d MB\) \(\d+\.\d\d s\)\n/,
    );
    for (const room of expected.rooms) expect(out).toContain(`${room.roomId}  ${room.roomName}  ${room.rows} rows`);
    expect(out).toMatch(new RegExp(`\n  API Key +••••${API_KEY.slice(-4)}\n`));
    expectNoSecret(out);
  });

  it('reports the same facts as JSON, the result line in its result field and nothing else printed', async () => {
    const { status, out } = await check(['--json'], simEnv(sim));
    const report = JSON.parse(out) as CheckReport;
    const expected = catalogueFacts(main());
    const facts = report.inventory.facts!;
    expect(report.result).toBe(`flowhub:check: ok, ${expected.rows} rows, ${expected.invalid} invalid`);
    expect(report.ok).toBe(true);
    expect(status).toBe(0);
    expect(facts.rows).toBe(expected.rows);
    expect(facts.invalid).toBe(expected.invalid);
    expect(facts.invalidReasons).toHaveLength(Math.min(5, expected.invalid));
    for (const reason of facts.invalidReasons) expect(reason).toMatch(/^row \d+( \(variant [^)]+\))?: .*(variantId|quantity)/);
    expect(facts.rooms).toEqual(expected.rooms);
    expect(facts.rowsWithoutRoom).toBe(0);
    expect(facts.soldByWeight).toEqual({ rows: expected.soldByWeight, unsaid: expected.unsaid });
    expect(facts.soldByWeight.rows).toBeGreaterThan(0);
    expect(facts.repeatedVariants).toEqual({
      variants: expected.inSeveralRooms,
      inSeveralRooms: expected.inSeveralRooms,
      withinOneRoom: 0,
      examples: [],
    });
    expect(facts.purchaseCategories.reduce((sum, entry) => sum + entry.rows, 0)).toBe(expected.rows - expected.invalid);
    expect(facts.purchaseCategories.map((entry) => entry.value)).toEqual(expect.arrayContaining(['rec', 'med', 'both']));
    expect(facts.bytes).toBeGreaterThan(expected.rows * 500);
    // As a sync would see the location: one product per variant (rooms summed), mapped with the default categories.
    expect(facts.sync.variants).toBe(expected.variants);
    const oddSpecies = main()
      .catalogue()
      .filter((item) => item.defect === null && main().forSaleQuantity(item) > 0)
      .map((item) => main().row(item).speciesName)
      .filter((species) => typeof species === 'string' && species.trim() !== '' && normalizeStrainType(species) === null);
    expect(facts.sync.unknownStrainTypes.count).toBe(oddSpecies.length);
    for (const example of facts.sync.unknownStrainTypes.examples) expect(example.reason).toMatch(/^unknown strain type "/);
    for (const example of facts.sync.uncategorized.examples) expect(example.reason).toMatch(/^uncategorized: no category mapping for /);
    expect(report.settings).toMatchObject({
      source: 'environment',
      clientId: 'client-7',
      apiKey: `••••${API_KEY.slice(-4)}`,
      orderAheadToken: `••••${OA_SECRET.slice(-4)}`,
    });
    expect(report.locations.visible.map((location) => location.locationId)).toEqual(['loc-main', 'loc-north']);
    expectNoSecret(out);
  });

  it('reads and writes nothing else: a token, the locations and one inventory read, and no order', async () => {
    await check([], simEnv(sim));
    expect(sim.state.requests.snapshot().byEndpoint).toEqual({ token: 1, clientsLocations: 1, inventoryByRoomsNonZero: 1 });
    expect(sim.state.orders.all()).toEqual([]);
  });

  it('skips the token without Order Ahead credentials, and refuses one of the two alone', async () => {
    const withoutOrderAhead = await check([], simEnv(sim, { FLOWHUB_ORDER_AHEAD_CLIENT_ID: undefined, FLOWHUB_ORDER_AHEAD_TOKEN: '' }));
    expect(withoutOrderAhead.out).toMatch(/Order Ahead token +skipped: no Order Ahead credentials given/);
    expect(withoutOrderAhead.status).toBe(0);
    const half = await check([], simEnv(sim, { FLOWHUB_ORDER_AHEAD_TOKEN: undefined }));
    expect(half.out).toBe(
      'flowhub:check: failed: FLOWHUB_ORDER_AHEAD_TOKEN is required with FLOWHUB_ORDER_AHEAD_CLIENT_ID (set both to check the Order Ahead token, or neither)\n',
    );
    expect(half.status).toBe(1);
  });

  it('names missing variables and unknown arguments', async () => {
    const missing = await check([], { FLOWHUB_API_URL: sim.url, FLOWHUB_AUTH_URL: sim.url, FLOWHUB_CLIENT_ID: 'client-7' });
    expect(missing.last).toBe(
      'flowhub:check: failed: FLOWHUB_API_KEY is required but not set; FLOWHUB_LOCATION_ID is required but not set',
    );
    expect(missing.status).toBe(1);
    const unknown = await check(['--jsn'], simEnv(sim));
    expect(unknown.out).toBe('flowhub:check: failed: unknown argument "--jsn" (see --help)\n');
    expect(unknown.err).toContain('usage: npm run flowhub:check');
    expect(unknown.status).toBe(1);
    const json = await check(['--json', '--store'], simEnv(sim));
    expect(JSON.parse(json.out)).toEqual({
      result: 'flowhub:check: failed: --store needs a store id',
      ok: false,
      error: '--store needs a store id',
    });
  });
});

describe('flowhub:check with Flowhub faults switched on', () => {
  it('fails naming the cause when Flowhub rejects the credentials, and does not read the inventory', async () => {
    const { status, out, last } = await check([], simEnv(sim, { FLOWHUB_API_KEY: 'wrong-key-0123456789' }));
    expect(last).toMatch(
      /^flowhub:check: failed: clientsLocations: Flowhub rejected the inventory credentials \(Client ID \/ API Key\) \(403\)/,
    );
    expect(out).toMatch(/Inventory +skipped: not read: Flowhub rejected the credentials/);
    expect(status).toBe(1);
    expect(out).not.toContain('wrong-key-0123456789');
    expect(sim.state.requests.snapshot().byEndpoint.inventoryByRoomsNonZero).toBeUndefined();
  });

  it("fails on the gateway's HTML 403 page too", async () => {
    sim.state.faults.add({ kind: 'forbiddenHtml', endpoints: ['clientsLocations'] });
    const { status, last } = await check([], simEnv(sim));
    expect(last).toMatch(
      /^flowhub:check: failed: clientsLocations: Flowhub rejected the inventory credentials .*\(403\) \(an HTML page from its gateway\)/,
    );
    expect(status).toBe(1);
  });

  it('fails when the Order Ahead credentials are refused, and still reads the rest', async () => {
    const { status, out, last } = await check([], simEnv(sim, { FLOWHUB_ORDER_AHEAD_TOKEN: 'not-the-oa-secret-42' }));
    expect(last).toMatch(/^flowhub:check: failed: Order Ahead token: .*Order Ahead credentials/);
    expect(out).toMatch(/Locations +ok:/);
    expect(out).toMatch(/Inventory +ok:/);
    expect(status).toBe(1);
    expect(out).not.toContain('not-the-oa-secret-42');
  });

  it("fails when the location is not among the client's, listing the ones the credentials see", async () => {
    const { status, out, last } = await check([], simEnv(sim, { FLOWHUB_LOCATION_ID: 'loc-south' }));
    expect(last).toBe(
      "flowhub:check: failed: clientsLocations: location loc-south is not among the client's locations (these credentials see 2 locations: loc-main, loc-north)",
    );
    expect(out).toMatch(/\n +loc-main {2}Main Street, US\/Mountain\n +loc-north {2}North Side, US\/Mountain\n/);
    expect(out).toMatch(/Inventory +skipped: not read: the location is not among the client's locations/);
    expect(status).toBe(1);
  });

  it('passes with a few invalid rows, counting them and giving the first reasons', async () => {
    sim.state.faults.add({ kind: 'malformedRows', share: 0.05, count: 1 });
    const { status, out, last } = await check([], simEnv(sim));
    const expected = catalogueFacts(main());
    const [, rows, invalid] = /^flowhub:check: ok, (\d+) rows, (\d+) invalid$/.exec(last)!.map(Number);
    expect(rows).toBe(expected.rows);
    expect(invalid).toBeGreaterThan(expected.invalid + 5);
    expect(out).toMatch(new RegExp(`\n  Invalid rows +${invalid} rows, the first 5:\n`));
    expect(out).toMatch(/\n +row \d+.*: (variantId: missing|quantity: .*|productName: missing)\n/);
    expect(status).toBe(0);
  });

  it('fails when the inventory answer cannot be read', async () => {
    sim.state.faults.add({ kind: 'truncatedBody', mode: 'cut', endpoints: ['inventoryByRoomsNonZero'] });
    const { status, last } = await check([], simEnv(sim));
    expect(last).toMatch(/^flowhub:check: failed: inventory: .*\[GET \/v0\/locations\/loc-main\/inventoryByRoomsNonZero\]$/);
    expect(status).toBe(1);
  });

  it('retries like a sync, and lists every attempt', async () => {
    sim.state.faults.add({ kind: 'serverError', status: 503, count: 1, endpoints: ['inventoryByRoomsNonZero'] });
    const { status, out } = await check(['--json'], simEnv(sim));
    const report = JSON.parse(out) as CheckReport;
    expect(status).toBe(0);
    expect(report.requests.filter((request) => request.endpoint === 'inventoryByRoomsNonZero').map((request) => request.status)).toEqual([
      503, 200,
    ]);
  });
});

describe('flowhub:check through HTTPS_PROXY', () => {
  let proxy: Server;
  const tunnels: Array<{ target?: string; authorization?: string }> = [];
  beforeAll(async () => {
    // A CONNECT proxy in front of the simulator, as an IP allow-listed account's would be.
    proxy = createServer((_request, response) => response.writeHead(405).end());
    proxy.on('connect', (request: IncomingMessage, clientSocket, head: Buffer) => {
      tunnels.push({ target: request.url, authorization: request.headers['proxy-authorization'] });
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('sends every request through the proxy, and shows it with its password masked', async () => {
    const { port } = proxy.address() as AddressInfo;
    const { status, out } = await check([], simEnv(sim, { HTTPS_PROXY: `http://ops:proxy-pass-8d1f2e@127.0.0.1:${port}` }));
    expect(status).toBe(0);
    expect(out).toContain(`through the proxy http://ops:••••@127.0.0.1:${port}`);
    expect(out).not.toContain('proxy-pass-8d1f2e');
    const simHost = new URL(sim.url).host;
    expect(tunnels.length).toBeGreaterThan(0);
    for (const tunnel of tunnels)
      expect(tunnel).toEqual({ target: simHost, authorization: `Basic ${Buffer.from('ops:proxy-pass-8d1f2e').toString('base64')}` });
  });
});
