/*
 * Benchmark (not a test): a 50,000-row inventory answer, parsed and validated.
 * Run: `npm run bench -w @flowhub-sync/flowhub-client` (compiles, then runs under plain Node).
 *
 * Each measurement runs in a fresh Node process, reading the body from a file (a Buffer, off the JS
 * heap, as a network answer would be), so that peak memory is that process's own high-water mark:
 *   stream   getInventory() over local HTTP: row splitter, JSON.parse per row, validation (the real client path);
 *   whole    for comparison, what a naive client does: axios reads the whole JSON, then validation;
 *   validate checkInventoryRow alone over already-parsed rows (median of 5 runs).
 * Prints a table and writes the numbers to $BENCH_RESULTS_DIR (default: the system temp folder).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { createFlowhubClient } from '../flowhub-client';
import { checkInventoryRow } from '../inventory-row';
import { rawInventoryRow } from './inventory-fixtures';

const ROWS = 50_000;
type Scenario = 'stream' | 'whole' | 'validate';
interface Measurement {
  scenario: Scenario;
  ms: number;
  /** Peak resident memory added by the work, over the process with the body loaded. */
  peakRssMb: number | null;
  /** JS heap still held after the work (its result), after a full GC. */
  keptHeapMb: number | null;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function settledHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function serve(body: Buffer): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    // Kept-alive sockets would hold on to the last answer's stream (and whatever listens to it).
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

async function measure(scenario: Scenario, bodyFile: string): Promise<Measurement> {
  const body = readFileSync(bodyFile);
  if (scenario === 'validate') {
    const rows = (JSON.parse(body.toString('utf8')) as { data: unknown[] }).data;
    const times: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      const valid = rows.map((row) => checkInventoryRow(row)).filter((check) => check.ok).length;
      times.push(performance.now() - started);
      if (valid !== ROWS - ROWS / 100) throw new Error(`expected ${ROWS - ROWS / 100} valid rows, got ${valid}`);
    }
    return { scenario, ms: times.sort((a, b) => a - b)[2], peakRssMb: null, keptHeapMb: null };
  }

  const server = await serve(body);
  const credentials = { clientId: 'bench', apiKey: 'bench-key', locationId: 'loc-1' };
  const client = createFlowhubClient({ apiUrl: server.url, authUrl: server.url });
  const work =
    scenario === 'stream'
      ? async () => (await client.getInventory(credentials, { byRooms: false })).rows
      : async () => {
          const answer = await axios.get<{ data: unknown[] }>(`${server.url}/v0/locations/loc-1/inventoryNonZero`);
          return answer.data.data.map((row) => checkInventoryRow(row)).flatMap((check) => (check.ok ? [check.row] : []));
        };
  const baseHeap = settledHeap();
  const baseRss = process.memoryUsage().rss;
  await work(); // warm-up: the JIT and the socket
  const started = performance.now();
  const rows = await work(); // held, as the worker holds them, while the heap is measured
  const ms = performance.now() - started;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  await server.close();
  /x/.test('x'); // RegExp.input would otherwise hold on to the last string a regexp saw (axios' whole text)
  const keptHeapMb = mb(settledHeap() - baseHeap);
  if (rows.length !== ROWS - ROWS / 100) throw new Error(`expected ${ROWS - ROWS / 100} valid rows, got ${rows.length}`);
  return { scenario, ms, peakRssMb: mb(peakRss - baseRss), keptHeapMb };
}

function main(): void {
  const bodyFile = join(tmpdir(), `flowhub-inventory-${ROWS}.json`);
  // Every 100th row is broken, as real feeds are; quantities come as strings.
  const data = Array.from({ length: ROWS }, (_, index) =>
    rawInventoryRow(index, index % 100 === 0 ? { quantity: 'n/a' } : { quantity: String(index % 30) }),
  );
  writeFileSync(bodyFile, JSON.stringify({ status: 200, data }));
  const bodyMb = mb(readFileSync(bodyFile).length);

  const measurements = (['stream', 'whole', 'validate'] as const).map((scenario) => {
    const output = execFileSync(process.execPath, ['--expose-gc', __filename, scenario, bodyFile], { encoding: 'utf8' });
    return JSON.parse(output) as Measurement;
  });

  const labels: Record<Scenario, string> = {
    stream: 'getInventory (HTTP, row splitter, validation)',
    whole: 'naive: axios whole JSON, then validation',
    validate: 'validation alone (checkInventoryRow)',
  };
  process.stdout.write(`\n${ROWS} rows, ${bodyMb} MB of JSON, Node ${process.version}\n`);
  process.stdout.write(`${'step'.padEnd(48)} ${'time'.padStart(8)} ${'peak RSS added'.padStart(16)} ${'heap kept'.padStart(11)}\n`);
  for (const m of measurements) {
    const peak = m.peakRssMb === null ? '-' : `${m.peakRssMb} MB`;
    const kept = m.keptHeapMb === null ? '-' : `${m.keptHeapMb} MB`;
    process.stdout.write(
      `${labels[m.scenario].padEnd(48)} ${`${Math.round(m.ms)} ms`.padStart(8)} ${peak.padStart(16)} ${kept.padStart(11)}\n`,
    );
  }
  const resultsFile = join(process.env.BENCH_RESULTS_DIR ?? tmpdir(), 'flowhub-client-inventory-parse.json');
  writeFileSync(resultsFile, JSON.stringify({ rows: ROWS, bodyMb, node: process.version, measurements }, null, 2));
  process.stdout.write(`results: ${resultsFile}\n`);
}

const [scenario, bodyFile] = process.argv.slice(2);
if (scenario) {
  measure(scenario as Scenario, bodyFile).then(
    (measurement) => process.stdout.write(JSON.stringify(measurement)),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  main();
}
