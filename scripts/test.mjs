#!/usr/bin/env node
// `npm test`: every test of every workspace, from a fresh clone. Installs dependencies when missing, lints
// (ESLint and Prettier, a cached turbo task: a lint failure counts as one failure), brings the local stack up
// (real Redis and PostgreSQL), runs each workspace's Jest through turbo, prints one closing line
// `N passed, N failed` summed from Jest's JSON results, and stops what it started.
// Extra arguments go to turbo (e.g. `npm test -- --filter=@flowhub-sync/mapping`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './dependencies.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies(root);
const { stackUp, stackDown } = await import('./stack.mjs');

const resultsDir = path.join(root, '.jest-results');
fs.rmSync(resultsDir, { recursive: true, force: true });

const turboEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' };
const lint = spawnSync('npx', ['turbo', 'run', 'lint:code', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit', env: turboEnv });
if (lint.status !== 0) process.stderr.write('lint failed (npm run lint shows why; npm run format fixes what Prettier can)\n');

let stack;
try {
  stack = await stackUp();
} catch (error) {
  process.stderr.write(`${error.message}\n0 passed, 1 failed\n`);
  process.exit(1);
}

const turbo = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--concurrency=2', '--continue', '--output-logs=errors-only', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      REDIS_URL: stack.REDIS_URL,
      DATABASE_URL: stack.DATABASE_URL,
      JEST_RESULTS_DIR: resultsDir,
      TURBO_TELEMETRY_DISABLED: '1',
      TURBO_NO_UPDATE_NOTIFIER: '1',
    },
  },
);

if (stack.started) await stackDown();

let passed = 0;
let failed = lint.status === 0 ? 0 : 1;
const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((file) => file.endsWith('.json')) : [];
for (const file of files) {
  const results = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
  passed += results.numPassedTests;
  // A test file that could not run at all (syntax error, failed import) has no failed test: count it.
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
}
const testsFailed = failed - (lint.status === 0 ? 0 : 1);
if (turbo.status !== 0 && testsFailed === 0) failed += 1; // a workspace died before writing results
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && turbo.status === 0 && lint.status === 0 ? 0 : 1);
