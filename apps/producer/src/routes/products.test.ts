import Fastify, { type FastifyInstance } from 'fastify';
import type { Prisma, PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { errorHandler } from '../errors';
import { productRoutes } from './products';

let db: TestDatabase;
let app: FastifyInstance;

type Seed = Partial<Prisma.ProductUncheckedCreateInput> & { variantId: string };
const product = (seed: Seed): Prisma.ProductUncheckedCreateInput => ({
  storeId: 's1',
  name: `Product ${seed.variantId}`,
  contentHash: 'h',
  posQuantity: 10,
  category: 'Flower',
  ...seed,
});

beforeAll(async () => {
  db = await createTestDatabase();
  app = Fastify();
  // The test database's client is typed from the db sources, the routes' from its build: one class, two declarations.
  app.setErrorHandler(errorHandler);
  app.register(productRoutes({ prisma: db.prisma as unknown as PrismaClient }));
  await app.ready();

  // The store lets the sync own everything but description and brand.
  await db.prisma.store.create({
    data: {
      id: 's1',
      enabled: true,
      quantityThreshold: 2,
      ownedFields: ['name', 'category', 'strainType', 'cannabinoids', 'terpenes', 'price', 'image', 'weight'],
    },
  });
  await db.prisma.store.create({ data: { id: 'other', enabled: true } });
  await db.prisma.product.createMany({
    data: [
      product({
        variantId: 'v-plenty',
        posQuantity: 10,
        heldQuantity: 3,
        name: 'Gelato Flower 3.5g',
        brand: 'Cookies',
        strainName: 'Gelato',
      }),
      product({ variantId: 'v-low', posQuantity: 3, heldQuantity: 2, name: 'Low Stock Gummies', category: 'Edibles' }),
      product({ variantId: 'v-overheld', posQuantity: 1, heldQuantity: 4, category: 'Edibles' }),
      product({ variantId: 'v-gone', posQuantity: 0, active: false, name: 'Retired Vape', category: 'Vaporizers' }),
      product({ variantId: 'v-dust', posQuantity: 2.3, heldQuantity: 0.1, name: 'Weighed Shake', brand: 'Kiva' }), // 2.2 available: just above the threshold
      product({ variantId: 'v-edge', posQuantity: 2.3, heldQuantity: 0.3 }), // exactly the threshold: not sellable
      product({ variantId: 'v-percent', name: '100% Pure', brand: 'Blue Dream Co' }),
      ...Array.from({ length: 20 }, (_, i) =>
        product({ variantId: `v-${String(i).padStart(2, '0')}`, posQuantity: i, category: i % 2 ? 'Pre-Rolls' : 'Flower' }),
      ),
      product({ storeId: 'other', variantId: 'v-plenty', name: 'Another store' }),
    ],
  });
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

const get = (url: string) => app.inject({ method: 'GET', url });
const patch = (url: string, payload: unknown) => app.inject({ method: 'PATCH', url, payload: payload as object });
type Item = { variantId: string; sellable: boolean; sellableQuantity: number; active: boolean; category: string };
const list = async (query = '') => {
  const response = await get(`/v1/stores/s1/products${query}`);
  expect(response.statusCode).toBe(200);
  return response.json() as { items: Item[]; nextCursor: string | null };
};
const allPages = async (query: string) => {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Item[]; nextCursor: string | null } = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};

describe('GET /v1/stores/{storeId}/products/{variantId}', () => {
  it('shows the product with what the store may sell: held stock and the threshold taken off', async () => {
    const response = await get('/v1/stores/s1/products/v-plenty');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      variantId: 'v-plenty',
      name: 'Gelato Flower 3.5g',
      posQuantity: 10,
      heldQuantity: 3,
      availableQuantity: 7,
      sellableQuantity: 5,
      sellable: true,
      active: true,
      terpenes: [],
      cannabinoids: [],
    });
  });

  it('hides low stock behind the threshold, and never shows a negative quantity', async () => {
    expect((await get('/v1/stores/s1/products/v-low')).json()).toMatchObject({
      availableQuantity: 1,
      sellableQuantity: 0,
      sellable: false,
    });
    expect((await get('/v1/stores/s1/products/v-overheld')).json()).toMatchObject({
      availableQuantity: 0,
      sellableQuantity: 0,
      sellable: false,
    });
    expect((await get('/v1/stores/s1/products/v-dust')).json()).toMatchObject({
      availableQuantity: 2.2,
      sellableQuantity: 0.2,
      sellable: true,
    });
    expect((await get('/v1/stores/s1/products/v-edge')).json()).toMatchObject({
      availableQuantity: 2,
      sellableQuantity: 0,
      sellable: false,
    });
  });

  it('still returns an inactive product, marked inactive and not sellable', async () => {
    expect((await get('/v1/stores/s1/products/v-gone')).json()).toMatchObject({ active: false, sellable: false, posQuantity: 0 });
  });

  it('404 for an unknown product or store; 400 for a malformed store id', async () => {
    expect((await get('/v1/stores/s1/products/nope')).json()).toMatchObject({ error: { code: 'not_found', message: 'product not found' } });
    expect((await get('/v1/stores/nobody/products/v-plenty')).statusCode).toBe(404);
    expect((await get('/v1/stores/bad%20id/products/v-plenty')).statusCode).toBe(400);
  });
});

describe('items sold by weight, and weights in "each"', () => {
  const TIERS = [
    { name: '1g', grams: 1, priceCents: 1000 },
    { name: '1/8 oz', grams: 3.5, priceCents: 3325 },
    { name: '1 oz', grams: 28, priceCents: null },
  ];
  beforeAll(async () => {
    await db.prisma.store.create({ data: { id: 'weighed', enabled: true, quantityThreshold: 0.5 } });
    await db.prisma.product.createMany({
      data: [
        product({
          storeId: 'weighed',
          variantId: 'bulk',
          name: 'Gelato Bulk',
          posQuantity: 31.6,
          heldQuantity: 3.6, // 28 available, 27.5 sellable
          priceCents: 1000,
          weight: { value: 1, unit: 'grams' },
          soldByWeight: true,
          quantityUnit: 'grams',
          weightTiers: TIERS,
        }),
        product({
          storeId: 'weighed',
          variantId: 'eighths',
          posQuantity: 7.5,
          soldByWeight: true,
          quantityUnit: 'grams',
          weightTiers: TIERS,
        }), // exactly 7 g sellable
        product({
          storeId: 'weighed',
          variantId: 'gummies',
          category: 'Edibles',
          weight: { value: 15, unit: 'each' },
          quantityUnit: 'each',
        }),
      ],
    });
  });

  it('lists the weight tiers of an item sold by weight, with how many of each can be sold now', async () => {
    const response = await get('/v1/stores/weighed/products/bulk');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      soldByWeight: true,
      quantityUnit: 'grams',
      priceCents: 1000,
      weight: { value: 1, unit: 'grams' },
      sellableQuantity: 27.5,
      weightTiers: [
        { name: '1g', grams: 1, priceCents: 1000, availableUnits: 27 },
        { name: '1/8 oz', grams: 3.5, priceCents: 3325, availableUnits: 7 },
        { name: '1 oz', grams: 28, priceCents: null, availableUnits: 0 },
      ],
    });
    const eighths = (await get('/v1/stores/weighed/products/eighths')).json() as {
      sellableQuantity: number;
      weightTiers: { availableUnits: number }[];
    };
    expect(eighths.sellableQuantity).toBe(7);
    expect(eighths.weightTiers.map((tier) => tier.availableUnits)).toEqual([7, 2, 0]);
  });

  it('shows the same in the list; an item counted "each" has no weight and no tiers', async () => {
    const { items } = (await get('/v1/stores/weighed/products')).json() as {
      items: { variantId: string; weight: unknown; soldByWeight: boolean; weightTiers: { availableUnits: number }[] }[];
    };
    expect(items.find((item) => item.variantId === 'bulk')!.weightTiers.map((tier) => tier.availableUnits)).toEqual([27, 7, 0]);
    expect(items.find((item) => item.variantId === 'gummies')).toMatchObject({
      weight: null,
      soldByWeight: false,
      quantityUnit: 'each',
      weightTiers: [],
    });
  });
});

describe('GET /v1/stores/{storeId}/products', () => {
  it("lists the store's active products by default, no other store's", async () => {
    const items = await allPages('?limit=500');
    expect(items.map((item) => item.variantId)).not.toContain('v-gone');
    expect(items).toHaveLength(26);
    expect(items.every((item) => item.active)).toBe(true);
    expect((await get('/v1/stores/other/products')).json().items.map((item: Item) => item.variantId)).toEqual(['v-plenty']);
  });

  it("filters by active, category and sellable, agreeing with each product's own numbers", async () => {
    expect((await list('?active=false')).items.map((item) => item.variantId)).toEqual(['v-gone']);
    expect((await list('?active=all&limit=500')).items).toHaveLength(27);
    const edibles = await list('?category=Edibles');
    expect(edibles.items.map((item) => item.variantId).sort()).toEqual(['v-low', 'v-overheld']);

    const everything = await allPages('?limit=500');
    const sellable = await allPages('?sellable=true&limit=500');
    const unsellable = await allPages('?sellable=false&limit=500');
    expect(sellable.map((item) => item.variantId)).toEqual(everything.filter((item) => item.sellable).map((item) => item.variantId));
    expect(unsellable.map((item) => item.variantId)).toEqual(everything.filter((item) => !item.sellable).map((item) => item.variantId));
    expect(sellable.map((item) => item.variantId)).toContain('v-dust');
    expect(unsellable.map((item) => item.variantId)).toEqual(
      expect.arrayContaining(['v-low', 'v-overheld', 'v-edge', 'v-00', 'v-01', 'v-02']),
    );
    expect(sellable.every((item) => item.sellableQuantity > 0)).toBe(true);
  });

  it('searches name, brand and strain name, ignoring case; search text is literal', async () => {
    const ids = async (q: string) => (await list(`?q=${encodeURIComponent(q)}`)).items.map((item) => item.variantId).sort();
    expect(await ids('gelato')).toEqual(['v-plenty']); // name and strain name
    expect(await ids('KIVA')).toEqual(['v-dust']); // brand
    expect(await ids('blue dream')).toEqual(['v-percent']);
    expect(await ids('100%')).toEqual(['v-percent']);
    expect(await ids('%')).toEqual(['v-percent']);
    expect(await ids('_')).toEqual([]);
  });

  it('pages with an opaque cursor, in variantId order, every product once', async () => {
    const first = await list('?limit=7');
    expect(first.items).toHaveLength(7);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.nextCursor).not.toContain(first.items[6].variantId);
    const paged = await allPages('?limit=7');
    const ids = paged.map((item) => item.variantId);
    expect(ids).toHaveLength(26);
    expect(new Set(ids).size).toBe(26);
    expect([...ids].sort()).toEqual(ids);
    // Filters hold across pages.
    const flower = await allPages('?limit=3&category=Flower');
    expect(flower.every((item) => item.category === 'Flower')).toBe(true);
    expect(flower.length).toBe((await list('?category=Flower&limit=500')).items.length);
  });

  it('refuses bad parameters with a 400 naming each one', async () => {
    const response = await get('/v1/stores/s1/products?limit=501&category=Snacks&sellable=maybe');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
    expect(
      response
        .json()
        .error.details.map((detail: { path: string }) => detail.path)
        .sort(),
    ).toEqual(['category', 'limit', 'sellable']);
    expect((await get('/v1/stores/s1/products?limit=0')).statusCode).toBe(400);
    const cursor = await get('/v1/stores/s1/products?cursor=not*a*cursor');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().error.details[0]).toMatchObject({ path: 'cursor' });
  });

  it('404 for an unknown store', async () => {
    expect((await get('/v1/stores/nobody/products')).json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('PATCH /v1/stores/{storeId}/products/{variantId}', () => {
  it("saves the store's edits of fields the sync does not own, and remembers them as edited", async () => {
    const response = await patch('/v1/stores/s1/products/v-00', { description: 'Hand-trimmed, small batch', brand: 'House' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      variantId: 'v-00',
      description: 'Hand-trimmed, small batch',
      brand: 'House',
      editedFields: ['description', 'brand'],
    });
    await patch('/v1/stores/s1/products/v-00', { description: 'Again' });
    const stored = await db.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId: 's1', variantId: 'v-00' } } });
    expect(stored).toMatchObject({ description: 'Again', brand: 'House', editedFields: ['description', 'brand'] });
  });

  it('refuses a field the sync owns with 409, naming it, and changes nothing', async () => {
    const response = await patch('/v1/stores/s1/products/v-01', { name: 'My name', subtype: 'Smalls', description: 'ok' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('owned by the Flowhub sync'),
      details: [
        { path: 'name', message: expect.stringContaining('"name"') },
        { path: 'subtype', message: expect.stringContaining('"category"') }, // category and subtype go together
      ],
    });
    const stored = await db.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId: 's1', variantId: 'v-01' } } });
    expect(stored).toMatchObject({ name: 'Product v-01', description: null, editedFields: [] });
  });

  it('lets a store that does not let the sync own a field edit it', async () => {
    await db.prisma.store.create({ data: { id: 'own-names', enabled: true, ownedFields: ['price'] } });
    await db.prisma.product.create({ data: product({ storeId: 'own-names', variantId: 'v1' }) });
    const response = await patch('/v1/stores/own-names/products/v1', {
      name: 'Our name',
      category: 'Concentrates',
      subtype: 'Live Resin',
      strainType: 'Indica Hybrid',
      weight: { value: 1, unit: 'grams' },
      imageUrl: 'https://img.example/a.png',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Our name', category: 'Concentrates', weight: { value: 1, unit: 'grams' } });
    expect((await patch('/v1/stores/own-names/products/v1', { weight: null })).json().weight).toBeNull();
    expect((await patch('/v1/stores/own-names/products/v1', { priceCents: 100 })).statusCode).toBe(409);
  });

  it('refuses bad values and fields that cannot be edited with a 400 naming each', async () => {
    const bad = await patch('/v1/stores/own-names/products/v1', {
      priceCents: -1,
      category: 'Snacks',
      imageUrl: 'ftp://x.example/a',
      name: '  ',
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.map((detail: { path: string }) => detail.path)
        .sort(),
    ).toEqual(['category', 'imageUrl', 'name', 'priceCents']);
    const quantity = await patch('/v1/stores/s1/products/v-00', { posQuantity: 99, terpenes: [] });
    expect(quantity.statusCode).toBe(400);
    expect(quantity.json().error.details.map((detail: { path: string }) => detail.path)).toEqual(['posQuantity', 'terpenes']);
    expect((await patch('/v1/stores/s1/products/v-00', {})).statusCode).toBe(400);
    expect((await patch('/v1/stores/s1/products/v-00', [1])).statusCode).toBe(400);
  });

  it('404 for an unknown product or store', async () => {
    expect((await patch('/v1/stores/s1/products/nope', { description: 'x' })).statusCode).toBe(404);
    expect((await patch('/v1/stores/nobody/products/v-00', { description: 'x' })).statusCode).toBe(404);
  });
});
