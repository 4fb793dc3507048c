// Scenarios 1 and 2: one store's inventory sync end to end (the simulator over HTTP → PostgreSQL: fetch, parse,
// validate, map, compare, write, run recorded) at 1,000, 10,000 and 50,000 catalogue rows: first sync, unchanged
// re-sync and a re-sync with 5% of the quantities changed, in a syncing process of their own (bench/lib/sync-child.mjs).
// In the same repetitions, interleaved: reference (a), the naive sync (Prisma per row), reference (b), the ceiling,
// reference (c), plain per-row (pg per row), and reference (d), fetch-only (the floor); and at 10,000 rows the first
// sync of a fresh process (warmed up only by the product's warm-up, as the worker boots) and of a fresh process with
// no warm-up at all. Then the worker's peak memory for one sync: a fresh process per sync, its peak RSS read at its end.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inPool, median, result, round, target } from '../lib/measure.mjs';
import { forkChild, repoRoot } from '../lib/processes.mjs';
import { appNodeFlags } from '../../scripts/app-node-flags.cjs';
import { createScratchDatabase, fromProduct, pgPool, scratchQueuePrefix } from '../lib/scratch.mjs';
import { startSimulator } from '../lib/simulator.mjs';
import { createCeilingTable } from '../references/ceiling-sync.mjs';

export const title = 'Inventory sync, one store';

const SYNC_CHILD = path.join(repoRoot, 'bench/lib/sync-child.mjs');
const CHANGED_SHARE = 0.05;

/**
 * Catalogue sizes, repetitions, and which references run at each size (in how many of the repetitions: naiveReps,
 * plainReps, freshReps; `ceiling` and `fetchOnly` in all of them).
 */
function plan(quick) {
  // Quick: the sizes the targets name, fewer references, one naive run. The re-syncs keep the full run's five
  // repetitions at 10,000 rows: a process's first re-sync is its slowest (docs/PERFORMANCE.md), and with three it
  // weighed a third of the median.
  if (quick) {
    return [
      { rows: 10_000, reps: 5, naiveReps: 1, plainReps: 2, ceiling: true, fetchOnly: true, freshReps: 3 },
      { rows: 50_000, reps: 1, naiveReps: 0, plainReps: 0, ceiling: false, fetchOnly: false, freshReps: 0 },
    ];
  }
  // The naive sync writes about a thousand rows a second, plain per-row a few thousand: at 50,000 rows they would take
  // minutes per repetition.
  return [
    { rows: 1_000, reps: 5, naiveReps: 5, plainReps: 5, ceiling: true, fetchOnly: true, freshReps: 0 },
    { rows: 10_000, reps: 5, naiveReps: 3, plainReps: 3, ceiling: true, fetchOnly: true, freshReps: 5 },
    { rows: 50_000, reps: 3, naiveReps: 0, plainReps: 0, ceiling: true, fetchOnly: false, freshReps: 0 },
  ];
}

/** The modes of bench/lib/sync-child.mjs that run the product's sync. */
const PRODUCT_MODES = new Set(['product', 'fresh', 'cold']);

/** The syncs a repetition runs once each, in a rotating order (`product` is the first sync of the warm process). */
const RUN_NAMES = {
  product: 'first',
  naive: 'naive',
  ceiling: 'ceiling',
  plain: 'plain',
  fetch: 'fetchOnly',
  fresh: 'fresh',
  cold: 'cold',
};

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
  const secrets = fromProduct('@flowhub-sync/config').createSecretBox(encryptionKey);
  try {
    await createCeilingTable(pg);
    const warmup = { locationId: 'bench-warmup', ...credentials };
    await sim.addLocation({ ...warmup, rows: 1_000, seed: 99 });
    for (const { rows } of plan(quick)) await sim.addLocation({ ...location(rows), rows, seed: 1 });

    /**
     * A syncing process of the given kind, warmed up on a location of its own (see bench/lib/sync-child.mjs). The
     * product's (`product`, `fresh`, `cold`) runs with the inventory worker's node flags, as the worker runs; the
     * references with node's defaults.
     */
    const startSyncProcess = (mode, name, execArgv = []) =>
      forkChild(
        SYNC_CHILD,
        {
          mode,
          databaseUrl: database.url,
          redisUrl,
          budgetPrefix: queue.budgetPrefix,
          simUrl: sim.url,
          encryptionKey,
          warmup,
          warmupStoreId: `warmup-${name}`,
        },
        { name: `sync-${name}`, execArgv: [...(PRODUCT_MODES.has(mode) ? appNodeFlags(repoRoot, 'inventory-worker') : []), ...execArgv] },
      );

    /**
     * The first sync of a store in a process that has synced nothing: started for it (`fresh`: warmed up by the product's
     * warm-up only; `cold`: not at all), then ended. Its store row is made here, so that the process runs nothing before.
     */
    const freshProcessSync = async (mode, storeId, where) => {
      await pg.query(
        'INSERT INTO stores (id, enabled, client_id, location_id, api_key_encrypted, updated_at) VALUES ($1, true, $2, $3, $4, now())',
        [storeId, where.clientId, where.locationId, secrets.encrypt(where.key)],
      );
      const child = await startSyncProcess(mode, storeId);
      try {
        const measured = await child.ask({ sync: { storeId, location: where, storeExists: true } });
        return { ...measured, warmUp: child.ready.warmUp };
      } finally {
        await child.kill();
      }
    };

    const results = [];
    const targets = [];
    const details = {};
    for (const { rows, reps, naiveReps, plainReps, ceiling, fetchOnly, freshReps } of plan(quick)) {
      const runs = {
        first: [],
        unchanged: [],
        changed: [],
        naive: [],
        ceiling: [],
        plain: [],
        fetchOnly: [],
        fresh: [],
        cold: [],
        pairs: [],
      };
      const peaks = {};
      // One process per way of syncing for this size, like a worker that syncs store after store: its peak
      // memory is the peak over all of its syncs of this size.
      const kinds = [
        'product',
        ...(naiveReps > 0 ? ['naive'] : []),
        ...(ceiling ? ['ceiling'] : []),
        ...(plainReps > 0 ? ['plain'] : []),
        ...(fetchOnly ? ['fetch'] : []),
      ];
      const repsOf = { naive: naiveReps, plain: plainReps };
      const processes = {};
      try {
        for (const mode of kinds) processes[mode] = await startSyncProcess(mode, `${mode}-${label(rows)}`);
        for (let rep = 0; rep < reps; rep++) {
          const name = `${label(rows)}-${rep}`;
          const sync = (mode) =>
            mode === 'fresh' || mode === 'cold'
              ? freshProcessSync(mode, `${mode}-${name}`, location(rows))
              : processes[mode].ask({ sync: { storeId: `${mode}-${name}`, location: location(rows) } });
          // The first syncs in a rotating order, so that a slow moment of the machine does not always hit the same one.
          const modes = [...kinds.filter((mode) => rep < (repsOf[mode] ?? reps)), ...(rep < freshReps ? ['fresh', 'cold'] : [])];
          const pair = {};
          for (const mode of modes.map((_, i) => modes[(i + rep) % modes.length])) {
            pair[mode] = await sync(mode);
            runs[RUN_NAMES[mode]].push(pair[mode]);
          }
          pair.unchanged = await sync('product');
          runs.unchanged.push(pair.unchanged);
          await changeQuantities(sim, pg, location(rows).locationId, `product-${name}`, rep);
          const changed = await sync('product');
          runs.changed.push(changed);
          pair.changed = changed;
          runs.pairs.push(pair);
          log(
            `  ${label(rows)} rep ${rep + 1}/${reps}: first ${Math.round(pair.product.ms)} ms, unchanged ${Math.round(pair.unchanged.ms)} ms, ` +
              `5% changed ${Math.round(changed.ms)} ms (${changed.written} written), peak so far ${Math.round(changed.maxRssMb)} MB` +
              (pair.naive ? `, naive ${Math.round(pair.naive.ms)} ms` : '') +
              (pair.ceiling ? `, ceiling ${Math.round(pair.ceiling.ms)} ms` : '') +
              (pair.plain ? `, plain per-row ${Math.round(pair.plain.ms)} ms` : '') +
              (pair.fetch ? `, fetch-only ${Math.round(pair.fetch.ms)} ms` : '') +
              (pair.fresh ? `, fresh worker ${Math.round(pair.fresh.ms)} ms (warm-up ${Math.round(pair.fresh.warmUp.ms)} ms)` : '') +
              (pair.cold ? `, fresh without warm-up ${Math.round(pair.cold.ms)} ms` : ''),
          );
        }
        for (const mode of kinds) peaks[mode] = (await processes[mode].ask({ finish: true })).maxRssMb;
      } finally {
        await Promise.all(Object.values(processes).map((child) => child.kill()));
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
            await child.kill();
          }
        }
      }
      const oneSyncPeakMb = median(oneSyncPeaks.first.map((mb, i) => Math.max(mb, oneSyncPeaks.unchanged[i])));

      // The memory line (50,000 rows): a worker as it boots (the product's warm-up only), its resident memory idle, then
      // ten first syncs back to back (ten stores of the same location), each sync's own peak (the kernel's peak reset
      // before it). What one sync adds over the idle worker, and whether the peaks drift up from the first to the last.
      let memoryLine = null;
      if (rows === 50_000) {
        const child = await startSyncProcess('fresh', `memory-line-${label(rows)}`, ['--expose-gc']);
        try {
          const { rssMb: idleMb } = await child.ask({ idle: true });
          const peaksMb = [];
          for (let index = 0; index < 10; index++) {
            const storeId = `memory-line-${label(rows)}-${index}`;
            peaksMb.push((await child.ask({ sync: { storeId, location: location(rows), ownPeak: true } })).ownPeakMb);
          }
          memoryLine = { idleMb, peaksMb, aboveIdleMb: peaksMb[0] - idleMb, lastOverFirst: peaksMb[peaksMb.length - 1] / peaksMb[0] };
          log(`  ${label(rows)} memory line: idle ${Math.round(idleMb)} MB, peaks ${peaksMb.map(Math.round).join(', ')} MB`);
        } finally {
          await child.kill();
        }
      }

      const feedRows = runs.first[0].fetched;
      // The fetch-only reference reads the same answer without counting its rows: the product's count is theirs.
      for (const run of runs.fetchOnly) run.fetched = feedRows;
      const speed = (list) => median(list.map(rowsPerSecond));
      const where = `${rows.toLocaleString('en-US')}-row location (${feedRows.toLocaleString('en-US')} rows in stock)`;
      results.push(
        result(`sync ${where}: first sync`, speed(runs.first), 'rows/s', {
          medianMs: Math.round(median(runs.first.map((r) => r.ms))),
          reps,
        }),
        result(`sync ${where}: unchanged re-sync`, speed(runs.unchanged), 'rows/s', {
          medianMs: Math.round(median(runs.unchanged.map((r) => r.ms))),
          reps,
        }),
        result(`sync ${where}: re-sync, 5% changed`, speed(runs.changed), 'rows/s', {
          medianMs: Math.round(median(runs.changed.map((r) => r.ms))),
          reps,
        }),
      );
      if (memoryReps > 0)
        results.push(
          result(`sync ${where}: worker peak RSS, one sync per process (higher of first sync and unchanged re-sync)`, oneSyncPeakMb, 'MB'),
        );
      results.push(result(`sync ${where}: worker peak RSS, ${reps * 3} syncs back to back in one process`, peaks.product, 'MB'));
      if (runs.naive.length > 0)
        results.push(result(`sync ${where}: reference (a) naive, first sync`, speed(runs.naive), 'rows/s', { reps: runs.naive.length }));
      if (runs.ceiling.length > 0)
        results.push(result(`sync ${where}: reference (b) ceiling`, speed(runs.ceiling), 'rows/s', { reps: runs.ceiling.length }));
      if (runs.plain.length > 0)
        results.push(
          result(`sync ${where}: reference (c) plain per-row, first sync`, speed(runs.plain), 'rows/s', { reps: runs.plain.length }),
        );
      if (runs.fetchOnly.length > 0) {
        results.push(
          result(`sync ${where}: reference (d) fetch-only (the floor)`, speed(runs.fetchOnly), 'rows/s', { reps: runs.fetchOnly.length }),
        );
      }
      if (runs.fresh.length > 0) {
        results.push(
          result(`sync ${where}: first sync of a fresh worker (warmed up at boot)`, speed(runs.fresh), 'rows/s', {
            reps: runs.fresh.length,
          }),
          result(`sync ${where}: first sync of a fresh worker without the warm-up`, speed(runs.cold), 'rows/s', { reps: runs.cold.length }),
          result(`sync ${where}: fresh worker's warm-up at boot`, median(runs.fresh.map((r) => r.warmUp.ms)), 'ms'),
        );
      }

      // Ratios within each repetition (same moment of the machine), then their median.
      // speedRatio(a, b): how many times faster a is than b (same rows, so b's time over a's).
      const speedRatio = (a, b) => median(runs.pairs.filter((p) => p[a] && p[b]).map((p) => p[b].ms / p[a].ms));
      const overNaive = speedRatio('product', 'naive');
      const ofCeiling = speedRatio('product', 'ceiling');
      const overPlain = speedRatio('product', 'plain');
      const aboveFloor = speedRatio('fetch', 'product');
      const freshOverWarm = speedRatio('product', 'fresh');
      const coldOverWarm = speedRatio('product', 'cold');
      const unchangedOverFirst = speedRatio('unchanged', 'product');
      const changedOverFirst = speedRatio('changed', 'product');
      if (runs.naive.length > 0) results.push(result(`sync ${where}: first sync speed ÷ naive (Prisma per row)`, overNaive, '×'));
      if (runs.ceiling.length > 0) results.push(result(`sync ${where}: first sync speed ÷ ceiling`, ofCeiling, 'fraction'));
      if (runs.plain.length > 0) results.push(result(`sync ${where}: first sync speed ÷ plain per-row`, overPlain, '×'));
      if (runs.fetchOnly.length > 0) results.push(result(`sync ${where}: first sync time ÷ fetch-only time`, aboveFloor, '×'));
      if (runs.fresh.length > 0) {
        results.push(
          result(`sync ${where}: fresh worker's first sync time ÷ warm worker's`, freshOverWarm, '×'),
          result(`sync ${where}: fresh worker without the warm-up: first sync time ÷ warm worker's`, coldOverWarm, '×'),
        );
      }
      results.push(
        result(`sync ${where}: unchanged re-sync speed ÷ first sync`, unchangedOverFirst, '×'),
        result(`sync ${where}: 5%-changed re-sync speed ÷ first sync`, changedOverFirst, '×'),
      );

      if (rows === 10_000) {
        targets.push(
          target('10,000-row first sync vs the naive sync', { target: 5, value: overNaive, unit: '×', atLeast: true }),
          target('10,000-row first sync vs the ceiling', { target: 0.4, value: ofCeiling, unit: '', atLeast: true }),
          target('unchanged re-sync vs first sync (10,000 rows)', { target: 5, value: unchangedOverFirst, unit: '×', atLeast: true }),
          target('5%-changed re-sync vs first sync (10,000 rows)', { target: 4, value: changedOverFirst, unit: '×', atLeast: true }),
        );
        if (runs.plain.length > 0)
          targets.push(target('10,000-row first sync vs plain per-row', { target: 4, value: overPlain, unit: '×', atLeast: true }));
        if (runs.fresh.length > 0) {
          targets.push(
            target('first sync of a fresh worker vs a warm one', { target: 1.3, value: freshOverWarm, unit: '×', atMost: true }),
          );
        }
      }
      if (rows === 50_000)
        targets.push(target('50,000-row sync: worker peak memory', { target: 512, value: oneSyncPeakMb, unit: 'MB', atLeast: false }));
      if (memoryLine) {
        results.push(
          result(`sync ${where}: warmed-up worker idle, resident`, memoryLine.idleMb, 'MB'),
          result(`sync ${where}: one first sync's peak above the idle worker`, memoryLine.aboveIdleMb, 'MB'),
          result(`sync ${where}: ten first syncs back to back, last sync's peak ÷ first's`, memoryLine.lastOverFirst, '×'),
        );
        targets.push(
          target('50,000-row sync: peak above the idle warmed-up worker', {
            target: 100,
            value: memoryLine.aboveIdleMb,
            unit: 'MB',
            atMost: true,
          }),
          target('ten 50,000-row syncs back to back: last peak vs first', {
            target: 1.1,
            value: memoryLine.lastOverFirst,
            unit: '×',
            atMost: true,
          }),
        );
      }
      // Per repetition: the ratios the medians above are taken from.
      const perPair = (a, b) => runs.pairs.filter((p) => p[a] && p[b]).map((p) => round(p[b].ms / p[a].ms));
      details[label(rows)] = {
        feedRows,
        ...(runs.plain.length > 0
          ? {
              // The product's first sync against plain per-row, and how far that is from five times.
              firstSyncOverPlainPerRow: {
                median: round(overPlain),
                perRepetition: perPair('product', 'plain'),
                ofFiveTimes: round(overPlain / 5),
                shortOfFiveTimesBy: round(Math.max(0, 5 - overPlain)),
              },
            }
          : {}),
        ...(runs.fetchOnly.length > 0
          ? { firstSyncOverFetchOnly: { median: round(aboveFloor), perRepetition: perPair('fetch', 'product') } }
          : {}),
        ...(runs.fresh.length > 0
          ? {
              freshWorker: {
                firstSyncOverWarm: perPair('product', 'fresh'),
                withoutWarmUpOverWarm: perPair('product', 'cold'),
                warmUpMs: runs.fresh.map((r) => Math.round(r.warmUp.ms)),
                phasesMs: { fresh: medianPhases(runs.fresh), cold: medianPhases(runs.cold), warm: medianPhases(runs.first) },
              },
            }
          : {}),
        phasesMs: Object.fromEntries(['first', 'unchanged', 'changed'].map((kind) => [kind, medianPhases(runs[kind])])),
        runsMs: Object.fromEntries(
          Object.entries(runs)
            .filter(([kind]) => kind !== 'pairs')
            .map(([kind, list]) => [kind, list.map((r) => Math.round(r.ms))]),
        ),
        // Per sync process alone (first, unchanged), and per process that ran this size's repetitions.
        peakRssMb: {
          oneSync: Object.fromEntries(Object.entries(oneSyncPeaks).map(([kind, list]) => [kind, list.map(Math.round)])),
          backToBack: Object.fromEntries(Object.entries(peaks).map(([mode, mb]) => [mode, Math.round(mb)])),
          ...(memoryLine ? { line: { idle: Math.round(memoryLine.idleMb), ownPeaks: memoryLine.peaksMb.map(Math.round) } } : {}),
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
  const { rows } = await pg.query('SELECT variant_id, pos_quantity FROM products WHERE store_id = $1 AND active ORDER BY variant_id', [
    storeId,
  ]);
  const every = Math.round(1 / CHANGED_SHARE);
  const chosen = rows.filter((_, i) => i % every === rep % every);
  await inPool(chosen, 16, (row) => sim.setQuantity(locationId, row.variant_id, Math.round(row.pos_quantity) + 1 + rep));
}

/** The targets this scenario reports (listed as not measured when it cannot run). */
export const targets = [
  { name: '10,000-row first sync vs the naive sync', target: '≥ 5 ×' },
  { name: '10,000-row first sync vs the ceiling', target: '≥ 0.4' },
  { name: 'unchanged re-sync vs first sync (10,000 rows)', target: '≥ 5 ×' },
  { name: '5%-changed re-sync vs first sync (10,000 rows)', target: '≥ 4 ×' },
  { name: '10,000-row first sync vs plain per-row', target: '≥ 4 ×' },
  { name: 'first sync of a fresh worker vs a warm one', target: '≤ 1.3 ×' },
  { name: '50,000-row sync: worker peak memory', target: '< 512 MB' },
  { name: '50,000-row sync: peak above the idle warmed-up worker', target: '≤ 100 MB' },
  { name: 'ten 50,000-row syncs back to back: last peak vs first', target: '≤ 1.1 ×' },
];
