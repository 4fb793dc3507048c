// Timing and statistics for the benchmarks. The machines are shared and noisy: every figure that is compared
// is a median of repetitions measured in the same run, and comparisons are reported as ratios.

export const now = () => performance.now();

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The nearest-rank percentile (p in 0..100): the value at or below which p% of the samples lie. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Rounds to a readable number of significant digits (3 by default), keeping integers above 1,000 whole. */
export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 10 ** digits) return Math.round(value);
  return Number(value.toPrecision(digits));
}

export async function timed(work) {
  const started = now();
  const value = await work();
  return { ms: now() - started, value };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work(item)` over items with at most `limit` in flight; results in the items' order. */
export async function inPool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** One result line of bench/results/latest.json. */
export const result = (name, value, unit, extra = {}) => ({ name, value: round(value), unit, ...extra });

/**
 * One target line: `met` compares the measured value with the target in the given direction: `atLeast` (≥), `atMost`
 * (≤), else below (<).
 */
export function target(name, { target: wanted, value, unit, atLeast, atMost = false }) {
  const met = Number.isFinite(value) ? (atLeast ? value >= wanted : atMost ? value <= wanted : value < wanted) : false;
  return { name, target: `${atLeast ? '≥' : atMost ? '≤' : '<'} ${wanted}${unit ? ` ${unit}` : ''}`, value: round(value), unit, met };
}
