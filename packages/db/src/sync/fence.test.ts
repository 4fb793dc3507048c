// The sync fence against a migrated database: a fenced write claims the fence in its own statement, and what PostgreSQL
// decides when two holders of a store's lock (an old one that lost it without knowing, and the new one) write at once.
import { randomUUID } from 'node:crypto';
import { claimSyncFence, FENCE_GATE, fencedStatements, SyncFenceRefused } from './fence';
import { deactivateProducts, upsertProducts, type ProductContent } from './product-writes';
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

function product(variantId: string, quantity = 5): ProductContent {
  return {
    variantId,
    productId: null,
    sku: null,
    name: `Product ${variantId}`,
    brand: null,
    description: null,
    category: 'Flower',
    subtype: null,
    strainType: null,
    strainName: null,
    priceCents: 1000,
    imageUrl: null,
    purchaseCategory: null,
    quantity,
  };
}

const write = (sql: Parameters<typeof upsertProducts>[0], storeId: string, variantIds: string[], quantity = 5) =>
  upsertProducts(
    sql,
    storeId,
    variantIds.map((variantId) => ({ product: product(variantId, quantity), contentHash: `h-${variantId}-${quantity}` })),
    { ownedProductFields: new Set(), syncedAt: new Date() },
  );

const quantities = async (storeId: string) =>
  (await db.sql.query('SELECT variant_id, pos_quantity, active FROM products WHERE store_id = $1 ORDER BY variant_id', [storeId])).rows.map(
    (row: { variant_id: string; pos_quantity: number; active: boolean }) => `${row.variant_id}:${row.pos_quantity}:${row.active}`,
  );

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
    await expect(fenced.query('UPDATE products SET active = false WHERE store_id = $1', [storeId])).rejects.toThrow(/FENCE_GATE/);
    await expect(
      fenced.query(`UPDATE products SET active = false WHERE store_id = $1 AND ${FENCE_GATE} RETURNING variant_id`, [storeId]),
    ).rejects.toThrow(/no RETURNING/);
    await expect(
      fenced.query(`UPDATE products SET active = false WHERE store_id = $1 AND ${FENCE_GATE} AND ${FENCE_GATE}`, [storeId]),
    ).rejects.toThrow(/FENCE_GATE\) once/);
    await expect(fenceOf(storeId)).resolves.toBe(0);
  });
});
