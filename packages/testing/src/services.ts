import { randomBytes } from 'node:crypto';

/** The real servers the stack script started (npm test sets these). */
export function serviceUrls() {
  const { REDIS_URL, DATABASE_URL } = process.env;
  if (!REDIS_URL || !DATABASE_URL)
    throw new Error('REDIS_URL and DATABASE_URL must be set: run the tests with `npm test` (it starts the stack)');
  return { REDIS_URL, DATABASE_URL };
}

/** A BullMQ key prefix of this test file's own, hash-tagged like production's. */
export const uniqueQueuePrefix = (label = 'test') => `{${label}-${randomBytes(4).toString('hex')}}`;

export const testEncryptionKey = () => randomBytes(32).toString('base64');
