import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createFlowhubClient } from './flowhub-client';
import { FlowhubError } from './flowhub-error';

// Real sockets here (no msw): a stand-in Flowhub and a CONNECT proxy in front of it.
let flowhub: Server;
let proxy: Server;
const flowhubRequests: Array<{ url?: string; clientId?: string | string[] }> = [];
const tunnels: Array<{ target?: string; proxyAuthorization?: string }> = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

let flowhubPort: number;
let proxyPort: number;

beforeAll(async () => {
  flowhub = createServer((request, response) => {
    flowhubRequests.push({ url: request.url, clientId: request.headers.clientid });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ status: 200, data: [{ locationId: 'loc-7', locationName: 'Main Street' }] }));
  });
  proxy = createServer((_request, response) => response.writeHead(405).end());
  proxy.on('connect', (request: IncomingMessage, clientSocket, head: Buffer) => {
    tunnels.push({ target: request.url, proxyAuthorization: request.headers['proxy-authorization'] });
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => clientSocket.destroy());
  });
  flowhubPort = await listen(flowhub);
  proxyPort = await listen(proxy);
});

afterAll(async () => {
  flowhub.closeAllConnections();
  proxy.closeAllConnections();
  await new Promise((resolve) => flowhub.close(resolve));
  await new Promise((resolve) => proxy.close(resolve));
});

const credentials = { clientId: 'client-42', apiKey: 'key-behind-proxy-1' };

it('sends requests through the configured proxy', async () => {
  const client = createFlowhubClient({
    apiUrl: `http://127.0.0.1:${flowhubPort}`,
    authUrl: `http://127.0.0.1:${flowhubPort}`,
    proxyUrl: `http://sync-user:proxy-pass@127.0.0.1:${proxyPort}`,
  });
  const locations = await client.getLocations(credentials);
  expect(locations.map((location) => location.locationId)).toEqual(['loc-7']);
  expect(tunnels).toEqual([
    { target: `127.0.0.1:${flowhubPort}`, proxyAuthorization: `Basic ${Buffer.from('sync-user:proxy-pass').toString('base64')}` },
  ]);
  expect(flowhubRequests).toEqual([{ url: '/v0/clientsLocations', clientId: 'client-42' }]);
});

it('goes direct without a proxy, whatever HTTPS_PROXY says', async () => {
  tunnels.length = 0;
  const saved = process.env.HTTPS_PROXY;
  process.env.HTTPS_PROXY = `http://127.0.0.1:${proxyPort}`;
  process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
  try {
    const client = createFlowhubClient({ apiUrl: `http://127.0.0.1:${flowhubPort}`, authUrl: `http://127.0.0.1:${flowhubPort}` });
    await client.getLocations(credentials);
    expect(tunnels).toEqual([]);
  } finally {
    if (saved === undefined) delete process.env.HTTPS_PROXY;
    else process.env.HTTPS_PROXY = saved;
    delete process.env.HTTP_PROXY;
  }
});

it('reports a proxy that refuses connections as a retryable network error', async () => {
  const client = createFlowhubClient({
    apiUrl: `http://127.0.0.1:${flowhubPort}`,
    authUrl: `http://127.0.0.1:${flowhubPort}`,
    proxyUrl: 'http://127.0.0.1:1',
    maxRetries: 0,
  });
  const error = await client.getLocations(credentials).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(FlowhubError);
  expect(error).toMatchObject({ kind: 'transient', networkCode: 'ECONNREFUSED', retryable: true });
});

it('refuses a malformed proxy URL without repeating it', () => {
  const withProxy = (proxyUrl: string) => () =>
    createFlowhubClient({ apiUrl: 'https://api.flowhub.co', authUrl: 'https://flowhub.auth0.com', proxyUrl });
  expect(withProxy('http://user:p4ss-w0rd@')).toThrow(new TypeError('proxyUrl is not a valid URL'));
  expect(withProxy('user:p4ss-w0rd@proxy.local:3128')).toThrow(new TypeError('proxyUrl must be an http(s) URL'));
});
