import type { MappingProblems } from './product-mapper';

/**
 * What an operator reads about a row's mapping misses (the product still syncs; a mapping row and a re-sync fix the
 * category): one sentence per kind of miss, null when the row has none of that kind. A sync run lists these
 * (packages/inventory-sync/src/sync-report.ts), and `npm run flowhub:check` shows the same sentences.
 */
export interface MappingMissReasons {
  /** `uncategorized: no category mapping for custom category "…", type "…", category "…"` (the fields it had). */
  category: string | null;
  /** `unknown strain type "…"` */
  strainType: string | null;
  /** `unknown terpenes left out: …` */
  terpenes: string | null;
}

export function describeMappingMisses(
  problems: MappingProblems,
  row: { customCategoryName: string | null; type: string | null; category: string | null },
): MappingMissReasons {
  const found = problems !== null && typeof problems === 'object' ? problems : ({} as Partial<MappingProblems>);
  const fields = row !== null && typeof row === 'object' ? row : ({} as Partial<typeof row>);
  let category: string | null = null;
  if (found.uncategorized === true) {
    const tried = [
      ['custom category', fields.customCategoryName],
      ['type', fields.type],
      ['category', fields.category],
    ]
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
      .map(([name, value]) => `${name} "${value}"`);
    category = `uncategorized: no category mapping for ${tried.length ? tried.join(', ') : 'an item without category fields'}`;
  }
  const strainType = typeof found.unknownStrainType === 'string' ? `unknown strain type "${found.unknownStrainType}"` : null;
  const terpenes = Array.isArray(found.unknownTerpenes)
    ? found.unknownTerpenes.filter((name): name is string => typeof name === 'string')
    : [];
  return { category, strainType, terpenes: terpenes.length > 0 ? `unknown terpenes left out: ${terpenes.join(', ')}` : null };
}
