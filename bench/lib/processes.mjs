// The product's built processes (apps/<name>/dist/main.js), started as production starts them, and what the
// benchmarks read about them: readiness, output for errors, and peak resident memory.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { appNodeFlags } from '../../scripts/app-node-flags.cjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The workspaces' test kit (packages/testing, built by the bench's build step): one waitFor and one freePort for all.
const testKit = createRequire(import.meta.url)('@flowhub-sync/testing');
export const { freePort } = testKit;

/** Peak resident set size of a running process in MB (VmHWM), or null once it is gone. */
export function peakRssMb(pid) {
  try {
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : null;
  } catch {
    return null;
  }
}

const OUTPUT_KEPT = 64 * 1024;

/**
 * Starts `node <script>` with only the given environment (plus PATH). The output is kept (its tail) to explain
 * a failure; `stop()` sends SIGTERM, which every app handles as a clean shutdown, and SIGKILLs after a while.
 */
export function startProcess(name, script, env, { execArgv = [] } = {}) {
  const child = spawn(process.execPath, [...execArgv, script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-OUTPUT_KEPT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    name,
    pid: child.pid,
    child,
    exited,
    output: () => output,
    running: () => child.exitCode === null && child.signalCode === null,
    peakRssMb: () => peakRssMb(child.pid),
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/**
 * Starts a built app (apps/<name>/dist/main.js) with the node flags of its start script, as production starts it. With
 * BENCH_CPU_PROF=<dir> in the bench's environment, each app writes a CPU profile there when it stops (`node
 * --cpu-prof`), named after the app.
 */
export function startBuiltApp(name, env, { execArgv = [] } = {}) {
  return startProcess(name, path.join(repoRoot, 'apps', name, 'dist', 'main.js'), env, {
    execArgv: [...appNodeFlags(repoRoot, name), ...profiling(name), ...execArgv],
  });
}

/** `node --cpu-prof` arguments when BENCH_CPU_PROF names a directory. */
const profiling = (name) =>
  process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`]
    : [];

/** Polls until `check` gives something truthy; fails with a watched process's output when it died meanwhile. */
/** The test kit's waitFor, giving up at once when a watched process has exited (its output says why). */
export function waitFor(check, { process: watched, ...options } = {}) {
  const giveUpIf = () => {
    const dead = [watched ?? []].flat().find((app) => !app.running());
    return dead ? `${dead.name} exited:\n${dead.output()}` : undefined;
  };
  return testKit.waitFor(check, { intervalMs: 50, ...options, giveUpIf });
}

export const waitForHttp = (url, options = {}) => waitFor(async () => (await fetch(url)).ok, { what: url, ...options });

/**
 * Forks `node <script> <json argument>` and talks to it over IPC, one request at a time: `ask(message)` resolves
 * with its answer (an answer with `error` rejects). The child says `{ready: true, …}` once it can take requests (the
 * message is kept as `ready`). With BENCH_CPU_PROF it writes a CPU profile named `name`.
 */
export async function forkChild(script, argument, { name = path.basename(script, '.mjs'), env = {}, execArgv = [] } = {}) {
  const child = fork(script, [JSON.stringify(argument)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    execArgv: [...profiling(name), ...execArgv],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-OUTPUT_KEPT)));
  let pending = null;
  const failure = (reason) => new Error(`${path.basename(script)}: ${reason}${stderr ? `\n${stderr}` : ''}`);
  child.on('message', (message) => {
    const waiting = pending;
    pending = null;
    if (!waiting) return;
    if (message.error) waiting.reject(failure(message.error.split('\n')[0] + '\n' + message.error));
    else waiting.resolve(message);
  });
  child.once('exit', (code) => pending?.reject(failure(`exited (code ${code}) before answering`)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const next = () => new Promise((resolve, reject) => (pending = { resolve, reject }));
  const ready = await next(); // {ready: true, …}
  return {
    pid: child.pid,
    /** The child's ready message (what it reports of its start). */
    ready,
    ask(message) {
      const answer = next();
      child.send(message);
      return answer;
    },
    /** Kills the process; resolves once it has exited (its memory given back, its connections closed). */
    kill() {
      child.kill('SIGKILL');
      return exited;
    },
  };
}
