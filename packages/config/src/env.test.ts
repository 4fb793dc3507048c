import { ConfigError, databaseEnv, encryptionEnv, feedMemoEnv, flowhubEnv, loadEnv, producerEnv, redisEnv, scheduleEnv } from './env';
import { randomBytes } from 'node:crypto';

const key = randomBytes(32).toString('base64');

describe('loadEnv', () => {
  it('applies the defaults of api-contract.md', () => {
    const env = loadEnv({ ...redisEnv, ...scheduleEnv }, { REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(env.QUEUE_PREFIX).toBe('{flowhub-sync}');
    expect(env.INVENTORY_SYNC_EVERY_MS).toBe(600_000);
    expect(env.STATUS_POLL_EVERY_MS).toBe(120_000);
  });

  it('names every missing or malformed variable, one line each', () => {
    let error: unknown;
    try {
      loadEnv({ ...databaseEnv, ...producerEnv, ...encryptionEnv }, { DATABASE_URL: 'mysql://x', PORT: 'eighty', ENCRYPTION_KEY: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).problems;
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL must be a postgresql/),
        expect.stringMatching(/^PORT /),
        'API_TOKEN is required but not set',
        'BULL_BOARD_USER is required but not set',
        expect.stringMatching(/^ENCRYPTION_KEY must be a base64-encoded 32-byte key/),
      ]),
    );
  });

  it('requires REDIS_URL unless a cluster is given', () => {
    expect(() => loadEnv(redisEnv, {})).toThrow('REDIS_URL is required');
    expect(loadEnv(redisEnv, { REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' }).REDIS_CLUSTER_NODES).toBe(
      '127.0.0.1:7000,127.0.0.1:7001',
    );
  });

  it('refuses a queue prefix that is not hash-tagged', () => {
    expect(() => loadEnv(redisEnv, { REDIS_URL: 'redis://x', QUEUE_PREFIX: 'plain' })).toThrow(/QUEUE_PREFIX must be hash-tagged/);
  });

  it('splits and checks the old encryption keys', () => {
    const old = randomBytes(32).toString('base64');
    expect(loadEnv(encryptionEnv, { ENCRYPTION_KEY: key, ENCRYPTION_KEYS_OLD: ` ${old} ,` }).ENCRYPTION_KEYS_OLD).toEqual([old]);
    expect(() => loadEnv(encryptionEnv, { ENCRYPTION_KEY: key, ENCRYPTION_KEYS_OLD: 'nope' })).toThrow(/ENCRYPTION_KEYS_OLD/);
  });

  it('gives a create 30 s and no global budget by default, and checks both when set', () => {
    const defaults = loadEnv(flowhubEnv, {});
    expect(defaults.FLOWHUB_CREATE_TIMEOUT_MS).toBe(30_000);
    expect(defaults.FLOWHUB_MAX_RPS_GLOBAL).toBeUndefined();
    const set = loadEnv(flowhubEnv, { FLOWHUB_CREATE_TIMEOUT_MS: '45000', FLOWHUB_MAX_RPS_GLOBAL: '50' });
    expect(set).toMatchObject({ FLOWHUB_CREATE_TIMEOUT_MS: 45_000, FLOWHUB_MAX_RPS_GLOBAL: 50 });
    expect(loadEnv(flowhubEnv, { FLOWHUB_MAX_RPS_GLOBAL: '' }).FLOWHUB_MAX_RPS_GLOBAL).toBeUndefined();
    expect(() => loadEnv(flowhubEnv, { FLOWHUB_CREATE_TIMEOUT_MS: '0' })).toThrow(/^FLOWHUB_CREATE_TIMEOUT_MS /);
    expect(() => loadEnv(flowhubEnv, { FLOWHUB_MAX_RPS_GLOBAL: 'lots' })).toThrow(/^FLOWHUB_MAX_RPS_GLOBAL /);
  });

  it("leaves the feed memo's size to the worker unless set, and takes a whole number of rows, 0 included", () => {
    expect(loadEnv(feedMemoEnv, {}).INVENTORY_FEED_MEMO_ROWS).toBeUndefined();
    expect(loadEnv(feedMemoEnv, { INVENTORY_FEED_MEMO_ROWS: '1100000' }).INVENTORY_FEED_MEMO_ROWS).toBe(1_100_000);
    expect(loadEnv(feedMemoEnv, { INVENTORY_FEED_MEMO_ROWS: '0' }).INVENTORY_FEED_MEMO_ROWS).toBe(0);
    expect(() => loadEnv(feedMemoEnv, { INVENTORY_FEED_MEMO_ROWS: 'lots' })).toThrow(
      'INVENTORY_FEED_MEMO_ROWS must be a whole number of rows',
    );
    expect(() => loadEnv(feedMemoEnv, { INVENTORY_FEED_MEMO_ROWS: '2.5' })).toThrow(
      'INVENTORY_FEED_MEMO_ROWS must be a whole number of rows',
    );
    expect(() => loadEnv(feedMemoEnv, { INVENTORY_FEED_MEMO_ROWS: '-1' })).toThrow('INVENTORY_FEED_MEMO_ROWS must be 0 or more');
    expect(() => loadEnv(feedMemoEnv, { INVENTORY_FEED_MEMO_ROWS: '90000000' })).toThrow(/^INVENTORY_FEED_MEMO_ROWS must be at most/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv(scheduleEnv, { INVENTORY_SYNC_EVERY_MS: '' }).INVENTORY_SYNC_EVERY_MS).toBe(600_000);
  });
});
