// The product's processes as children of `npm start`. They inherit the terminal, so each logs as it would in
// production: pino-pretty lines (with the process's name) on a terminal, JSON lines otherwise.
import { spawn } from 'node:child_process';
import path from 'node:path';

export function createProcessGroup(root) {
  const children = [];
  let stopping = false;
  let unexpectedExit = () => {};

  return {
    /** Starts `node <main>`; resolves nothing, the caller waits for its readiness URL. */
    start(name, main, env) {
      const child = spawn(process.execPath, [path.join(root, main)], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
      const exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
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
