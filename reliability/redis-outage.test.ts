import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, waitFor } from '@flowhub-sync/testing';
import { enableStore, scenario, seconds, settledRun, startStack, type Stack } from './scenario-kit';

/** A Redis of this scenario's own (AOF on), so it can be stopped and started without disturbing anything else. */
function privateRedis(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    {
      stdio: 'ignore',
    },
  );
}
const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

let stack: Stack;
let redis: ChildProcess;
let port: number;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-redis-'));

beforeAll(async () => {
  port = await freePort();
  redis = privateRedis(port, dir);
  const probe = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await waitFor(async () => (await probe.ping().catch(() => null)) === 'PONG', { what: 'the private Redis' });
  probe.disconnect();
  stack = await startStack({ sim: { rows: 300, seed: 8 }, redisUrl: `redis://127.0.0.1:${port}` });
  await stack.start('producer');
  await stack.start('inventory-worker');
  await stack.start('order-worker');
}, 120_000);
afterAll(async () => {
  await stack?.close();
  redis?.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

it('c: Redis stopped for 30 s: orders are still taken and confirmed, schedules survive, every confirmed order is pushed afterwards', async () => {
  await scenario(
    {
      scenario: 'c. Redis outage',
      injected: 'Redis (AOF) stopped for 30 s while the platform keeps creating and confirming orders, then started again',
      checked:
        'order create/confirm answer during the outage (only a manual sync answers 503), the store schedule survives, workers reconnect by themselves, every confirmed order reaches Flowhub exactly once',
    },
    async () => {
      await enableStore(stack, 'outage', { syncOrders: true });
      expect((await settledRun(stack, 'outage')).status).toBe('succeeded');
      const menu = (await stack.api('GET', '/v1/stores/outage/products?limit=50&sellable=true')).body.items as { variantId: string }[];
      expect(menu.length).toBeGreaterThan(10);

      redis.kill('SIGTERM');
      await stopped(redis);
      const outageStarted = Date.now();
      const answers: number[] = [];
      for (let i = 0; i < 10; i++) {
        const created = await stack.api('POST', '/v1/stores/outage/orders', {
          externalId: `OUT-${i}`,
          type: 'pickup',
          customer: { firstName: 'Ada', lastName: 'L', phone: '+15555550123', purchaseCategory: 'rec' },
          items: [{ variantId: menu[i].variantId, quantity: 1 }],
        });
        const confirmed = await stack.api('POST', `/v1/stores/outage/orders/OUT-${i}/confirm`);
        answers.push(created.status, confirmed.status);
      }
      expect(answers.filter((status) => status >= 500)).toEqual([]);
      const manual = await stack.api('POST', '/v1/stores/outage/sync', {});
      expect(manual.status).toBe(503);
      expect(manual.body.error.message).toContain('Redis');
      expect((await stack.api('GET', '/v1/stores/outage/flowhub')).status).toBe(200);

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - outageStarted))));
      redis = privateRedis(port, dir);
      const restarted = Date.now();

      const queues = new Redis(port, { maxRetriesPerRequest: null });
      const inventory = new Queue('inventory-sync', { connection: queues, prefix: stack.prefix });
      inventory.on('error', () => undefined); // refused while Redis starts again
      try {
        await waitFor(async () => (await inventory.getJobScheduler('inventory-sync~outage')) !== undefined, { what: 'the schedule (AOF)' });
        const pushed = await waitFor(
          async () => {
            const states = await Promise.all(
              Array.from({ length: 10 }, async (_, i) => (await stack.api('GET', `/v1/stores/outage/orders/OUT-${i}`)).body.push?.state),
            );
            return states.every((state) => state === 'pushed') ? states : null;
          },
          { what: 'every confirmed order to be pushed', timeoutMs: 120_000, intervalMs: 500 },
        );
        expect(pushed).toHaveLength(10);
      } finally {
        await inventory.close();
        queues.disconnect();
      }
      const recovered = Date.now() - restarted;
      // Creates per order of ours: each names its order in its customerNote ("Order <externalId>").
      const record = (await (await fetch(`${stack.sim.url}/__sim/orders?locationId=demo-location`)).json()) as {
        createsByNoteOrderId: Record<string, number>;
      };
      const perOrder = Array.from({ length: 10 }, (_, i) => record.createsByNoteOrderId[`OUT-${i}`] ?? 0);
      expect(perOrder).toEqual(Array(10).fill(1));
      return `20 API answers during the outage, 0 of them 5xx (manual sync 503 as designed); 10 of 10 confirmed orders pushed ${seconds(recovered)} after Redis returned; 0 lost, 0 created twice`;
    },
  );
}, 240_000);
