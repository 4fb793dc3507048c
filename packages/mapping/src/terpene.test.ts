import { TERPENES, normalizeTerpeneName } from './index';

// The supported list exactly as the integration guide spells it.
const GUIDE_TERPENES = [
  'α-Bisabolol',
  'α-Humulene',
  'α-Terpinene',
  'α-Pinene',
  'β-Pinene',
  'β-Caryophyllene',
  'β-Myrcene',
  'β-Ocimene',
  'Linalool',
  'Terpinolene',
  'Limonene',
  'Guaiol',
  'Caryophyllene oxide',
  'delta 3 Carene',
  'Trans-Nerolidol',
];

describe('normalizeTerpeneName', () => {
  test('supports exactly the guide’s fifteen terpenes, in its spelling', () => {
    expect([...TERPENES]).toEqual(GUIDE_TERPENES);
  });

  test.each(GUIDE_TERPENES)('guide name %s maps to itself', (name) => {
    expect(normalizeTerpeneName(name)).toBe(name);
  });

  // α/alpha/a and β/beta/b, in several cases, joined by a hyphen, a space or nothing.
  const prefixed: [string, string, string[]][] = [
    ['α-Bisabolol', 'Bisabolol', ['α', 'alpha', 'Alpha', 'ALPHA', 'a', 'A']],
    ['α-Humulene', 'Humulene', ['α', 'alpha', 'a']],
    ['α-Terpinene', 'Terpinene', ['α', 'alpha', 'a']],
    ['α-Pinene', 'Pinene', ['α', 'alpha', 'Alpha', 'a', 'A']],
    ['β-Pinene', 'Pinene', ['β', 'beta', 'Beta', 'BETA', 'b', 'B']],
    ['β-Caryophyllene', 'Caryophyllene', ['β', 'beta', 'b']],
    ['β-Myrcene', 'Myrcene', ['β', 'beta', 'b', 'B']],
    ['β-Ocimene', 'Ocimene', ['β', 'beta', 'b']],
  ];
  const variants = prefixed.flatMap(([expected, base, prefixes]) =>
    prefixes.flatMap((prefix) =>
      ['-', ' ', ''].flatMap((joiner) => [
        [`${prefix}${joiner}${base}`, expected],
        [`${prefix}${joiner}${base.toLowerCase()}`, expected],
      ]),
    ),
  );
  test.each(variants)('%j → %s', (value, expected) => {
    expect(normalizeTerpeneName(value)).toBe(expected);
  });

  test.each([
    ['Bisabolol', 'α-Bisabolol'],
    ['Humulene', 'α-Humulene'],
    ['Terpinene', 'α-Terpinene'],
    ['Caryophyllene', 'β-Caryophyllene'],
    ['myrcene', 'β-Myrcene'],
    ['Ocimene', 'β-Ocimene'],
    ['Pinene', 'α-Pinene'],
    ['linalool', 'Linalool'],
    ['TERPINOLENE', 'Terpinolene'],
    ['guaiol', 'Guaiol'],
  ])('bare name %j → %s', (value, expected) => {
    expect(normalizeTerpeneName(value)).toBe(expected);
  });

  test.each([
    ['d-Limonene', 'Limonene'],
    ['D-Limonene', 'Limonene'],
    ['d limonene', 'Limonene'],
    ['3-Carene', 'delta 3 Carene'],
    ['Delta-3-Carene', 'delta 3 Carene'],
    ['Δ-3-Carene', 'delta 3 Carene'],
    ['δ-3-Carene', 'delta 3 Carene'],
    ['delta 3 carene', 'delta 3 Carene'],
    ['Carene', 'delta 3 Carene'],
    ['Nerolidol', 'Trans-Nerolidol'],
    ['trans-nerolidol', 'Trans-Nerolidol'],
    ['Trans Nerolidol', 'Trans-Nerolidol'],
    ['Caryophyllene Oxide', 'Caryophyllene oxide'],
    ['CARYOPHYLLENE OXIDE', 'Caryophyllene oxide'],
    ['caryophyllene oxide', 'Caryophyllene oxide'],
    ['caryophyllene_oxide', 'Caryophyllene oxide'],
    ['β-Caryophyllene Oxide', 'Caryophyllene oxide'],
    ['(-)-α-Bisabolol', 'α-Bisabolol'],
    ['ß-Myrcene', 'β-Myrcene'],
    ['  beta – pinene ', 'β-Pinene'],
  ])('special form %j → %s', (value, expected) => {
    expect(normalizeTerpeneName(value)).toBe(expected);
  });

  test.each([
    ['γ-Terpinene'],
    ['gamma-Terpinene'],
    ['Gamma Terpinene'],
    ['cis-Nerolidol'],
    ['cis-Ocimene'],
    ['β-Bisabolol'],
    ['alpha-Caryophyllene'],
    ['beta-Terpinene'],
    ['l-Limonene'],
  ])('a different compound %j maps to nothing', (value) => {
    expect(normalizeTerpeneName(value)).toBeNull();
  });

  test.each([['Eucalyptol'], ['Geraniol'], ['Camphene'], ['Total Terpenes'], [''], ['  ']])('unsupported %j → null', (value) => {
    expect(normalizeTerpeneName(value)).toBeNull();
  });

  test.each([[null], [undefined], [7], [{ name: 'Linalool' }], [['Linalool']]])('non-string %p → null', (value) => {
    expect(normalizeTerpeneName(value as never)).toBeNull();
  });
});
