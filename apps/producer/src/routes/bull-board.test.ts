import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES, queues } from '@flowhub-sync/queues';
import { serviceUrls, waitFor } from '@flowhub-sync/testing';
import { createProducerHarness, type ProducerHarness } from '../testing/harness';
import { hasBoardCredentials } from './bull-board';
import { startTestWorker } from '@flowhub-sync/queues/testing';

const board = { user: 'ops', password: 'board-password-123' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const withAuth = { authorization: basic(board.user, board.password) };

let harness: ProducerHarness;
beforeAll(async () => {
  harness = await createProducerHarness({ bullBoard: board });
});
afterAll(async () => {
  await harness.close();
});

/** A failed order push, failed by a throwaway worker the way the order worker fails a refused order. */
async function failedOrderPush(externalId: string, reason: string) {
  const data = { storeId: 'demo-store', externalId };
  const job = await harness.deps.queues['order-push'].add(queues['order-push'].jobName(data), data, { attempts: 1 });
  const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
  const worker = startTestWorker(
    'order-push',
    async () => {
      throw new UnrecoverableError(reason);
    },
    { connection, prefix: harness.prefix },
  );
  try {
    await waitFor(async () => (await job.getState()) === 'failed', { what: 'the order push to fail' });
  } finally {
    await worker.close();
    await connection.quit();
  }
  return job.id!;
}

describe('Bull Board without valid credentials', () => {
  const refusedPaths = [
    '/admin/queues',
    '/admin/queues/',
    '/admin/queues/queue/order-push',
    '/admin/queues/api/queues',
    '/admin/queues/api/redis/stats',
    '/admin/queues/static/favicon-32x32.png',
    '/admin/queues/no-such-page',
  ];

  it.each(refusedPaths)('refuses GET %s with 401 and a Basic challenge, showing nothing of the board', async (url) => {
    const response = await harness.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm="flowhub-sync"/);
    expect(response.body).not.toMatch(/<html|order-push|inventory-sync/i);
  });

  it.each([
    ['a wrong password', basic('ops', 'not-the-password')],
    ['a wrong user', basic('admin', board.password)],
    ['the password with a trailing character', basic('ops', `${board.password}x`)],
    ['no colon', `Basic ${Buffer.from('opsboard-password-123').toString('base64')}`],
    ['garbage', 'Basic %%%'],
    ['a bearer token', 'Bearer board-password-123'],
  ])('refuses %s', async (_what, authorization) => {
    const response = await harness.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization } });
    expect(response.statusCode).toBe(401);
  });

  it('cannot retry, promote or remove a job', async () => {
    const failedId = await failedOrderPush('A-2001', 'Flowhub refused the order: a phone number or medical id is required');
    const delayed = await harness.deps.queues['order-push'].add(
      'order-push:demo-store:A-2002',
      { storeId: 'demo-store', externalId: 'A-2002' },
      { delay: 60_000 },
    );
    const attempts = [
      `/admin/queues/api/queues/order-push/${failedId}/retry`,
      '/admin/queues/api/queues/order-push/retry/failed',
      `/admin/queues/api/queues/order-push/${delayed.id}/promote`,
      '/admin/queues/api/queues/order-push/promote',
      `/admin/queues/api/queues/order-push/${failedId}/clean`,
    ];
    for (const url of attempts) {
      const response = await harness.app.inject({ method: url.endsWith('/clean') ? 'DELETE' : 'PUT', url });
      expect(response.statusCode).toBe(401);
    }
    const empty = await harness.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/order-push/empty' });
    expect(empty.statusCode).toBe(401);
    expect(await harness.deps.queues['order-push'].getJobState(failedId)).toBe('failed');
    expect(await delayed.getState()).toBe('delayed');
  });

  it('stays closed to everyone when no credentials are configured', () => {
    expect(hasBoardCredentials(basic('ops', board.password), undefined)).toBe(false);
    expect(hasBoardCredentials(undefined, board)).toBe(false);
    expect(hasBoardCredentials(basic('ops', board.password), board)).toBe(true);
    // A colon in the password is fine: only the first one separates the user.
    expect(hasBoardCredentials(basic('ops', 'pass:word:1'), { user: 'ops', password: 'pass:word:1' })).toBe(true);
  });
});

describe('Bull Board with the configured credentials', () => {
  it('serves the board page titled flowhub-sync, with its assets', async () => {
    const page = await harness.app.inject({ method: 'GET', url: '/admin/queues', headers: withAuth });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<title>flowhub-sync</title>');
    const script = page.body.match(/src="([^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await harness.app.inject({
      method: 'GET',
      url: new URL(script!, 'http://host/admin/queues/').pathname,
      headers: withAuth,
    });
    expect(asset.statusCode).toBe(200);
  });

  it('lists every queue of the product with its counts', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: withAuth });
    expect(response.statusCode).toBe(200);
    const listed = response.json().queues as Array<{ name: string; counts: Record<string, number> }>;
    expect(listed.map((queue) => queue.name).sort()).toEqual([...QUEUE_NAMES].sort());
    for (const queue of listed)
      expect(queue.counts).toEqual(expect.objectContaining({ failed: expect.any(Number), waiting: expect.any(Number) }));
  });

  it('shows a failed order push by its readable name with its reason, and lets the operator retry it', async () => {
    const reason = 'Flowhub refused the order: a phone number or medical id is required';
    const jobId = await failedOrderPush('A-1001', reason);
    const response = await harness.app.inject({
      method: 'GET',
      url: '/admin/queues/api/queues?activeQueue=order-push&status=failed&page=1&jobsPerPage=10',
      headers: withAuth,
    });
    const orderPush = (
      response.json().queues as Array<{ name: string; jobs: Array<{ id: string; name: string; failedReason: string }> }>
    ).find((queue) => queue.name === 'order-push')!;
    expect(orderPush.jobs).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: jobId, name: 'order-push:demo-store:A-1001', failedReason: reason })]),
    );

    const retry = await harness.app.inject({ method: 'PUT', url: `/admin/queues/api/queues/order-push/${jobId}/retry`, headers: withAuth });
    expect(retry.statusCode).toBeLessThan(300);
    expect(await harness.deps.queues['order-push'].getJobState(jobId)).toBe('waiting');
  });
});
