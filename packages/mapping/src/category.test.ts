import { AIQ_CATEGORIES, type AiqCategory, compileCategoryMappings, resolveCategory, resolveCategoryWith, resolveSubtype } from './index';

// The built-in defaults exactly as mapping-rules.md lists them.
const DOC_DEFAULTS: [AiqCategory, string[]][] = [
  ['Flower', ['Flower', 'Bud', 'Buds', 'Shake', 'Smalls', 'Popcorn', 'Ground Flower', 'Pre-Ground']],
  [
    'Pre-Rolls',
    ['Pre-Roll', 'Pre-Rolls', 'Preroll', 'Prerolls', 'Infused Pre-Roll', 'Infused Pre-Rolls', 'Blunt', 'Blunts', 'Joint', 'Joints'],
  ],
  [
    'Vaporizers',
    ['Vape', 'Vapes', 'Vaporizer', 'Vaporizers', 'Cartridge', 'Cartridges', 'Cart', 'Carts', 'Disposable', 'Disposables', 'Pod', 'Pods'],
  ],
  [
    'Concentrates',
    [
      'Concentrate',
      'Concentrates',
      'Extract',
      'Extracts',
      'Wax',
      'Shatter',
      'Live Resin',
      'Rosin',
      'Live Rosin',
      'Badder',
      'Budder',
      'Crumble',
      'Diamonds',
      'Sauce',
      'Hash',
      'Kief',
      'RSO',
    ],
  ],
  ['Edibles', ['Edible', 'Edibles', 'Gummy', 'Gummies', 'Chocolate', 'Chocolates', 'Baked Goods', 'Candy', 'Mints', 'Chews']],
  ['Drinks', ['Drink', 'Drinks', 'Beverage', 'Beverages']],
  ['Tinctures', ['Tincture', 'Tinctures', 'Sublingual']],
  ['Topicals', ['Topical', 'Topicals', 'Lotion', 'Balm', 'Salve', 'Transdermal', 'Patch', 'Patches']],
  ['Pills', ['Pill', 'Pills', 'Capsule', 'Capsules', 'Tablet', 'Tablets']],
  [
    'Accessories',
    [
      'Accessory',
      'Accessories',
      'Gear',
      'Paraphernalia',
      'Battery',
      'Batteries',
      'Papers',
      'Rolling Papers',
      'Grinder',
      'Grinders',
      'Pipe',
      'Pipes',
    ],
  ],
  ['Apparel', ['Apparel', 'Merch', 'Merchandise', 'Clothing']],
  ['Seeds & Clones', ['Seed', 'Seeds', 'Clone', 'Clones']],
  ['CBD', ['CBD']],
];

describe('resolveCategory: built-in defaults', () => {
  test('the doc’s table covers every AIQ category', () => {
    expect(DOC_DEFAULTS.map(([category]) => category)).toEqual([...AIQ_CATEGORIES]);
  });

  const cases = DOC_DEFAULTS.flatMap(([category, values]) => values.map((value) => [value, category] as const));
  test.each(cases)('Category %j → %s', (value, category) => {
    expect(resolveCategory({ category: value })).toEqual({ category, source: 'category' });
  });

  test.each([
    ['  pre roll ', 'Pre-Rolls'],
    ['PRE_ROLLS', 'Pre-Rolls'],
    ['live-resin', 'Concentrates'],
    ['Live  Resin', 'Concentrates'],
    ['ground_flower', 'Flower'],
    ['rolling-papers', 'Accessories'],
    ['baked goods', 'Edibles'],
  ])('case and spacing do not matter: %j → %s', (value, category) => {
    expect(resolveCategory({ type: value }).category).toBe(category);
  });

  test.each(AIQ_CATEGORIES.map((category) => [category]))('AIQ name %j maps to itself', (category) => {
    expect(resolveCategory({ category }).category).toBe(category);
  });

  test.each([['Staff Picks'], ['Pre Rollz'], [''], ['   ']])('%j maps to nothing: uncategorised', (value) => {
    expect(resolveCategory({ customCategoryName: value, type: value, category: value })).toEqual({ category: null, source: null });
  });
});

describe('resolveCategory: priority Custom Category → Type → Category', () => {
  test('a mapped custom category wins over Type and Category', () => {
    expect(resolveCategory({ customCategoryName: 'Gummies', type: 'Cartridge', category: 'Flower' })).toEqual({
      category: 'Edibles',
      source: 'customCategory',
    });
  });

  test('Type is used when there is no custom category', () => {
    expect(resolveCategory({ customCategoryName: null, type: 'Cartridge', category: 'Flower' })).toEqual({
      category: 'Vaporizers',
      source: 'type',
    });
  });

  test('an unmapped custom category falls through to Type', () => {
    expect(resolveCategory({ customCategoryName: 'Staff Picks', type: 'Cartridge', category: 'Flower' })).toEqual({
      category: 'Vaporizers',
      source: 'type',
    });
  });

  test('unmapped custom category and Type fall through to Category', () => {
    expect(resolveCategory({ customCategoryName: 'Staff Picks', type: 'Sale', category: 'Flower' })).toEqual({
      category: 'Flower',
      source: 'category',
    });
  });

  test('a whitespace-only custom category counts as missing', () => {
    expect(resolveCategory({ customCategoryName: '   ', type: 'Vape' })).toEqual({ category: 'Vaporizers', source: 'type' });
  });

  test('no fields → no category', () => {
    expect(resolveCategory({})).toEqual({ category: null, source: null });
  });
});

describe('resolveCategory: store mappings', () => {
  test('a store row maps a value the defaults do not know', () => {
    const mappings = { rows: [{ flowhubValue: 'Staff Picks', category: 'Flower' as const }] };
    expect(resolveCategory({ customCategoryName: 'staff-picks', type: 'Vape' }, mappings)).toEqual({
      category: 'Flower',
      source: 'customCategory',
    });
    expect(resolveCategory({ customCategoryName: 'staff-picks', type: 'Vape' })).toEqual({ category: 'Vaporizers', source: 'type' });
  });

  test('store rows win over the defaults', () => {
    const mappings = { useDefaults: true, rows: [{ flowhubValue: 'Pod', category: 'Accessories' as const }] };
    expect(resolveCategory({ type: 'POD' }, mappings).category).toBe('Accessories');
    expect(resolveCategory({ type: 'Cartridge' }, mappings).category).toBe('Vaporizers');
  });

  test('defaults switched off: only the store rows apply', () => {
    const mappings = { useDefaults: false, rows: [{ flowhubValue: 'Staff Picks', category: 'Flower' as const }] };
    expect(resolveCategory({ type: 'Cartridge', category: 'Staff Picks' }, mappings)).toEqual({ category: 'Flower', source: 'category' });
    expect(resolveCategory({ type: 'Cartridge', category: 'Vape' }, mappings)).toEqual({ category: null, source: null });
    expect(resolveCategory({ type: 'Flower' }, { useDefaults: false })).toEqual({ category: null, source: null });
  });

  test('useDefaults left out means defaults on', () => {
    expect(resolveCategory({ type: 'Vape' }, { rows: [] }).category).toBe('Vaporizers');
    expect(resolveCategory({ type: 'Vape' }, {}).category).toBe('Vaporizers');
  });

  test('the first of two rows with the same key wins; bad rows are ignored', () => {
    const lookup = compileCategoryMappings({
      useDefaults: false,
      rows: [
        { flowhubValue: 'House', category: 'Flower' },
        { flowhubValue: ' house ', category: 'Edibles' },
        { flowhubValue: '  ', category: 'Edibles' },
        { flowhubValue: 'Gear', category: 'Snacks' as never },
      ],
    });
    expect(resolveCategoryWith({ type: 'HOUSE' }, lookup).category).toBe('Flower');
    expect(resolveCategoryWith({ type: 'Gear' }, lookup).category).toBeNull();
  });

  test('a changed mappings object is re-read', () => {
    const rows = [{ flowhubValue: 'House', category: 'Flower' as AiqCategory }];
    const mappings = { useDefaults: true, rows };
    expect(resolveCategory({ type: 'House' }, mappings).category).toBe('Flower');
    mappings.rows = [{ flowhubValue: 'House', category: 'Edibles' }];
    expect(resolveCategory({ type: 'House' }, mappings).category).toBe('Edibles');
    mappings.useDefaults = false;
    expect(resolveCategory({ type: 'Vape' }, mappings).category).toBeNull();
  });
});

describe('resolveSubtype', () => {
  const full = { customCategoryName: ' Staff Picks ', type: 'Cartridge', category: 'Vape' };

  test.each([
    ['setting on, custom category given → the custom category, trimmed', true, full, 'Staff Picks'],
    ['setting off, custom category given → Type', false, full, 'Cartridge'],
    ['setting on, no custom category → Type', true, { type: 'Cartridge', category: 'Vape' }, 'Cartridge'],
    ['setting on, whitespace custom category → Type', true, { customCategoryName: '  ', type: 'Cartridge' }, 'Cartridge'],
    ['no Type → Category', false, { customCategoryName: 'Staff Picks', category: 'Vape' }, 'Vape'],
    ['setting off, only a custom category → the custom category', false, { customCategoryName: 'Staff Picks' }, 'Staff Picks'],
    ['setting on, only Category → Category', true, { category: ' Vape ' }, 'Vape'],
    ['nothing given → null', true, {}, null],
    ['only blanks → null', false, { customCategoryName: ' ', type: '', category: '\t' }, null],
  ])('%s', (_label, mapCustomCategoryToSubCategory, item, expected) => {
    expect(resolveSubtype(item, { mapCustomCategoryToSubCategory })).toBe(expected);
  });

  test('the subtype keeps Flowhub’s wording even when it maps to a category', () => {
    expect(resolveSubtype({ type: 'live resin' }, { mapCustomCategoryToSubCategory: false })).toBe('live resin');
  });
});
