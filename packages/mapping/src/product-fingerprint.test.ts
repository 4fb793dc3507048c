import { type MappedProduct, mapInventoryItem, productFingerprint } from './index';
import { buildInventoryItem } from './testing/inventory-item';

const settings = { mapCustomCategoryToSubCategory: false, pricesIncludeTax: false };
const product = mapInventoryItem(buildInventoryItem(), settings).product;

describe('productFingerprint', () => {
  test('the same product gives the same fingerprint, whatever its key order', () => {
    const reordered = Object.fromEntries(Object.entries(product).reverse()) as MappedProduct;
    reordered.weight = { unit: 'grams', value: 3.5 };
    reordered.terpenes = product.terpenes.map(({ percent, unit, upper, lower, name }) => ({ percent, unit, upper, lower, name }));
    expect(productFingerprint(reordered)).toBe(productFingerprint(product));
    expect(productFingerprint(mapInventoryItem(buildInventoryItem(), settings).product)).toBe(productFingerprint(product));
  });

  test.each<[string, Partial<MappedProduct>]>([
    ['quantity', { quantity: 11 }],
    ['price', { priceCents: 4501 }],
    ['name', { name: 'Blue Dream 7g' }],
    ['category', { category: null }],
    ['subtype', { subtype: 'Smalls' }],
    ['terpene amount', { terpenes: [{ ...product.terpenes[0], upper: 7 }, product.terpenes[1]] }],
    ['terpene order', { terpenes: [product.terpenes[1], product.terpenes[0]] }],
    ['weight', { weight: { value: 7, unit: 'grams' } }],
    ['description', { description: '' }],
    ['strain name', { strainName: null }],
    ['purchase category', { purchaseCategory: 'both' }],
    ['sold by weight', { soldByWeight: true }],
    ['quantity unit', { quantityUnit: 'grams' }],
    ['weight tiers', { weightTiers: [{ name: '1/8 oz', grams: 3.5, priceCents: 3000 }] }],
  ])('a change of %s changes the fingerprint', (_label, change) => {
    expect(productFingerprint({ ...product, ...change })).not.toBe(productFingerprint(product));
  });

  test("a weight tier's price or grams changes the fingerprint", () => {
    const weighed = { ...product, soldByWeight: true, weightTiers: [{ name: '1/8 oz', grams: 3.5, priceCents: 3000 }] };
    expect(productFingerprint({ ...weighed, weightTiers: [{ name: '1/8 oz', grams: 3.5, priceCents: 3001 }] })).not.toBe(
      productFingerprint(weighed),
    );
    expect(productFingerprint({ ...weighed, weightTiers: [{ name: '1/8 oz', grams: 4, priceCents: 3000 }] })).not.toBe(
      productFingerprint(weighed),
    );
  });

  test('null and an empty string are different values', () => {
    expect(productFingerprint({ ...product, sku: null })).not.toBe(productFingerprint({ ...product, sku: '' }));
  });

  test('the context is part of the fingerprint', () => {
    expect(productFingerprint(product, 'owned:name,price')).not.toBe(productFingerprint(product, 'owned:name'));
    expect(productFingerprint(product, 'owned:name')).toBe(productFingerprint(product, 'owned:name'));
  });

  test('is a short URL-safe string', () => {
    expect(productFingerprint(product)).toMatch(/^[A-Za-z0-9_-]{27}$/);
  });
});
