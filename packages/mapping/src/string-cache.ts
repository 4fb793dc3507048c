// Inventory rows repeat the same few hundred strings (types, categories, terpene names) thousands of times,
// so every normaliser remembers its answers. The cache is bounded: when full it starts over, which keeps
// memory flat even if a feed is full of unique junk.

const DEFAULT_LIMIT = 10_000;

export function cachedByString<T>(compute: (value: string) => T, limit = DEFAULT_LIMIT): (value: string) => T {
  const cache = new Map<string, T>();
  return (value: string): T => {
    const known = cache.get(value);
    if (known !== undefined || cache.has(value)) return known as T;
    const result = compute(value);
    if (cache.size >= limit) cache.clear();
    cache.set(value, result);
    return result;
  };
}
