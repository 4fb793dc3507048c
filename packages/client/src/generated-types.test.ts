import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '@flowhub-sync/producer/testing';

/**
 * src/generated/api.ts is the producer's OpenAPI document as openapi-typescript types it. The document is built
 * here in-process from the producer's sources (as apps/producer/src/openapi/openapi.test.ts builds it), typed by
 * scripts/openapi-to-ts.mjs (openapi-typescript is ESM: it runs in its own Node process), and compared with the
 * committed file. `npm run client:generate` (root) runs this test with FLOWHUB_CLIENT_GENERATE=write to rewrite it.
 */

const GENERATED = path.join(__dirname, 'generated', 'api.ts');
const SCRIPT = path.join(__dirname, '..', 'scripts', 'openapi-to-ts.mjs');
const REGENERATE = 'npm run client:generate (at the repository root; or npm run generate:types in packages/client)';

function typesOfTheDocument(): string {
  const run = spawnSync(process.execPath, [SCRIPT], {
    input: JSON.stringify(openApiDocument()),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`openapi-typescript failed (${SCRIPT}): ${run.stderr}`);
  return run.stdout;
}

function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const have = actual.split('\n');
  for (let line = 0; line < Math.max(want.length, have.length); line++) {
    if (want[line] !== have[line]) {
      return `first difference at line ${line + 1}:\n  the document gives: ${JSON.stringify(want[line] ?? '<end of file>')}\n  the committed file has: ${JSON.stringify(have[line] ?? '<end of file>')}`;
    }
  }
  return 'no difference';
}

it("src/generated/api.ts is the producer's OpenAPI document as openapi-typescript types it", () => {
  const expected = typesOfTheDocument();
  if (process.env.FLOWHUB_CLIENT_GENERATE === 'write') {
    fs.mkdirSync(path.dirname(GENERATED), { recursive: true });
    fs.writeFileSync(GENERATED, expected);
    return;
  }
  const committed = fs.existsSync(GENERATED) ? fs.readFileSync(GENERATED, 'utf8') : '';
  if (committed !== expected) {
    throw new Error(
      `packages/client/src/generated/api.ts is out of date with the producer's OpenAPI document; regenerate it with ${REGENERATE} and commit it.\n` +
        firstDifference(expected, committed),
    );
  }
});
