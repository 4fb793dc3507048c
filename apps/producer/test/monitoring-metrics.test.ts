// Every metric the alerting rules (deploy/prometheus/alerts.yml) and the Grafana dashboard (deploy/grafana/) query
// exists on the product's /metrics: the three built processes (`npx turbo run build` first; `npm test` builds them)
// against the Flowhub simulator, with a store enabled, synced and one order pushed, so that per-store series and
// both workers' Flowhub request counts exist. Scraped as deploy/prometheus/prometheus.yml does, with METRICS_TOKEN.
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import {
  freePort,
  metricSample,
  repoRoot,
  serviceUrls,
  startApp,
  testEncryptionKey,
  uniqueQueuePrefix,
  waitFor,
  waitForHttp,
  type RunningApp,
} from '@flowhub-sync/testing';
import { alertRules, dashboardExpressions, exposedSeriesNames, metricNamesIn, scrapeJobs } from './monitoring-queries';

const API_TOKEN = 'monitoring-api-token-0123456789';
const METRICS_TOKEN = 'monitoring-metrics-token-0123456789';
const STORE = 'monitored-store';
const PROCESSES = ['producer', 'inventory-worker', 'order-worker'] as const;
type ProcessName = (typeof PROCESSES)[number];

let sim: RunningSimulator;
let db: TestDatabase;
const prefix = uniqueQueuePrefix('monitoring');
const running: RunningApp[] = [];
const metricsUrls = {} as Record<ProcessName, string>;
let apiUrl: string;

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${apiUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

beforeAll(async () => {
  for (const name of PROCESSES) {
    if (!fs.existsSync(path.join(repoRoot, 'apps', name, 'dist', 'main.js'))) {
      throw new Error(`apps/${name} is not built: run \`npx turbo run build\` first (npm test builds every workspace)`);
    }
  }
  [sim, db] = await Promise.all([startSimulator({ rows: 200, seed: 11, lifecycle: { cancelShare: 0 } }), createTestDatabase()]);
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...serviceUrls(),
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    FLOWHUB_API_URL: sim.url,
    FLOWHUB_AUTH_URL: sim.url,
    API_TOKEN,
    METRICS_TOKEN,
    ENCRYPTION_KEY: testEncryptionKey(),
    BULL_BOARD_USER: 'ops',
    BULL_BOARD_PASSWORD: 'monitoring-board-password',
    PORT: String(port),
    INVENTORY_SYNC_EVERY_MS: '600000',
    STATUS_POLL_EVERY_MS: '600000',
    LOG_LEVEL: 'warn',
  };
  await Promise.all(
    PROCESSES.map(async (name) => {
      const healthPort = name === 'producer' ? port : await freePort();
      const app = startApp(name, { ...env, HEALTH_PORT: String(healthPort) });
      running.push(app);
      metricsUrls[name] = `http://127.0.0.1:${healthPort}/metrics`;
      await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, { timeoutMs: 60_000 }).catch((error: Error) => {
        throw new Error(`${name} did not get ready: ${error.message}\n${app.output().slice(-2000)}`);
      });
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((app) => app.stop('SIGTERM', 15_000)));
  await sim?.close();
  await db?.drop().catch(() => undefined);
  const redis = new Redis(serviceUrls().REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}, 60_000);

/** A store that syncs its menu and orders with the simulator's demo location; one order pushed into Flowhub. */
async function enableStoreWithAPushedOrder() {
  const enabled = await api('PUT', `/v1/stores/${STORE}/flowhub?verify=false`, {
    enabled: true,
    clientId: 'demo-client',
    apiKey: 'demo-key',
    locationId: 'demo-location',
    syncOrders: true,
    orderAheadClientId: 'demo-oa-client',
    orderAheadToken: 'demo-oa-secret',
  });
  expect(enabled.status).toBe(200);
  await waitFor(
    async () => (await api('GET', `/v1/stores/${STORE}/syncs`)).body?.items?.some((run: { status: string }) => run.status === 'succeeded'),
    {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: "the store's first sync",
    },
  );
  const products = (await api('GET', `/v1/stores/${STORE}/products?sellable=true&limit=200`)).body.items as {
    variantId: string;
    soldByWeight: boolean;
    purchaseCategory: string;
  }[];
  const product = products.find((item) => !item.soldByWeight && item.purchaseCategory === 'rec');
  expect(product).toBeDefined();
  const order = await api('POST', `/v1/stores/${STORE}/orders`, {
    externalId: 'MON-1',
    status: 'confirmed',
    type: 'pickup',
    customer: { id: 'cust-1', firstName: 'Ada', lastName: 'Lovelace', phone: '+15555550123', purchaseCategory: 'rec' },
    items: [{ variantId: product!.variantId, quantity: 1 }],
  });
  expect(order.status).toBe(201);
  await waitFor(async () => (await api('GET', `/v1/stores/${STORE}/orders/MON-1`)).body?.push?.state === 'pushed', {
    timeoutMs: 60_000,
    intervalMs: 250,
    what: 'the order to be pushed to Flowhub',
  });
}

async function scrape(name: ProcessName): Promise<string> {
  const response = await fetch(metricsUrls[name], { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  // What Prometheus needs for `up` to be 1: a 200 in its text format.
  expect({ name, status: response.status }).toEqual({ name, status: 200 });
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

it("every metric the alerting rules and the dashboard query is on the processes' /metrics, per-store series included", async () => {
  await enableStoreWithAPushedOrder();
  const texts = Object.fromEntries(await Promise.all(PROCESSES.map(async (name) => [name, await scrape(name)] as const))) as Record<
    ProcessName,
    string
  >;
  const exposed = new Set(PROCESSES.flatMap((name) => [...exposedSeriesNames(texts[name])]));

  const queried = new Map<string, string[]>();
  const note = (name: string, where: string) => queried.set(name, [...(queried.get(name) ?? []), where]);
  for (const rule of alertRules()) for (const name of metricNamesIn(rule.expr)) note(name, `alert ${rule.alert}`);
  for (const expr of dashboardExpressions()) for (const name of metricNamesIn(expr)) note(name, 'the dashboard');
  expect(queried.size).toBeGreaterThan(10);

  // `up` is Prometheus' own, one per target: the three processes answered its scrape above, under the jobs the rules name.
  expect(queried.has('up')).toBe(true);
  expect(scrapeJobs().sort()).toEqual(['flowhub-sync-inventory-worker', 'flowhub-sync-order-worker', 'flowhub-sync-producer']);
  queried.delete('up');
  const missing = [...queried].filter(([name]) => !exposed.has(name)).map(([name, where]) => `${name} (${[...new Set(where)].join(', ')})`);
  expect(missing).toEqual([]);

  // The per-store series the store alerts and panels read exist for the enabled store.
  expect(metricSample(texts.producer, 'flowhub_sync_store_last_good_sync_age_seconds', { store: STORE })).toBeGreaterThanOrEqual(0);
  expect(metricSample(texts.producer, 'flowhub_sync_orders_by_push_state', { store: STORE, push_state: 'pushed' })).toBe(1);
  expect(metricSample(texts.producer, 'flowhub_sync_orders_by_push_state', { store: STORE, push_state: 'needs_reconciliation' })).toBe(0);
  expect(metricSample(texts.producer, 'flowhub_sync_queue_jobs', { queue: 'inventory-sync', state: 'waiting' })).toBeDefined();
  // Both workers count their Flowhub requests under one name and one set of labels.
  expect(
    metricSample(texts['inventory-worker'], 'flowhub_sync_flowhub_requests_total', { endpoint: 'inventoryNonZero', status: '200' }),
  ).toBeGreaterThanOrEqual(1);
  expect(metricSample(texts['order-worker'], 'flowhub_sync_flowhub_requests_total', { endpoint: 'createOrder' })).toBeGreaterThanOrEqual(1);
  expect(metricSample(texts['order-worker'], 'flowhub_sync_order_pushes_total', { outcome: 'pushed' })).toBe(1);
  // Nothing a store sends ends up in a label: store ids only in the producer's two per-store gauges.
  for (const name of ['inventory-worker', 'order-worker'] as const) expect(texts[name]).not.toContain(STORE);
}, 180_000);

it('/metrics answers only with METRICS_TOKEN when it is set (the scrape configuration must send it)', async () => {
  for (const name of PROCESSES) expect({ name, status: (await fetch(metricsUrls[name])).status }).toEqual({ name, status: 401 });
});
