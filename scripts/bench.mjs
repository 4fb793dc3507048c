#!/usr/bin/env node
// `npm run bench`: measures what the product exists for, on this machine, through the built apps and packages
// against real PostgreSQL and Redis (never part of `npm test`).
//
//   npm run bench                      every scenario; writes bench/results/latest.json and docs/PERFORMANCE.md
//   npm run bench -- --quick           a reduced version (under two minutes); writes bench/results/quick.json
//                                      and the quick table of docs/PERFORMANCE.md
//   npm run bench -- --only=fleet,orders   some scenarios; writes bench/results/partial.tmp.json only
//   npm run bench -- --no-build        skip `turbo run build`
//
// Each scenario makes its own database, queue prefix and simulator, and removes them at the end. Scenarios are in
// bench/scenarios/ (one file each); bench/lib/ holds timing, processes and the scratch services.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdownTables, writeJson, writeMarkdownBlock } from '../bench/lib/report.mjs';
import { measureYardstick } from '../bench/lib/yardstick.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = ['inventory-sync', 'fleet', 'orders', 'status'];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter(Boolean);
const unknown = args.filter((arg) => !['--quick', '--no-build'].includes(arg) && !arg.startsWith('--only='));
if (unknown.length > 0 || (only && only.some((name) => !SCENARIOS.includes(name)))) {
  process.stderr.write(`usage: npm run bench -- [--quick] [--only=${SCENARIOS.join(',')}] [--no-build]\n`);
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);
const load = () => os.loadavg().map((value) => Math.round(value * 100) / 100);

if (!args.includes('--no-build')) {
  log('bench: building (turbo run build)');
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
  });
  if (build.status !== 0) {
    log('bench: the build failed; nothing was measured');
    process.exit(1);
  }
}

const { stackUp, stackDown } = await import('./stack.mjs');
const stack = await stackUp();
const started = Date.now();
const loadAtStart = load();
// How fast the machine itself is (bench/lib/yardstick.mjs): at the start, between scenarios and at the end, so that runs
// of other days compare by it, and so does each scenario with the machine's speed around it (it can change within a
// run: these machines are shared).
const yardstickAtStart = measureYardstick();
let yardstickBefore = yardstickAtStart;
const context = { quick, serverDatabaseUrl: stack.DATABASE_URL, redisUrl: stack.REDIS_URL, log };

const results = [];
const targets = [];
const scenarios = [];
const details = {};
try {
  for (const name of only ?? SCENARIOS) {
    log(`bench: ${name}${quick ? ' (quick)' : ''}`);
    const scenarioStarted = Date.now();
    let scenario = { title: name, targets: [] };
    try {
      scenario = await import(pathToFileURL(path.join(root, 'bench/scenarios', `${name}.mjs`)).href);
      const outcome = await scenario.run(context);
      results.push(...outcome.results.map((entry) => ({ scenario: name, ...entry })));
      targets.push(...outcome.targets.map((entry) => ({ scenario: name, ...entry })));
      for (const missing of scenario.targets.filter((t) => !outcome.targets.some((measured) => measured.name === t.name))) {
        targets.push({ scenario: name, ...missing, value: null, met: false, note: outcome.notMeasured ?? 'not measured' });
      }
      scenarios.push({
        name,
        title: scenario.title,
        note: outcome.note,
        seconds: Math.round((Date.now() - scenarioStarted) / 1000),
      });
      details[name] = outcome.details;
    } catch (error) {
      log(`bench: ${name} failed: ${error.stack ?? error}`);
      scenarios.push({ name, title: scenario.title, error: String(error.message ?? error).split('\n')[0] });
      targets.push(...scenario.targets.map((t) => ({ scenario: name, ...t, value: null, met: false, note: 'the scenario failed' })));
    }
    const yardstick = { before: yardstickBefore, after: (yardstickBefore = measureYardstick()) };
    scenarios.at(-1).yardstick = yardstick;
    log(
      `bench: ${name} done in ${Math.round((Date.now() - scenarioStarted) / 1000)} s (the machine's yardstick ${yardstick.before?.cpuMs ?? '?'} ms before, ${yardstick.after?.cpuMs ?? '?'} ms after)`,
    );
  }
} finally {
  if (stack.started) await stackDown();
}
const yardstickAtEnd = measureYardstick();

const cpus = os.cpus();
const report = {
  date: new Date().toISOString(),
  mode: only ? `partial (${only.join(', ')})${quick ? ', quick' : ''}` : quick ? 'quick' : 'full',
  durationSeconds: Math.round((Date.now() - started) / 1000),
  machine: {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: { start: loadAtStart, end: load() },
    yardstick: { start: yardstickAtStart, end: yardstickAtEnd },
  },
  results,
  targets,
  scenarios,
  details,
};

const file = only ? 'bench/results/partial.tmp.json' : quick ? 'bench/results/quick.json' : 'bench/results/latest.json';
writeJson(path.join(root, file), report);
const tables = markdownTables(report);
if (!only) writeMarkdownBlock(path.join(root, 'docs/PERFORMANCE.md'), quick ? 'quick' : 'full', tables);
process.stdout.write(`\n${tables}\n\nwritten: ${file}${only ? '' : ', docs/PERFORMANCE.md'}\n`);
// A missed target is a finding, reported above; a scenario that could not run is a failure of the bench.
if (scenarios.some((scenario) => scenario.error)) process.exitCode = 1;
