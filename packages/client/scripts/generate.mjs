#!/usr/bin/env node
// `npm run generate:types` (root: `npm run client:generate`): rewrites src/generated/api.ts from the producer's OpenAPI
// document. Not named `generate`: turbo runs that task before every build, which would rewrite the file the check
// compares against. The document is built from the producer's TypeScript sources, which Jest already knows how to load, so
// this runs the check (src/generated-types.test.ts) in its writing mode instead of building the producer.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = spawnSync(
  process.execPath,
  [path.join(packageDir, '..', '..', 'scripts', 'jest.mjs'), '--forceExit', 'src/generated-types.test.ts'],
  {
    cwd: packageDir,
    stdio: 'inherit',
    env: { ...process.env, FLOWHUB_CLIENT_GENERATE: 'write' },
  },
);
if (run.status === 0) console.log('wrote packages/client/src/generated/api.ts');
process.exit(run.status ?? 1);
