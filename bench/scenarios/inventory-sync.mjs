// Scenarios 1 and 2: one store's inventory sync end to end (the simulator over HTTP → PostgreSQL: fetch, parse,
// validate, map, compare, write, run recorded) at 1,000, 10,000 and 50,000 catalogue rows: first sync, unchanged
// re-sync and a re-sync with 5% of the quantities changed, in a syncing process of their own (bench/lib/sync-child.mjs).
// In the same repetitions, interleaved: reference (a), the naive sync, and reference (b), the ceiling. Then the
// worker's peak memory for one sync: a fresh process per sync, its peak RSS read at its end.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inPool, median, result, target } from '../lib/measure.mjs';
import { forkChild, repoRoot } from '../lib/processes.mjs';
import { createScratchDatabase, pgPool, scratchQueuePrefix } from '../lib/scratch.mjs';
import { startSimulator } from '../lib/simulator.mjs';
import { createCeilingTable } from '../references/ceiling-sync.mjs';

export const title = 'Inventory sync, one store';

const SYNC_CHILD = path.join(repoRoot, 'bench/lib/sync-child.mjs');
const CHANGED_SHARE = 0.05;

/** Catalogue sizes, repetitions, and which references run at each size. */
function plan(quick) {
  // Quick: the sizes the targets name, fewer repetitions, one naive run.
  if (quick) {
    return [
      { rows: 10_000, reps: 3, naiveReps: 1, ceiling: true },
      { rows: 50_000, reps: 1, naiveReps: 0, ceiling: false },
    ];
  }
  // The naive sync writes about a thousand rows a second: at 50,000 rows it would take minutes per repetition.
  return [
    { rows: 1_000, reps: 5, naiveReps: 5, ceiling: true },
    { rows: 10_000, reps: 5, naiveReps: 3, ceiling: true },
    { rows: 50_000, reps: 3, naiveReps: 0, ceiling: true },
  ];
}

const rowsPerSecond = (run) => run.fetched / (run.ms / 1000);
const label = (rows) => `${rows / 1000}k`;

export async function run({ quick, serverDatabaseUrl, redisUrl, log }) {
  const database = await createScratchDatabase(serverDatabaseUrl, 'inventory');
  const queue = scratchQueuePrefix(redisUrl, 'inventory');
  const sim = await startSimulator({ heapMb: 2048 });
  const pg = pgPool(database.url);
  const runId = randomBytes(4).toString('hex');
  const encryptionKey = randomBytes(32).toString('base64');
  // Credentials of this run only: the request budget of other users of the same Redis is not shared.
  const credentials = { clientId: `bench-${runId}`, key: randomBytes(12).toString('hex') };
  const location = (rows) => ({ locationId: `bench-${label(rows)}`, ...credentials });
  try {
    await createCeilingTable(pg);
    const warmup = { locationId: 'bench-warmup', ...credentials };
    await sim.addLocation({ ...warmup, rows: 1_000, seed: 99 });
    for (const { rows } of plan(quick)) await sim.addLocation({ ...location(rows), rows, seed: 1 });

    /** A syncing process of the given kind, warmed up on a location of its own (see bench/lib/sync-child.mjs). */
    const startSyncProcess = (mode, name) =>
      forkChild(
        SYNC_CHILD,
        { mode, databaseUrl: database.url, redisUrl, budgetPrefix: queue.budgetPrefix, simUrl: sim.url, encryptionKey, warmup, warmupStoreId: `warmup-${name}` },
        { name: `sync-${name}` },
      );

    const results = [];
    const targets = [];
    const details = {};
    for (const { rows, reps, naiveReps, ceiling } of plan(quick)) {
      const runs = { first: [], unchanged: [], changed: [], naive: [], ceiling: [], pairs: [] };
      const peaks = {};
      // One process per way of syncing for this size, like a worker that syncs store after store: its peak
      // memory is the peak over all of its syncs of this size.
      const kinds = ['product', ...(naiveReps > 0 ? ['naive'] : []), ...(ceiling ? ['ceiling'] : [])];
      const processes = {};
      try {
        for (const mode of kinds) processes[mode] = await startSyncProcess(mode, `${mode}-${label(rows)}`);
        for (let rep = 0; rep < reps; rep++) {
          const name = `${label(rows)}-${rep}`;
          const sync = (mode) => processes[mode].ask({ sync: { storeId: `${mode}-${name}`, location: location(rows) } });
          // The first syncs in a rotating order, so that a slow moment of the machine does not always hit the same one.
          const modes = kinds.filter((mode) => mode !== 'naive' || rep < naiveReps);
          const pair = {};
          for (const mode of modes.map((_, i) => modes[(i + rep) % modes.length])) {
            pair[mode] = await sync(mode);
            runs[mode === 'product' ? 'first' : mode].push(pair[mode]);
          }
          pair.unchanged = await sync('product');
          runs.unchanged.push(pair.unchanged);
          await changeQuantities(sim, pg, location(rows).locationId, `product-${name}`, rep);
          const changed = await sync('product');
          runs.changed.push(changed);
          runs.pairs.push(pair);
          log(
            `  ${label(rows)} rep ${rep + 1}/${reps}: first ${Math.round(pair.product.ms)} ms, unchanged ${Math.round(pair.unchanged.ms)} ms, ` +
              `5% changed ${Math.round(changed.ms)} ms (${changed.written} written), peak so far ${Math.round(changed.maxRssMb)} MB` +
              (pair.naive ? `, naive ${Math.round(pair.naive.ms)} ms` : '') +
              (pair.ceiling ? `, ceiling ${Math.round(pair.ceiling.ms)} ms` : ''),
          );
        }
        for (const mode of kinds) peaks[mode] = (await processes[mode].ask({ finish: true })).maxRssMb;
      } finally {
        for (const child of Object.values(processes)) child.kill();
      }

      // The worker's peak memory for one sync, measured as the target asks: a process of its own runs the sync
      // (after the warm-up) and reports its peak RSS at the end. A first sync and an unchanged re-sync, each alone.
      const oneSyncPeaks = { first: [], unchanged: [] };
      const memoryReps = quick ? (rows === 50_000 ? 1 : 0) : 2;
      for (let rep = 0; rep < memoryReps; rep++) {
        const storeId = `memory-${label(rows)}-${rep}`;
        for (const kind of ['first', 'unchanged']) {
          const child = await startSyncProcess('product', `memory-${kind}-${label(rows)}-${rep}`);
          try {
            await child.ask({ sync: { storeId, location: location(rows) } });
            oneSyncPeaks[kind].push((await child.ask({ finish: true })).maxRssMb);
          } finally {
            child.kill();
          }
        }
      }
      const oneSyncPeakMb = median(oneSyncPeaks.first.map((mb, i) => Math.max(mb, oneSyncPeaks.unchanged[i])));

      const speed = (list) => median(list.map(rowsPerSecond));
      const feedRows = runs.first[0].fetched;
      const where = `${rows.toLocaleString('en-US')}-row location (${feedRows.toLocaleString('en-US')} rows in stock)`;
      results.push(
        result(`sync ${where}: first sync`, speed(runs.first), 'rows/s', { medianMs: Math.round(median(runs.first.map((r) => r.ms))), reps }),
        result(`sync ${where}: unchanged re-sync`, speed(runs.unchanged), 'rows/s', { medianMs: Math.round(median(runs.unchanged.map((r) => r.ms))), reps }),
        result(`sync ${where}: re-sync, 5% changed`, speed(runs.changed), 'rows/s', { medianMs: Math.round(median(runs.changed.map((r) => r.ms))), reps }),
      );
      if (memoryReps > 0) results.push(result(`sync ${where}: worker peak RSS, one sync per process (higher of first sync and unchanged re-sync)`, oneSyncPeakMb, 'MB'));
      results.push(result(`sync ${where}: worker peak RSS, ${reps * 3} syncs back to back in one process`, peaks.product, 'MB'));
      if (runs.naive.length > 0) results.push(result(`sync ${where}: reference (a) naive, first sync`, speed(runs.naive), 'rows/s', { reps: runs.naive.length }));
      if (runs.ceiling.length > 0) results.push(result(`sync ${where}: reference (b) ceiling`, speed(runs.ceiling), 'rows/s', { reps: runs.ceiling.length }));

      // Ratios within each repetition (same moment of the machine), then their median.
      // speedRatio(a, b): how many times faster a is than b (same rows, so b's time over a's).
      const speedRatio = (a, b) => median(runs.pairs.filter((p) => p[a] && p[b]).map((p) => p[b].ms / p[a].ms));
      const overNaive = speedRatio('product', 'naive');
      const ofCeiling = speedRatio('product', 'ceiling');
      const unchangedOverFirst = speedRatio('unchanged', 'product');
      if (runs.naive.length > 0) results.push(result(`sync ${where}: first sync speed ÷ naive`, overNaive, '×'));
      if (runs.ceiling.length > 0) results.push(result(`sync ${where}: first sync speed ÷ ceiling`, ofCeiling, 'fraction'));
      results.push(result(`sync ${where}: unchanged re-sync speed ÷ first sync`, unchangedOverFirst, '×'));

      if (rows === 10_000) {
        targets.push(
          target('10,000-row first sync vs the naive sync', { target: 5, value: overNaive, unit: '×', atLeast: true }),
          target('10,000-row first sync vs the ceiling', { target: 0.4, value: ofCeiling, unit: '', atLeast: true }),
          target('unchanged re-sync vs first sync (10,000 rows)', { target: 2, value: unchangedOverFirst, unit: '×', atLeast: true }),
        );
      }
      if (rows === 50_000) targets.push(target('50,000-row sync: worker peak memory', { target: 512, value: oneSyncPeakMb, unit: 'MB', atLeast: false }));
      details[label(rows)] = {
        feedRows,
        phasesMs: Object.fromEntries(['first', 'unchanged', 'changed'].map((kind) => [kind, medianPhases(runs[kind])])),
        runsMs: Object.fromEntries(Object.entries(runs).filter(([kind]) => kind !== 'pairs').map(([kind, list]) => [kind, list.map((r) => Math.round(r.ms))])),
        // Per sync process alone (first, unchanged), and per process that ran this size's repetitions.
        peakRssMb: {
          oneSync: Object.fromEntries(Object.entries(oneSyncPeaks).map(([kind, list]) => [kind, list.map(Math.round)])),
          backToBack: Object.fromEntries(Object.entries(peaks).map(([mode, mb]) => [mode, Math.round(mb)])),
        },
      };
    }
    return { results, targets, details };
  } finally {
    await pg.end();
    await sim.close();
    await database.drop();
    await queue.drop();
  }
}

function medianPhases(runs) {
  if (!runs[0]?.phases) return undefined;
  return Object.fromEntries(Object.keys(runs[0].phases).map((phase) => [phase, Math.round(median(runs.map((r) => r.phases[phase])))]));
}

/** Changes the quantity of every 20th product of the store in the simulator (Flowhub's side), through its admin API. */
async function changeQuantities(sim, pg, locationId, storeId, rep) {
  const { rows } = await pg.query('SELECT variant_id, pos_quantity FROM products WHERE store_id = $1 AND active ORDER BY variant_id', [storeId]);
  const every = Math.round(1 / CHANGED_SHARE);
  const chosen = rows.filter((_, i) => i % every === rep % every);
  await inPool(chosen, 16, (row) => sim.setQuantity(locationId, row.variant_id, Math.round(row.pos_quantity) + 1 + rep));
}

/** The targets this scenario reports (listed as not measured when it cannot run). */
export const targets = [
  { name: '10,000-row first sync vs the naive sync', target: '≥ 5 ×' },
  { name: '10,000-row first sync vs the ceiling', target: '≥ 0.4' },
  { name: 'unchanged re-sync vs first sync (10,000 rows)', target: '≥ 2 ×' },
  { name: '50,000-row sync: worker peak memory', target: '< 512 MB' },
];
