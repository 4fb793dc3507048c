// The pool the apps build for the named statements (createSqlPool): how long it keeps an idle connection is the
// caller's to say, so that a worker keeps the connections its warm-up opened; its sessions plan each statement once,
// generically, and keep whatever else the operator's connection string asks of them.
import { setTimeout as sleep } from 'node:timers/promises';
import { createSqlPool } from './sql';
import { databaseServerUrl } from './testing';

describe('createSqlPool', () => {
  it('keeps an idle connection for idleTimeoutMs, then closes it', async () => {
    const kept = createSqlPool(databaseServerUrl(), { max: 1, idleTimeoutMs: 60_000 });
    const closed = createSqlPool(databaseServerUrl(), { max: 1, idleTimeoutMs: 100 });
    try {
      // One after the other, the short-lived pool's last: its idle connection is counted before its 100 ms are up.
      await kept.query('SELECT 1');
      await closed.query('SELECT 1');
      expect([kept.idleCount, closed.idleCount]).toEqual([1, 1]);
      // Closed after its 100 ms (timers on a loaded machine may fire late: up to 5 s allowed), the other one kept.
      for (let waited = 0; closed.totalCount > 0 && waited < 5_000; waited += 50) await sleep(50);
      expect([kept.totalCount, closed.totalCount]).toEqual([1, 0]);
    } finally {
      await Promise.all([kept.end(), closed.end()]);
    }
  });

  it('plans generically on every connection, and keeps the session options its connection string names', async () => {
    const url = new URL(databaseServerUrl());
    url.searchParams.set('options', '-c statement_timeout=4321 -c application_name=operator-named');
    const pool = createSqlPool(url.toString(), { max: 3 });
    // Three connections at once: each is set up before its first statement.
    const connections = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      const settings = await Promise.all(
        connections.map(async (connection) => {
          const { rows } = await connection.query<{ timeout: string; name: string; plans: string }>(
            "SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS name, current_setting('plan_cache_mode') AS plans",
          );
          return rows[0];
        }),
      );
      expect(settings).toEqual(Array(3).fill({ timeout: '4321ms', name: 'operator-named', plans: 'force_generic_plan' }));
    } finally {
      for (const connection of connections) connection.release();
      await pool.end();
    }
  });
});
