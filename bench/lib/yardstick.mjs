// The machine's yardstick: a fixed piece of work, timed at the start and the end of every bench run, so that runs on
// different days (these machines are shared, and not all alike) can be told apart by how fast the machine itself was.
// Measured in a child process of its own, with node's defaults, so that nothing of the bench's own heap is in it.
//
//   cpu: the CPU work of a sync in small: 2,000 feed-like rows (a fixed body, the same in every run) parsed from
//        JSON, each row's text hashed with SHA-256, the rows mapped into objects, indexed and sorted, four times;
//        the median of seven repetitions, in ms (lower is faster)
//   pageFault: the cost of memory the process has not touched before, in µs per 4 kB page: a fresh 64 MB buffer
//        written once (on a virtual machine whose host takes freed memory back, several times a bare machine's)
//
// `measureYardstick()` runs it and returns `{ cpuMs, pageFaultUs }` (null when it could not).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { median } from './measure.mjs';

const ROWS = 2_000;
const REPETITIONS = 7;
/** Reads of the body per repetition. */
const READS = 4;
const PAGE = 4096;
const FRESH_BYTES = 64 * 1024 * 1024;

/** A fixed feed body: the same rows in every run (a linear congruential generator, seeded). */
function body() {
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  const word = () => next().toString(36);
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    productId: `p-${i}-${word()}`,
    variantId: `v-${i}-${word()}`,
    productName: `${word()} ${word()} ${word()}`,
    brand: word(),
    category: ['Flower', 'Edibles', 'Vapes', 'Concentrates'][next() % 4],
    strainName: word(),
    description: Array.from({ length: 40 }, word).join(' '),
    price: (next() % 10_000) / 100,
    quantity: next() % 500,
    potency: { thc: (next() % 3000) / 100, cbd: (next() % 300) / 100 },
    terpenes: Array.from({ length: 4 }, () => ({ name: word(), value: (next() % 100) / 100 })),
  }));
  return JSON.stringify({ status: 200, data: rows });
}

function cpuOnce(text) {
  const started = performance.now();
  for (let read = 0; read < READS; read++) readBody(text);
  return performance.now() - started;
}

function readBody(text) {
  const { data } = JSON.parse(text);
  const byVariant = new Map();
  for (const row of data) {
    const digest = createHash('sha256').update(JSON.stringify(row)).digest('base64');
    byVariant.set(row.variantId, {
      digest,
      name: row.productName.trim(),
      category: row.category.toLowerCase(),
      price: Math.round(row.price * 100),
      quantity: row.quantity,
      thc: row.potency.thc,
      terpenes: row.terpenes.map((terpene) => terpene.name).join(','),
    });
  }
  const sorted = [...byVariant.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (sorted.length !== ROWS) throw new Error('the yardstick lost rows');
}

function pageFaultOnce() {
  const started = performance.now();
  Buffer.allocUnsafeSlow(FRESH_BYTES).fill(1);
  return ((performance.now() - started) * 1000) / (FRESH_BYTES / PAGE);
}

function run() {
  const text = body();
  for (let i = 0; i < 3; i++) cpuOnce(text); // compiled before it is timed
  const cpuMs = median(Array.from({ length: REPETITIONS }, () => cpuOnce(text)));
  const pageFaultUs = median(Array.from({ length: REPETITIONS }, pageFaultOnce));
  return { cpuMs: Math.round(cpuMs * 10) / 10, pageFaultUs: Math.round(pageFaultUs * 100) / 100 };
}

/**
 * The yardstick, measured in a child process of its own; null (and the reason on stderr) when it could not be, so that
 * a run's results are never lost to it.
 */
export function measureYardstick() {
  try {
    const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--run'], { encoding: 'utf8' });
    return JSON.parse(output);
  } catch (error) {
    process.stderr.write(`bench: the yardstick could not be measured: ${error.message}\n`);
    return null;
  }
}

if (process.argv[2] === '--run') process.stdout.write(JSON.stringify(run()));
