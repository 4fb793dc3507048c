#!/usr/bin/env node
// Benchmark (not a test): one store's inventory sync against a 10,000-row location of the Flowhub simulator
// (its own process, as Flowhub would be), through the built sync (@flowhub-sync/inventory-sync) and a real
// PostgreSQL. Times a first sync (every row created), an unchanged
// re-sync (nothing written) and a re-sync where a tenth of the quantities moved; prints a table and writes
// bench/results/inventory-sync.json at the repository root ($BENCH_RESULTS_DIR/inventory-sync.json when set).
//   DATABASE_URL=postgresql://… npm run bench -w @flowhub-sync/inventory-worker
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const require = createRequire(import.meta.url);
const { syncStore } = require('@flowhub-sync/inventory-sync');
// A scratch database of its own (cloned from the migrated template), its Prisma and SQL pools as the worker's.
const { createTestDatabase } = require('@flowhub-sync/db/testing');
const { createSecretBox } = require('@flowhub-sync/config');
const { createFlowhubClient } = require('@flowhub-sync/flowhub-client');

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const RUNS = 3;
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write('sync.bench: DATABASE_URL must name a PostgreSQL server where a scratch database may be created\n');
  process.exit(1);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The simulator's built main, serving the demo location with ROWS rows. */
async function startSimulatorProcess() {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps/flowhub-sim/dist/main.js')], {
    env: { PATH: process.env.PATH, SIM_PORT: String(port), SIM_ROWS: String(ROWS), SIM_SEED: '1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error('the simulator exited at start (is apps/flowhub-sim built? npm run build)');
    try {
      if ((await fetch(`${url}/__sim/state`)).ok) break;
    } catch {
      // not listening yet
    }
    if (waited > 30_000) throw new Error('the simulator did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, close: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

async function setQuantity(simUrl, variantId, quantity) {
  const response = await fetch(`${simUrl}/__sim/locations/demo-location/products/${encodeURIComponent(variantId)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ quantity }),
  });
  if (!response.ok) throw new Error(`the simulator refused a quantity change: ${response.status}`);
}

const silent = { info() {}, warn() {}, error() {} };
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const database = await createTestDatabase();
  const sim = await startSimulatorProcess();
  const { prisma, sql } = database;
  try {
    const secrets = createSecretBox(randomBytes(32).toString('base64'));
    const deps = { prisma, sql, secrets, logger: silent, flowhub: createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url }) };

    /** One sync, timed, with the time spent in each phase (from the progress it reports). */
    async function timedSync(storeId) {
      const marks = [];
      const started = performance.now();
      const outcome = await syncStore(deps, {
        storeId,
        trigger: 'manual',
        acceptShrink: false,
        onProgress: ({ phase }) => marks.push([phase, performance.now()]),
      });
      const ms = performance.now() - started;
      const at = (phase) => marks.find(([name]) => name === phase)?.[1];
      return {
        ms,
        counts: outcome.counts,
        phases: {
          fetchMs: at('mapping') - at('fetching'),
          mapAndCompareMs: at('writing') - at('mapping'),
          writeMs: at('finishing') - at('writing'),
        },
      };
    }

    const scenarios = { firstSync: [], unchangedResync: [], tenthChanged: [] };
    for (let run = 0; run < RUNS; run++) {
      const storeId = `bench-${run}`;
      await prisma.store.create({
        data: {
          id: storeId,
          enabled: true,
          clientId: 'demo-client',
          locationId: 'demo-location',
          apiKeyEncrypted: secrets.encrypt('demo-key'),
        },
      });
      scenarios.firstSync.push(await timedSync(storeId));
      scenarios.unchangedResync.push(await timedSync(storeId));
      const products = await prisma.product.findMany({ where: { storeId }, select: { variantId: true }, orderBy: { variantId: 'asc' } });
      const changed = products.filter((_, i) => i % 10 === run).map(({ variantId }, i) => [variantId, 1 + ((i * 7) % 50) + run * 100]);
      for (let i = 0; i < changed.length; i += 25)
        await Promise.all(changed.slice(i, i + 25).map(([id, quantity]) => setQuantity(sim.url, id, quantity)));
      scenarios.tenthChanged.push(await timedSync(storeId));
    }

    const summary = Object.fromEntries(
      Object.entries(scenarios).map(([name, runs]) => {
        const ms = median(runs.map((r) => r.ms));
        const typical = runs.find((r) => r.ms === ms);
        return [
          name,
          {
            rows: typical.counts.kept,
            medianMs: Math.round(ms),
            itemsPerSecond: Math.round(typical.counts.kept / (ms / 1000)),
            written: typical.counts.created + typical.counts.updated,
            phasesMs: Object.fromEntries(Object.entries(typical.phases).map(([phase, value]) => [phase, Math.round(value)])),
            runsMs: runs.map((r) => Math.round(r.ms)),
          },
        ];
      }),
    );
    const result = {
      benchmark: 'inventory-sync',
      rows: ROWS,
      runs: RUNS,
      measuredAt: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
      scenarios: summary,
    };
    const dir = process.env.BENCH_RESULTS_DIR ?? path.join(repoRoot, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'inventory-sync.json');
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    console.log(`inventory sync of a ${ROWS}-row location (median of ${RUNS}; load average ${result.loadAverage.join(' ')})`);
    console.table(
      Object.fromEntries(
        Object.entries(summary).map(([name, s]) => [
          name,
          {
            'items/s': s.itemsPerSecond,
            ms: s.medianMs,
            written: s.written,
            'fetch ms': s.phasesMs.fetchMs,
            'map+compare ms': s.phasesMs.mapAndCompareMs,
            'write ms': s.phasesMs.writeMs,
          },
        ]),
      ),
    );
    console.log(`written to ${path.relative(process.cwd(), file) || file}`);
  } finally {
    await sim.close();
    await database.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`sync.bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
