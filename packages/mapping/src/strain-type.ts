import { normalizeMappingKey } from './mapping-key';
import { cachedByString } from './string-cache';

export const STRAIN_TYPES = ['Indica', 'Sativa', 'Hybrid', 'CBD', 'Indica Hybrid', 'Sativa Hybrid'] as const;
export type StrainType = (typeof STRAIN_TYPES)[number];

// Flowhub `speciesName` spellings per AIQ type (mapping-rules.md, plus the long "Dominant" forms).
// Keys are compared with every separator removed, so "Indica-Dom", "indica dom", "IndicaDom" and
// "50 / 50" all find their entry.
const STRAIN_TYPE_SPELLINGS: Record<StrainType, readonly string[]> = {
  Indica: ['Indica', 'Indica-Dom', 'Indica Dominant'],
  Sativa: ['Sativa', 'Sativa-Dom', 'Sativa Dominant'],
  Hybrid: ['Hybrid', '50/50'],
  CBD: ['CBD'],
  // "Indica-dominant hybrid" is the long way of saying Indica Hybrid, not Indica.
  'Indica Hybrid': ['Indica Hybrid', 'Hybrid Indica', 'Indica Dom Hybrid', 'Indica Dominant Hybrid'],
  'Sativa Hybrid': ['Sativa Hybrid', 'Hybrid Sativa', 'Sativa Dom Hybrid', 'Sativa Dominant Hybrid'],
};

const compactKey = (value: string): string => normalizeMappingKey(value).replace(/ /g, '');

const STRAIN_TYPE_BY_KEY = new Map<string, StrainType>();
for (const type of STRAIN_TYPES) {
  for (const spelling of STRAIN_TYPE_SPELLINGS[type]) STRAIN_TYPE_BY_KEY.set(compactKey(spelling), type);
}

const lookupStrainType = cachedByString((value: string): StrainType | null => STRAIN_TYPE_BY_KEY.get(compactKey(value)) ?? null);

/** Flowhub's `speciesName` → AIQ strain type; null for anything unrecognised (empty, "N/A", a strain name). */
export function normalizeStrainType(value: string | null | undefined): StrainType | null {
  if (typeof value !== 'string') return null;
  return lookupStrainType(value);
}
