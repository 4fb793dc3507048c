import { normalizePurchaseCategory, passesPurchaseCategory } from './index';

describe('passesPurchaseCategory', () => {
  test.each([
    // item, filter, passes
    ['rec', 'all', true],
    ['med', 'all', true],
    ['rec', 'rec', true],
    ['rec', 'med', false],
    ['med', 'med', true],
    ['med', 'rec', false],
    ['REC', 'rec', true],
    [' Med ', 'med', true],
    ['MED', 'rec', false],
    ['both', 'med', true],
    ['Both', 'rec', true],
    ['BOTH', 'all', true],
    [null, 'med', true],
    [undefined, 'rec', true],
    ['', 'rec', true],
    ['   ', 'med', true],
    ['wholesale', 'rec', false],
    ['wholesale', 'all', true],
    ['Recreational', 'rec', true],
    ['Medical', 'rec', false],
  ] as const)('item %p with filter %s → %s', (item, filter, passes) => {
    expect(passesPurchaseCategory(item, filter)).toBe(passes);
  });

  test('the filter is read case-insensitively; an unknown filter acts as "all"', () => {
    expect(passesPurchaseCategory('rec', 'MED' as never)).toBe(false);
    expect(passesPurchaseCategory('rec', 'everything' as never)).toBe(true);
    expect(passesPurchaseCategory('rec', null as never)).toBe(true);
  });

  test('a non-string purchase category counts as missing', () => {
    expect(passesPurchaseCategory(5 as never, 'med')).toBe(true);
  });
});

describe('normalizePurchaseCategory', () => {
  test.each([
    ['rec', 'rec'],
    ['REC', 'rec'],
    ['Med', 'med'],
    [' both ', 'both'],
    ['adult-use', 'rec'],
    ['', null],
    ['wholesale', null],
    [null, null],
  ] as const)('%p → %p', (value, expected) => {
    expect(normalizePurchaseCategory(value)).toBe(expected);
  });
});
