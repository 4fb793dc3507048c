import { cachedByString } from './string-cache';

// Hyphens, underscores and spaces are the same separator (mapping-rules.md); typographic dashes and other
// Unicode spaces (no-break space, tabs) are included because they arrive from copy-pasted menus.
const SEPARATORS = /[\s\-_\u2010-\u2015\u2212]+/g;

const computeKey = (value: string): string => value.toLowerCase().replace(SEPARATORS, ' ').trim();
const cachedKey = cachedByString(computeKey);

/**
 * The key under which a Flowhub value is looked up in a category mapping table: lower-cased, trimmed, and with
 * runs of spaces, '-' and '_' collapsed to one space ("  Pre_Roll " → "pre roll"). Two mapping rows with the
 * same key are duplicates. Non-strings and blank strings give '' (no key).
 */
export function normalizeMappingKey(value: string | null | undefined): string {
  if (typeof value !== 'string') return '';
  return cachedKey(value);
}
