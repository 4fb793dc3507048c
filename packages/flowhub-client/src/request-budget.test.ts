import Redis from 'ioredis';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createFlowhubClient } from './flowhub-client';
import { FlowhubError } from './flowhub-error';
import { budgetKeyFor, createRedisRequestBudget } from './request-budget';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6390';
const API = 'https://api.flowhub.test';
const prefix = `flowhub-client-test:budget:${process.pid}:${Date.now()}`;

// Two connections, as two worker processes would have.
const redisA = new Redis(REDIS_URL);
const redisB = new Redis(REDIS_URL);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  const keys = await redisA.keys(`${prefix}:*`);
  if (keys.length > 0) await redisA.del(...keys);
  redisA.disconnect();
  redisB.disconnect();
});

/** Flowhub answering locations at once, recording when each request arrived and for which client. */
function recordArrivals(): Array<{ at: number; clientId: string | null }> {
  const arrivals: Array<{ at: number; clientId: string | null }> = [];
  server.use(
    http.get(`${API}/v0/clientsLocations`, ({ request }) => {
      arrivals.push({ at: Date.now(), clientId: request.headers.get('clientId') });
      return HttpResponse.json({ status: 200, data: [] });
    }),
  );
  return arrivals;
}

function workerClient(redis: Redis, maxRps: number, keyPrefix: string) {
  return createFlowhubClient({
    apiUrl: API,
    authUrl: 'https://auth.flowhub.test',
    budget: createRedisRequestBudget(redis, { maxRps, prefix: keyPrefix }),
    budgetWaitMs: 10_000,
  });
}

/** The most requests seen in any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0; start < sorted.length; start += 1) {
    let end = start;
    while (end < sorted.length && sorted[end] - sorted[start] < windowMs) end += 1;
    most = Math.max(most, end - start);
  }
  return most;
}

describe('shared request budget (real Redis)', () => {
  it('keeps two workers sharing one credentials within maxRps together', async () => {
    const arrivals = recordArrivals();
    const keyPrefix = `${prefix}:shared`;
    const workerA = workerClient(redisA, 5, keyPrefix);
    const workerB = workerClient(redisB, 5, keyPrefix);
    const store = { clientId: 'client-shared', apiKey: 'key-1234' };
    await Promise.all([
      ...Array.from({ length: 6 }, () => workerA.getLocations(store)),
      ...Array.from({ length: 6 }, () => workerB.getLocations(store)),
    ]);
    const times = arrivals.map((arrival) => arrival.at);
    expect(times).toHaveLength(12);
    // 5 per second: slots 200 ms apart. A little slack on the window for event-loop jitter.
    expect(busiestWindow(times, 950)).toBeLessThanOrEqual(5);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(11 * 200 - 100);
  });

  it('never slows one store because another store used up its budget', async () => {
    const arrivals = recordArrivals();
    const keyPrefix = `${prefix}:separate`;
    const workerA = workerClient(redisA, 2, keyPrefix);
    const workerB = workerClient(redisB, 2, keyPrefix);
    const busyStore = { clientId: 'client-busy', apiKey: 'key-busy-1' };
    const quietStore = { clientId: 'client-quiet', apiKey: 'key-quiet-1' };

    const backlog = Promise.all(Array.from({ length: 6 }, () => workerA.getLocations(busyStore)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await workerB.getLocations(quietStore);
    expect(Date.now() - started).toBeLessThan(300);

    // The busy store's budget is booked for seconds: a caller that will not wait learns for how long.
    const refused = await workerB.getLocations(busyStore, { budgetWaitMs: 0 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(FlowhubError);
    expect(refused).toMatchObject({ kind: 'rate_limited', retryable: true });
    expect((refused as FlowhubError).retryAfterMs).toBeGreaterThan(1000);
    expect((refused as FlowhubError).status).toBeUndefined();

    await backlog;
    expect(arrivals.filter((arrival) => arrival.clientId === 'client-busy')).toHaveLength(6);
    expect(arrivals.filter((arrival) => arrival.clientId === 'client-quiet')).toHaveLength(1);
  });

  it('does not send a create when no slot is free, and says it was not sent', async () => {
    const keyPrefix = `${prefix}:orders`;
    server.use(
      http.post('https://auth.flowhub.test/oauth/token', () => HttpResponse.json({ access_token: 'tok-abc', expires_in: 3600 })),
    );
    const budget = createRedisRequestBudget(redisA, { maxRps: 1, prefix: keyPrefix });
    // Someone else just took this store's only slot of the second.
    expect(await budget.reserve(budgetKeyFor('order-ahead', 'oa-client-9'), 0)).toEqual({ granted: true, waitMs: 0 });

    const flowhub = createFlowhubClient({ apiUrl: API, authUrl: 'https://auth.flowhub.test', budget, budgetWaitMs: 0 });
    const error = await flowhub
      .createOrder(
        { clientId: 'oa-client-9', clientSecret: 'oa-secret-9999' },
        {
          externalCreatedAt: '2024-05-01T17:03:00.000Z',
          customer: { firstName: 'A', lastName: 'B', externalId: 'c-1', phone: '+13035550123', medRecOrBoth: 'rec' },
          orderItems: [{ productId: 'p-1', quantityPurchased: 1 }],
          orderType: 'pickup',
        },
      )
      .catch((caught: unknown) => caught);
    // onUnhandledRequest: 'error' would have failed the create had it been sent
    expect(error).toMatchObject({ kind: 'rate_limited', sendOutcome: 'not_sent', retryable: true });
  });

  it('spaces reservations 1/maxRps apart and refuses one beyond the wait a caller accepts', async () => {
    const budget = createRedisRequestBudget(redisA, { maxRps: 10, prefix: `${prefix}:spacing` });
    const first = await budget.reserve('k', 150);
    const second = await budget.reserve('k', 150);
    const third = await budget.reserve('k', 150);
    expect(first).toEqual({ granted: true, waitMs: 0 });
    expect(second.granted && second.waitMs).toBeGreaterThan(80);
    expect(third.granted).toBe(false);
    expect(!third.granted && third.retryInMs).toBeGreaterThan(150);
    expect(!third.granted && third.retryInMs).toBeLessThanOrEqual(200);
  });

  it('keeps client ids out of the Redis keys', async () => {
    recordArrivals();
    const keyPrefix = `${prefix}:keys`;
    await workerClient(redisA, 5, keyPrefix).getLocations({ clientId: 'client-visible-id', apiKey: 'key-visible-1' });
    const keys = await redisA.keys(`${keyPrefix}:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('client-visible-id');
    expect(keys[0]).not.toContain('key-visible-1');
    expect(keys[0]).toBe(`${keyPrefix}:${budgetKeyFor('inventory', 'client-visible-id')}`);
  });

  it('sends the script itself when Redis does not know it yet', async () => {
    const calls: string[] = [];
    const forgetful = {
      evalsha: () => {
        calls.push('evalsha');
        return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
      },
      eval: (...args: Parameters<Redis['eval']>) => {
        calls.push('eval');
        return redisA.eval(...args);
      },
    } as unknown as Pick<Redis, 'eval' | 'evalsha'>;
    const budget = createRedisRequestBudget(forgetful, { maxRps: 5, prefix: `${prefix}:noscript` });
    expect(await budget.reserve('k', 0)).toEqual({ granted: true, waitMs: 0 });
    expect(calls).toEqual(['evalsha', 'eval']);
  });

  it('fails as transient, without calling Flowhub, when Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const flowhub = createFlowhubClient({
      apiUrl: API,
      authUrl: 'https://auth.flowhub.test',
      budget: createRedisRequestBudget(down, { maxRps: 5, prefix: `${prefix}:down` }),
    });
    const error = await flowhub.getLocations({ clientId: 'c', apiKey: 'key-down-1' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'transient' });
    expect((error as FlowhubError).message).toContain('request budget is unavailable');
    down.disconnect();
  });

  it('refuses a budget without a positive rate', () => {
    expect(() => createRedisRequestBudget(redisA, { maxRps: 0 })).toThrow('maxRps must be a positive number');
  });
});
