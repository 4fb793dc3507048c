import { AIQ_CATEGORIES, isAiqCategory } from './category';
import { normalizeMappingKey } from './mapping-key';

/** A problem with one row of a store's Category Settings, named by its path in the request (`rows[2].category`). */
export type CategorySettingsProblem = { path: string; message: string };

/**
 * What is wrong with a store's own category rows (mapping-rules.md), every problem at once: a category that is not
 * an AIQ category, and a row mapping the same Flowhub value (by normalizeMappingKey) as an earlier one. Like every
 * function of this package it never throws: anything but a list of rows has no rows to find wrong.
 */
export function categoryMappingProblems(rows: ReadonlyArray<{ flowhubValue: string; category: string }>): CategorySettingsProblem[] {
  const problems: CategorySettingsProblem[] = [];
  const seen = new Map<string, number>();
  if (!Array.isArray(rows)) return problems;
  rows.forEach((entry: unknown, index) => {
    const row = (entry !== null && typeof entry === 'object' ? entry : {}) as { flowhubValue?: string; category?: string };
    if (!isAiqCategory(row.category)) {
      problems.push({ path: `rows[${index}].category`, message: `must be one of the AIQ categories: ${AIQ_CATEGORIES.join(', ')}` });
    }
    const key = normalizeMappingKey(row.flowhubValue);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        path: `rows[${index}].flowhubValue`,
        message: `maps the same Flowhub value as rows[${first}] (case, spaces, - and _ are ignored)`,
      });
    } else seen.set(key, index);
  });
  return problems;
}
