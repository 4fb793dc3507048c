#!/usr/bin/env node
// `npm start`: the whole product on this machine, the first command a newcomer runs after cloning.
//   installs dependencies when missing → local Redis and PostgreSQL (scripts/stack.mjs) → migrations → build →
//   the Flowhub simulator with a demo location → producer, inventory worker and order worker, one process each →
//   a demo store configured through the API → once everything answers, the URLs, credentials and commands to try.
// With FLOWHUB_API_URL set it runs against that Flowhub instead: no simulator, no demo store, production schedules.
// Demo secrets are generated once into .stack/demo.env; the environment overrides any of them.
// Ctrl-C stops every process it started, and the stack if this run started it; the data stays for next time.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, prismaEngineStubs } from './dependencies.mjs';
import { stackDown, stackUp } from './stack.mjs';
import { renderBanner } from './start/banner.mjs';
import { loadDemoSecrets } from './start/demo-env.mjs';
import { configureDemoStore, reportFirstSync, speedUpSimulator } from './start/demo-store.mjs';
import { waitUntilAnswers } from './start/http.mjs';
import { createLogLines } from './start/log-lines.mjs';
import { choosePort } from './start/ports.mjs';
import { createProcessGroup } from './start/processes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const secretsFile = path.join(root, '.stack', 'demo.env');
// The terminal may be gone (a closed window) while we stop: writing to it must not stop the shutdown.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
const say = (line) => process.stderr.write(`start: ${line}\n`);

const APPS = ['producer', 'inventory-worker', 'order-worker'];
const demo = !process.env.FLOWHUB_API_URL;
// The processes log JSON lines, as in production; the terminal shows each as one short line (pino-pretty, loaded
// once the dependencies are installed).
let logLines;
const group = createProcessGroup(root, { logLines: { follow: (stream) => (logLines ??= createLogLines(root)).follow(stream) } });
let stackReady = null;
let currentStep = null;
let stopping = false;

class Stopped extends Error {}
const checkStop = () => {
  if (stopping) throw new Stopped();
};

/** Stops the children (apps first, then the simulator) and the stack if this run started it, then exits. */
async function shutdown(code, reason) {
  if (stopping) return;
  stopping = true;
  if (reason) say(reason);
  currentStep?.kill('SIGTERM');
  say('stopping…');
  await group.stop(APPS);
  await group.stop();
  // Only what this run started: a stack that was already running (or given by the environment) stays up.
  const stack = await stackReady?.catch(() => null);
  if (stack?.started) await stackDown();
  say(code === 0 ? 'stopped; the data is kept for the next npm start' : 'stopped');
  process.exit(code);
}

// Ctrl-C reaches this process twice (from the terminal, and forwarded by npm): only a press a second later
// means "stop now", without waiting for clean shutdowns. A closed terminal (SIGHUP) stops everything too.
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (firstSignalAt && Date.now() - firstSignalAt > 1_000) {
      group.killAll();
      process.exit(130);
    }
    firstSignalAt ||= Date.now();
    void shutdown(0);
  });
}
group.onUnexpectedExit((name, { code, signal, error }) =>
  shutdown(1, `${name} ${error ? `could not start: ${error.message}` : `exited (${signal ?? `code ${code}`})`}; stopping everything`),
);

/** One preparation step as a child process on the terminal; fails with its name when it fails. */
function step(what, command, args, env) {
  say(`${what}…`);
  return new Promise((resolve, reject) => {
    currentStep = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    currentStep.once('error', (error) => reject(new Error(`${what} failed: ${error.message}`)));
    currentStep.once('exit', (code) => {
      currentStep = null;
      if (stopping) reject(new Stopped());
      else if (code === 0) resolve();
      else reject(new Error(`${what} failed (exit code ${code})`));
    });
  });
}

async function port(label, variable, preferred, taken) {
  const chosen = await choosePort(preferred, taken);
  taken.add(chosen.port);
  if (chosen.moved) say(`port ${preferred} is taken: ${label} uses ${chosen.port} (${variable}=${chosen.port})`);
  return chosen.port;
}

async function waitReady(entry, url) {
  const result = await waitUntilAnswers(url, { timeoutMs: 90_000, isAlive: () => entry.alive() && !stopping });
  checkStop();
  if (!result.ok) throw new Error(`${entry.name} did not become ready at ${url}: ${result.reason}`);
}

async function main() {
  ensureDependencies(root);
  stackReady = stackUp();
  const stack = await stackReady;
  checkStop();
  if (stack.started) say('started local Redis and PostgreSQL (data in .stack/; Ctrl-C stops them)');
  const { REDIS_URL, DATABASE_URL } = stack;

  const demoSecrets = loadDemoSecrets(secretsFile);
  say(demoSecrets.created.length > 0 ? 'generated the demo secrets into .stack/demo.env' : 'reusing the demo secrets in .stack/demo.env');
  const secrets = Object.fromEntries(Object.entries(demoSecrets.values).map(([name, value]) => [name, process.env[name] || value]));

  await step('migrating the database', 'npm', ['run', '--silent', 'db:migrate'], { DATABASE_URL });
  await step('building', 'npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    TURBO_TELEMETRY_DISABLED: '1',
    TURBO_NO_UPDATE_NOTIFIER: '1',
    ...prismaEngineStubs,
  });

  const taken = new Set();
  const apiPort = await port('the producer', 'PORT', Number(process.env.PORT || 3000), taken);
  const inventoryHealth = await port('the inventory worker', 'HEALTH_PORT', 9464, taken);
  const orderHealth = await port('the order worker', 'HEALTH_PORT', 9465, taken);
  const simPort = demo ? await port('the simulator', 'SIM_PORT', Number(process.env.SIM_PORT || 4010), taken) : null;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const simUrl = demo ? `http://127.0.0.1:${simPort}` : null;

  // The demo only supplies defaults: whatever the environment sets wins.
  const demoDefaults = demo
    ? {
        FLOWHUB_API_URL: simUrl,
        FLOWHUB_AUTH_URL: simUrl,
        PUBLIC_URL: apiUrl, // the simulator posts status changes back, as Flowhub does
        INVENTORY_SYNC_EVERY_MS: '30000',
        STATUS_POLL_EVERY_MS: '5000',
        // A demo's webhook receiver runs on this machine: let statusWebhookUrl point at loopback and private networks.
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      }
    : {};
  const env = { LOG_LEVEL: 'info', ...demoDefaults, ...process.env, ...secrets, REDIS_URL, DATABASE_URL };

  const waits = [];
  if (demo) {
    const sim = group.start('flowhub-sim', 'apps/flowhub-sim/dist/main.js', {
      ...env,
      SIM_PORT: String(simPort),
      SIM_ROWS: process.env.SIM_ROWS || '3000',
      SIM_CLOCK: process.env.SIM_CLOCK || 'real',
      // The demo shows orders moving, postbacks arriving and token expiry: the simulator's invented behaviours, on.
      SIM_BEHAVIOUR: process.env.SIM_BEHAVIOUR ?? 'orderLifecycles,statusPostbacks,gatewayHtmlPages,tokenExpiry',
    });
    waits.push(waitReady(sim, `${simUrl}/__sim/state`).then(() => speedUpSimulator(simUrl)));
  }
  const producer = group.start('producer', 'apps/producer/dist/main.js', { ...env, PORT: String(apiPort) });
  const inventoryWorker = group.start('inventory-worker', 'apps/inventory-worker/dist/main.js', {
    ...env,
    HEALTH_PORT: String(inventoryHealth),
  });
  const orderWorker = group.start('order-worker', 'apps/order-worker/dist/main.js', { ...env, HEALTH_PORT: String(orderHealth) });
  const readyUrls = [`${apiUrl}/readyz`, `http://127.0.0.1:${inventoryHealth}/readyz`, `http://127.0.0.1:${orderHealth}/readyz`];
  waits.push(waitReady(producer, readyUrls[0]), waitReady(inventoryWorker, readyUrls[1]), waitReady(orderWorker, readyUrls[2]));
  await Promise.all(waits);
  checkStop();

  const since = Date.now();
  if (demo) await configureDemoStore(apiUrl, secrets.API_TOKEN);
  checkStop();

  process.stdout.write(
    renderBanner({
      demo,
      apiUrl,
      secrets,
      simUrl,
      flowhubUrl: process.env.FLOWHUB_API_URL,
      readyUrls,
      processes: group.list(),
      secretsFile: path.relative(root, secretsFile),
    }),
  );
  if (demo) void reportFirstSync(apiUrl, secrets.API_TOKEN, since, say, { isStopping: () => stopping });
}

main().catch((error) => {
  if (error instanceof Stopped) return; // shutdown() is finishing
  void shutdown(1, error.message);
});
