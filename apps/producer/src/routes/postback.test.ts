import { randomBytes } from 'node:crypto';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';

let h: ProducerHarness;
beforeEach(async () => {
  h = await createProducerHarness();
  await h.db.prisma.store.create({ data: { id: 's1', enabled: true, syncOrders: true } });
});
afterEach(() => h.close());

describe('POST /v1/flowhub/postback/{token}', () => {
  it('needs no bearer token: the per-order token queues a re-read of that order from Flowhub', async () => {
    const token = randomBytes(24).toString('base64url');
    const order = await h.db.prisma.order.create({
      data: { storeId: 's1', externalId: 'A-1', type: 'pickup', customer: {}, contentHash: 'x', status: 'confirmed', pushState: 'pushed', flowhubOrderId: 'fh-1', postbackToken: token },
    });
    const response = await h.app.inject({ method: 'POST', url: `/v1/flowhub/postback/${token}`, payload: { orderId: 'fh-1', status: 'sold' } });
    expect(response.statusCode).toBe(202);
    const [job] = await h.deps.queues['order-status-poll'].getJobs(['waiting']);
    expect(job.name).toBe('order-status-poll:s1');
    expect(job.data).toEqual({ storeId: 's1', orderId: order.id }); // the claimed status is not carried: Flowhub is asked
    // Nothing was applied from the body.
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('confirmed');
  });

  it('passes the named Flowhub order id on only for an order whose push outcome is unknown', async () => {
    const token = randomBytes(24).toString('base64url');
    const order = await h.db.prisma.order.create({
      data: { storeId: 's1', externalId: 'A-2', type: 'pickup', customer: {}, contentHash: 'x', status: 'confirmed', pushState: 'needs_reconciliation', postbackToken: token },
    });
    expect((await h.app.inject({ method: 'POST', url: `/v1/flowhub/postback/${token}`, payload: { orderId: 'fh-9' } })).statusCode).toBe(202);
    const [job] = await h.deps.queues['order-status-poll'].getJobs(['waiting']);
    expect(job.data).toEqual({ storeId: 's1', orderId: order.id, flowhubOrderId: 'fh-9' });
  });

  it('a wrong or guessed token is a 404 and changes nothing', async () => {
    for (const token of [randomBytes(24).toString('base64url'), 'short', '../../etc']) {
      const response = await h.app.inject({ method: 'POST', url: `/v1/flowhub/postback/${encodeURIComponent(token)}`, payload: { orderId: 'x' } });
      expect(response.statusCode).toBe(404);
    }
    expect(await h.deps.queues['order-status-poll'].getWaitingCount()).toBe(0);
    // Other /v1 routes still need the bearer token.
    expect((await h.app.inject({ method: 'GET', url: '/v1/stores/s1/flowhub' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/stores/s1/flowhub', headers: auth })).statusCode).toBe(200);
  });
});
