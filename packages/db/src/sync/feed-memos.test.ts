// The shared feed memo's store against a migrated database: saved and read back under its key, not read under another
// or when the caller holds its generation already, replaced by a later save, gone with its store.
import { randomUUID } from 'node:crypto';
import { readFeedMemo, saveFeedMemo } from './feed-memos';
import { createTestDatabase, type TestDatabase } from '../testing';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function newStore(): Promise<string> {
  const storeId = `store-${randomUUID().slice(0, 8)}`;
  await db.prisma.store.create({ data: { id: storeId, enabled: true } });
  return storeId;
}

describe('the shared feed memo', () => {
  it('is read back as saved, under its key only, and not again by a caller that holds its generation', async () => {
    const storeId = await newStore();
    expect(await readFeedMemo(db.sql, storeId, 'key-1', null)).toBeNull();

    const generation = await saveFeedMemo(db.sql, storeId, 'key-1', { rows: 2, text: 'first memo' });
    expect(generation).not.toBeNull();
    const read = await readFeedMemo(db.sql, storeId, 'key-1', null);
    expect(read).toEqual({ generation, memo: 'first memo' });
    expect(await readFeedMemo(db.sql, storeId, 'key-1', generation)).toBeNull();
    // Saved under other settings (or by other code): not this key's memo.
    expect(await readFeedMemo(db.sql, storeId, 'key-2', null)).toBeNull();
    // Another store's memo is its own.
    expect(await readFeedMemo(db.sql, await newStore(), 'key-1', null)).toBeNull();
  });

  it('is replaced by a later save, with a newer generation, whatever key it was saved under', async () => {
    const storeId = await newStore();
    const first = await saveFeedMemo(db.sql, storeId, 'key-1', { rows: 1, text: 'one' });
    const second = await saveFeedMemo(db.sql, storeId, 'key-2', { rows: 3, text: 'two' });
    expect(BigInt(second!)).toBeGreaterThan(BigInt(first!));
    expect(await readFeedMemo(db.sql, storeId, 'key-1', null)).toBeNull();
    // A worker holding the first generation reads the second.
    expect(await readFeedMemo(db.sql, storeId, 'key-2', first)).toEqual({ generation: second, memo: 'two' });
    const { rows } = await db.sql.query('SELECT rows, key FROM feed_memos WHERE store_id = $1', [storeId]);
    expect(rows).toEqual([{ rows: 3, key: 'key-2' }]);
  });

  it('is not saved for a store that is gone, and goes with its store', async () => {
    expect(await saveFeedMemo(db.sql, 'no-such-store', 'key-1', { rows: 1, text: 'lost' })).toBeNull();
    const storeId = await newStore();
    await saveFeedMemo(db.sql, storeId, 'key-1', { rows: 1, text: 'kept' });
    await db.prisma.store.delete({ where: { id: storeId } });
    const { rows } = await db.sql.query('SELECT count(*)::int AS n FROM feed_memos WHERE store_id = $1', [storeId]);
    expect(rows[0].n).toBe(0);
  });
});
