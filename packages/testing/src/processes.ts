import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');

export interface RunningApp {
  name: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The node flags of the app's start script (scripts/app-node-flags.cjs: one reader for npm start, the bench and tests). */
export function appNodeFlags(name: string): string[] {
  const flags = createRequire(__filename)(path.join(repoRoot, 'scripts', 'app-node-flags.cjs')) as {
    appNodeFlags(root: string, app: string): string[];
  };
  return flags.appNodeFlags(repoRoot, name);
}

/** Starts a built app (`apps/<name>/dist/main.js`) as its own process, as production would: with its start script's node flags. */
export function startApp(name: string, env: Record<string, string | undefined>): RunningApp {
  const main = path.join(repoRoot, 'apps', name, 'dist', 'main.js');
  const child = spawn(process.execPath, [...appNodeFlags(name), main], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    name,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: Date.now() - started };
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout's message. */
  what?: string;
  /** Checked before each try: a reason to give up at once (a process the wait depends on has exited, say). */
  giveUpIf?: () => string | undefined;
}

/** Polls until `check` resolves truthy (generous by default: the machines are shared and noisy). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition', giveUpIf }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = giveUpIf?.();
    if (reason) throw new Error(`${reason} while waiting for ${what}`);
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

export async function waitForHttp(url: string, options: { timeoutMs?: number; status?: number } = {}): Promise<Response> {
  return waitFor(
    async () => {
      const response = await fetch(url);
      return response.status === (options.status ?? 200) ? response : null;
    },
    { timeoutMs: options.timeoutMs, what: url },
  );
}
