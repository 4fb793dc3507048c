#!/usr/bin/env node
// `npm run secrets:rotate`: re-encrypts every stored Flowhub credential and webhook secret under ENCRYPTION_KEY.
// Run it with the NEW key in ENCRYPTION_KEY and the previous one(s) in ENCRYPTION_KEYS_OLD, while the product runs:
//   1. deploy every process with ENCRYPTION_KEY=<new> ENCRYPTION_KEYS_OLD=<old> (they read both, seal with the new);
//   2. ENCRYPTION_KEY=<new> ENCRYPTION_KEYS_OLD=<old> DATABASE_URL=… npm run secrets:rotate;
//   3. once it reports 0 left to rotate, drop the old key from ENCRYPTION_KEYS_OLD and redeploy.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createSecretBox, databaseEnv, encryptionEnv, loadEnvOrExit } = require('@flowhub-sync/config');
const { createPrismaClient, rotateStoredSecrets } = require('@flowhub-sync/db');

const env = loadEnvOrExit({ ...databaseEnv, ...encryptionEnv }, 'secrets:rotate');
const prisma = createPrismaClient(env.DATABASE_URL, { max: 2 });
try {
  const result = await rotateStoredSecrets(prisma, createSecretBox(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD));
  process.stdout.write(
    `re-encrypted ${result.secrets} secrets of ${result.stores} stores (${result.skipped} changed meanwhile, already current)\n`,
  );
} catch (error) {
  process.stderr.write(`secrets:rotate failed: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
