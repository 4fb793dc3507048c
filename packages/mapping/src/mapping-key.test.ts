import { normalizeMappingKey } from './index';

describe('normalizeMappingKey', () => {
  test.each([
    ['Indica-Dom', 'indica dom'],
    ['indica dom', 'indica dom'],
    [' INDICA_DOM ', 'indica dom'],
    ['Pre--Roll', 'pre roll'],
    ['Pre - Roll', 'pre roll'],
    ['Live\tResin', 'live resin'],
    ['Staff   Picks', 'staff picks'],
    ['Seeds & Clones', 'seeds & clones'],
  ])('%j → %j', (value, key) => {
    expect(normalizeMappingKey(value)).toBe(key);
  });

  test('spellings of one value share a key, so the API can spot duplicate mapping rows', () => {
    const keys = ['Staff Picks', 'staff-picks', ' STAFF_PICKS ', 'Staff  Picks'].map(normalizeMappingKey);
    expect(new Set(keys).size).toBe(1);
    expect(normalizeMappingKey('Staff Pick')).not.toBe(keys[0]);
  });

  test.each([[''], ['   '], ['-_-'], [null], [undefined], [12], [{}]])('%p has no key', (value) => {
    expect(normalizeMappingKey(value as never)).toBe('');
  });
});
