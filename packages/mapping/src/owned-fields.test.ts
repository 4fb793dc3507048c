import {
  EDITABLE_PRODUCT_FIELDS,
  type FlowhubInventoryItem,
  type MappedProduct,
  OWNED_FIELDS,
  OWNED_FIELD_PRODUCT_FIELDS,
  type OwnedField,
  fieldsToWriteOnSync,
  mapInventoryItem,
  ownedFieldCovering,
  ownedFieldsEdited,
  productFieldsOwned,
} from './index';
import { amount, buildInventoryItem } from './testing/inventory-item';

/** A one-product stand-in for the database: syncs write through fieldsToWriteOnSync, the store edits through PATCH. */
function simulatedStore(ownedFields: OwnedField[]) {
  let stored: MappedProduct | null = null;
  const edited = new Set<string>();
  const settings = { mapCustomCategoryToSubCategory: false, pricesIncludeTax: false };
  return {
    get product() {
      return stored;
    },
    edited,
    ownedFields,
    sync(row: FlowhubInventoryItem) {
      const { product: mapped } = mapInventoryItem(row, settings);
      const write = fieldsToWriteOnSync({ mapped, stored, ownedFields: this.ownedFields, editedFields: edited });
      stored = { ...(stored ?? mapped), ...write.fields };
      for (const field of write.overriddenEdits) edited.delete(field);
      return write;
    },
    /** PATCH: refused (false) for a field the sync owns, as the API does. */
    edit(changes: Partial<MappedProduct>): boolean {
      const owned = productFieldsOwned(this.ownedFields);
      if (Object.keys(changes).some((field) => owned.has(field as keyof MappedProduct))) return false;
      stored = { ...(stored as MappedProduct), ...changes };
      for (const field of Object.keys(changes)) edited.add(field);
      return true;
    },
  };
}

describe('owned field tables', () => {
  test('every owned field covers the product fields the API contract names', () => {
    expect(OWNED_FIELDS).toEqual([
      'name',
      'description',
      'brand',
      'category',
      'strainType',
      'cannabinoids',
      'terpenes',
      'price',
      'image',
      'weight',
    ]);
    expect(OWNED_FIELD_PRODUCT_FIELDS).toEqual({
      name: ['name'],
      description: ['description'],
      brand: ['brand'],
      category: ['category', 'subtype'],
      strainType: ['strainType', 'strainName'],
      cannabinoids: ['cannabinoids'],
      terpenes: ['terpenes'],
      price: ['priceCents'],
      image: ['imageUrl'],
      weight: ['weight'],
    });
  });

  test.each([
    ['subtype', 'category'],
    ['category', 'category'],
    ['strainName', 'strainType'],
    ['priceCents', 'price'],
    ['imageUrl', 'image'],
    ['terpenes', 'terpenes'],
    ['quantity', null],
    ['sku', null],
    ['purchaseCategory', null],
    ['nonsense', null],
  ])('%s is covered by %p', (productField, owner) => {
    expect(ownedFieldCovering(productField)).toBe(owner);
  });

  test('every editable field is covered by some owned field', () => {
    expect(EDITABLE_PRODUCT_FIELDS.filter((field) => ownedFieldCovering(field) === null)).toEqual([]);
  });

  test('no owned fields given means the default: all ten', () => {
    expect(productFieldsOwned(undefined).size).toBe(12);
    expect(productFieldsOwned([]).size).toBe(0);
    expect([...productFieldsOwned(['category', 'bogus'])].sort()).toEqual(['category', 'subtype']);
  });
});

describe('fieldsToWriteOnSync: create then re-sync', () => {
  const created = buildInventoryItem();
  const changedInFlowhub = buildInventoryItem({
    productName: 'Blue Dream 3.5g (new label)',
    brand: 'Green Leaf Farms',
    productDescription: 'Now with a new description.',
    type: 'Cartridge',
    speciesName: 'Hybrid',
    strainName: 'Blue Dream #2',
    preTaxPriceInPennies: 3900,
    productPictureURL: 'https://images.example/new.png',
    productWeight: 1,
    terpenes: [amount('Linalool', 1, 1, '%')],
    cannabinoidInformation: [amount('thc', 25, 25, '%')],
    quantity: 3,
  });

  test('on create every mapped field is written, whatever the owned fields', () => {
    const store = simulatedStore([]);
    const write = store.sync(created);
    expect(write.fields).toEqual(mapInventoryItem(created, { mapCustomCategoryToSubCategory: false, pricesIncludeTax: false }).product);
  });

  test('all fields owned: every Flowhub change reaches the product', () => {
    const store = simulatedStore([...OWNED_FIELDS]);
    store.sync(created);
    store.sync(changedInFlowhub);
    expect(store.product).toMatchObject({
      name: 'Blue Dream 3.5g (new label)',
      brand: 'Green Leaf Farms',
      description: 'Now with a new description.',
      category: 'Vaporizers',
      subtype: 'Cartridge',
      strainType: 'Hybrid',
      strainName: 'Blue Dream #2',
      priceCents: 3900,
      imageUrl: 'https://images.example/new.png',
      weight: { value: 1, unit: 'grams' },
      terpenes: [{ name: 'Linalool', lower: 1, upper: 1, unit: '%', percent: 1 }],
      cannabinoids: [{ name: 'thc', lower: 25, upper: 25, unit: '%' }],
      quantity: 3,
    });
  });

  test('nothing owned: the created values and the store’s edits survive; quantity still syncs', () => {
    const store = simulatedStore([]);
    store.sync(created);
    expect(store.edit({ name: 'Blue Dream (house pick)', priceCents: 4200 })).toBe(true);
    const write = store.sync(changedInFlowhub);
    expect(write.fields).toEqual({ quantity: 3 });
    expect(store.product).toMatchObject({
      name: 'Blue Dream (house pick)',
      priceCents: 4200,
      brand: 'Green Leaf',
      category: 'Flower',
      subtype: 'Bud',
      terpenes: mapInventoryItem(created, { mapCustomCategoryToSubCategory: false, pricesIncludeTax: false }).product.terpenes,
      quantity: 3,
    });
  });

  test('some owned: owned fields follow Flowhub, the others keep the store’s values', () => {
    const store = simulatedStore(['price', 'category']);
    store.sync(created);
    expect(store.edit({ priceCents: 1 })).toBe(false); // the API refuses edits of owned fields
    expect(store.edit({ brand: 'House Brand', strainName: 'BD' })).toBe(true);
    const write = store.sync(changedInFlowhub);
    expect(Object.keys(write.fields).sort()).toEqual(['category', 'priceCents', 'quantity', 'subtype']);
    expect(store.product).toMatchObject({
      priceCents: 3900,
      category: 'Vaporizers',
      subtype: 'Cartridge',
      brand: 'House Brand',
      strainName: 'BD',
      strainType: 'Sativa',
      name: 'Blue Dream 3.5g',
    });
  });

  test('a field edited while not owned and owned later: the sync overwrites it (owned wins)', () => {
    const store = simulatedStore([]);
    store.sync(created);
    store.edit({ brand: 'House Brand' });
    store.ownedFields = ['brand'];
    const write = store.sync(created);
    expect(write.fields).toEqual({ brand: 'Green Leaf' });
    expect(write.overriddenEdits).toEqual(['brand']);
    expect(store.product?.brand).toBe('Green Leaf');
    expect(store.edited.has('brand')).toBe(false);
  });

  test('an unchanged row writes nothing', () => {
    const store = simulatedStore([...OWNED_FIELDS]);
    store.sync(created);
    expect(store.sync(created)).toEqual({ fields: {}, overriddenEdits: [] });
  });

  test('purchase category and sku always sync: they are not store-editable', () => {
    const store = simulatedStore([]);
    store.sync(created);
    const write = store.sync(buildInventoryItem({ purchaseCategory: 'MED', sku: 'BD-35-B' }));
    expect(write.fields).toEqual({ purchaseCategory: 'med', sku: 'BD-35-B' });
  });

  test('a stored product read back with other key order or missing nulls compares equal', () => {
    const { product } = mapInventoryItem(created, { mapCustomCategoryToSubCategory: false, pricesIncludeTax: false });
    const stored = JSON.parse(JSON.stringify({ ...product, weight: { unit: 'grams', value: 3.5 } }));
    expect(fieldsToWriteOnSync({ mapped: product, stored }).fields).toEqual({});
  });
});

describe('ownedFieldsEdited', () => {
  test("names the edited fields the store's sync owns, with the owned field covering each", () => {
    expect(ownedFieldsEdited(['subtype', 'priceCents', 'brand'], ['category', 'price'])).toEqual([
      { field: 'subtype', owner: 'category' },
      { field: 'priceCents', owner: 'price' },
    ]);
    expect(ownedFieldsEdited(['name', 'imageUrl'], [])).toEqual([]);
  });
});
