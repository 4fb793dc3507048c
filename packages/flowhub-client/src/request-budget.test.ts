import Redis from 'ioredis';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createFlowhubClient } from './flowhub-client';
import { FlowhubError } from './flowhub-error';
import { budgetKeyFor, createRedisRequestBudget, egressKeyFor, type RequestBudget } from './request-budget';

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

function workerClient(redis: Redis, maxRps: number, keyPrefix: string, maxRpsGlobal?: number) {
  return createFlowhubClient({
    apiUrl: API,
    authUrl: 'https://auth.flowhub.test',
    budget: createRedisRequestBudget(redis, { maxRps, maxRpsGlobal, prefix: keyPrefix }),
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
    // 5 per second: slots 200 ms apart, so any 800 ms holds 4 of them; one more for a request the event loop of a loaded
    // machine delayed into the next ones (a window of 950 ms failed once on such a delay). Without the budget all 12
    // arrive at once; a budget granting more than 5 per second fails the span below.
    expect(busiestWindow(times, 800)).toBeLessThanOrEqual(5);
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
    // Behind the busy store's backlog (six requests at two a second) it would wait over two seconds.
    expect(Date.now() - started).toBeLessThan(1_000);

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
    server.use(http.post('https://auth.flowhub.test/oauth/token', () => HttpResponse.json({ access_token: 'tok-abc', expires_in: 3600 })));
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
    // Slots a second apart: the three reservations are three Redis round trips on Redis' own clock, and a loaded machine
    // may put tens of milliseconds between them (at 10 per second, 20 ms made the second wait look too short).
    const budget = createRedisRequestBudget(redisA, { maxRps: 1, prefix: `${prefix}:spacing` });
    const first = await budget.reserve('k', 1_500);
    const second = await budget.reserve('k', 1_500);
    const third = await budget.reserve('k', 1_500);
    expect(first).toEqual({ granted: true, waitMs: 0 });
    expect(second.granted && second.waitMs).toBeGreaterThan(800);
    expect(third.granted).toBe(false);
    expect(!third.granted && third.retryInMs).toBeGreaterThan(1_500);
    expect(!third.granted && third.retryInMs).toBeLessThanOrEqual(2_000);
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

describe('global request budget per egress (FLOWHUB_MAX_RPS_GLOBAL, real Redis)', () => {
  it('keeps every credentials leaving by one egress within the global rate together', async () => {
    const arrivals = recordArrivals();
    const keyPrefix = `${prefix}:global`;
    // Generous per credentials, tight per egress: three stores on two workers share the 5 per second.
    // (A window of 800 ms, not 1 s: room for event-loop jitter on a busy machine; unthrottled, all 12 come at once.)
    const workerA = workerClient(redisA, 100, keyPrefix, 5);
    const workerB = workerClient(redisB, 100, keyPrefix, 5);
    const stores = ['client-g1', 'client-g2', 'client-g3'].map((clientId) => ({ clientId, apiKey: `key-${clientId}` }));
    await Promise.all(
      stores.flatMap((store) => [
        workerA.getLocations(store),
        workerA.getLocations(store),
        workerB.getLocations(store),
        workerB.getLocations(store),
      ]),
    );
    const times = arrivals.map((arrival) => arrival.at);
    expect(times).toHaveLength(12);
    expect(busiestWindow(times, 800)).toBeLessThanOrEqual(5);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(11 * 200 - 100);
  });

  it('makes a request take both budgets: each credentials within its own rate, all of them within the global one', async () => {
    const arrivals = recordArrivals();
    const keyPrefix = `${prefix}:both`;
    const workerA = workerClient(redisA, 4, keyPrefix, 8);
    const workerB = workerClient(redisB, 4, keyPrefix, 8);
    const x = { clientId: 'client-x', apiKey: 'key-x-1' };
    const y = { clientId: 'client-y', apiKey: 'key-y-1' };
    const z = { clientId: 'client-z', apiKey: 'key-z-1' };
    await Promise.all([x, y, z].flatMap((store) => Array.from({ length: 6 }, (_, n) => (n % 2 ? workerA : workerB).getLocations(store))));
    const of = (clientId: string) => arrivals.filter((arrival) => arrival.clientId === clientId).map((arrival) => arrival.at);
    // 4 per second per credentials: slots 250 ms apart, 4 in any 800 ms; one more for a request a loaded machine delayed
    // into the next ones (as above). That the credentials' budget binds on its own is the first test's to show: here the
    // global one, shared by three stores, keeps each of them under it too.
    for (const clientId of ['client-x', 'client-y', 'client-z']) expect(busiestWindow(of(clientId), 800)).toBeLessThanOrEqual(5);
    expect(
      busiestWindow(
        arrivals.map((arrival) => arrival.at),
        800,
      ),
    ).toBeLessThanOrEqual(8);
    expect(arrivals).toHaveLength(18);
  });

  it('keeps one budget for direct calls and one per proxy host', async () => {
    const budget = createRedisRequestBudget(redisA, { maxRps: 100, maxRpsGlobal: 1, prefix: `${prefix}:egresses` });
    const direct = egressKeyFor();
    const proxyA = egressKeyFor('http://sync:pass-1@proxy-a.internal:3128');
    expect(await budget.reserve('inventory:one', 0, direct)).toEqual({ granted: true, waitMs: 0 });
    expect(await budget.reserve('inventory:two', 0, direct)).toMatchObject({ granted: false, limitedBy: 'egress' });
    // Another road out is another budget...
    expect(await budget.reserve('inventory:two', 0, proxyA)).toEqual({ granted: true, waitMs: 0 });
    expect(await budget.reserve('inventory:three', 0, egressKeyFor('https://proxy-b.internal'))).toEqual({ granted: true, waitMs: 0 });
    // ...but the same proxy host is the same road, whatever its port or user.
    expect(await budget.reserve('inventory:three', 0, egressKeyFor('http://other:pass-2@PROXY-A.internal:8080'))).toMatchObject({
      granted: false,
      limitedBy: 'egress',
    });
  });

  it('takes both budgets or neither: a slot refused by one reserves nothing in the other', async () => {
    const keyPrefix = `${prefix}:atomic`;
    const budget = createRedisRequestBudget(redisA, { maxRps: 100, maxRpsGlobal: 1, prefix: keyPrefix });
    expect((await budget.reserve('inventory:first', 0)).granted).toBe(true);
    expect(await budget.reserve('inventory:second', 0)).toMatchObject({ granted: false, limitedBy: 'egress' });
    expect(await redisA.get(`${keyPrefix}:inventory:second`)).toBeNull();
    // The credentials' own budget refusing says so.
    const tight = createRedisRequestBudget(redisA, { maxRps: 1, maxRpsGlobal: 100, prefix: `${keyPrefix}:tight` });
    expect((await tight.reserve('inventory:solo', 0)).granted).toBe(true);
    expect(await tight.reserve('inventory:solo', 0)).toMatchObject({ granted: false, limitedBy: 'credentials' });
    expect(await redisA.keys(`${keyPrefix}:tight:egress:*`)).toHaveLength(1);
  });

  it('is off when unset: one key per request, as before', async () => {
    recordArrivals();
    const keyPrefix = `${prefix}:off`;
    await workerClient(redisA, 5, keyPrefix).getLocations({ clientId: 'client-off', apiKey: 'key-off-1' });
    expect(await redisA.keys(`${keyPrefix}:*`)).toEqual([`${keyPrefix}:${budgetKeyFor('inventory', 'client-off')}`]);
  });

  it('names the egress and never the proxy credentials', () => {
    expect(egressKeyFor()).toBe('egress:direct');
    expect(egressKeyFor(undefined)).toBe('egress:direct');
    expect(egressKeyFor('http://sync-user:s3cret-pass@Proxy.Example.internal:3128')).toBe('egress:proxy:proxy.example.internal');
    expect(() => egressKeyFor('not a url')).toThrow(new TypeError('proxyUrl is not a valid URL'));
  });

  it("hash-tags its keys by default, so that a request's two keys share a Redis Cluster slot", async () => {
    const budget = createRedisRequestBudget(redisA, { maxRps: 100, maxRpsGlobal: 100 });
    const key = `inventory:default-prefix-test-${process.pid}`;
    const egress = `egress:default-prefix-test-${process.pid}`;
    expect((await budget.reserve(key, 0, egress)).granted).toBe(true);
    expect(await redisA.exists(`{flowhub:budget}:${key}`, `{flowhub:budget}:${egress}`)).toBe(2);
    await redisA.del(`{flowhub:budget}:${key}`, `{flowhub:budget}:${egress}`);
  });

  it("tells the caller which budget had no slot, and the egress it takes (a proxy's host, never its password)", async () => {
    recordArrivals();
    const keyPrefix = `${prefix}:told`;
    const flowhub = workerClient(redisA, 100, keyPrefix, 1);
    await flowhub.getLocations({ clientId: 'client-t1', apiKey: 'key-t1-1' });
    const error = await flowhub
      .getLocations({ clientId: 'client-t2', apiKey: 'key-t2-1' }, { budgetWaitMs: 0 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'rate_limited', retryable: true });
    expect((error as FlowhubError).message).toMatch(/^the global request budget \(egress:direct\) has no free slot for \d+ ms/);

    const egresses: Array<string | undefined> = [];
    const refusing: RequestBudget = {
      async reserve(_key, _wait, egress) {
        egresses.push(egress);
        return { granted: false, retryInMs: 500, limitedBy: 'egress' };
      },
    };
    const proxied = createFlowhubClient({
      apiUrl: API,
      authUrl: 'https://auth.flowhub.test',
      proxyUrl: 'http://sync:pr0xy-pass@proxy.internal:3128',
      budget: refusing,
    });
    const refused = await proxied.getLocations({ clientId: 'client-p', apiKey: 'key-p-1' }).catch((caught: unknown) => caught);
    expect(egresses).toEqual(['egress:proxy:proxy.internal']);
    expect((refused as FlowhubError).message).toContain('global request budget (egress:proxy:proxy.internal)');
    expect(JSON.stringify(refused)).not.toContain('pr0xy-pass');
  });

  it('refuses a global budget without a positive rate', () => {
    expect(() => createRedisRequestBudget(redisA, { maxRps: 5, maxRpsGlobal: 0 })).toThrow('maxRpsGlobal must be a positive number');
  });
});
