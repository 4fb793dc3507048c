// What a benchmark borrows from the shared services and gives back: its own PostgreSQL database (migrated) and
// its own Redis key prefix (queues, locks and the Flowhub request budget), both removed at the end.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './processes.mjs';

const require = createRequire(path.join(repoRoot, 'package.json'));
const { Client, Pool } = require('pg');
const { Redis } = require('ioredis');
const { migrateDatabase } = require('@flowhub-sync/db');

/** Requires a built module of the product by its path in a workspace's dist; a package's own entry is fromProduct('@flowhub-sync/…'). */
export const built = (file) => require(path.join(repoRoot, file));
export const fromProduct = (name) => require(name);

const withDatabase = (url, name) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();

async function onServer(serverUrl, sql) {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database on the server of `serverUrl`, with the product's migrations applied. */
export async function createScratchDatabase(serverUrl, label) {
  const name = `flowhub_bench_${label}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  try {
    await migrateDatabase(url);
  } catch (error) {
    await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  return { name, url, drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** A hash-tagged queue prefix of this run's own, and the removal of every key under it. */
export function scratchQueuePrefix(redisUrl, label) {
  const prefix = `{bench-${label}-${randomBytes(4).toString('hex')}}`;
  return {
    prefix,
    /** The Flowhub request budget's keys go under the prefix too, so that the cleanup finds them. */
    budgetPrefix: `${prefix}:budget`,
    async drop() {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** A small pool, for the benchmarks' own setup and checks (several queries may run at once). */
export const pgPool = (url) => new Pool({ connectionString: url, max: 4 });

/** One connection, for a writer that runs its statements one after the other. */
export const pgClient = async (url) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
};

export const newRedis = (url) => new Redis(url, { maxRetriesPerRequest: null });
