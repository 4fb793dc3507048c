// The reliability scenarios' kit: the built producer and workers as real processes, the simulator in-process,
// a database and queue prefix of the scenario's own, and the figures each scenario records for docs/RELIABILITY.md.
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { LIVELY_BEHAVIOUR, startSimulator, type RunningSimulator, type SimulatorOptions } from '@flowhub-sync/flowhub-sim';
import {
  freePort,
  serviceUrls,
  startApp,
  testEncryptionKey,
  uniqueQueuePrefix,
  waitFor,
  waitForHttp,
  type RunningApp,
} from '@flowhub-sync/testing';

export const API_TOKEN = 'reliability-api-token-0123456789';
export const RESULTS_DIR = process.env.RELIABILITY_RESULTS_DIR ?? path.join(__dirname, '.results');

export interface Figure {
  scenario: string;
  injected: string;
  checked: string;
  result: 'passed' | 'failed';
  figure: string;
}

/** Records one scenario's outcome for the report (the runner turns the files into docs/RELIABILITY.md). */
export function recordFigure(figure: Figure) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${figure.scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`);
  fs.writeFileSync(file, JSON.stringify(figure, null, 2));
}

/** Runs a scenario body and records its figure as passed, or as failed with the reason, then rethrows. */
export async function scenario(meta: Omit<Figure, 'result' | 'figure'>, body: () => Promise<string>) {
  try {
    const figure = await body();
    recordFigure({ ...meta, result: 'passed', figure });
  } catch (error) {
    recordFigure({ ...meta, result: 'failed', figure: `failed: ${(error as Error).message.split('\n')[0].slice(0, 300)}` });
    throw error;
  }
}

export interface Stack {
  sim: RunningSimulator;
  db: TestDatabase;
  prefix: string;
  apiUrl: string;
  env: Record<string, string>;
  apps: Partial<Record<'producer' | 'inventory-worker' | 'order-worker', RunningApp>>;
  start(name: 'producer' | 'inventory-worker' | 'order-worker', extraEnv?: Record<string, string>): Promise<RunningApp>;
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The simulator, a database and the three processes, configured as production would be (schedules shortened). The
 * simulator runs with its invented behaviours on (LIVELY_BEHAVIOUR: lifecycles, postbacks, gateway pages, token expiry).
 */
export async function startStack(
  options: { sim?: SimulatorOptions; redisUrl?: string; env?: Record<string, string> } = {},
): Promise<Stack> {
  const [sim, db] = await Promise.all([
    startSimulator({ rows: 500, seed: 3, ...options.sim, behaviour: { ...LIVELY_BEHAVIOUR, ...options.sim?.behaviour } }),
    createTestDatabase(),
  ]);
  const prefix = uniqueQueuePrefix('reliability');
  const port = await freePort();
  const env: Record<string, string> = {
    REDIS_URL: options.redisUrl ?? serviceUrls().REDIS_URL,
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    FLOWHUB_API_URL: sim.url,
    FLOWHUB_AUTH_URL: sim.url,
    API_TOKEN,
    ENCRYPTION_KEY: testEncryptionKey(),
    BULL_BOARD_USER: 'ops',
    BULL_BOARD_PASSWORD: 'reliability-board-password',
    PORT: String(port),
    INVENTORY_SYNC_EVERY_MS: '600000',
    STATUS_POLL_EVERY_MS: '600000',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const apiUrl = `http://127.0.0.1:${port}`;
  const apps: Stack['apps'] = {};
  const stack: Stack = {
    sim,
    db,
    prefix,
    apiUrl,
    env,
    apps,
    async start(name, extraEnv = {}) {
      const healthPort = await freePort();
      const app = startApp(name, { ...env, HEALTH_PORT: String(healthPort), ...extraEnv });
      apps[name] = app;
      const ready = name === 'producer' ? `${apiUrl}/readyz` : `http://127.0.0.1:${healthPort}/readyz`;
      await waitForHttp(ready, { timeoutMs: 60_000 }).catch((error) => {
        throw new Error(`${name} did not get ready: ${(error as Error).message}\n${app.output().slice(-2000)}`);
      });
      return app;
    },
    async api(method, route, body) {
      const response = await fetch(`${apiUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: response.status, body: parsed };
    },
    async close() {
      await Promise.all(Object.values(apps).map((app) => app?.stop('SIGKILL')));
      await sim.close();
      await db.drop().catch(() => undefined);
    },
  };
  return stack;
}

/** Enables a store on a simulator location through the API (credentials not verified: the scenarios break them on purpose). */
export async function enableStore(
  stack: Stack,
  storeId: string,
  location: { locationId?: string; clientId?: string; apiKey?: string; syncOrders?: boolean } = {},
) {
  const { locationId = 'demo-location', clientId = 'demo-client', apiKey = 'demo-key', syncOrders = false } = location;
  const response = await stack.api('PUT', `/v1/stores/${storeId}/flowhub?verify=false`, {
    enabled: true,
    clientId,
    apiKey,
    locationId,
    ...(syncOrders ? { syncOrders: true, orderAheadClientId: 'demo-oa-client', orderAheadToken: 'demo-oa-secret' } : {}),
  });
  if (response.status !== 200) throw new Error(`enabling ${storeId}: ${response.status} ${JSON.stringify(response.body)}`);
}

export const syncRuns = async (stack: Stack, storeId: string): Promise<any[]> =>
  (await stack.api('GET', `/v1/stores/${storeId}/syncs`)).body.items ?? [];

/** Waits for the store's newest sync run to end (one not in `known`), and returns it. */
export async function settledRun(stack: Stack, storeId: string, options: { known?: string[]; timeoutMs?: number } = {}) {
  return waitFor(
    async () => {
      const [newest] = await syncRuns(stack, storeId);
      return newest && ['succeeded', 'failed', 'suspicious'].includes(newest.status) && !(options.known ?? []).includes(newest.id)
        ? newest
        : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 120_000, intervalMs: 250, what: `a finished sync run of ${storeId}` },
  );
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
