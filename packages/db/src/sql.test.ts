// The pool the apps build (createSqlPool): how long it keeps an idle connection is the caller's to say, so that a
// worker keeps the connections its warm-up opened.
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
});
