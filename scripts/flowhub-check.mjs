#!/usr/bin/env node
// `npm run flowhub:check`: a read-only check of a store's Flowhub settings against Flowhub, for onboarding
// (README.md "Onboarding a store: flowhub:check"). The logic is packages/flowhub-check; this only runs it.
//   npm run flowhub:check -- --store <storeId> [--json]     the settings saved for a store (DATABASE_URL, ENCRYPTION_KEY)
//   FLOWHUB_CLIENT_ID=… FLOWHUB_API_KEY=… FLOWHUB_LOCATION_ID=… npm run flowhub:check
// No build needed: the workspaces' TypeScript sources are compiled as they load, by the same SWC the tests use
// (a require hook for `.ts`, and `@flowhub-sync/<package>` resolved to packages/<package>/src as in jest.preset.js).
// Output goes to stdout and ends with the result line; the exit status is 0 only when the check passed.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

let swc;
try {
  swc = require('@swc/core');
} catch {
  process.stdout.write('flowhub:check: failed: the dependencies are not installed (run npm ci)\n');
  process.exit(1);
}

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspaceSources(request, ...rest) {
  const workspace = /^@flowhub-sync\/([a-z-]+)$/.exec(request);
  if (workspace) {
    const entry = path.join(root, 'packages', workspace[1], 'src', 'index.ts');
    if (fs.existsSync(entry)) return resolveFilename.call(this, entry, ...rest);
  }
  return resolveFilename.call(this, request, ...rest);
};
Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    configFile: false,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const { runCli } = require(path.join(root, 'packages', 'flowhub-check', 'src', 'cli.ts'));
const status = await runCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
// Let stdout drain (a pipe), then leave: nothing else of the check may keep the process alive.
process.stdout.write('', () => process.exit(status));
