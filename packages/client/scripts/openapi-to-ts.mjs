#!/usr/bin/env node
// The producer's OpenAPI document (JSON on stdin) → the TypeScript types of src/generated/api.ts, on stdout.
// openapi-typescript is ESM, which Jest (CommonJS here) cannot load: src/generated-types.test.ts builds the
// document in-process and runs this script with it. `npm run client:generate` (scripts/generate.mjs) writes the file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { astToString, default as openapiTS } from 'openapi-typescript';

export const HEADER = [
  "// Generated from the producer's OpenAPI document (apps/producer/src/openapi/api-document.ts) by openapi-typescript.",
  '// Do not edit: run `npm run client:generate` at the repository root (or `npm run generate:types` in packages/client).',
  '',
  '',
].join('\n');

/** The TypeScript types of an OpenAPI document. */
export async function typesOf(document) {
  // defaultNonNullable off: a request field with a default is optional (the API fills it in), as the document's `required` says.
  const ast = await openapiTS(document, { silent: true, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const document = JSON.parse(await readStdin());
  process.stdout.write(await typesOf(document));
}
