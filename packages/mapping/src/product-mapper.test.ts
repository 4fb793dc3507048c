import { type ProductMappingSettings, createInventoryMapper, mapInventoryItem } from './index';
import { amount, buildInventoryItem } from './testing/inventory-item';

const SETTINGS: ProductMappingSettings = { mapCustomCategoryToSubCategory: false, pricesIncludeTax: false };

describe('mapInventoryItem', () => {
  test('maps a realistic row to the product of the API contract', () => {
    const { product, problems } = mapInventoryItem(buildInventoryItem(), SETTINGS);
    expect(product).toEqual({
      variantId: 'var-100',
      productId: 'prod-100',
      sku: 'BD-35',
      name: 'Blue Dream 3.5g',
      brand: 'Green Leaf',
      description: 'A sativa-dominant classic.',
      category: 'Flower',
      subtype: 'Bud',
      strainType: 'Sativa',
      strainName: 'Blue Dream',
      terpenes: [
        { name: 'β-Myrcene', lower: 4, upper: 6, unit: 'mg/g', percent: 0.5 },
        { name: 'Limonene', lower: 0.4, upper: 0.6, unit: '%', percent: 0.5 },
      ],
      cannabinoids: [
        { name: 'thc', lower: 21.3, upper: 21.3, unit: '%' },
        { name: 'cbd', lower: 0.1, upper: 0.2, unit: '%' },
      ],
      priceCents: 4500,
      imageUrl: 'https://images.example/blue-dream.png',
      weight: { value: 3.5, unit: 'grams' },
      purchaseCategory: 'rec',
      soldByWeight: false,
      quantityUnit: 'each',
      weightTiers: [],
      quantity: 12,
    });
    expect(problems).toEqual({ uncategorized: false, unknownTerpenes: [], unknownStrainType: null });
  });

  describe('price', () => {
    test.each([
      ['pre-tax by default', false, { preTaxPriceInPennies: 4500, postTaxPriceInPennies: 5400 }, 4500],
      ['post-tax when prices include tax', true, { preTaxPriceInPennies: 4500, postTaxPriceInPennies: 5400 }, 5400],
      ['missing pre-tax price → null', false, { preTaxPriceInPennies: null, postTaxPriceInPennies: 5400 }, null],
      ['missing post-tax price → null, not the pre-tax one', true, { preTaxPriceInPennies: 4500, postTaxPriceInPennies: null }, null],
      ['fractional pennies are rounded', false, { preTaxPriceInPennies: 4499.6, postTaxPriceInPennies: null }, 4500],
      ['a free item is 0', false, { preTaxPriceInPennies: 0, postTaxPriceInPennies: 0 }, 0],
      ['a negative price → null', false, { preTaxPriceInPennies: -100, postTaxPriceInPennies: null }, null],
    ])('%s', (_label, pricesIncludeTax, prices, expected) => {
      const { product } = mapInventoryItem(buildInventoryItem(prices), { ...SETTINGS, pricesIncludeTax });
      expect(product.priceCents).toBe(expected);
    });
  });

  describe('terpenes', () => {
    const terpenesOf = (...entries: ReturnType<typeof amount>[]) => mapInventoryItem(buildInventoryItem({ terpenes: entries }), SETTINGS);

    test.each([
      ['%: the midpoint', amount('Linalool', 0.2, 0.4, '%'), 0.3],
      ['% with one value', amount('Linalool', 0.25, 0.25, '%'), 0.25],
      ['mg/g: midpoint ÷ 10', amount('Linalool', 4, 6, 'mg/g'), 0.5],
      ['MG/G in another case', amount('Linalool', 2, 2, 'MG/G'), 0.2],
      ['only a lower bound', amount('Linalool', 0.4, null, '%'), 0.4],
      ['only an upper bound', amount('Linalool', null, 12, 'mg/g'), 1.2],
      ['mg: no percentage', amount('Linalool', 4, 6, 'mg'), null],
      ['no unit', amount('Linalool', 4, 6, null), null],
      ['no amounts', amount('Linalool', null, null, '%'), null],
    ])('percent, %s', (_label, entry, percent) => {
      expect(terpenesOf(entry).product.terpenes[0].percent).toBe(percent);
    });

    test('percent has no float noise', () => {
      expect(terpenesOf(amount('Linalool', 0.1, 0.2, '%')).product.terpenes[0].percent).toBe(0.15);
    });

    test('messy spellings map to AIQ names and keep their amounts', () => {
      const { product } = terpenesOf(amount('b-caryophyllene', 1, 2, '%'), amount('alpha pinene', 3, 5, 'mg/g'));
      expect(product.terpenes).toEqual([
        { name: 'β-Caryophyllene', lower: 1, upper: 2, unit: '%', percent: 1.5 },
        { name: 'α-Pinene', lower: 3, upper: 5, unit: 'mg/g', percent: 0.4 },
      ]);
    });

    test('the same terpene under two spellings keeps the first', () => {
      const { product } = terpenesOf(amount('Myrcene', 1, 1, '%'), amount('β-Myrcene', 9, 9, '%'));
      expect(product.terpenes).toEqual([{ name: 'β-Myrcene', lower: 1, upper: 1, unit: '%', percent: 1 }]);
    });

    test('unsupported terpenes are left out and reported once each; the row still maps', () => {
      const { product, problems } = terpenesOf(
        amount('Eucalyptol', 1, 1, '%'),
        amount('Linalool', 1, 1, '%'),
        amount(' γ-Terpinene ', 1, 1, '%'),
        amount('Eucalyptol', 2, 2, '%'),
      );
      expect(product.terpenes.map((terpene) => terpene.name)).toEqual(['Linalool']);
      expect(problems.unknownTerpenes).toEqual(['Eucalyptol', 'γ-Terpinene']);
    });
  });

  describe('category, subtype and strain type', () => {
    test('an unmapped row is uncategorised but still maps', () => {
      const { product, problems } = mapInventoryItem(
        buildInventoryItem({ customCategoryName: 'Staff Picks', type: 'Sale', category: 'Misc' }),
        SETTINGS,
      );
      expect(product.category).toBeNull();
      expect(product.subtype).toBe('Sale');
      expect(problems.uncategorized).toBe(true);
    });

    test('store mappings and the subtype setting apply', () => {
      const settings: ProductMappingSettings = {
        mapCustomCategoryToSubCategory: true,
        pricesIncludeTax: false,
        categoryMappings: { useDefaults: true, rows: [{ flowhubValue: 'Staff Picks', category: 'Edibles' }] },
      };
      const { product } = mapInventoryItem(buildInventoryItem({ customCategoryName: 'Staff Picks', type: 'Bud' }), settings);
      expect(product.category).toBe('Edibles');
      expect(product.subtype).toBe('Staff Picks');
    });

    test('an unknown strain type is reported with Flowhub’s value', () => {
      const { product, problems } = mapInventoryItem(buildInventoryItem({ speciesName: ' Blue Dream ' }), SETTINGS);
      expect(product.strainType).toBeNull();
      expect(problems.unknownStrainType).toBe('Blue Dream');
    });

    test.each([[null], [''], ['   ']])('a missing strain type (%p) is not a problem', (speciesName) => {
      const { product, problems } = mapInventoryItem(buildInventoryItem({ speciesName }), SETTINGS);
      expect(product.strainType).toBeNull();
      expect(problems.unknownStrainType).toBeNull();
    });
  });

  describe('other fields', () => {
    test.each([
      ['a weight of 0 means no weight', { productWeight: 0 }, null],
      ['a missing weight', { productWeight: null }, null],
      ['a weight without unit', { productWeight: 1, productUnitOfMeasure: null }, { value: 1, unit: null }],
      ['a numeric-string weight', { productWeight: '28' as never, productUnitOfMeasure: ' grams ' }, { value: 28, unit: 'grams' }],
      ['no weight when the unit is "each" (an edible\'s 15 "each" is a count)', { productWeight: 15, productUnitOfMeasure: 'each' }, null],
      ['no weight when the unit is " Each "', { productWeight: 1, productUnitOfMeasure: ' Each ' }, null],
      ['milligrams are a weight', { productWeight: 100, productUnitOfMeasure: 'milligrams' }, { value: 100, unit: 'milligrams' }],
    ])('weight: %s', (_label, overrides, weight) => {
      expect(mapInventoryItem(buildInventoryItem(overrides), SETTINGS).product.weight).toEqual(weight);
    });

    test.each([
      ['REC', 'rec'],
      ['Med', 'med'],
      ['BOTH', 'both'],
      [null, null],
      ['  ', null],
    ])('purchase category %p → %p', (purchaseCategory, expected) => {
      expect(mapInventoryItem(buildInventoryItem({ purchaseCategory }), SETTINGS).product.purchaseCategory).toBe(expected);
    });

    test('whitespace-only text fields become null; text is trimmed', () => {
      const { product } = mapInventoryItem(
        buildInventoryItem({ brand: '   ', productDescription: '', sku: ' SKU-1 ', productPictureURL: ' ', strainName: '\t' }),
        SETTINGS,
      );
      expect(product).toMatchObject({ brand: null, description: null, sku: 'SKU-1', imageUrl: null, strainName: null });
    });

    test('cannabinoids keep Flowhub’s names and amounts; nameless entries are dropped', () => {
      const { product } = mapInventoryItem(
        buildInventoryItem({ cannabinoidInformation: [amount('THCa', 20, 24, '%'), amount('  ', 1, 1, '%')] }),
        SETTINGS,
      );
      expect(product.cannabinoids).toEqual([{ name: 'THCa', lower: 20, upper: 24, unit: '%' }]);
    });

    test('a numeric product id becomes a string', () => {
      expect(mapInventoryItem(buildInventoryItem({ productId: 123 as never }), SETTINGS).product.productId).toBe('123');
    });
  });

  describe('sold by weight', () => {
    const tiers = [
      { name: '1g', gramAmount: 1, preTaxPriceInPennies: 1000, postTaxPriceInPennies: 1200 },
      { name: ' 1/8 oz ', gramAmount: '3.5' as never, preTaxPriceInPennies: 3325, postTaxPriceInPennies: 3990 },
      { name: '1/8 oz', gramAmount: 4, preTaxPriceInPennies: 1, postTaxPriceInPennies: 1 }, // the name again: the first is kept
      { name: 'no grams', gramAmount: 0, preTaxPriceInPennies: 1, postTaxPriceInPennies: 1 },
      { name: '1 oz', gramAmount: 28, preTaxPriceInPennies: null, postTaxPriceInPennies: 22400 },
    ];
    const bulk = buildInventoryItem({
      isSoldByWeight: true,
      inventoryUnitOfMeasure: 'grams',
      productWeight: 1,
      productUnitOfMeasure: 'grams',
      preTaxPriceInPennies: 1000,
      postTaxPriceInPennies: 1200,
      quantity: 448.5,
      weightTierInformation: tiers,
    });

    test('keeps the quantity in grams, the unit, and the tiers with their pre-tax prices', () => {
      const { product } = mapInventoryItem(bulk, SETTINGS);
      expect(product).toMatchObject({
        soldByWeight: true,
        quantityUnit: 'grams',
        quantity: 448.5,
        priceCents: 1000,
        weight: { value: 1, unit: 'grams' },
      });
      expect(product.weightTiers).toEqual([
        { name: '1g', grams: 1, priceCents: 1000 },
        { name: '1/8 oz', grams: 3.5, priceCents: 3325 },
        { name: '1 oz', grams: 28, priceCents: null },
      ]);
    });

    test("tiers' prices follow the store's pricesIncludeTax as the product's price does", () => {
      const { product } = mapInventoryItem(bulk, { ...SETTINGS, pricesIncludeTax: true });
      expect(product.priceCents).toBe(1200);
      expect(product.weightTiers.map((tier) => tier.priceCents)).toEqual([1200, 3990, 22400]);
    });

    test('an item not sold by weight has no tiers, whatever Flowhub lists', () => {
      const { product } = mapInventoryItem({ ...bulk, isSoldByWeight: false, inventoryUnitOfMeasure: 'each' }, SETTINGS);
      expect(product).toMatchObject({ soldByWeight: false, quantityUnit: 'each', weightTiers: [] });
    });

    test.each([
      ['isSoldByWeight missing, inventory unit grams', { isSoldByWeight: null, inventoryUnitOfMeasure: ' Grams ' }, true],
      ['isSoldByWeight missing, inventory unit each', { isSoldByWeight: null, inventoryUnitOfMeasure: 'each' }, false],
      ['isSoldByWeight false wins over grams', { isSoldByWeight: false, inventoryUnitOfMeasure: 'grams' }, false],
      ['nothing said', { isSoldByWeight: null, inventoryUnitOfMeasure: null }, false],
    ])('sold by weight: %s', (_label, overrides, soldByWeight) => {
      expect(mapInventoryItem({ ...bulk, ...overrides }, SETTINGS).product.soldByWeight).toBe(soldByWeight);
    });

    test('tier lists of the wrong shape give no tiers', () => {
      for (const weightTierInformation of [null, 'tiers', [null, 3, { name: '1g' }]]) {
        expect(mapInventoryItem({ ...bulk, weightTierInformation: weightTierInformation as never }, SETTINGS).product.weightTiers).toEqual(
          [],
        );
      }
    });
  });

  test('createInventoryMapper gives the same result as mapInventoryItem', () => {
    const settings: ProductMappingSettings = {
      mapCustomCategoryToSubCategory: true,
      pricesIncludeTax: true,
      categoryMappings: { useDefaults: false, rows: [{ flowhubValue: 'Bud', category: 'Pre-Rolls' }] },
    };
    const mapItem = createInventoryMapper(settings);
    const items = [
      buildInventoryItem(),
      buildInventoryItem({ customCategoryName: 'Bud', type: null }),
      buildInventoryItem({ type: 'Vape', category: 'Vape' }),
    ];
    expect(items.map(mapItem)).toEqual(items.map((item) => mapInventoryItem(item, settings)));
    expect(mapItem(items[0]).product).toMatchObject({ category: 'Pre-Rolls', priceCents: 5400 });
    expect(mapItem(items[2]).product.category).toBeNull();
  });
});
