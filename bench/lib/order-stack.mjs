// The order side of the product as production runs it, for the order and status scenarios: the simulator, a
// database of stores (each its own Flowhub client and Order Ahead client, menu synced), a producer process
// (the API) and an order-worker process.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { inPool } from './measure.mjs';
import { freePort, startBuiltApp, waitForHttp } from './processes.mjs';
import { createScratchDatabase, fromProduct, pgPool, scratchQueuePrefix } from './scratch.mjs';
import { startSimulator } from './simulator.mjs';

const { createPrismaClient } = fromProduct('@flowhub-sync/db');
const { createSecretBox } = fromProduct('@flowhub-sync/config');
const { createFlowhubClient } = fromProduct('@flowhub-sync/flowhub-client');
const { syncStore } = fromProduct('@flowhub-sync/inventory-sync');

const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };

export async function startOrderStack({ label, stores: storeCount, rows, serverDatabaseUrl, redisUrl }) {
  const database = await createScratchDatabase(serverDatabaseUrl, label);
  const queuePrefix = scratchQueuePrefix(redisUrl, label);
  const cleanups = [() => queuePrefix.drop(), () => database.drop()];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const sim = await startSimulator();
    cleanups.push(() => sim.close());
    const pg = pgPool(database.url);
    cleanups.push(() => pg.end());
    const prisma = createPrismaClient(database.url);
    cleanups.push(() => prisma.$disconnect());
    const encryptionKey = randomBytes(32).toString('base64');
    const secrets = createSecretBox(encryptionKey);
    const runId = randomBytes(4).toString('hex');

    // Each store: its own Flowhub client and Order Ahead client (so its own request budgets), its menu synced.
    const stores = Array.from({ length: storeCount }, (_, i) => ({
      storeId: `${label}-${i}`,
      locationId: `${label}-${i}`,
      clientId: `${label}-${runId}-${i}`,
      key: randomBytes(12).toString('hex'),
      orderAheadClientId: `${label}-${runId}-${i}-oa`,
      orderAheadSecret: randomBytes(16).toString('hex'),
    }));
    const flowhub = createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url, logger: silent });
    await inPool(stores, 4, async (store, i) => {
      await sim.addLocation({
        locationId: store.locationId,
        clientId: store.clientId,
        key: store.key,
        orderAheadClientId: store.orderAheadClientId,
        orderAheadClientSecret: store.orderAheadSecret,
        rows,
        seed: i + 1,
      });
      await prisma.store.create({
        data: {
          id: store.storeId,
          enabled: true,
          syncOrders: true,
          clientId: store.clientId,
          apiKeyEncrypted: secrets.encrypt(store.key),
          locationId: store.locationId,
          orderAheadClientId: store.orderAheadClientId,
          orderAheadTokenEncrypted: secrets.encrypt(store.orderAheadSecret),
        },
      });
      await syncStore(
        { prisma, sql: pg, flowhub, secrets, logger: silent },
        { storeId: store.storeId, trigger: 'initial', acceptShrink: false },
      );
      const { rows: products } = await pg.query(
        'SELECT variant_id, product_id, pos_quantity FROM products WHERE store_id = $1 AND active AND pos_quantity >= 20 ORDER BY variant_id',
        [store.storeId],
      );
      store.products = products.map((p) => ({ variantId: p.variant_id, productId: p.product_id }));
    });

    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const apiToken = randomBytes(24).toString('hex');
    const common = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix.prefix,
      FLOWHUB_API_URL: sim.url,
      FLOWHUB_AUTH_URL: sim.url,
      ENCRYPTION_KEY: encryptionKey,
      PUBLIC_URL: apiUrl,
      LOG_LEVEL: 'warn',
    };
    const producer = startBuiltApp('producer', {
      ...common,
      PORT: String(port),
      API_TOKEN: apiToken,
      BULL_BOARD_USER: 'bench',
      BULL_BOARD_PASSWORD: randomBytes(12).toString('hex'),
    });
    cleanups.push(() => producer.stop());
    await waitForHttp(`${apiUrl}/readyz`, { process: producer });
    const healthPort = await freePort();
    const orderWorker = startBuiltApp('order-worker', { ...common, HEALTH_PORT: String(healthPort) });
    cleanups.push(() => orderWorker.stop());
    await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, { process: orderWorker });

    // The platform's side of the API. node:http with kept-alive connections rather than fetch: the load
    // generator shares the two cores with what it measures, and fetch costs it about twice the CPU per call.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    cleanups.push(async () => agent.destroy());

    /** One API call; `answeredAt` is when its answer arrived (Date.now(), the clock the simulator stamps with). */
    function api(method, route, body) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const request = http.request(
          `${apiUrl}${route}`,
          {
            method,
            agent,
            headers: {
              authorization: `Bearer ${apiToken}`,
              ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            },
          },
          (response) => {
            const chunks = [];
            response.on('data', (chunk) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
              let answer = null;
              try {
                answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              } catch {
                // not JSON: the caller sees the status
              }
              resolve({ status: response.statusCode, body: answer, answeredAt: Date.now() });
            });
          },
        );
        request.on('error', reject);
        request.end(payload);
      });
    }

    return {
      sim,
      pg,
      prisma,
      secrets,
      flowhub,
      stores,
      apiUrl,
      api,
      producer,
      orderWorker,
      databaseName: database.name,
      budgetPrefix: queuePrefix.budgetPrefix,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** An order the platform would send: a pickup by a recreational customer with a phone, one or two items (the store's n-th order). */
export function orderBody(store, externalId, n) {
  const first = store.products[n % store.products.length];
  const second = store.products[(n * 7 + 3) % store.products.length];
  const items = [{ variantId: first.variantId, quantity: 1 }];
  if (n % 2 === 1 && second.variantId !== first.variantId) items.push({ variantId: second.variantId, quantity: 1 });
  return {
    externalId,
    type: 'pickup',
    customer: { firstName: 'Bench', lastName: `Customer ${n}`, phone: '+15555550123', purchaseCategory: 'rec' },
    items,
  };
}
