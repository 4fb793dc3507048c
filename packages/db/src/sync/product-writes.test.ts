// The bulk product write against a migrated database: every column as given (in batches, in PostgreSQL's binary
// array format), what an update keeps and what it overwrites, and the batches strictly one after the other even though
// the next one is encoded while one is written: beforeBatch before each, nothing sent after a failure or a refusal;
// and the sync fence those writes carry (./fence.ts); at the end, the workers' shared feed memo (./feed-memos.ts).
import { randomUUID } from 'node:crypto';
import { readFeedMemo, saveFeedMemo } from './feed-memos';
import { claimSyncFence, FENCE_GATE, fencedStatements, SyncFenceRefused, type SyncStatement } from './fence';
import { upsertProducts, type ProductContent, type ProductSql, type ProductUpsert } from './product-writes';
import { deactivateProducts } from './product-writes';
import { editProduct } from '../products/products';
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

function product(variantId: string, fields: Partial<ProductContent> = {}): ProductContent {
  return {
    variantId,
    productId: `p-${variantId}`,
    sku: `SKU-${variantId}`,
    name: `Product ${variantId}`,
    brand: 'Brand',
    description: 'A description.',
    category: 'Flower',
    subtype: 'Pre-roll',
    strainType: 'Hybrid',
    strainName: 'Blue Dream',
    terpenes: [{ name: 'myrcene', value: 0.5 }],
    cannabinoids: [{ name: 'thc', lower: 20, upper: 24, unit: '%' }],
    priceCents: 2499,
    imageUrl: 'https://example.com/a.png',
    weight: { value: 3.5, unit: 'grams' },
    purchaseCategory: 'rec',
    quantity: 12,
    soldByWeight: false,
    quantityUnit: 'each',
    weightTiers: [],
    ...fields,
  };
}

const upsert = (content: ProductContent, contentHash = `hash-${content.variantId}`): ProductUpsert => ({ product: content, contentHash });

const rowsOf = async (storeId: string) =>
  (await db.sql.query('SELECT * FROM products WHERE store_id = $1 ORDER BY variant_id', [storeId])).rows as Array<Record<string, unknown>>;

const countOf = async (storeId: string) =>
  Number((await db.sql.query('SELECT count(*) AS n FROM products WHERE store_id = $1', [storeId])).rows[0].n);

/** A statement runner that counts the product upserts it sends. */
function counting(sql: ProductSql): ProductSql & { upserts: number } {
  const runner = {
    upserts: 0,
    query(statement: SyncStatement) {
      if (statement.text.includes('INSERT INTO products')) runner.upserts++;
      return sql.query(statement);
    },
  };
  return runner;
}

describe('upsertProducts', () => {
  it('writes every column of new products as given, over several batches', async () => {
    const storeId = await newStore();
    const syncedAt = new Date('2026-12-05T10:11:12.345Z');
    const contents = [
      product('a'),
      product('b', {
        productId: null,
        sku: null,
        brand: null,
        description: null,
        category: null,
        subtype: null,
        strainType: null,
        strainName: null,
        terpenes: null,
        cannabinoids: undefined,
        priceCents: null,
        imageUrl: null,
        weight: null,
        purchaseCategory: null,
        soldByWeight: undefined,
        quantityUnit: undefined,
        weightTiers: undefined,
      }),
      product('c', {
        name: 'Quotes " and \\ backslashes, {braces}, commas, NULL',
        description: 'Line one\nline two\ttabbed, é ü 中文 🌿',
        brand: '',
        terpenes: [{ name: 'say "hi"\\', note: 'new\nline 🌿' }],
        weight: { value: 28, unit: 'grams', label: '1 oz "full"' },
        priceCents: 0,
        quantity: 0,
      }),
      product('d', {
        soldByWeight: true,
        quantity: 1234.567,
        quantityUnit: 'grams',
        priceCents: 2147483647,
        weightTiers: [
          { name: '1g', grams: 1, priceCents: 1300 },
          { name: '1/8 oz', grams: 3.5, priceCents: 4323 },
        ],
      }),
      product('e', { quantity: 0.1 + 0.2 }),
    ];
    await upsertProducts(
      db.sql,
      storeId,
      contents.map((content) => upsert(content)),
      {
        ownedProductFields: new Set(['name']),
        syncedAt,
        batchSize: 2,
      },
    );

    const rows = await rowsOf(storeId);
    expect(rows).toHaveLength(5);
    rows.forEach((row, index) => {
      const content = contents[index];
      expect(row).toMatchObject({
        store_id: storeId,
        variant_id: content.variantId,
        product_id: content.productId,
        sku: content.sku,
        name: content.name,
        brand: content.brand,
        description: content.description,
        category: content.category,
        subtype: content.subtype,
        strain_type: content.strainType,
        strain_name: content.strainName,
        terpenes: content.terpenes ?? [],
        cannabinoids: content.cannabinoids ?? [],
        price_cents: content.priceCents,
        image_url: content.imageUrl,
        weight: content.weight,
        purchase_category: content.purchaseCategory,
        pos_quantity: content.quantity,
        sold_by_weight: content.soldByWeight === true,
        quantity_unit: content.quantityUnit ?? null,
        weight_tiers: content.weightTiers ?? [],
        held_quantity: 0,
        active: true,
        edited_fields: [],
        content_hash: `hash-${content.variantId}`,
        last_synced_at: syncedAt,
        created_at: syncedAt,
        updated_at: syncedAt,
      });
    });
    // Every row stamped by its batch's transaction (one statement per batch here, unfenced).
    expect(new Set(rows.map((row) => row.change)).size).toBe(3);
  });

  it('updates an existing product: owned fields overwritten and their edits forgotten, the rest kept, reactivated, stamped', async () => {
    const storeId = await newStore();
    const createdAt = new Date('2026-12-01T00:00:00.000Z');
    await upsertProducts(db.sql, storeId, [upsert(product('a'))], { ownedProductFields: new Set(), syncedAt: createdAt });
    await editProduct(db.prisma, storeId, 'a', { description: 'The store’s description', brand: 'The store’s brand' });
    await deactivateProducts(db.sql, storeId, ['a'], new Date());
    const [before] = await rowsOf(storeId);
    expect(before).toMatchObject({ active: false, pos_quantity: 0, edited_fields: ['description', 'brand'] });

    const syncedAt = new Date('2026-12-02T00:00:00.000Z');
    const changed = product('a', {
      productId: 'p-new',
      sku: 'SKU-new',
      name: 'New name',
      brand: 'New brand',
      description: 'New description',
      priceCents: 999,
      purchaseCategory: 'med',
      quantity: 7,
      soldByWeight: true,
      quantityUnit: 'grams',
      weightTiers: [{ name: '1g', grams: 1, priceCents: 999 }],
    });
    await upsertProducts(db.sql, storeId, [upsert(changed, 'hash-new')], {
      ownedProductFields: new Set(['description', 'priceCents']),
      syncedAt,
    });

    const [after] = await rowsOf(storeId);
    expect(after).toMatchObject({
      // What no owned field covers: always from the feed.
      product_id: 'p-new',
      sku: 'SKU-new',
      purchase_category: 'med',
      pos_quantity: 7,
      sold_by_weight: true,
      quantity_unit: 'grams',
      weight_tiers: [{ name: '1g', grams: 1, priceCents: 999 }],
      // Owned: overwritten, the store's edit of it forgotten.
      description: 'New description',
      price_cents: 999,
      edited_fields: ['brand'],
      // Not owned: kept, edited or not.
      brand: 'The store’s brand',
      name: 'Product a',
      active: true,
      content_hash: 'hash-new',
      last_synced_at: syncedAt,
      updated_at: syncedAt,
      created_at: createdAt,
    });
    expect(BigInt(after.change as string)).toBeGreaterThan(BigInt(before.change as string));
  });

  it('sends nothing for no writes', async () => {
    const sql = counting(db.sql);
    await upsertProducts(sql, await newStore(), [], { ownedProductFields: new Set(), syncedAt: new Date() });
    expect(sql.upserts).toBe(0);
  });

  it('writes the batches one after the other: beforeBatch before each, once the batch before is written', async () => {
    const storeId = await newStore();
    const calls: Array<[number, number]> = [];
    await upsertProducts(
      db.sql,
      storeId,
      ['a', 'b', 'c', 'd', 'e'].map((variantId) => upsert(product(variantId))),
      {
        ownedProductFields: new Set(),
        syncedAt: new Date(),
        batchSize: 2,
        beforeBatch: async (written) => {
          calls.push([written, await countOf(storeId)]);
        },
      },
    );
    expect(calls).toEqual([
      [0, 0],
      [2, 2],
      [4, 4],
    ]);
    expect(await countOf(storeId)).toBe(5);
  });

  it('takes batches from a source as they are made: the next one asked for while one is written', async () => {
    const storeId = await newStore();
    const events: string[] = [];
    const sql: ProductSql = {
      query: async (statement: SyncStatement) => {
        events.push('write');
        const result = await db.sql.query(statement);
        events.push(`written: ${await countOf(storeId)}`);
        return result;
      },
    };
    let finished = false;
    async function* source() {
      try {
        for (const batch of [['a', 'b'], [], ['c', 'd', 'e'], ['f']]) {
          events.push(`made ${batch.length}`);
          yield batch.map((variantId) => upsert(product(variantId)));
        }
      } finally {
        finished = true;
      }
    }
    await upsertProducts(sql, storeId, source(), { ownedProductFields: new Set(), syncedAt: new Date() });
    expect(finished).toBe(true);
    expect(await countOf(storeId)).toBe(6);
    // Each batch is made while the one before it is written; an empty one is skipped.
    expect(events).toEqual(['made 2', 'write', 'made 0', 'made 3', 'written: 2', 'write', 'made 1', 'written: 5', 'write', 'written: 6']);
  });

  it('stops a source when a write fails: it is told to finish, nothing more is asked of it', async () => {
    const storeId = await newStore();
    let made = 0;
    let finished = false;
    async function* source() {
      try {
        for (;;) {
          made += 1;
          yield [upsert(product(`v${made}`, { quantity: made === 2 ? -1 : 1 }))];
        }
      } finally {
        finished = true;
      }
    }
    await expect(upsertProducts(db.sql, storeId, source(), { ownedProductFields: new Set(), syncedAt: new Date() })).rejects.toThrow(
      /products_pos_quantity_non_negative/,
    );
    expect(finished).toBe(true);
    expect(made).toBe(3);
    expect((await rowsOf(storeId)).map((row) => row.variant_id)).toEqual(['v1']);
  });

  it('stops when beforeBatch throws: nothing more is sent', async () => {
    const storeId = await newStore();
    const sql = counting(db.sql);
    const stop = new Error('the store lock was lost');
    const writing = upsertProducts(
      sql,
      storeId,
      ['a', 'b', 'c', 'd', 'e'].map((variantId) => upsert(product(variantId))),
      {
        ownedProductFields: new Set(),
        syncedAt: new Date(),
        batchSize: 2,
        beforeBatch: (written) => {
          if (written === 2) throw stop;
        },
      },
    );
    await expect(writing).rejects.toBe(stop);
    expect(sql.upserts).toBe(1);
    expect(await countOf(storeId)).toBe(2);
  });

  it('stops at a batch PostgreSQL refuses: the batches before stay written, none after is sent', async () => {
    const storeId = await newStore();
    const sql = counting(db.sql);
    // The third product breaks the table's constraint (a quantity is never negative): the second batch fails.
    const writes = ['a', 'b', 'c', 'd', 'e', 'f'].map((variantId) => upsert(product(variantId, { quantity: variantId === 'c' ? -1 : 1 })));
    await expect(
      upsertProducts(sql, storeId, writes, { ownedProductFields: new Set(), syncedAt: new Date(), batchSize: 2 }),
    ).rejects.toThrow(/products_pos_quantity_non_negative/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sql.upserts).toBe(2);
    expect((await rowsOf(storeId)).map((row) => row.variant_id)).toEqual(['a', 'b']);
  });

  it('fenced: each batch in a fenced transaction of its own; a newer sync’s claim stops the rest', async () => {
    const storeId = await newStore();
    const fence = { storeId, token: 1 };
    await claimSyncFence(db.sql, fence);
    const writing = upsertProducts(
      fencedStatements(db.sql, fence),
      storeId,
      ['a', 'b', 'c', 'd', 'e'].map((variantId) => upsert(product(variantId))),
      {
        ownedProductFields: new Set(),
        syncedAt: new Date(),
        batchSize: 2,
        beforeBatch: async (written) => {
          if (written === 4) await claimSyncFence(db.sql, { storeId, token: 2 });
        },
      },
    );
    await expect(writing).rejects.toBeInstanceOf(SyncFenceRefused);
    const rows = await rowsOf(storeId);
    expect(rows.map((row) => row.variant_id)).toEqual(['a', 'b', 'c', 'd']);
    // Two transactions, one per batch.
    expect(new Set(rows.map((row) => row.change)).size).toBe(2);
  });
});

/** Writes products of `quantity` under `sql` (a fenced writer, or the pool). */
const write = (sql: ProductSql, storeId: string, variantIds: string[], quantity = 5) =>
  upsertProducts(
    sql,
    storeId,
    variantIds.map((variantId) => upsert(product(variantId, { quantity }), `h-${variantId}-${quantity}`)),
    { ownedProductFields: new Set(), syncedAt: new Date() },
  );

const quantities = async (storeId: string) =>
  (await rowsOf(storeId)).map((row) => `${String(row.variant_id)}:${String(row.pos_quantity)}:${String(row.active)}`);

const fenceOf = async (storeId: string) =>
  (await db.sql.query('SELECT sync_fence::int AS token FROM stores WHERE id = $1', [storeId])).rows[0]?.token as number | undefined;

/** A claim of the fence held open in a transaction, as a sync whose write is in flight holds it. */
async function heldClaim(storeId: string, token: number) {
  const client = await db.sql.connect();
  await client.query('BEGIN');
  await claimSyncFence(client, { storeId, token });
  return {
    commit: async () => {
      await client.query('COMMIT');
      client.release();
    },
  };
}

/** Whether a promise is still pending after `ms`. */
const stillPending = (promise: Promise<unknown>, ms = 300) =>
  Promise.race([
    promise.then(
      () => false,
      () => false,
    ),
    new Promise((resolve) => setTimeout(() => resolve(true), ms)),
  ]);

// The sync fence (./fence.ts): a fenced write claims the fence in its own statement, and what PostgreSQL decides when
// two holders of a store's lock (an old one that lost it without knowing, and the new one) write at once.
describe('fencedStatements', () => {
  it('writes under a fence it holds, and moves the fence up to its token', async () => {
    const storeId = await newStore();
    await claimSyncFence(db.sql, { storeId, token: 3 });
    await write(fencedStatements(db.sql, { storeId, token: 3 }), storeId, ['a', 'b']);
    await expect(quantities(storeId)).resolves.toEqual(['a:5:true', 'b:5:true']);
    await expect(deactivateProducts(fencedStatements(db.sql, { storeId, token: 4 }), storeId, ['a'], new Date())).resolves.toBe(1);
    await expect(quantities(storeId)).resolves.toEqual(['a:0:false', 'b:5:true']);
    await expect(fenceOf(storeId)).resolves.toBe(4);
  });

  it('writes nothing once a newer sync has claimed the fence, and says whose token is there', async () => {
    const storeId = await newStore();
    await write(db.sql, storeId, ['a']);
    await claimSyncFence(db.sql, { storeId, token: 7 });
    const stale = fencedStatements(db.sql, { storeId, token: 6 });
    await expect(write(stale, storeId, ['a', 'b'], 9)).rejects.toThrow(/fencing token 6 is older than 7/);
    await expect(deactivateProducts(stale, storeId, ['a'], new Date())).rejects.toBeInstanceOf(SyncFenceRefused);
    await expect(quantities(storeId)).resolves.toEqual(['a:5:true']);
    await expect(fenceOf(storeId)).resolves.toBe(7);
  });

  it('a stale write waits for a newer claim in flight, then writes nothing', async () => {
    const storeId = await newStore();
    await claimSyncFence(db.sql, { storeId, token: 1 });
    const newer = await heldClaim(storeId, 2);
    const stale = write(fencedStatements(db.sql, { storeId, token: 1 }), storeId, ['a']);
    stale.catch(() => undefined);
    await expect(stillPending(stale)).resolves.toBe(true);
    await newer.commit();
    await expect(stale).rejects.toBeInstanceOf(SyncFenceRefused);
    await expect(quantities(storeId)).resolves.toEqual([]);
  });

  it('a newer write waits for an older claim in flight, then writes', async () => {
    const storeId = await newStore();
    const older = await heldClaim(storeId, 1);
    const newer = write(fencedStatements(db.sql, { storeId, token: 2 }), storeId, ['a'], 8);
    await expect(stillPending(newer)).resolves.toBe(true);
    await older.commit();
    await newer;
    await expect(quantities(storeId)).resolves.toEqual(['a:8:true']);
    await expect(fenceOf(storeId)).resolves.toBe(2);
  });

  it('refuses a store that was deleted, saying so', async () => {
    const storeId = await newStore();
    await db.prisma.store.delete({ where: { id: storeId } });
    const refused = write(fencedStatements(db.sql, { storeId, token: 1 }), storeId, ['a']);
    await expect(refused).rejects.toThrow('the store was deleted while it synced');
    await expect(refused).rejects.toMatchObject({ currentToken: null });
  });

  it('refuses to run a statement that does not check the fence', async () => {
    const storeId = await newStore();
    const fenced = fencedStatements(db.sql, { storeId, token: 1 });
    const run = (text: string) => fenced.query({ name: 'deactivate', text, values: [storeId] });
    await expect(run('UPDATE products SET active = false WHERE store_id = $1')).rejects.toThrow(/FENCE_GATE/);
    await expect(run(`UPDATE products SET active = false WHERE store_id = $1 AND ${FENCE_GATE} RETURNING variant_id`)).rejects.toThrow(
      /no RETURNING/,
    );
    await expect(run(`UPDATE products SET active = false WHERE store_id = $1 AND ${FENCE_GATE} AND ${FENCE_GATE}`)).rejects.toThrow(
      /FENCE_GATE\) once/,
    );
    await expect(fenceOf(storeId)).resolves.toBe(0);
  });
});

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
