import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What the platform installs: the tarball of `npm pack`. It must hold the compiled JS with its declarations, the
 * README and package.json, nothing else, and load with nothing but its declared dependencies (no workspace of ours).
 */

const packageDir = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let tmp: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  // The tarball is made from dist/: build it from the sources now, as `npm test` (turbo) does before the tests.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'pipe' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowhub-sync-client-pack-'));
  const [packed] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', tmp], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  tarball = path.join(tmp, packed.filename);
  files = (packed.files as { path: string }[]).map((file) => file.path).sort();
}, 120_000);
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

it('is a public package of its own: version, licence, entry points', () => {
  expect(manifest).toMatchObject({ name: '@flowhub-sync/client', version: '0.1.0', main: 'dist/index.js', types: 'dist/index.d.ts' });
  expect(manifest.private).not.toBe(true);
  // The licence the OpenAPI document states (apps/producer/src/openapi/api-document.ts, info.license).
  expect(manifest.license).toBe('LicenseRef-Proprietary');
  expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  // Nothing of ours at run time: the platform installs this tarball alone.
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) expect(name).not.toMatch(/^@flowhub-sync\//);
  for (const version of Object.values(manifest.dependencies) as string[]) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
});

it('packs dist/ (JS and declarations), the README and package.json, and nothing else', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/client.js',
      'dist/webhook.js',
      'dist/generated/api.d.ts',
    ]),
  );
  for (const file of files) expect(file).toMatch(/^(package\.json|README\.md|dist\/.+\.(js|d\.ts))$/);
  expect(files.filter((file) => /\.test\.|\/testing\//.test(file))).toEqual([]);
});

it('loads from the tarball with only its dependencies, and works', () => {
  const app = path.join(tmp, 'app');
  const installed = path.join(app, 'node_modules', '@flowhub-sync', 'client');
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  // Its one dependency, as npm would install it beside it (no network here): the repository's copy.
  for (const dependency of Object.keys(manifest.dependencies)) {
    fs.symlinkSync(path.dirname(require.resolve(`${dependency}/package.json`)), path.join(app, 'node_modules', dependency), 'dir');
  }
  const script = `
    const client = require('@flowhub-sync/client');
    const crypto = require('node:crypto');
    const body = JSON.stringify({ id: 'd-1', storeId: 's', externalId: 'A-1', event: 'status_changed', status: 'ready', flowhubStatus: 'ready', sequence: 1, at: new Date().toISOString() });
    const t = Math.floor(Date.now() / 1000);
    const header = 't=' + t + ',v1=' + crypto.createHmac('sha256', 'whsec').update(t + '.' + body).digest('hex');
    const c = client.createClient({ baseUrl: 'http://127.0.0.1:9', token: 'x'.repeat(20) });
    console.log(JSON.stringify({ exports: Object.keys(client).sort(), event: client.verifyWebhook('whsec', header, body).event, methods: Object.keys(c).sort() }));
  `;
  const out = JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } }),
  );
  expect(out.exports).toEqual(expect.arrayContaining(['createClient', 'verifyWebhook', 'FlowhubSyncError', 'WebhookVerificationError']));
  expect(out.event).toBe('status_changed');
  expect(out.methods).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT', 'raw']);
  // No require of another workspace anywhere in what ships.
  for (const file of files.filter((name) => name.endsWith('.js') || name.endsWith('.d.ts'))) {
    expect(fs.readFileSync(path.join(installed, file), 'utf8')).not.toMatch(/(require\(|from |import\()\s*['"]@flowhub-sync\//);
  }
});
