// What a store's menu looks like after a sync: each family of mapping rules (docs/mapping-rules.md), as the
// products show them, for rows as messy as real feeds.
import { AIQ_CATEGORIES, STRAIN_TYPES, TERPENES } from '@flowhub-sync/mapping';
import { enableStore, startSyncTestbed, type SyncTestbed } from './testing/sync-testbed';
import { syncStore } from './sync-store';

let bed: SyncTestbed;
const ids: Record<string, string> = {};

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 400, seed: 3 });
  const location = bed.sim.state.location('demo-location')!;
  const add = (key: string, fields: Record<string, unknown>, quantity = 5) => {
    ids[key] = location.addProduct({ productName: key, ...fields }, quantity).variantId;
  };
  add('gummies', {
    customCategoryName: 'Staff Picks', // maps to nothing: falls through to Type
    type: ' gummies ',
    category: 'Edibles',
    speciesName: ' INDICA_DOM ',
    strainName: 'Blue Dream',
    brand: 'Kiva',
    preTaxPriceInPennies: '1999',
    postTaxPriceInPennies: 2399,
    productWeight: 0,
    terpenes: [
      { name: 'd-Limonene', lowerRange: 4, upperRange: 6, unitOfMeasure: 'mg/g' },
      { name: 'γ-Terpinene', lowerRange: 1, upperRange: 1, unitOfMeasure: '%' }, // another compound
      { name: 'Eucalyptol', lowerRange: 1, upperRange: 1, unitOfMeasure: '%' }, // unsupported
      { name: 'Limonene', lowerRange: 9, upperRange: 9, unitOfMeasure: 'mg/g' }, // the same terpene again
    ],
    cannabinoidInformation: [{ name: 'thc', lowerRange: '10', upperRange: '10', unitOfMeasure: 'mg' }],
  });
  add('smalls', {
    customCategoryName: 'SMALLS',
    type: 'Cartridge',
    category: 'Vapes',
    speciesName: '50 / 50',
    productWeight: 3.5,
    productUnitOfMeasure: 'grams',
  });
  add('mystery', {
    customCategoryName: null,
    type: 'Gift Cards',
    category: 'Misc',
    speciesName: 'N/A',
    terpenes: [{ name: 'Δ-3-Carene', lowerRange: 0.2, upperRange: 0.4, unitOfMeasure: '%' }],
  });
  add('cart', {
    customCategoryName: 'Top Shelf',
    type: 'Cartridge',
    category: 'Vapes',
    speciesName: 'hybrid indica',
    productPictureURL: 'https://img.example/cart.png',
  });

  await enableStore(bed, 'plain');
  await enableStore(bed, 'taxed', { pricesIncludeTax: true, mapCustomCategoryToSubCategory: true });
  await syncStore(bed.deps, { storeId: 'plain', trigger: 'initial', acceptShrink: false });
  await syncStore(bed.deps, { storeId: 'taxed', trigger: 'initial', acceptShrink: false });
});
afterAll(() => bed.close());

const product = (storeId: string, key: string) =>
  bed.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId: ids[key] } } });

describe('a first sync puts the feed on the menu, mapped', () => {
  it('carries every valid For-Sale row, active, with its Flowhub quantity', async () => {
    const location = bed.sim.state.location('demo-location')!;
    const expected = location.catalogue().filter((item) => item.defect === null && location.forSaleQuantity(item) > 0);
    const products = await bed.prisma.product.findMany({ where: { storeId: 'plain' } });
    expect(products).toHaveLength(expected.length);
    const byVariant = new Map(products.map((p) => [p.variantId, p]));
    for (const item of expected) {
      expect(byVariant.get(item.variantId)).toMatchObject({ active: true, posQuantity: location.forSaleQuantity(item), heldQuantity: 0 });
    }
  });

  it('categories: a custom category that maps wins, one that does not falls through to Type, then Category', async () => {
    expect(await product('plain', 'smalls')).toMatchObject({ category: 'Flower', subtype: 'Cartridge' });
    expect(await product('plain', 'gummies')).toMatchObject({ category: 'Edibles', subtype: 'gummies' });
    expect(await product('plain', 'cart')).toMatchObject({ category: 'Vaporizers', subtype: 'Cartridge' });
  });

  it('an item nothing maps still syncs, uncategorized, and the run reports it by name', async () => {
    expect(await product('plain', 'mystery')).toMatchObject({ category: null, subtype: 'Gift Cards', active: true });
    const run = await bed.prisma.syncRun.findFirstOrThrow({ where: { storeId: 'plain' } });
    expect(run.uncategorized).toBeGreaterThan(0);
    expect(run.problems).toEqual(
      expect.arrayContaining([{ variantId: ids.mystery, reason: expect.stringMatching(/uncategorized.*"Gift Cards".*"Misc"/) }]),
    );
  });

  it('strain types from their many spellings; an unknown one is null and reported', async () => {
    expect((await product('plain', 'gummies')).strainType).toBe('Indica');
    expect((await product('plain', 'smalls')).strainType).toBe('Hybrid');
    expect((await product('plain', 'cart')).strainType).toBe('Indica Hybrid');
    expect((await product('plain', 'mystery')).strainType).toBeNull();
    const run = await bed.prisma.syncRun.findFirstOrThrow({ where: { storeId: 'plain' } });
    expect(run.unknownStrainTypes).toBeGreaterThan(0);
    expect(run.problems).toEqual(expect.arrayContaining([{ variantId: ids.mystery, reason: 'unknown strain type "N/A"' }]));
  });

  it('terpenes under AIQ names with their amounts; other compounds and unsupported ones left out and reported', async () => {
    expect((await product('plain', 'gummies')).terpenes).toEqual([{ name: 'Limonene', lower: 4, upper: 6, unit: 'mg/g', percent: 0.5 }]);
    expect((await product('plain', 'mystery')).terpenes).toEqual([
      { name: 'delta 3 Carene', lower: 0.2, upper: 0.4, unit: '%', percent: 0.3 },
    ]);
    const run = await bed.prisma.syncRun.findFirstOrThrow({ where: { storeId: 'plain' } });
    expect(run.unknownTerpenes).toBeGreaterThan(0);
    expect(run.problems).toEqual(
      expect.arrayContaining([{ variantId: ids.gummies, reason: expect.stringMatching(/unknown terpenes.*γ-Terpinene, Eucalyptol/) }]),
    );
  });

  it('prices, weights, cannabinoids, brand and image as the store shows them', async () => {
    expect(await product('plain', 'gummies')).toMatchObject({
      priceCents: 1999,
      weight: null, // Flowhub's 0 for items sold by the unit
      brand: 'Kiva',
      strainName: 'Blue Dream',
      cannabinoids: [{ name: 'thc', lower: 10, upper: 10, unit: 'mg' }],
    });
    expect(await product('plain', 'smalls')).toMatchObject({ weight: { value: 3.5, unit: 'grams' } });
    expect(await product('plain', 'cart')).toMatchObject({ imageUrl: 'https://img.example/cart.png' });
  });

  it("follows each store's settings: post-tax prices, custom category as subtype", async () => {
    expect(await product('taxed', 'gummies')).toMatchObject({ priceCents: 2399, subtype: 'Staff Picks', category: 'Edibles' });
    expect(await product('plain', 'gummies')).toMatchObject({ priceCents: 1999, subtype: 'gummies' });
  });

  it("keeps every value within AIQ's lists across the whole messy catalogue", async () => {
    const products = await bed.prisma.product.findMany({ where: { storeId: 'plain' } });
    const categories = new Set(products.map((p) => p.category));
    expect(categories.size).toBeGreaterThan(6);
    for (const p of products) {
      if (p.category !== null) expect(AIQ_CATEGORIES).toContain(p.category);
      if (p.strainType !== null) expect(STRAIN_TYPES).toContain(p.strainType);
      for (const terpene of p.terpenes as { name: string }[]) expect(TERPENES).toContain(terpene.name);
      const names = (p.terpenes as { name: string }[]).map((terpene) => terpene.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it("applies the store's own Category Settings from the next sync", async () => {
    await bed.prisma.categoryMapping.create({
      data: { storeId: 'plain', flowhubValue: 'Top Shelf', flowhubKey: 'top shelf', category: 'Concentrates' },
    });
    await syncStore(bed.deps, { storeId: 'plain', trigger: 'manual', acceptShrink: false });
    expect((await product('plain', 'cart')).category).toBe('Concentrates');
    expect((await product('taxed', 'cart')).category).toBe('Vaporizers'); // another store, its own settings
  });
});
