// The menu change feed against a migrated database: every kind of product write is stamped, the feed pages in order,
// a transaction that commits late is never skipped, and the holds of orders placed concurrently all reach a poller.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  deactivateProducts,
  editProduct,
  latestProductChange,
  placeOrder,
  readProductChanges,
  upsertProducts,
  type NewOrder,
  type PrismaClient,
  type ProductChangeCursor,
  type ProductUpsert,
} from '../index';
import { waitFor } from '@flowhub-sync/testing';
import { createTestDatabase, type TestDatabase } from '../testing';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function upsert(variantId: string, quantity: number, hash = `h-${quantity}`): ProductUpsert {
  return {
    contentHash: hash,
    product: {
      variantId,
      productId: null,
      sku: null,
      name: variantId,
      brand: null,
      description: null,
      category: 'flower',
      subtype: null,
      strainType: null,
      strainName: null,
      priceCents: 1000,
      imageUrl: null,
      purchaseCategory: null,
      quantity,
    },
  };
}

async function storeWith(stock: Record<string, number>): Promise<string> {
  const storeId = id('store');
  await prisma.store.create({ data: { id: storeId, enabled: true, syncOrders: true } });
  const writes = Object.entries(stock).map(([variantId, quantity]) => upsert(variantId, quantity));
  await upsertProducts(db.sql, storeId, writes, { ownedProductFields: new Set(), syncedAt: new Date() });
  return storeId;
}

/** Reads the whole feed after `cursor`, page by page, as a platform polling it would. */
async function drain(storeId: string, cursor: ProductChangeCursor | null, limit = 3) {
  const seen: Array<{ variantId: string; change: number; heldQuantity: number; active: boolean; posQuantity: number }> = [];
  for (;;) {
    const page = await readProductChanges(prisma, storeId, cursor, limit);
    seen.push(
      ...page.map(({ variantId, change, heldQuantity, active, posQuantity }) => ({ variantId, change, heldQuantity, active, posQuantity })),
    );
    if (page.length < limit) break;
    cursor = { change: page[page.length - 1].change, variantId: page[page.length - 1].variantId };
  }
  return { seen, cursor: seen.length ? { change: seen[seen.length - 1].change, variantId: seen[seen.length - 1].variantId } : cursor };
}

/**
 * The feed once it shows `count` changes after `cursor`. A transaction anywhere on the server (another test's) holds
 * the feed back while it runs, so a write is handed out soon after its commit, not necessarily at once.
 */
const settled = (storeId: string, cursor: ProductChangeCursor | null, count: number, limit = 3) =>
  waitFor(
    async () => {
      const drained = await drain(storeId, cursor, limit);
      return drained.seen.length >= count ? drained : undefined;
    },
    { what: `${count} changes in the feed` },
  );

function order(storeId: string, variantId: string, quantity: number): NewOrder {
  return {
    storeId,
    externalId: id('order'),
    status: 'pending',
    type: 'pickup',
    placedAt: new Date(),
    customer: { firstName: 'Ada', phone: '+15555550123', purchaseCategory: 'rec' },
    deliveryNotes: null,
    deliveryFeeCents: null,
    address: null,
    requestedWindow: null,
    contentHash: 'content',
    confirmedAt: null,
    pushState: 'not_pushed',
    createdAt: new Date(),
    lines: [{ line: 0, variantId, quantity }],
    events: [{ event: 'created', to: 'pending', cause: 'platform' }],
  };
}

describe('the menu change feed', () => {
  it("lists a store's products in change order, page by page, each once, and only that store's", async () => {
    const storeId = await storeWith({ a: 5, b: 5, c: 5, d: 5, e: 5 });
    await storeWith({ a: 1 }); // another store's products never appear
    const { seen } = await settled(storeId, null, 5, 2);
    expect(seen.map((row) => row.variantId).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const order = seen.map((row) => [row.change, row.variantId] as const);
    expect([...order].sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]))).toEqual(order);
  });

  it('hands out again exactly the products a later write touched: a sync, a store edit, a hold, a removal', async () => {
    const storeId = await storeWith({ a: 5, b: 5, c: 5, d: 5, e: 5, f: 5 });
    const start = (await settled(storeId, null, 6)).cursor;
    expect(await drain(storeId, start)).toEqual({ seen: [], cursor: start });

    await upsertProducts(db.sql, storeId, [upsert('b', 7)], { ownedProductFields: new Set(), syncedAt: new Date() });
    await editProduct(prisma, storeId, 'c', { description: 'Staff favourite' });
    expect((await placeOrder(db.sql, order(storeId, 'd', 2), 0)).outcome).toBe('placed');
    await deactivateProducts(db.sql, storeId, ['e'], new Date());

    const { seen } = await settled(storeId, start, 4);
    expect(seen.map((row) => row.variantId)).toEqual(['b', 'c', 'd', 'e']);
    expect(seen.find((row) => row.variantId === 'b')).toMatchObject({ posQuantity: 7 });
    expect(seen.find((row) => row.variantId === 'd')).toMatchObject({ heldQuantity: 2 });
    expect(seen.find((row) => row.variantId === 'e')).toMatchObject({ active: false });
    expect(await latestProductChange(prisma, storeId)).toEqual({ change: seen[3].change, variantId: 'e' });
  });

  it('never skips a change whose transaction commits after a later one: it waits for the older transaction', async () => {
    const storeId = await storeWith({ early: 5, late: 5 });
    const start = (await settled(storeId, null, 2)).cursor;
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      // The slow transaction writes first (its id, and so its change number, is the smaller one) and commits last.
      await slow.query('BEGIN');
      await slow.query(
        `UPDATE products SET pos_quantity = 1, change = ((pg_current_xact_id())::text)::bigint
        WHERE store_id = $1 AND variant_id = 'early'`,
        [storeId],
      );
      await upsertProducts(db.sql, storeId, [upsert('late', 9)], { ownedProductFields: new Set(), syncedAt: new Date() });
      // Handing out 'late' now would move the platform's cursor past 'early', whose commit is still to come.
      expect((await drain(storeId, start)).seen).toEqual([]);
      await slow.query('COMMIT');
      expect((await settled(storeId, start, 2)).seen.map((row) => [row.variantId, row.posQuantity])).toEqual([
        ['early', 1],
        ['late', 9],
      ]);
    } finally {
      await slow.end();
    }
  });

  it("a poller running beside concurrent orders sees every product's final held quantity", async () => {
    const variants = Array.from({ length: 8 }, (_, index) => `v${index}`);
    const storeId = await storeWith(Object.fromEntries(variants.map((variantId) => [variantId, 1000])));
    let cursor = (await settled(storeId, null, variants.length)).cursor;
    const lastSeen = new Map<string, number>();
    let placing = true;
    const poller = (async () => {
      while (placing) {
        const drained = await drain(storeId, cursor, 5);
        for (const row of drained.seen) lastSeen.set(row.variantId, row.heldQuantity);
        cursor = drained.cursor;
      }
    })();
    const orders = Array.from({ length: 60 }, (_, index) => order(storeId, variants[index % variants.length], 1 + (index % 3)));
    const outcomes = await Promise.all(orders.map((next) => placeOrder(db.sql, next, 0)));
    placing = false;
    await poller;

    expect(outcomes.every((outcome) => outcome.outcome === 'placed')).toBe(true);
    const products = await prisma.product.findMany({ where: { storeId }, select: { variantId: true, heldQuantity: true } });
    const final = Object.fromEntries(products.map((product) => [product.variantId, product.heldQuantity]));
    // Polling on from where the poller stopped (other transactions on the server may still hold the last ones back).
    await waitFor(
      async () => {
        const drained = await drain(storeId, cursor, 5);
        for (const row of drained.seen) lastSeen.set(row.variantId, row.heldQuantity);
        cursor = drained.cursor;
        return variants.every((variantId) => lastSeen.get(variantId) === final[variantId]);
      },
      { what: "the feed to reach every product's final held quantity" },
    );
    expect(Object.fromEntries(lastSeen)).toEqual(final);
    expect(products.every((product) => product.heldQuantity > 0)).toBe(true);
  });
});
