import { cachedByString } from './string-cache';

export const TERPENES = [
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
] as const;
export type TerpeneName = (typeof TERPENES)[number];

// Names are compared as a compact key: lower case, Greek letters spelled out, separators and chirality marks
// ("(-)-α-Bisabolol") removed. "β-Myrcene", "beta myrcene", "bMyrcene" and "B-MYRCENE" all become "betamyrcene"
// or "bmyrcene", and both are listed below.
const GREEK_LETTERS: Record<string, string> = {
  α: 'alpha',
  ɑ: 'alpha', // Latin alpha, a look-alike found in pasted lab reports
  β: 'beta',
  ß: 'beta', // German sharp s, a frequent stand-in for β in lab reports
  γ: 'gamma',
  δ: 'delta', // 'Δ'.toLowerCase() is 'δ'
};
const GREEK = /[αɑβßγδ]/g;
const IGNORED = /[\s\-_\u2010-\u2015\u2212()+]+/g;

function terpeneKey(value: string): string {
  return value
    .toLowerCase()
    .replace(GREEK, (letter) => GREEK_LETTERS[letter])
    .replace(IGNORED, '');
}

const PREFIX_SPELLINGS = { alpha: ['alpha', 'a'], beta: ['beta', 'b'] } as const;

interface TerpeneSpellings {
  name: TerpeneName;
  /** The supported form's prefix; spelled as the Greek letter, the word or the Latin letter. */
  prefix?: keyof typeof PREFIX_SPELLINGS;
  /** The name after its prefix, as a compact key. */
  base: string;
  /** Whether the bare base name (no prefix) means this terpene. */
  bare: boolean;
  /** Further whole spellings (compact keys). */
  aliases?: readonly string[];
}

const SPELLINGS: readonly TerpeneSpellings[] = [
  { name: 'α-Bisabolol', prefix: 'alpha', base: 'bisabolol', bare: true },
  { name: 'α-Humulene', prefix: 'alpha', base: 'humulene', bare: true },
  { name: 'α-Terpinene', prefix: 'alpha', base: 'terpinene', bare: true },
  { name: 'α-Pinene', prefix: 'alpha', base: 'pinene', bare: true },
  { name: 'β-Pinene', prefix: 'beta', base: 'pinene', bare: false },
  { name: 'β-Caryophyllene', prefix: 'beta', base: 'caryophyllene', bare: true },
  { name: 'β-Myrcene', prefix: 'beta', base: 'myrcene', bare: true },
  { name: 'β-Ocimene', prefix: 'beta', base: 'ocimene', bare: true },
  { name: 'Linalool', base: 'linalool', bare: true },
  { name: 'Terpinolene', base: 'terpinolene', bare: true },
  { name: 'Limonene', base: 'limonene', bare: true, aliases: ['dlimonene'] },
  { name: 'Guaiol', base: 'guaiol', bare: true },
  // The oxide is often labelled after its parent, β-caryophyllene: same compound.
  { name: 'Caryophyllene oxide', prefix: 'beta', base: 'caryophylleneoxide', bare: true },
  {
    name: 'delta 3 Carene',
    base: 'carene',
    bare: true,
    aliases: ['3carene', 'delta3carene', 'deltacarene', '3deltacarene', 'd3carene'],
  },
  { name: 'Trans-Nerolidol', base: 'nerolidol', bare: true, aliases: ['transnerolidol'] },
];

const TERPENE_BY_KEY = new Map<string, TerpeneName>();
for (const spelling of SPELLINGS) {
  const keys: string[] = [...(spelling.aliases ?? [])];
  if (spelling.bare) keys.push(spelling.base);
  if (spelling.prefix) for (const prefix of PREFIX_SPELLINGS[spelling.prefix]) keys.push(prefix + spelling.base);
  for (const key of keys) TERPENE_BY_KEY.set(key, spelling.name);
}

const lookupTerpene = cachedByString((value: string): TerpeneName | null => TERPENE_BY_KEY.get(terpeneKey(value)) ?? null);

/**
 * A Flowhub terpene name → the AIQ spelling of a supported terpene; null when unsupported or when its prefix
 * names a different compound (γ-Terpinene, cis-Nerolidol).
 */
export function normalizeTerpeneName(value: string | null | undefined): TerpeneName | null {
  if (typeof value !== 'string') return null;
  return lookupTerpene(value);
}
