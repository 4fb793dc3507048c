/**
 * Seeded randomness: the catalogue, order ids and fault rolls are reproducible from a seed, so two
 * simulators started with the same seed serve the same data.
 */
export type Random = () => number;

// Local aliases: under Jest's sandbox every `Math.x` lookup goes through the sandbox global, which made
// catalogue generation four times slower there; the other apps' end-to-end tests run the simulator in Jest.
const { imul, floor } = Math;

/** mulberry32: a tiny, fast 32-bit PRNG; good enough for test data, not for secrets. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit FNV-1a hash, to derive independent seeds from a seed and a name. */
export function hashString(value: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function randomInt(random: Random, min: number, max: number): number {
  return min + floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, values: readonly T[]): T {
  return values[floor(random() * values.length)];
}

/** Picks from `[value, weight]` pairs. */
export function pickWeighted<T>(random: Random, choices: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of choices) total += weight;
  let roll = random() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return choices[choices.length - 1][0];
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

const HEX = '0123456789abcdef';

export function randomHex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += HEX[floor(random() * 16)];
  return out;
}

/** A UUID-shaped id (version-4 layout) drawn from the seeded generator. */
export function randomUuid(random: Random): string {
  const hex = randomHex(random, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** "0123…" (32 hex) → "01234567-89ab-…": the same room id in the dashed form some feeds use. */
export function dashedUuid(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20)}`;
}
