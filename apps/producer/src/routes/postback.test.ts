import { randomBytes } from 'node:crypto';
import { captureLogLines } from '@flowhub-sync/testing';
import { createLogger } from '@flowhub-sync/config';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { bodyKeyPaths, MAX_KEY_PATHS, namedFlowhubOrderId, postbackBodyOf } from './postback';

const { destination: logSink, lines: logLines } = captureLogLines();

let h: ProducerHarness;
beforeEach(async () => {
  logLines.length = 0;
  h = await createProducerHarness({ logger: createLogger({ name: 'producer-test', level: 'info', destination: logSink }) });
  await h.db.prisma.store.create({ data: { id: 's1', enabled: true, syncOrders: true } });
});
afterEach(() => h.close());

/** An order of store s1 with a postback token; its push outcome unknown unless said otherwise. */
async function orderWithToken(externalId: string, pushState: 'pushed' | 'needs_reconciliation' = 'needs_reconciliation') {
  const token = randomBytes(24).toString('base64url');
  const order = await h.db.prisma.order.create({
    data: {
      storeId: 's1',
      externalId,
      type: 'pickup',
      customer: {},
      contentHash: 'x',
      status: 'confirmed',
      pushState,
      postbackToken: token,
      ...(pushState === 'pushed' ? { flowhubOrderId: 'fh-1' } : {}),
    },
  });
  return { token, order };
}

const postback = (token: string, payload?: string, contentType?: string) =>
  h.app.inject({
    method: 'POST',
    url: `/v1/flowhub/postback/${token}`,
    ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
    ...(payload === undefined ? {} : { payload }),
  });

/** The re-reads queued, oldest first (jobs of one order share their name, not their id). */
const queued = async () => (await h.deps.queues['order-status-poll'].getJobs(['waiting'], 0, -1, true)).map((job) => job.data);

describe('POST /v1/flowhub/postback/{token}', () => {
  it('needs no bearer token: the per-order token queues a re-read of that order from Flowhub', async () => {
    const token = randomBytes(24).toString('base64url');
    const order = await h.db.prisma.order.create({
      data: {
        storeId: 's1',
        externalId: 'A-1',
        type: 'pickup',
        customer: {},
        contentHash: 'x',
        status: 'confirmed',
        pushState: 'pushed',
        flowhubOrderId: 'fh-1',
        postbackToken: token,
      },
    });
    const response = await h.app.inject({
      method: 'POST',
      url: `/v1/flowhub/postback/${token}`,
      payload: { orderId: 'fh-1', status: 'sold' },
    });
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
      data: {
        storeId: 's1',
        externalId: 'A-2',
        type: 'pickup',
        customer: {},
        contentHash: 'x',
        status: 'confirmed',
        pushState: 'needs_reconciliation',
        postbackToken: token,
      },
    });
    expect((await h.app.inject({ method: 'POST', url: `/v1/flowhub/postback/${token}`, payload: { orderId: 'fh-9' } })).statusCode).toBe(
      202,
    );
    const [job] = await h.deps.queues['order-status-poll'].getJobs(['waiting']);
    expect(job.data).toEqual({ storeId: 's1', orderId: order.id, flowhubOrderId: 'fh-9' });
  });

  it('a wrong or guessed token is a 404 and changes nothing', async () => {
    for (const token of [randomBytes(24).toString('base64url'), 'short', '../../etc']) {
      const response = await h.app.inject({
        method: 'POST',
        url: `/v1/flowhub/postback/${encodeURIComponent(token)}`,
        payload: { orderId: 'x' },
      });
      expect(response.statusCode).toBe(404);
    }
    expect(await h.deps.queues['order-status-poll'].getWaitingCount()).toBe(0);
    // Other /v1 routes still need the bearer token.
    expect((await h.app.inject({ method: 'GET', url: '/v1/stores/s1/flowhub' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/stores/s1/flowhub', headers: auth })).statusCode).toBe(200);
  });
});

describe('postbacks in any shape', () => {
  it('answers 202 to JSON, form-encoded, empty and unreadable bodies whatever the Content-Type, and always queues the re-read', async () => {
    const { token, order } = await orderWithToken('P-1', 'pushed');
    const bodies: [string | undefined, string | undefined][] = [
      ['{"orderId":"fh-1","status":"sold"}', 'application/json'],
      ['{"orderId":"fh-1"}', 'text/plain'],
      ['{"orderId":"fh-1"}', undefined],
      ['orderId=fh-1&status=sold', 'application/x-www-form-urlencoded'],
      ['orderId=fh-1&status=sold', 'application/x-www-form-urlencoded; charset=utf-8'],
      ['orderId=fh-1&status=sold', 'text/plain'],
      ['', 'application/json'],
      ['', 'application/x-www-form-urlencoded'],
      [undefined, undefined],
      ['{"orderId": "fh-1"', 'application/json'],
      ['<order><id>fh-1</id></order>', 'application/xml'],
      ['--x\r\nContent-Disposition: form-data; name="orderId"\r\n\r\nfh-1\r\n--x--', 'multipart/form-data; boundary=x'],
      ['\u0000\u0001 not anything', 'application/octet-stream'],
      ['orderId=fh-1', 'no such type'],
      ['{"orderId":"fh-1"}', 'application/json; charset'],
      ['{"orderId":"fh-1"}', ''],
      ['{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}', 'application/json'],
    ];
    for (const [payload, contentType] of bodies) {
      const response = await postback(token, payload, contentType);
      expect({ payload, contentType, status: response.statusCode }).toEqual({ payload, contentType, status: 202 });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const jobs = await queued();
    expect(jobs).toHaveLength(bodies.length);
    // A pushed order is only re-read: no id from the body is passed on.
    for (const data of jobs) expect(data).toEqual({ storeId: 's1', orderId: order.id });
    // The API's own routes still take JSON only.
    const api = await h.app.inject({
      method: 'PUT',
      url: '/v1/stores/s1/flowhub',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'enabled=false',
    });
    expect(api.statusCode).toBe(415);
  });

  it('finds the Flowhub order id under orderId, id, _id or data.orderId, JSON or form-encoded, for an order whose push outcome is unknown', async () => {
    const { token, order } = await orderWithToken('P-2');
    const named = [
      ['{"orderId":"fh-a","id":"ignored"}', 'application/json'],
      ['{"id":7}', 'application/json'],
      ['{"_id":"fh-c"}', 'text/plain'],
      ['{"data":{"orderId":"fh-d"},"event":"status"}', undefined],
      ['orderId=fh-e', 'application/x-www-form-urlencoded'],
      ['data%5BorderId%5D=fh-f&status=ready', 'application/x-www-form-urlencoded'],
      ['{"status":"ready"}', 'application/json'],
      ['', undefined],
    ] as const;
    for (const [payload, contentType] of named) expect((await postback(token, payload, contentType)).statusCode).toBe(202);
    expect((await queued()).map((data) => data.flowhubOrderId)).toEqual([
      'fh-a',
      '7',
      'fh-c',
      'fh-d',
      'fh-e',
      'fh-f',
      undefined,
      undefined,
    ]);
    expect((await queued()).every((data) => data.orderId === order.id)).toBe(true);
  });

  it("logs the body's shape and key paths, never its values", async () => {
    const { token } = await orderWithToken('P-3');
    const body = {
      orderId: 'fh-secret-1',
      customer: { phone: '+15555550199', name: 'Ada Secret' },
      items: [{ productId: 'p-secret' }],
      data: { a: { b: { c: 'too-deep' } } },
    };
    expect((await postback(token, JSON.stringify(body), 'text/plain')).statusCode).toBe(202);
    expect((await postback(token, 'status=sold&note=value-secret', 'application/x-www-form-urlencoded')).statusCode).toBe(202);
    expect((await postback(token, 'not a body', 'text/plain')).statusCode).toBe(202);
    const received = logLines.filter((line) => line.msg === 'Flowhub postback received');
    expect(received).toHaveLength(3);
    expect(received[0]).toMatchObject({
      storeId: 's1',
      externalId: 'P-3',
      contentType: 'text/plain',
      bodyShape: 'json',
      bodyKeys: ['orderId', 'customer', 'customer.phone', 'customer.name', 'items', 'items[].productId', 'data', 'data.a', 'data.a.b'],
      orderIdField: 'orderId',
    });
    expect(received[1]).toMatchObject({ bodyShape: 'form', bodyKeys: ['status', 'note'] });
    expect(received[2]).toMatchObject({ bodyShape: 'unreadable', bodyKeys: [] });
    const everything = JSON.stringify(logLines);
    for (const value of ['fh-secret-1', '+15555550199', 'Ada Secret', 'p-secret', 'too-deep', 'value-secret'])
      expect(everything).not.toContain(value);
  });

  it('answers 202 to a deeply nested body, and logs the key paths it reaches', async () => {
    const { token } = await orderWithToken('P-4');
    const nested = 5_000;
    for (const payload of ['['.repeat(nested) + ']'.repeat(nested), `{"a":${'['.repeat(nested)}{"b":1}${']'.repeat(nested)}}`]) {
      expect((await postback(token, payload, 'application/json')).statusCode).toBe(202);
    }
    expect(await queued()).toHaveLength(2);
    const received = logLines.filter((line) => line.msg === 'Flowhub postback received');
    expect(received.map((line) => [line.bodyShape, line.bodyKeys])).toEqual([
      ['json', []],
      ['json', ['a']],
    ]);
  });

  it('an unknown token stays a 404, whatever the body', async () => {
    for (const [payload, contentType] of [
      ['orderId=fh-1', 'application/x-www-form-urlencoded'],
      ['<x/>', 'application/xml'],
      [undefined, undefined],
    ] as const) {
      expect((await postback(randomBytes(24).toString('base64url'), payload, contentType)).statusCode).toBe(404);
    }
    expect(await h.deps.queues['order-status-poll'].getWaitingCount()).toBe(0);
  });
});

describe('reading a postback body', () => {
  it('tells JSON, form-encoded, empty and unreadable bodies apart', () => {
    expect(postbackBodyOf(' {"a":1} ', 'application/x-www-form-urlencoded')).toEqual({ shape: 'json', value: { a: 1 } });
    expect(postbackBodyOf('a=1&a=2', 'application/x-www-form-urlencoded')).toEqual({ shape: 'form', value: { a: '2' } });
    expect(postbackBodyOf('[1,2]', undefined)).toEqual({ shape: 'json', value: [1, 2] });
    expect(postbackBodyOf('a=1&b=two%20words', 'text/plain')).toEqual({ shape: 'form', value: { a: '1', b: 'two words' } });
    expect(postbackBodyOf(' \n', 'application/json')).toEqual({ shape: 'empty', value: undefined });
    expect(postbackBodyOf('hello world', 'text/plain')).toEqual({ shape: 'unreadable', value: undefined });
  });

  it('names an order id only where one is looked for, as text of at most 200 characters', () => {
    expect(namedFlowhubOrderId({ orderId: ' fh-1 ' })).toEqual({ orderId: 'fh-1', field: 'orderId' });
    expect(namedFlowhubOrderId({ orderId: '', id: 'fh-2' })).toEqual({ orderId: 'fh-2', field: 'id' });
    expect(namedFlowhubOrderId({ 'data.orderId': 'fh-3' })).toEqual({ orderId: 'fh-3', field: 'data.orderId' });
    expect(namedFlowhubOrderId({ order: { id: 'fh-4' }, orderId: { nested: true }, _id: 'x'.repeat(201) })).toBeUndefined();
    expect(namedFlowhubOrderId(['fh-5'])).toBeUndefined();
    // An id no order can have is no id: the next field is looked at.
    expect(namedFlowhubOrderId({ orderId: 'fh\u00006', id: 'fh-6' })).toEqual({ orderId: 'fh-6', field: 'id' });
    expect(namedFlowhubOrderId({ orderId: 'fh 7' })).toBeUndefined();
    expect(namedFlowhubOrderId({ orderId: 'fh\u00017', _id: '\ud800' })).toBeUndefined();
    expect(namedFlowhubOrderId(undefined)).toBeUndefined();
  });

  it('lists at most MAX_KEY_PATHS key paths', () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_KEY_PATHS + 10 }, (_, index) => [`k${index}`, index]));
    const { paths, truncated } = bodyKeyPaths(wide);
    expect(paths).toHaveLength(MAX_KEY_PATHS);
    expect(truncated).toBe(true);
    expect(bodyKeyPaths([{ a: 1 }, { b: [{ c: 1 }] }])).toEqual({ paths: ['[].a', '[].b', '[].b[].c'], truncated: false });
  });

  it('walks arrays within bounds too: nesting and elements read are limited as keys are', () => {
    let deep: unknown = { id: 1 };
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(bodyKeyPaths(deep)).toEqual({ paths: [], truncated: false });
    expect(bodyKeyPaths({ a: [[{ b: 1 }]] })).toEqual({ paths: ['a', 'a[][].b'], truncated: false });
    // Wide arrays inside wide arrays: a bounded number of elements is read, and the answer says it stopped.
    const wide = Array.from({ length: 20 }, () => Array.from({ length: 20 }, () => Array.from({ length: 20 }, () => ({ k: 1 }))));
    expect(bodyKeyPaths(wide)).toEqual({ paths: ['[][][].k'], truncated: true });
  });
});
