// The product's processes as children of `npm start`. Each logs JSON lines, as in production; given `logLines`
// (./log-lines.mjs), their stdout goes through it and the terminal shows one short line per entry. Their stderr
// (a process that cannot start says why there) is the terminal's.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { appNodeFlags } from '../app-node-flags.cjs';

/** How long a child's output may stay open after it exited (a grandchild holding it): then we stop waiting. */
const OUTPUT_GRACE_MS = 2_000;

export function createProcessGroup(root, { logLines } = {}) {
  const children = [];
  let stopping = false;
  let unexpectedExit = () => {};

  return {
    /** Starts `node <main>` with the flags of the app's start script; the caller waits for its readiness URL. */
    start(name, main, env) {
      const child = spawn(process.execPath, [...appNodeFlags(root, name), path.join(root, main)], {
        cwd: root,
        env,
        stdio: ['ignore', logLines ? 'pipe' : 'inherit', 'inherit'],
      });
      const printed = logLines ? logLines.follow(child.stdout) : Promise.resolve();
      // Exited, and its last lines printed (a clean shutdown's, or why it stopped).
      const exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
      }).then(async (result) => {
        let timer;
        await Promise.race([printed, new Promise((resolve) => (timer = setTimeout(resolve, OUTPUT_GRACE_MS)))]);
        clearTimeout(timer);
        return result;
      });
      exited.then((result) => {
        if (!stopping) unexpectedExit(name, result);
      });
      const entry = { name, child, exited, alive: () => child.exitCode === null && child.signalCode === null };
      children.push(entry);
      return entry;
    },
    list: () => children.map(({ name, child }) => ({ name, pid: child.pid })),
    /** Called once per child that exits while nobody asked it to. */
    onUnexpectedExit(handler) {
      unexpectedExit = handler;
    },
    /**
     * Stops the given children (all by default) with SIGTERM, which each handles as a clean shutdown, and
     * SIGKILLs any that does not exit within `timeoutMs`.
     */
    async stop(names = children.map((entry) => entry.name), { timeoutMs = 25_000 } = {}) {
      stopping = true;
      await Promise.all(
        children
          .filter((entry) => names.includes(entry.name))
          .map(async ({ child, exited, alive }) => {
            if (!alive()) return;
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            await exited;
            clearTimeout(timer);
          }),
      );
    },
    killAll() {
      stopping = true;
      for (const { child, alive } of children) if (alive()) child.kill('SIGKILL');
    },
  };
}
