import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createPrismaClient, type PrismaClient } from '@flowhub-sync/db';
import type { TestDatabase } from '@flowhub-sync/db/testing';
import { freePort, serviceUrls, startApp, testEncryptionKey, waitForHttp, type RunningApp } from '@flowhub-sync/testing';
import { auth, createProducerHarness, TEST_API_TOKEN, type ProducerHarness } from '../testing/harness';
import { heldQuantity, orderApp, orderBody, seedProduct, seedStore } from '../testing/orders';

/**
 * Over-selling is impossible however orders arrive: the hold is taken by a conditional UPDATE whose row lock
 * serialises every order for a product, in any process.
 */

let h: ProducerHarness;
beforeAll(async () => {
  h = await createProducerHarness();
});
afterAll(() => h.close());

const tally = (statuses: { statusCode: number; code?: string }[]) => {
  const counts: Record<string, number> = {};
  for (const { statusCode, code } of statuses)
    counts[`${statusCode}${code ? ` ${code}` : ''}`] = (counts[`${statusCode}${code ? ` ${code}` : ''}`] ?? 0) + 1;
  return counts;
};

async function expectExactlyHeld(prisma: TestDatabase['prisma'], storeId: string, variantId: string, quantity: number) {
  expect(await heldQuantity(prisma, storeId, variantId)).toBe(quantity);
  const holds = await prisma.inventoryHold.aggregate({
    where: { storeId, variantId, state: 'held' },
    _sum: { quantity: true },
    _count: true,
  });
  expect(holds._sum.quantity).toBe(quantity);
  expect(await prisma.order.count({ where: { storeId } })).toBe(holds._count);
}

describe('concurrent orders in one process pair (two app instances, two connection pools)', () => {
  let apps: FastifyInstance[] = [];
  let clients: PrismaClient[] = [];
  beforeAll(async () => {
    clients = [createPrismaClient(h.db.url, { max: 8 }), createPrismaClient(h.db.url, { max: 8 })];
    apps = await Promise.all(clients.map((prisma) => orderApp({ ...h.deps, prisma })));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(clients.map((client) => client.$disconnect()));
  });

  it('200 orders of one unit against a stock of 50: exactly 50 held, 150 refused', async () => {
    await seedStore(h.db.prisma, 'burst');
    await seedProduct(h.db.prisma, 'burst', 'v-hot', 50);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        apps[i % 2].inject({
          method: 'POST',
          url: '/v1/stores/burst/orders',
          headers: auth,
          payload: orderBody(`B-${i}`, [{ variantId: 'v-hot', quantity: 1 }]),
        }),
      ),
    );
    expect(tally(answers.map((answer) => ({ statusCode: answer.statusCode, code: answer.json().error?.code })))).toEqual({
      201: 50,
      '409 insufficient_inventory': 150,
    });
    await expectExactlyHeld(h.db.prisma, 'burst', 'v-hot', 50);
  });

  it('orders naming the same products in opposite orders neither deadlock nor over-sell', async () => {
    await seedStore(h.db.prisma, 'pairs');
    await seedProduct(h.db.prisma, 'pairs', 'v-a', 30);
    await seedProduct(h.db.prisma, 'pairs', 'v-b', 30);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const items =
          i % 2
            ? [
                { variantId: 'v-a', quantity: 1 },
                { variantId: 'v-b', quantity: 1 },
              ]
            : [
                { variantId: 'v-b', quantity: 1 },
                { variantId: 'v-a', quantity: 1 },
              ];
        return apps[i % 2].inject({ method: 'POST', url: '/v1/stores/pairs/orders', headers: auth, payload: orderBody(`P-${i}`, items) });
      }),
    );
    expect(tally(answers.map((answer) => ({ statusCode: answer.statusCode, code: answer.json().error?.code })))).toEqual({
      201: 30,
      '409 insufficient_inventory': 70,
    });
    await expectExactlyHeld(h.db.prisma, 'pairs', 'v-a', 30);
    await expectExactlyHeld(h.db.prisma, 'pairs', 'v-b', 30);
  });
});

// The built producer serves the order routes once app.ts registers them (turbo builds before tests in CI).
const distDir = path.resolve(__dirname, '../../dist');
const builtAppServesOrders =
  fs.existsSync(path.join(distDir, 'routes', 'orders.js')) && fs.readFileSync(path.join(distDir, 'app.js'), 'utf8').includes('orderRoutes');

describe('concurrent orders through two producer processes', () => {
  (builtAppServesOrders ? it : it.skip)(
    '200 orders of one unit against a stock of 50: exactly 50 held, 150 refused',
    async () => {
      await seedStore(h.db.prisma, 'two-procs');
      await seedProduct(h.db.prisma, 'two-procs', 'v-hot', 50);
      const ports = [await freePort(), await freePort()];
      const processes: RunningApp[] = ports.map((port) =>
        startApp('producer', {
          DATABASE_URL: h.db.url,
          REDIS_URL: serviceUrls().REDIS_URL,
          QUEUE_PREFIX: h.prefix,
          PORT: String(port),
          API_TOKEN: TEST_API_TOKEN,
          ENCRYPTION_KEY: testEncryptionKey(),
          BULL_BOARD_USER: 'ops',
          BULL_BOARD_PASSWORD: 'ops-password',
          LOG_LEVEL: 'warn',
        }),
      );
      try {
        await Promise.all(ports.map((port) => waitForHttp(`http://127.0.0.1:${port}/readyz`)));
        const answers = await Promise.all(
          Array.from({ length: 200 }, async (_, i) => {
            const response = await fetch(`http://127.0.0.1:${ports[i % 2]}/v1/stores/two-procs/orders`, {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify(orderBody(`T-${i}`, [{ variantId: 'v-hot', quantity: 1 }])),
            });
            const body = (await response.json()) as { error?: { code: string } };
            return { statusCode: response.status, code: body.error?.code };
          }),
        );
        expect(tally(answers)).toEqual({ 201: 50, '409 insufficient_inventory': 150 });
        await expectExactlyHeld(h.db.prisma, 'two-procs', 'v-hot', 50);
      } finally {
        await Promise.all(processes.map((process) => process.stop('SIGTERM')));
      }
    },
    120_000,
  );
});
