#!/usr/bin/env node
// Runs Jest for the current workspace. When JEST_RESULTS_DIR is set (by scripts/test.mjs), Jest's JSON
// results go there too, so the root can print one `N passed, N failed` line summed over workspaces.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';

const require = createRequire(import.meta.url);
const jestBin = require.resolve('jest/bin/jest');
const args = [jestBin, ...process.argv.slice(2)];
const resultsDir = process.env.JEST_RESULTS_DIR;
if (resultsDir) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const name = JSON.parse(fs.readFileSync('package.json', 'utf8')).name.replace(/[@/]/g, '_');
  args.push('--json', `--outputFile=${path.join(resultsDir, `${name}.json`)}`, '--passWithNoTests', '--forceExit');
}
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);
