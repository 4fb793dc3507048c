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
      await Promise.all([kept.query('SELECT 1'), closed.query('SELECT 1')]);
      expect([kept.idleCount, closed.idleCount]).toEqual([1, 1]);
      await sleep(400);
      expect([kept.totalCount, closed.totalCount]).toEqual([1, 0]);
    } finally {
      await Promise.all([kept.end(), closed.end()]);
    }
  });
});
