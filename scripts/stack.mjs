#!/usr/bin/env node
// The local stack: Redis and PostgreSQL for development and tests, with no manual step.
//
//   node scripts/stack.mjs up     reuse REDIS_URL / DATABASE_URL when they answer; otherwise install Debian's
//                                 packages when missing, start private instances on free ports (data in .stack/),
//                                 and print `export REDIS_URL=…` / `export DATABASE_URL=…`
//   node scripts/stack.mjs down   stop only what `up` started, by PID
//
// Also importable: `import { stackUp, stackDown } from './stack.mjs'`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stackDir = path.join(root, '.stack');
const stateFile = path.join(stackDir, 'state.json');
const DATABASE = 'flowhub_sync';
const isRoot = process.getuid?.() === 0;

const log = (line) => process.stderr.write(`stack: ${line}\n`);

function readState() {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch {
    return {};
  }
}
const writeState = (state) => {
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
};

const alive = (pid) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function redisPing(url, timeoutMs = 1000) {
  return new Promise((resolve) => {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      return resolve(false);
    }
    const socket = net.connect({ host: parsed.hostname, port: Number(parsed.port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      const auth = parsed.password ? `AUTH ${decodeURIComponent(parsed.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    socket.on('data', (data) => done(data.toString().includes('PONG')));
  });
}

async function postgresAnswers(url) {
  try {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.query('select 1');
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function freePort(preferred) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      const fallback = net.createServer();
      fallback.listen(0, '127.0.0.1', () => {
        const { port } = fallback.address();
        fallback.close(() => resolve(port));
      });
    });
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}

const which = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function postgresBinDir() {
  const candidates = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    /* no pg_config */
  }
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    for (const version of fs.readdirSync(base).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(base, version, 'bin'));
  }
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl')));
}

function howToGetServices(reason) {
  return [
    `stack: ${reason}`,
    'stack: to run Redis and PostgreSQL, do one of:',
    '  - as root on Debian/Ubuntu: apt-get update && apt-get install -y redis-server postgresql   (then npm run stack:up again)',
    '  - with Docker: docker compose up -d redis postgres, then',
    '      export REDIS_URL=redis://127.0.0.1:6379',
    '      export DATABASE_URL=postgresql://flowhub:flowhub@127.0.0.1:5432/flowhub_sync',
    '  - point REDIS_URL and DATABASE_URL at servers you already have',
  ].join('\n');
}

function ensurePackages() {
  const missing = [];
  if (!which('redis-server')) missing.push('redis-server');
  if (!postgresBinDir()) missing.push('postgresql');
  if (missing.length === 0) return;
  if (!isRoot || !which('apt-get')) {
    throw new Error(howToGetServices(`${missing.join(' and ')} not installed, and this user cannot install them`));
  }
  log(`installing ${missing.join(', ')} from Debian's packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0 || !which('redis-server') || !postgresBinDir()) {
    throw new Error(howToGetServices(`installing ${missing.join(' and ')} failed`));
  }
}

/** Runs a PostgreSQL binary as the postgres user when we are root (initdb and pg_ctl refuse root). */
function asPostgres(binary, args) {
  if (!isRoot) return spawnSync(binary, args, { encoding: 'utf8' });
  const quoted = [binary, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  return spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { encoding: 'utf8' });
}

/** PostgreSQL's data must be reachable by the postgres user; a private checkout (mode 700) is not, so use /tmp then. */
function postgresDataDir() {
  const inRepo = path.join(stackDir, 'postgres');
  if (!isRoot) return inRepo;
  fs.mkdirSync(inRepo, { recursive: true });
  const reachable = spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', `test -x '${stackDir}' && test -x '${root}'`]).status === 0;
  if (reachable) return inRepo;
  const hash = createHash('sha1').update(root).digest('hex').slice(0, 10);
  return path.join(os.tmpdir(), `flowhub-sync-stack-${hash}`, 'postgres');
}

async function startRedis(state) {
  const url = state.redis && `redis://127.0.0.1:${state.redis.port}`;
  if (state.redis && alive(state.redis.pid) && (await redisPing(url))) return url;
  const dir = path.join(stackDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort(state.redis?.port ?? 56379);
  const pidfile = path.join(dir, 'redis.pid');
  const run = spawnSync(
    'redis-server',
    [
      '--daemonize',
      'yes',
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--pidfile',
      pidfile,
      '--logfile',
      path.join(dir, 'redis.log'),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`redis-server did not start: ${run.stderr || run.stdout}`);
  const redisUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await redisPing(redisUrl)); i++) await new Promise((r) => setTimeout(r, 50));
  const pid = Number(fs.readFileSync(pidfile, 'utf8').trim());
  state.redis = { port, pid };
  return redisUrl;
}

async function startPostgres(state) {
  const urlFor = (port) => `postgresql://postgres@127.0.0.1:${port}/${DATABASE}`;
  if (state.postgres && alive(state.postgres.pid) && (await postgresAnswers(urlFor(state.postgres.port))))
    return urlFor(state.postgres.port);
  const bin = postgresBinDir();
  const dataDir = state.postgres?.dataDir ?? postgresDataDir();
  fs.mkdirSync(dataDir, { recursive: true });
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', path.dirname(dataDir) === stackDir ? dataDir : path.dirname(dataDir)]);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const init = asPostgres(path.join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-instructions',
    ]);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort(state.postgres?.port ?? 55432);
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = asPostgres(path.join(bin, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    path.join(dataDir, 'server.log'),
    '-o',
    options,
    '-w',
    '-t',
    '60',
    'start',
  ]);
  if (start.status !== 0)
    throw new Error(`PostgreSQL did not start: ${start.stderr || start.stdout} (log: ${path.join(dataDir, 'server.log')})`);
  const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  state.postgres = { port, pid, dataDir, bin };
  const admin = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const exists = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
  if (exists.rowCount === 0) await client.query(`create database ${DATABASE}`);
  await client.end();
  return urlFor(port);
}

export async function stackUp() {
  const given = { redis: process.env.REDIS_URL, database: process.env.DATABASE_URL };
  if (given.redis && given.database && (await redisPing(given.redis)) && (await postgresAnswers(given.database))) {
    log('using REDIS_URL and DATABASE_URL from the environment');
    return { REDIS_URL: given.redis, DATABASE_URL: given.database, started: false };
  }
  ensurePackages();
  const state = readState();
  const before = JSON.stringify(state);
  const REDIS_URL = await startRedis(state);
  const DATABASE_URL = await startPostgres(state);
  const started = JSON.stringify(state) !== before;
  writeState(state);
  return { REDIS_URL, DATABASE_URL, started };
}

export async function stackDown() {
  const state = readState();
  if (state.redis && alive(state.redis.pid)) {
    process.kill(state.redis.pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(state.redis.pid); i++) await new Promise((r) => setTimeout(r, 50));
    log(`stopped Redis (pid ${state.redis.pid})`);
  }
  if (state.postgres && alive(state.postgres.pid)) {
    asPostgres(path.join(state.postgres.bin, 'pg_ctl'), ['-D', state.postgres.dataDir, '-m', 'fast', '-w', 'stop']);
    log(`stopped PostgreSQL (pid ${state.postgres.pid})`);
  }
  writeState({
    ...state,
    redis: state.redis && { ...state.redis, pid: null },
    postgres: state.postgres && { ...state.postgres, pid: null },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  try {
    if (command === 'up') {
      const env = await stackUp();
      process.stdout.write(`export REDIS_URL=${env.REDIS_URL}\nexport DATABASE_URL=${env.DATABASE_URL}\n`);
    } else if (command === 'down') {
      await stackDown();
    } else {
      process.stderr.write('usage: node scripts/stack.mjs up|down\n');
      process.exit(2);
    }
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
