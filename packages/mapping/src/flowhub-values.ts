// Flowhub rows are validated upstream, but every function here must also survive whatever reaches it at run time
// (a number where a string was expected, a whitespace-only value): these readers turn such values into "absent".

/** A string with something in it, trimmed; anything else (non-string, empty, whitespace only) is null. */
export function presentText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** A finite number, accepting numeric strings ("1000") as Flowhub sometimes sends them; anything else is null. */
export function finiteNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** An identifier that may arrive as a number (product ids do); anything else is ''. */
export function identifierText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** Object fields read without trusting the caller: a non-object yields undefined for every field. */
export function fieldOf(record: unknown, key: string): unknown {
  if (record === null || typeof record !== 'object') return undefined;
  try {
    return (record as Record<string, unknown>)[key];
  } catch {
    // A throwing getter or proxy is still "no usable value", never a crash.
    return undefined;
  }
}
