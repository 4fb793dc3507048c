// Installs the workspace's npm dependencies when they are missing or older than package-lock.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Prisma's CLI downloads a native engine from outside the npm registry at install time; stub it (docs/architecture.md, "Tooling facts").
export const prismaEngineStubs = { PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_QUERY_ENGINE_LIBRARY: '/bin/true' };

export function ensureDependencies(root) {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  process.stderr.write('installing dependencies (npm ci)…\n');
  const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...prismaEngineStubs },
  });
  if (run.status !== 0) {
    process.stderr.write('npm ci failed\n');
    process.exit(1);
  }
}
