import fc from 'fast-check';
import * as mapping from './index';
import {
  AIQ_CATEGORIES,
  DEFAULT_CATEGORY_VALUES,
  STRAIN_TYPES,
  TERPENES,
  normalizeMappingKey,
  normalizeStrainType,
  normalizeTerpeneName,
  resolveCategory,
} from './index';

const leaf = fc.oneof(fc.anything(), fc.jsonValue(), fc.string(), fc.constant(null), fc.constant(undefined));
// Objects carrying the field names the functions read, so arbitrary values reach the code that reads them.
const FIELD_NAMES = [
  'customCategoryName',
  'type',
  'category',
  'speciesName',
  'terpenes',
  'cannabinoidInformation',
  'name',
  'lowerRange',
  'upperRange',
  'unitOfMeasure',
  'productName',
  'productId',
  'variantId',
  'quantity',
  'productWeight',
  'purchaseCategory',
  'useDefaults',
  'rows',
  'flowhubValue',
  'categoryMappings',
  'mapCustomCategoryToSubCategory',
  'pricesIncludeTax',
  'mapped',
  'stored',
  'ownedFields',
  'editedFields',
  'weight',
  'value',
  'unit',
];
const { anyValue } = fc.letrec((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.dictionary(fc.constantFrom(...FIELD_NAMES), tie('anyValue')),
    fc.array(tie('anyValue'), { maxLength: 3 }),
  ),
}));
const anyArgs = fc.array(anyValue, { maxLength: 4 });

type AnyFunction = (...args: unknown[]) => unknown;
const exportedFunctions = Object.entries(mapping as Record<string, unknown>).filter(
  (entry): entry is [string, AnyFunction] => typeof entry[1] === 'function',
);

describe('no exported function throws, whatever it is given', () => {
  test('there are functions to check', () => {
    expect(exportedFunctions.map(([name]) => name)).toEqual(
      expect.arrayContaining(['normalizeStrainType', 'resolveCategory', 'mapInventoryItem', 'fieldsToWriteOnSync', 'productFingerprint']),
    );
  });

  test.each(exportedFunctions)('%s', (_name, fn) => {
    fc.assert(
      fc.property(anyArgs, anyValue, (args, item) => {
        const result = fn(...args);
        // A factory's product must be just as tolerant.
        if (typeof result === 'function') result(item);
      }),
      { numRuns: 500 },
    );
  });

  test('mapInventoryItem on arbitrary row-like objects gives a well-formed product', () => {
    const rowLike = fc.dictionary(
      fc.constantFrom(
        'productId',
        'variantId',
        'productName',
        'speciesName',
        'type',
        'category',
        'customCategoryName',
        'terpenes',
        'cannabinoidInformation',
        'quantity',
        'preTaxPriceInPennies',
        'postTaxPriceInPennies',
        'productWeight',
        'purchaseCategory',
      ),
      anyValue,
    );
    const settings = fc.record({
      mapCustomCategoryToSubCategory: fc.boolean(),
      pricesIncludeTax: fc.boolean(),
      categoryMappings: anyValue,
    });
    fc.assert(
      fc.property(rowLike, settings, (row, options) => {
        const { product, problems } = mapping.mapInventoryItem(row as never, options as never);
        expect(typeof product.name).toBe('string');
        expect(Number.isFinite(product.quantity) && product.quantity >= 0).toBe(true);
        expect(product.category === null || AIQ_CATEGORIES.includes(product.category)).toBe(true);
        expect(product.terpenes.every((terpene) => TERPENES.includes(terpene.name))).toBe(true);
        expect(problems.uncategorized).toBe(product.category === null);
        expect(typeof mapping.productFingerprint(product)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});

// Random case and separators around a known spelling: what a POS operator types.
function messySpelling(value: string) {
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }),
      fc.constantFrom(' ', '-', '_', '  ', ' - '),
      fc.constantFrom('', ' ', '  ', '\t'),
    )
    .map(([upper, separator, pad]) => {
      const cased = [...value].map((char, index) => (upper[index] ? char.toUpperCase() : char.toLowerCase())).join('');
      return pad + cased.replace(/[ _-]/g, separator) + pad;
    });
}

describe('normalising twice gives the same value', () => {
  const stringy = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(...STRAIN_TYPES, ...TERPENES, ...AIQ_CATEGORIES));

  test('strain types', () => {
    fc.assert(
      fc.property(fc.oneof(stringy, fc.constantFrom('Indica-Dom', '50 / 50', 'hybrid sativa')), (value) => {
        const once = normalizeStrainType(value);
        expect(once === null || normalizeStrainType(once) === once).toBe(true);
      }),
    );
  });

  test('terpene names', () => {
    fc.assert(
      fc.property(fc.oneof(stringy, fc.constantFrom('b-myrcene', 'Δ-3-Carene', 'nerolidol', 'alpha pinene')), (value) => {
        const once = normalizeTerpeneName(value);
        expect(once === null || normalizeTerpeneName(once) === once).toBe(true);
      }),
    );
  });

  test('categories', () => {
    const flowhubValues = Object.values(DEFAULT_CATEGORY_VALUES).flat();
    fc.assert(
      fc.property(fc.oneof(stringy, fc.constantFrom(...flowhubValues)), (value) => {
        const once = resolveCategory({ category: value }).category;
        expect(once === null || resolveCategory({ category: once }).category === once).toBe(true);
      }),
    );
  });

  test('mapping keys', () => {
    fc.assert(
      fc.property(stringy, (value) => {
        const key = normalizeMappingKey(value);
        expect(normalizeMappingKey(key)).toBe(key);
      }),
    );
  });
});

describe('case and spacing never change a lookup', () => {
  test('strain types', () => {
    const spellings = ['Indica Hybrid', 'hybrid sativa', 'Indica-Dom', 'Sativa Dominant', 'CBD'];
    fc.assert(
      fc.property(
        fc.constantFrom(...spellings).chain((value) => fc.tuple(fc.constant(value), messySpelling(value))),
        ([value, messy]) => {
          expect(normalizeStrainType(messy)).toBe(normalizeStrainType(value));
        },
      ),
    );
  });

  test('terpene names', () => {
    const spellings = ['beta-Myrcene', 'alpha pinene', 'Caryophyllene oxide', 'delta 3 Carene', 'Trans-Nerolidol', 'd-Limonene'];
    fc.assert(
      fc.property(
        fc.constantFrom(...spellings).chain((value) => fc.tuple(fc.constant(value), messySpelling(value))),
        ([value, messy]) => {
          expect(normalizeTerpeneName(messy)).toBe(normalizeTerpeneName(value));
        },
      ),
    );
  });

  test('categories', () => {
    const spellings = Object.values(DEFAULT_CATEGORY_VALUES).flat();
    fc.assert(
      fc.property(
        fc.constantFrom(...spellings).chain((value) => fc.tuple(fc.constant(value), messySpelling(value))),
        ([value, messy]) => {
          expect(resolveCategory({ type: messy }).category).toBe(resolveCategory({ type: value }).category);
        },
      ),
    );
  });
});
