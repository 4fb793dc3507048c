// The pool the apps build for the named statements (createSqlPool): how long it keeps an idle connection is the
// caller's to say, so that a worker keeps the connections its warm-up opened; its sessions plan each statement once,
// generically, and keep whatever else the operator's connection string asks of them.
import { setTimeout as sleep } from 'node:timers/promises';
import { createSqlPool, withGenericPlans } from './sql';
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

  it('keeps the session options a connection string names, and adds its own after them', async () => {
    const url = new URL(databaseServerUrl());
    url.searchParams.set('options', '-c statement_timeout=4321 -c application_name=operator-named');
    const pool = createSqlPool(url.toString(), { max: 1 });
    try {
      const { rows } = await pool.query<{ timeout: string; name: string; plans: string }>(
        "SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS name, current_setting('plan_cache_mode') AS plans",
      );
      expect(rows).toEqual([{ timeout: '4321ms', name: 'operator-named', plans: 'force_generic_plan' }]);
    } finally {
      await pool.end();
    }
  });

  it('changes nothing else of the connection string', () => {
    const given = 'postgresql://us%40er:p%2Fa%3As%20s@db.example:6543/flowhub?sslmode=require&application_name=x';
    const changed = new URL(withGenericPlans(given));
    expect([changed.username, changed.password, changed.host, changed.pathname]).toEqual([
      'us%40er',
      'p%2Fa%3As%20s',
      'db.example:6543',
      '/flowhub',
    ]);
    expect(Object.fromEntries(changed.searchParams)).toEqual({
      sslmode: 'require',
      application_name: 'x',
      options: '-c plan_cache_mode=force_generic_plan',
    });
  });
});
