import http from 'node:http';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger, createSecretBox, verifyWebhookSignature } from '@flowhub-sync/config';
import { recordWebhookDelivery } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/src/testing';
import { jobIds, queues } from '@flowhub-sync/queues';
import { serviceUrls, testEncryptionKey, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { webhookDeliveryProcessor } from './webhook-delivery';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

function startReceiver(status: number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  return new Promise<{ url: string; received: Received[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

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
    const worker = new Worker('webhook-delivery', webhookDeliveryProcessor({ prisma: db.prisma, secrets, logger: createLogger({ name: 't', level: 'silent' }) }), {
      connection: workerConnection,
      prefix,
      concurrency: 10,
    });
    try {
      for (const [id, receiver] of [['dead-store', dead], ['good-store', healthy]] as const) {
        await db.prisma.store.create({
          data: { id, statusWebhookUrl: receiver.url, statusWebhookSecretEncrypted: secrets.encrypt(`secret-of-${id}`) },
        });
        await db.prisma.order.create({ data: { storeId: id, externalId: 'A-1', type: 'pickup', customer: {}, contentHash: 'x' } });
      }
      const enqueue = async (storeId: string, status: string) => {
        const order = await db.prisma.order.findFirstOrThrow({ where: { storeId } });
        const deliveryId = await db.prisma.$transaction((tx) =>
          recordWebhookDelivery(tx, { storeId, orderId: order.id, externalId: 'A-1', event: 'status_changed', status, flowhubStatus: 'ready', at: new Date() }),
        );
        const data = { deliveryId: deliveryId!, storeId };
        await queue.add(queues['webhook-delivery'].jobName(data), data, { jobId: jobIds.webhookDelivery(deliveryId!), attempts: 3, backoff: { type: 'fixed', delay: 300 } });
      };
      // The dead endpoint's deliveries go first; the healthy store's are not held up behind their retries.
      for (let i = 0; i < 5; i++) await enqueue('dead-store', 'ready');
      await enqueue('good-store', 'ready');
      await enqueue('good-store', 'completed');
      await waitFor(() => healthy.received.length === 2, { what: 'the healthy store to receive both', timeoutMs: 10_000 });

      const [first, second] = healthy.received;
      const payload = JSON.parse(first.body);
      expect(payload).toMatchObject({ storeId: 'good-store', externalId: 'A-1', event: 'status_changed', status: 'ready', sequence: 1 });
      expect(JSON.parse(second.body).sequence).toBe(2);
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
