#!/usr/bin/env node
// `prisma generate` on machines that cannot download Prisma's native engines: the CLI only needs
// *some* executable at these paths to start, and generate itself runs on WebAssembly.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const stub = process.platform === 'win32' ? process.execPath : '/bin/true';
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || stub,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY || stub,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const cli = require.resolve('prisma/build/index.js');
const run = spawnSync(process.execPath, [cli, 'generate', '--config', path.join(repoRoot, 'prisma.config.ts'), ...process.argv.slice(2)], {
  cwd: repoRoot,
  env,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
