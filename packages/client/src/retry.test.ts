import { createClient, FlowhubSyncError, isRetryable } from './index';

/** The client's retries against a scripted fetch: which calls are sent again, on what, and how often. */

type Step = number | 'network';
function scripted(steps: Step[]) {
  const seen: { method: string; url: string; body: string }[] = [];
  const fetch = async (request: Request) => {
    seen.push({ method: request.method, url: request.url, body: await request.text() });
    const step = steps.shift() ?? 200;
    if (step === 'network') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const body =
      step < 400
        ? { externalId: 'A-1', status: 'pending' }
        : { error: { code: 'unavailable', message: 'PostgreSQL unreachable', details: [] } };
    return new Response(JSON.stringify(body), { status: step, headers: { 'content-type': 'application/json' } });
  };
  return {
    seen,
    client: createClient({ baseUrl: 'http://producer.test', token: 'token-0123456789abcdef', fetch, retry: { retries: 2, minDelayMs: 1 } }),
  };
}
const orderPath = { params: { path: { storeId: 's1', externalId: 'A-1' } } };
const create = {
  params: { path: { storeId: 's1' } },
  body: {
    externalId: 'A-1',
    type: 'pickup' as const,
    customer: { purchaseCategory: 'rec' as const },
    items: [{ variantId: 'v', quantity: 1 }],
  },
};

it('retries a GET on 502, 503, 504 and network errors, then answers', async () => {
  const { seen, client } = scripted([502, 'network', 200]);
  await expect(client.GET('/v1/stores/{storeId}/orders/{externalId}', orderPath)).resolves.toMatchObject({ externalId: 'A-1' });
  expect(seen).toHaveLength(3);
  expect(seen.every((request) => request.method === 'GET')).toBe(true);
});

it('retries an order create with the same body each time', async () => {
  const { seen, client } = scripted([503, 504, 201]);
  await expect(client.POST('/v1/stores/{storeId}/orders', create)).resolves.toMatchObject({ externalId: 'A-1' });
  expect(seen.map((request) => request.body)).toEqual(Array(3).fill(JSON.stringify(create.body)));
});

it('gives up after the retries with the last answer as FlowhubSyncError', async () => {
  const { seen, client } = scripted([503, 503, 503, 200]);
  await expect(client.GET('/v1/stores/{storeId}/orders/{externalId}', orderPath)).rejects.toMatchObject({
    status: 503,
    code: 'unavailable',
    message: 'PostgreSQL unreachable',
  });
  expect(seen).toHaveLength(3);

  const down = scripted(['network', 'network', 'network']);
  const error = await down.client.GET('/v1/stores/{storeId}/orders/{externalId}', orderPath).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(FlowhubSyncError);
  expect(error).toMatchObject({ status: 0, code: 'network_error' });
  expect((error as Error).message).toContain('ECONNREFUSED');
});

it('never retries another POST, a PUT, a PATCH or a DELETE', async () => {
  for (const call of [
    (client: ReturnType<typeof scripted>['client']) => client.POST('/v1/stores/{storeId}/orders/{externalId}/confirm', orderPath),
    (client: ReturnType<typeof scripted>['client']) => client.POST('/v1/stores/{storeId}/orders/{externalId}/cancel', orderPath),
    (client: ReturnType<typeof scripted>['client']) =>
      client.PATCH('/v1/stores/{storeId}/orders/{externalId}', { ...orderPath, body: { holdInventory: true } }),
    (client: ReturnType<typeof scripted>['client']) =>
      client.DELETE('/v1/stores/{storeId}/flowhub', { params: { path: { storeId: 's1' } } }),
  ]) {
    const unavailable = scripted([503, 200]);
    await expect(call(unavailable.client)).rejects.toMatchObject({ status: 503 });
    expect(unavailable.seen).toHaveLength(1);
    const unreachable = scripted(['network', 200]);
    await expect(call(unreachable.client)).rejects.toMatchObject({ code: 'network_error' });
    expect(unreachable.seen).toHaveLength(1);
  }
});

it('does not retry other errors (400, 409, 500)', async () => {
  for (const status of [400, 409, 500]) {
    const { seen, client } = scripted([status, 200]);
    await expect(client.GET('/v1/stores/{storeId}/orders/{externalId}', orderPath)).rejects.toMatchObject({ status });
    expect(seen).toHaveLength(1);
  }
});

it('sends the token, and reads an answer outside the error shape as http_error', async () => {
  let authorization: string | null = null;
  const client = createClient({
    baseUrl: 'http://producer.test/',
    token: 'token-0123456789abcdef',
    retry: false,
    fetch: async (request) => {
      authorization = request.headers.get('authorization');
      return new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } });
    },
  });
  await expect(client.GET('/v1/stores/{storeId}/syncs', { params: { path: { storeId: 's1' } } })).rejects.toMatchObject({
    status: 502,
    code: 'http_error',
    details: [],
  });
  expect(authorization).toBe('Bearer token-0123456789abcdef');
});

it('retries only GET and order creation', () => {
  expect(isRetryable({ method: 'GET', url: 'http://p/v1/stores/s1/orders/A-1' })).toBe(true);
  expect(isRetryable({ method: 'POST', url: 'http://p/v1/stores/s1/orders' })).toBe(true);
  expect(isRetryable({ method: 'POST', url: 'http://p/base/v1/stores/s1/orders' })).toBe(true);
  expect(isRetryable({ method: 'POST', url: 'http://p/v1/stores/s1/orders/A-1/confirm' })).toBe(false);
  expect(isRetryable({ method: 'POST', url: 'http://p/v1/stores/s1/sync' })).toBe(false);
  expect(isRetryable({ method: 'PUT', url: 'http://p/v1/stores/s1/flowhub' })).toBe(false);
});
