import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '@flowhub-sync/testing';
import { enableStore, scenario, seconds, settledRun, startStack, syncRuns, type Stack } from './scenario-kit';

/** A PostgreSQL of this scenario's own (initdb as the postgres user, as the stack script does), so it can be restarted. */
const bin = ['/usr/lib/postgresql']
  .flatMap((base) => (fs.existsSync(base) ? fs.readdirSync(base).map((v) => path.join(base, v, 'bin')) : []))
  .find((dir) => fs.existsSync(path.join(dir, 'pg_ctl')))!;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-pg-'));
const asPostgres = (args: string[]) => {
  const quoted = args.map((arg) => `'${arg}'`).join(' ');
  const run =
    process.getuid?.() === 0
      ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { encoding: 'utf8' })
      : spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args[0]} failed: ${run.stderr}${run.stdout}`);
};
let port: number;
const pgCtl = (action: 'start' | 'stop') =>
  asPostgres([
    path.join(bin, 'pg_ctl'),
    '-D',
    dataDir,
    '-l',
    path.join(dataDir, 'server.log'),
    '-w',
    '-m',
    'fast',
    '-o',
    `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200`,
    action,
  ]);

let stack: Stack;
beforeAll(async () => {
  port = await freePort();
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres', dataDir]);
  asPostgres([path.join(bin, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-instructions']);
  pgCtl('start');
  // The scenario's databases live on this server: the test helpers read DATABASE_URL for it.
  process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  stack = await startStack({ sim: { rows: 1500, seed: 14 } });
  await stack.start('producer');
  await stack.start('inventory-worker');
  await stack.start('order-worker');
}, 180_000);
afterAll(async () => {
  await stack?.close().catch(() => undefined);
  try {
    pgCtl('stop');
  } catch {
    /* already down */
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('f: PostgreSQL restarted under load: jobs retry, nothing half-written remains', async () => {
  await scenario(
    {
      scenario: 'f. PostgreSQL restarted under load',
      injected:
        'PostgreSQL stopped (fast shutdown) for 5 s and started again while 6 stores sync 1,500 rows each (their Flowhub answers held 1.5 s so the stop lands mid-sync)',
      checked:
        'every sync in flight ends succeeded after its retry (none left running), the menus are whole, the API answers 503 naming PostgreSQL while it is down and recovers by itself',
    },
    async () => {
      const stores = Array.from({ length: 6 }, (_, i) => `pg-${i}`);
      for (const id of stores) await enableStore(stack, id);
      const first = await Promise.all(stores.map((id) => settledRun(stack, id)));
      expect(first.every((run) => run.status === 'succeeded')).toBe(true);
      const menuSize = (await stack.api('GET', `/v1/stores/pg-0/products?limit=500&active=true`)).body.items.length;

      const known = new Map<string, string[]>();
      for (const id of stores)
        known.set(
          id,
          (await syncRuns(stack, id)).map((run) => run.id),
        );
      await stack.sim.state.faults.add({ kind: 'latency', latencyMs: 1_500, count: 6 });
      await Promise.all(stores.map((id) => stack.api('POST', `/v1/stores/${id}/sync`, {})));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      pgCtl('stop');
      const down = Date.now();
      const duringOutage = await stack.api('GET', '/v1/stores/pg-0/flowhub').catch(() => ({ status: 0, body: null }));
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      pgCtl('start');
      const restarted = Date.now();

      const runs = await Promise.all(stores.map((id) => settledRun(stack, id, { known: known.get(id), timeoutMs: 180_000 })));
      const recovered = Date.now() - restarted;
      expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
      await waitFor(async () => (await stack.api('GET', '/readyz')).status === 200, { what: 'the producer ready again' });
      for (const id of stores) {
        const all = await syncRuns(stack, id);
        expect(all.filter((run) => run.status === 'running')).toEqual([]);
      }
      expect((await stack.api('GET', `/v1/stores/pg-0/products?limit=500&active=true`)).body.items.length).toBe(menuSize);
      return `API during the outage: ${duringOutage.status} (${duringOutage.body?.error?.message ?? 'no answer'}), down ${seconds(restarted - down)}; all 6 syncs in flight succeeded ${seconds(recovered)} after the restart, none left running, menus whole`;
    },
  );
}, 400_000);
