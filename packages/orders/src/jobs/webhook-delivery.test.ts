import http from 'node:http';
import { Queue, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import {
  checkOutboundUrl,
  createLogger,
  createSecretBox,
  verifyWebhookSignature,
  type HostResolver,
  type ResolvedAddress,
} from '@flowhub-sync/config';
import { recordWebhookDelivery } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { jobIds, queues, startWorkers } from '@flowhub-sync/queues';
import { serviceUrls, testEncryptionKey, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { countWebhookOutcomes } from '../metrics';
import { deliverWebhook, webhookDeliveryProcessor, type WebhookDeliveryDependencies } from './webhook-delivery';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

function startReceiver(status: number) {
  const received: Received[] = [];
  const connections = { count: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  server.on('connection', () => (connections.count += 1));
  return new Promise<{ url: string; port: number; received: Received[]; connections: { count: number }; close: () => Promise<void> }>(
    (resolve) =>
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        resolve({
          url: `http://127.0.0.1:${port}/hook`,
          port,
          received,
          connections,
          close: () => new Promise((done) => server.close(() => done())),
        });
      }),
  );
}

/** A resolver over a table that can change between calls (DNS rebinding); every name asked is recorded. */
function tableResolver(table: Record<string, string>) {
  const asked: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    asked.push(hostname);
    const address = table[hostname];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 } satisfies ResolvedAddress];
  };
  return { resolve, asked, table };
}

const noDns: HostResolver = async (hostname) => {
  throw new Error(`unexpected resolution of ${hostname}`);
};
const silent = createLogger({ name: 't', level: 'silent' });

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.drop());

describe('webhook deliveries', () => {
  it('are signed with the store secret, retried on failure, and a dead endpoint does not delay another store', async () => {
    const secrets = createSecretBox(testEncryptionKey());
    const healthy = await startReceiver(204);
    const dead = await startReceiver(500);
    const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniqueQueuePrefix('webhooks');
    const queue = new Queue('webhook-delivery', { connection, prefix });
    const workerConnection = connection.duplicate();
    // The receivers listen on 127.0.0.1: as in local development, WEBHOOK_ALLOW_PRIVATE_NETWORKS is on.
    const processor = webhookDeliveryProcessor({ prisma: db.prisma, secrets, logger: silent, resolve: noDns, allowPrivateNetworks: true });
    const worker = startWorkers([{ ...processor, options: { ...processor.options, concurrency: 10 } }], {
      owns: ['webhook-delivery'],
      connection: workerConnection,
      prefix,
      logger: silent,
    });
    try {
      for (const [id, receiver] of [
        ['dead-store', dead],
        ['good-store', healthy],
      ] as const) {
        await db.prisma.store.create({
          data: { id, statusWebhookUrl: receiver.url, statusWebhookSecretEncrypted: secrets.encrypt(`secret-of-${id}`) },
        });
        await db.prisma.order.create({ data: { storeId: id, externalId: 'A-1', type: 'pickup', customer: {}, contentHash: 'x' } });
      }
      const enqueue = async (storeId: string, status: string) => {
        const order = await db.prisma.order.findFirstOrThrow({ where: { storeId } });
        const deliveryId = await db.prisma.$transaction((tx) =>
          recordWebhookDelivery(tx, {
            storeId,
            orderId: order.id,
            externalId: 'A-1',
            event: 'status_changed',
            status,
            flowhubStatus: 'ready',
            at: new Date(),
          }),
        );
        const data = { deliveryId: deliveryId!, storeId };
        await queue.add(queues['webhook-delivery'].jobName(data), data, {
          jobId: jobIds.webhookDelivery(deliveryId!),
          attempts: 3,
          backoff: { type: 'fixed', delay: 300 },
        });
      };
      // The dead endpoint's deliveries go first; the healthy store's are not held up behind their retries.
      for (let i = 0; i < 5; i++) await enqueue('dead-store', 'ready');
      await enqueue('good-store', 'ready');
      await enqueue('good-store', 'completed');
      await waitFor(() => healthy.received.length === 2, { what: 'the healthy store to receive both', timeoutMs: 10_000 });

      // Deliveries run concurrently and may arrive in either order: `sequence` is what orders them for a receiver.
      const [first, second] = [...healthy.received].sort((a, b) => JSON.parse(a.body).sequence - JSON.parse(b.body).sequence);
      const payload = JSON.parse(first.body);
      expect(payload).toMatchObject({ storeId: 'good-store', externalId: 'A-1', event: 'status_changed', status: 'ready', sequence: 1 });
      expect(JSON.parse(second.body)).toMatchObject({ status: 'completed', sequence: 2 });
      expect(first.headers['x-flowhub-sync-delivery']).toBe(payload.id);
      const signature = first.headers['x-flowhub-sync-signature'] as string;
      expect(verifyWebhookSignature('secret-of-good-store', first.body, signature)).toMatchObject({ valid: true });
      expect(verifyWebhookSignature('secret-of-dead-store', first.body, signature)).toMatchObject({ valid: false });

      // The dead endpoint was tried three times per delivery, then the deliveries are marked failed.
      await waitFor(async () => (await db.prisma.webhookDelivery.count({ where: { storeId: 'dead-store', status: 'failed' } })) === 5, {
        what: 'dead deliveries to fail',
        timeoutMs: 20_000,
      });
      expect(dead.received).toHaveLength(15);
      const failed = await db.prisma.webhookDelivery.findFirstOrThrow({ where: { storeId: 'dead-store' } });
      expect(failed).toMatchObject({ attempts: 3, responseStatus: 500, lastError: 'the webhook endpoint answered 500' });
      expect(await db.prisma.webhookDelivery.count({ where: { storeId: 'good-store', status: 'delivered' } })).toBe(2);
      // A delivery's row is marked failed before its job's last attempt throws: BullMQ moves the jobs to failed just after.
      await waitFor(async () => (await queue.getFailedCount()) === 5, { what: 'the dead deliveries to fail in BullMQ', timeoutMs: 10_000 });
      const failedJob = (await queue.getFailed())[0];
      expect(failedJob.failedReason).toBe('the webhook endpoint answered 500');
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await workerConnection.quit();
      await connection.quit();
      await healthy.close();
      await dead.close();
    }
  });
});

/** A store with a webhook, one order, and one recorded delivery for it: the delivery's id. */
async function storeWithDelivery(
  secrets: ReturnType<typeof createSecretBox>,
  storeId: string,
  url: string,
  webhookSecrets: { current: string; previous?: string; changedAt?: Date } = { current: `secret-of-${storeId}` },
): Promise<string> {
  await db.prisma.store.create({
    data: {
      id: storeId,
      statusWebhookUrl: url,
      statusWebhookSecretEncrypted: secrets.encrypt(webhookSecrets.current),
      statusWebhookPreviousSecretEncrypted: webhookSecrets.previous ? secrets.encrypt(webhookSecrets.previous) : null,
      statusWebhookSecretChangedAt: webhookSecrets.changedAt ?? null,
    },
  });
  const order = await db.prisma.order.create({ data: { storeId, externalId: 'A-1', type: 'pickup', customer: {}, contentHash: 'x' } });
  return nextDelivery(storeId, order.id);
}

async function nextDelivery(storeId: string, orderId?: string): Promise<string> {
  const order = orderId ?? (await db.prisma.order.findFirstOrThrow({ where: { storeId } })).id;
  const id = await db.prisma.$transaction((tx) =>
    recordWebhookDelivery(tx, {
      storeId,
      orderId: order,
      externalId: 'A-1',
      event: 'status_changed',
      status: 'ready',
      flowhubStatus: 'ready',
      at: new Date(),
    }),
  );
  return id!;
}

describe('the webhook perimeter at delivery', () => {
  it('refuses at once, without retries or a connection, a URL that resolves to a private address now though it was public at save', async () => {
    const secrets = createSecretBox(testEncryptionKey());
    const receiver = await startReceiver(204);
    const dns = tableResolver({ 'hooks.example': '93.184.216.34', 'rebound.example': '93.184.216.34' });
    const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniqueQueuePrefix('webhook-guard');
    const queue = new Queue('webhook-delivery', { connection, prefix });
    const workerConnection = connection.duplicate();
    const worker = startWorkers([webhookDeliveryProcessor({ prisma: db.prisma, secrets, logger: silent, resolve: dns.resolve })], {
      owns: ['webhook-delivery'],
      connection: workerConnection,
      prefix,
      logger: silent,
    });
    try {
      // What the settings save saw: public addresses.
      for (const host of ['hooks.example', 'rebound.example']) {
        expect(await checkOutboundUrl(`http://${host}:${receiver.port}/hook`, { resolve: dns.resolve })).toMatchObject({
          verdict: 'allowed',
        });
      }
      // Then the names move: into the private network, and onto this machine, where the receiver listens.
      dns.table['hooks.example'] = '10.0.0.5';
      dns.table['rebound.example'] = '127.0.0.1';
      const deliveries: Record<string, string> = {};
      for (const [storeId, host] of [
        ['private-store', 'hooks.example'],
        ['loopback-store', 'rebound.example'],
      ] as const) {
        deliveries[storeId] = await storeWithDelivery(secrets, storeId, `http://${host}:${receiver.port}/hook`);
        const data = { deliveryId: deliveries[storeId], storeId };
        await queue.add(queues['webhook-delivery'].jobName(data), data, {
          jobId: jobIds.webhookDelivery(data.deliveryId),
          attempts: 3,
          backoff: { type: 'fixed', delay: 100 },
        });
      }
      await waitFor(async () => (await queue.getFailedCount()) === 2, { what: 'both deliveries to fail', timeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 500)); // time for a retry, were there one

      for (const [storeId, address] of [
        ['private-store', '10.0.0.5'],
        ['loopback-store', '127.0.0.1'],
      ] as const) {
        const job = (await queue.getJob(jobIds.webhookDelivery(deliveries[storeId])))!;
        expect(await job.getState()).toBe('failed');
        expect(job.attemptsMade).toBe(1);
        expect(job.failedReason).toMatch(
          new RegExp(`^the webhook URL was refused: .* resolves to ${address.replace(/\./g, '\\.')}, which is not a public address`),
        );
        const row = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[storeId] } });
        expect(row).toMatchObject({ status: 'failed', attempts: 1, responseStatus: null, lastError: job.failedReason });
      }
      expect(receiver.connections.count).toBe(0);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await workerConnection.quit();
      await connection.quit();
      await receiver.close();
    }
  });

  it('connects only to the address it checked (WEBHOOK_ALLOW_PRIVATE_NETWORKS on), never resolving the name again', async () => {
    const secrets = createSecretBox(testEncryptionKey());
    const receiver = await startReceiver(204);
    // receiver.test exists only in this table: the delivery can reach the receiver only through the checked address.
    const dns = tableResolver({ 'receiver.test': '127.0.0.1' });
    const deps: WebhookDeliveryDependencies = {
      prisma: db.prisma,
      secrets,
      logger: silent,
      resolve: dns.resolve,
      allowPrivateNetworks: true,
    };
    try {
      const deliveryId = await storeWithDelivery(secrets, 'dev-store', `http://receiver.test:${receiver.port}/hook?x=1`);
      expect(await deliverWebhook(deps, deliveryId, { lastAttempt: false })).toBe('delivered');
      expect(dns.asked).toEqual(['receiver.test']);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0].headers.host).toBe(`receiver.test:${receiver.port}`);
      expect(JSON.parse(receiver.received[0].body)).toMatchObject({ id: deliveryId, storeId: 'dev-store' });
      expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
        status: 'delivered',
        responseStatus: 204,
        attempts: 1,
      });

      // The same URL with the guard on: refused before any connection, for good.
      const refusedId = await nextDelivery('dev-store');
      await expect(deliverWebhook({ ...deps, allowPrivateNetworks: false }, refusedId, { lastAttempt: false })).rejects.toBeInstanceOf(
        UnrecoverableError,
      );
      expect(receiver.received).toHaveLength(1);
      expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: refusedId } })).toMatchObject({
        status: 'failed',
        lastError: expect.stringContaining('receiver.test resolves to 127.0.0.1, which is not a public address (loopback)'),
      });
    } finally {
      await receiver.close();
    }
  });

  it('retries a name that does not resolve, like an endpoint that does not answer', async () => {
    const secrets = createSecretBox(testEncryptionKey());
    const deps: WebhookDeliveryDependencies = { prisma: db.prisma, secrets, logger: silent, resolve: tableResolver({}).resolve };
    const deliveryId = await storeWithDelivery(secrets, 'gone-store', 'https://gone.example/hook');
    await expect(deliverWebhook(deps, deliveryId, { lastAttempt: false })).rejects.toThrow(
      /could not be reached \(gone\.example could not be resolved \(ENOTFOUND\)\)/,
    );
    expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
  });
});

describe('webhook secret rotation', () => {
  it('signs with the new and the previous secret for 24 hours after a change, then with the new one alone', async () => {
    const secrets = createSecretBox(testEncryptionKey());
    const receiver = await startReceiver(204);
    const changedAt = new Date(Date.now() - 60 * 60 * 1000); // an hour ago
    const deps: WebhookDeliveryDependencies = { prisma: db.prisma, secrets, logger: silent, resolve: noDns, allowPrivateNetworks: true };
    const signatureOf = (index: number) => receiver.received[index].headers['x-flowhub-sync-signature'] as string;
    try {
      await deliverWebhook(
        deps,
        await storeWithDelivery(secrets, 'rotating', receiver.url, { current: 'whsec-new', previous: 'whsec-old', changedAt }),
        { lastAttempt: false },
      );
      expect(signatureOf(0)).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
      // A receiver that has not switched yet, one that has, and one holding both, all accept it.
      for (const known of ['whsec-old', 'whsec-new', ['whsec-new', 'whsec-old']]) {
        expect(verifyWebhookSignature(known, receiver.received[0].body, signatureOf(0))).toMatchObject({ valid: true });
      }

      // 24 hours after the change (by the clock): the new secret alone.
      await deliverWebhook({ ...deps, now: () => new Date(changedAt.getTime() + 24 * 3600 * 1000) }, await nextDelivery('rotating'), {
        lastAttempt: false,
      });
      expect(signatureOf(1)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature('whsec-new', receiver.received[1].body, signatureOf(1))).toMatchObject({ valid: true });
      expect(verifyWebhookSignature('whsec-old', receiver.received[1].body, signatureOf(1))).toEqual({ valid: false, reason: 'mismatch' });

      // …and by the change's time in the database.
      await db.prisma.store.update({
        where: { id: 'rotating' },
        data: { statusWebhookSecretChangedAt: new Date(Date.now() - 25 * 3600 * 1000) },
      });
      await deliverWebhook(deps, await nextDelivery('rotating'), { lastAttempt: false });
      expect(signatureOf(2)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature('whsec-old', receiver.received[2].body, signatureOf(2))).toEqual({ valid: false, reason: 'mismatch' });
    } finally {
      await receiver.close();
    }
  });
});

describe('the webhook-delivery processor', () => {
  it('fails a job with an invalid payload at once instead of burning its retries, and counts the failure', async () => {
    const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniqueQueuePrefix('webhook-invalid');
    const queue = new Queue('webhook-delivery', { connection, prefix });
    const workerConnection = connection.duplicate();
    const registry = new Registry();
    const processor = webhookDeliveryProcessor({
      prisma: db.prisma,
      secrets: createSecretBox(testEncryptionKey()),
      logger: silent,
      resolve: noDns,
    });
    const worker = startWorkers([processor], {
      owns: ['webhook-delivery'],
      connection: workerConnection,
      prefix,
      logger: silent,
      onWorker: countWebhookOutcomes(registry),
    });
    try {
      const job = await queue.add(
        'webhook-delivery:bad',
        { storeId: 'no spaces allowed', deliveryId: 'd-1' },
        { attempts: 10, backoff: { type: 'fixed', delay: 10 } },
      );
      await waitFor(async () => (await job.getState()) === 'failed', { what: 'the invalid job to fail' });
      const failed = (await queue.getJob(job.id!))!;
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/^invalid webhook-delivery job payload: storeId must be a store id/);
      await waitFor(async () => (await registry.metrics()).includes('flowhub_sync_webhook_deliveries_total{outcome="failed"} 1'), {
        what: 'the failure to be counted',
      });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await workerConnection.quit();
      await connection.quit();
    }
  });
});
