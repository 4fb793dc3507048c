import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@flowhub-sync/testing';
import { openApiDocument } from './api-document';

/**
 * The document as API tooling reads it: Redocly's linter (a root devDependency) with the repository's redocly.yaml
 * (the recommended rules). Not an error, not a warning: a rule that flags the document is met by fixing the
 * document; redocly.yaml says why for the one rule it adjusts.
 */

interface Problem {
  ruleId: string;
  severity: string;
  message: string;
  location: { pointer?: string }[];
}

const cli = require.resolve('@redocly/cli/bin/cli.js');
const config = path.join(repoRoot, 'redocly.yaml');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowhub-sync-openapi-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function lint(document: unknown, name: string) {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(document, null, 2));
  const run = await promisify(execFile)(process.execPath, [cli, 'lint', file, '--config', config, '--format', 'json'], {
    cwd: dir,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
    // No telemetry, no update check: the linter runs on this machine only.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' },
  }).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    // A finding makes the linter exit 1 with its report on stdout; anything else is a failure to run.
    if (!error.stdout?.trim().startsWith('{')) throw new Error(`redocly lint did not run (${error.code}): ${error.stderr}`);
    return { stdout: error.stdout, stderr: error.stderr ?? '' };
  });
  const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: Problem[] };
  return {
    totals: { errors: report.totals.errors, warnings: report.totals.warnings },
    problems: report.problems.map(
      (problem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`,
    ),
  };
}

it('lints clean under the recommended rules, served at / (no PUBLIC_URL)', async () => {
  expect(openApiDocument().servers).toEqual([expect.objectContaining({ url: '/' })]);
  expect(await lint(openApiDocument(), 'openapi')).toEqual({ totals: { errors: 0, warnings: 0 }, problems: [] });
}, 90_000);

it('lints clean with PUBLIC_URL as its server', async () => {
  const document = openApiDocument('https://sync.example.org/');
  expect(document.servers).toEqual([expect.objectContaining({ url: 'https://sync.example.org' })]);
  expect(await lint(document, 'openapi-public')).toEqual({ totals: { errors: 0, warnings: 0 }, problems: [] });
}, 90_000);

it('catches what the rules are there for: an operation without its 4xx, a missing operationId', async () => {
  const document = JSON.parse(JSON.stringify(openApiDocument())) as {
    paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
  };
  delete document.paths['/metrics'].get.responses['401'];
  delete document.paths['/v1/stores/{storeId}/flowhub'].get.operationId;
  const { problems } = await lint(document, 'openapi-broken');
  expect(problems.sort()).toEqual([
    expect.stringMatching(/^warn operation-operationId at #\/paths\/~1v1~1stores~1\{storeId\}~1flowhub\/get\/operationId: /),
    expect.stringMatching(/^warn rule\/operation-4xx-response at #\/paths\/~1metrics\/get\/responses: /),
  ]);
}, 90_000);
