import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import stream from 'node:stream/promises';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { repoRoot, serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';

/**
 * `npm start` as a newcomer runs it, in the repository root, with nothing but PATH and HOME in the environment
 * plus the test stack's Redis and PostgreSQL (so it reuses them instead of starting its own). It gets an empty
 * database of its own (npm start migrates it) and its own queue prefix, so it disturbs no other test.
 */

interface Banner {
  apiUrl: string;
  token: string;
  boardUrl: string;
  boardUser: string;
  boardPassword: string;
  readyUrls: string[];
  pids: Record<string, number>;
  /** The copy-paste commands, by step number (0: the `export` line). */
  steps: Record<number, string[]>;
  text: string;
}

interface NpmStart {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once every process that inherited npm start's output (its children included) has exited. */
  closed: Promise<void>;
}

const RULE = '─'.repeat(78);

function npmStart(env: Record<string, string>): NpmStart {
  // Its own process group, like a terminal's foreground job: Ctrl-C reaches every process in it.
  const child = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const closed = Promise.all([stream.finished(child.stdout!), stream.finished(child.stderr!)]).then(() => undefined);
  return { child, output: () => output, exited, closed };
}

/** The summary npm start prints once everything answers; fails as soon as npm start gives up instead. */
async function waitForBanner(run: NpmStart): Promise<Banner> {
  const closing = `Ctrl-C stops everything; the data stays for the next npm start.\n${RULE}`;
  const summary = () => {
    const output = run.output();
    const start = output.indexOf(RULE);
    const end = output.indexOf(closing);
    return start >= 0 && end > start ? output.slice(start, end + closing.length) : null;
  };
  let gaveUp = false;
  void run.closed.then(() => (gaveUp = true));
  const text = await waitFor(() => summary() ?? (gaveUp ? 'gave up' : null), {
    timeoutMs: 300_000,
    intervalMs: 250,
    what: 'npm start to print where everything is',
  }).catch((error: Error) => error.message);
  if (!text.startsWith(RULE)) throw new Error(`npm start did not get ready (${text}); it printed:\n${run.output().slice(-4000)}`);
  const field = (pattern: RegExp) => {
    const match = text.match(pattern);
    if (!match) throw new Error(`npm start's summary has no ${pattern}:\n${text}`);
    return match[1];
  };
  const steps: Record<number, string[]> = {};
  let current = -1;
  for (const line of text.split('\n')) {
    const comment = line.match(/^ {3}# (\d+)\./);
    if (comment) current = Number(comment[1]);
    else if (/^ {3}export /.test(line)) steps[0] = [line.trim()];
    else if (current > 0 && /^ {3}\S/.test(line)) (steps[current] ??= []).push(line.trim());
    else if (!line.trim()) current = -1;
  }
  return {
    apiUrl: field(/^ API {11}(http\S+)$/m),
    token: field(/^ API token {5}(\S+)$/m),
    boardUrl: field(/^ Bull Board {4}(http\S+)$/m),
    boardUser: field(/^ {15}user (\S+)/m),
    boardPassword: field(/^ {15}user \S+ +password (\S+)/m),
    readyUrls: field(/^ Health {8}(.+)$/m)
      .trim()
      .split(/\s+/),
    pids: Object.fromEntries(
      [...field(/^ Processes {5}(.+)$/m).matchAll(/([a-z-]+) pid (\d+)/g)].map(([, name, pid]) => [name, Number(pid)]),
    ),
    steps,
    text,
  };
}

/** Runs printed commands in bash, as someone pasting them would. */
function paste(commands: string[]): string {
  const shell = spawnSync('bash', ['-c', `set -e\n${commands.join('\n')}`], { encoding: 'utf8', timeout: 30_000 });
  if (shell.status !== 0) throw new Error(`the pasted commands failed (${shell.status}): ${shell.stderr}`);
  return shell.stdout;
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const answers = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/**
 * Ctrl-C: SIGINT to the whole process group, as a terminal sends it. npm's `sh -c` dies of it at once (so npm
 * does too); npm start's own process then stops what it started and exits.
 */
async function pressCtrlC(run: NpmStart, banner: Banner) {
  process.kill(-run.child.pid!, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    run.closed.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 60_000))),
  ]);
  clearTimeout(timer);
  expect(stopped).toBe(true);
  expect(run.output()).toContain('start: stopped; the data is kept for the next npm start');
  // No process printed a Node warning, from its start to its shutdown: Node prints them, Fastify's deprecations
  // (FSTDEP…) among them, as "(node:<pid>) [code] DeprecationWarning: …".
  expect(run.output()).not.toMatch(/\(node:\d+\)|Warning:/);
  for (const [name, pid] of Object.entries(banner.pids)) expect({ name, running: isRunning(pid) }).toEqual({ name, running: false });
  for (const url of [banner.apiUrl, ...banner.readyUrls]) expect({ url, answers: await answers(url) }).toEqual({ url, answers: false });
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const databases: string[] = [];
const queuePrefixes: string[] = [];
const runs: NpmStart[] = [];

/** An empty database of this test's own on the test server: npm start migrates it, as on a fresh machine. */
async function emptyDatabase(): Promise<string> {
  const { DATABASE_URL } = serviceUrls();
  const name = `flowhub_first_run_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  databases.push(name);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Nothing but what a newcomer's shell has, plus the test stack (reused) and a queue prefix of this test's own. */
const newcomerEnv = async (): Promise<Record<string, string>> => ({
  PATH: process.env.PATH!,
  HOME: process.env.HOME ?? '/root',
  REDIS_URL: serviceUrls().REDIS_URL,
  DATABASE_URL: await emptyDatabase(),
  QUEUE_PREFIX: queuePrefix(),
});

function queuePrefix() {
  const prefix = uniqueQueuePrefix('first-run');
  queuePrefixes.push(prefix);
  return prefix;
}

afterAll(async () => {
  // Whatever happened, leave nothing running.
  for (const run of runs) {
    try {
      process.kill(-run.child.pid!, 'SIGKILL');
    } catch {
      /* the group is gone: good */
    }
  }
  const admin = new Client({ connectionString: serviceUrls().DATABASE_URL });
  await admin.connect();
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(serviceUrls().REDIS_URL);
  for (const prefix of queuePrefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describe('npm start on a fresh machine', () => {
  let first: Banner;
  let env: Record<string, string>;
  beforeAll(async () => {
    env = await newcomerEnv();
  });

  it('brings the product up, prints where everything is, and its printed commands work', async () => {
    const run = npmStart(env);
    runs.push(run);
    first = await waitForBanner(run);

    expect(first.text).toContain('flowhub-sync is running: store "demo-store" on the Flowhub simulator');
    expect(Object.keys(first.pids).sort()).toEqual(['flowhub-sim', 'inventory-worker', 'order-worker', 'producer']);
    for (const url of first.readyUrls) expect((await fetch(url)).status).toBe(200);

    // 1. the menu: products appear once the first sync has run, one line each.
    expect(first.steps[0]).toEqual([`export API=${first.apiUrl} TOKEN=${first.token}`]);
    expect(first.steps[1]).toHaveLength(1);
    const menu = await waitFor(
      () => {
        const lines = paste([...first.steps[0], ...first.steps[1]])
          .trim()
          .split('\n')
          .filter(Boolean);
        return lines.length > 0 ? lines : null;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: 'the demo menu to have products' },
    );
    expect(menu).toHaveLength(5);
    for (const line of menu) expect(line).toMatch(/^.+ \| .+ \| \$\d+\.\d\d \| \d+(\.\d+)? available$/);

    // 2 and 3: an order for the first sellable product, held, then confirmed and queued for Flowhub.
    const [placed, confirmed] = paste([...first.steps[0], ...first.steps[2], ...first.steps[3]])
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(placed).toMatchObject({
      storeId: 'demo-store',
      status: 'pending',
      holds: [expect.objectContaining({ quantity: 1, state: 'held' })],
    });
    expect(confirmed).toMatchObject({ externalId: placed.externalId, status: 'confirmed' });
    // 4. one round of the watch loop.
    const watch = first.steps[4][0].match(/^while sleep 2; do (.+); done$/)?.[1];
    expect(watch).toBeDefined();
    expect(paste([...first.steps[0], `ORDER=${placed.externalId}`, watch!])).toMatch(/^confirmed \(Flowhub: /);
    // …and the order really moves: pushed to the simulator, its Flowhub statuses come back through the status poll.
    const moved = await waitFor(
      () => {
        const line = paste([...first.steps[0], `ORDER=${placed.externalId}`, watch!]).trim();
        return /^(preparing|ready|out_for_delivery|completed) \(Flowhub: [A-Za-z]+\)/.test(line) ? line : null;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'the demo order to move through Flowhub statuses' },
    );
    expect(moved).toMatch(/Flowhub: (started|ready|inTransit|sold|delivered)/i);

    // Bull Board with the printed credentials, and only with them.
    const board = await fetch(first.boardUrl, { headers: { authorization: basic(first.boardUser, first.boardPassword) } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('<title>flowhub-sync</title>');
    expect((await fetch(first.boardUrl)).status).toBe(401);

    // The secrets are shown once, in the summary, and never in any process's log.
    const logs = run.output().replace(first.text, '');
    const kept = Object.fromEntries(
      fs
        .readFileSync(path.join(repoRoot, '.stack', 'demo.env'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    expect(kept.API_TOKEN).toBe(first.token);
    expect(kept.BULL_BOARD_PASSWORD).toBe(first.boardPassword);
    expect(logs).not.toContain(first.token);
    expect(logs).not.toContain(first.boardPassword);
    expect(run.output()).not.toContain(kept.ENCRYPTION_KEY);

    // The processes log JSON (as in production), and the terminal shows each entry as one short line.
    const lines = logs.split('\n');
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO \(producer\): producer listening port=\d+$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO \(producer\): PUT \/v1\/stores\/:storeId\/flowhub → 200 in \d+ ms$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO \(inventory-worker\): inventory sync finished storeId=demo-store status=succeeded /),
    );

    await pressCtrlC(run, first);
  }, 420_000);

  it('a second npm start reuses the secrets and the data', async () => {
    expect(first).toBeDefined();
    const run = npmStart(env);
    runs.push(run);
    const second = await waitForBanner(run);
    expect(second.token).toBe(first.token);
    expect(second.boardPassword).toBe(first.boardPassword);
    expect(run.output()).toContain('reusing the demo secrets in .stack/demo.env');
    // The menu is there at once: kept in the database, not waiting for a new sync.
    expect(
      paste([...second.steps[0], ...second.steps[1]])
        .trim()
        .split('\n'),
    ).toHaveLength(5);
    await pressCtrlC(run, second);
  }, 420_000);
});

describe('npm start pointed at a real Flowhub', () => {
  it('runs the same processes against it, with no simulator and no demo store, on a free port when PORT is taken', async () => {
    const flowhub = http.createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => flowhub.listen(0, resolve));
    const takenPort = (flowhub.address() as net.AddressInfo).port;
    const flowhubUrl = `http://127.0.0.1:${takenPort}`;
    try {
      // PORT names a port something else already listens on: the fake Flowhub itself.
      const run = npmStart({ ...(await newcomerEnv()), FLOWHUB_API_URL: flowhubUrl, PORT: String(takenPort) });
      runs.push(run);
      const banner = await waitForBanner(run);
      const moved = run.output().match(new RegExp(`port ${takenPort} is taken: the producer uses (\\d+) \\(PORT=\\d+\\)`));
      expect(moved).not.toBeNull();
      expect(banner.apiUrl).toBe(`http://127.0.0.1:${moved![1]}`);
      expect(banner.text).toContain(`flowhub-sync is running against Flowhub at ${flowhubUrl}`);
      expect(Object.keys(banner.pids).sort()).toEqual(['inventory-worker', 'order-worker', 'producer']);
      expect(banner.text).toContain('/v1/stores/<storeId>/flowhub');
      const demoStore = await fetch(`${banner.apiUrl}/v1/stores/demo-store/flowhub`, {
        headers: { authorization: `Bearer ${banner.token}` },
      });
      expect(demoStore.status).toBe(404);
      await pressCtrlC(run, banner);
    } finally {
      flowhub.close();
    }
  }, 420_000);
});
