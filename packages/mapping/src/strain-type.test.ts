import { STRAIN_TYPES, normalizeStrainType } from './index';

describe('normalizeStrainType', () => {
  // Every "Types" value the integration guide lists, with the AIQ type it belongs to.
  test.each([
    ['Indica', 'Indica'],
    ['Indica-Dom', 'Indica'],
    ['Sativa', 'Sativa'],
    ['Sativa-Dom', 'Sativa'],
    ['Hybrid', 'Hybrid'],
    ['50/50', 'Hybrid'],
    ['CBD', 'CBD'],
    ['Indica Hybrid', 'Indica Hybrid'],
    ['indica hybrid', 'Indica Hybrid'],
    ['hybrid indica', 'Indica Hybrid'],
    ['Sativa Hybrid', 'Sativa Hybrid'],
    ['sativa hybrid', 'Sativa Hybrid'],
    ['hybrid sativa', 'Sativa Hybrid'],
  ])('guide value %j → %s', (value, expected) => {
    expect(normalizeStrainType(value)).toBe(expected);
  });

  test.each([
    ['indica dom', 'Indica'],
    [' INDICA_DOM ', 'Indica'],
    ['Indica--Dom', 'Indica'],
    ['sativa dom', 'Sativa'],
    ['Indica Dominant', 'Indica'],
    ['sativa-dominant', 'Sativa'],
    ['50 / 50', 'Hybrid'],
    ['50 /50', 'Hybrid'],
    ['  hybrid  ', 'Hybrid'],
    ['cbd', 'CBD'],
    ['Hybrid-Indica', 'Indica Hybrid'],
    ['Indica\u00a0Hybrid', 'Indica Hybrid'],
    ['Indica-Dominant Hybrid', 'Indica Hybrid'],
    ['Sativa Dominant Hybrid', 'Sativa Hybrid'],
  ])('spelling %j → %s', (value, expected) => {
    expect(normalizeStrainType(value)).toBe(expected);
  });

  test.each([[''], ['   '], ['N/A'], ['Blue Dream'], ['Indica Sativa'], ['50/51'], ['Ruderalis']])('%j maps to nothing', (value) => {
    expect(normalizeStrainType(value)).toBeNull();
  });

  test.each([[null], [undefined], [42], [{}], [['Indica']], [true]])('non-string %p → null', (value) => {
    expect(normalizeStrainType(value as never)).toBeNull();
  });

  test('every AIQ strain type maps to itself', () => {
    expect(STRAIN_TYPES.map((type) => normalizeStrainType(type))).toEqual([...STRAIN_TYPES]);
  });
});
