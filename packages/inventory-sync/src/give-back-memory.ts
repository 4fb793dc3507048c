import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/*
 * A large sync leaves a lot of garbage (a 50,000-row feed: ~150 MB of parsed rows, products and statement text), and
 * V8 collects it only when its heuristics say so: meanwhile it grows the heap, sizing the next limit on what was live
 * at its last collection, often in the middle of the next sync. Measured (docs/PERFORMANCE.md "The memory line"): ten
 * 50,000-row syncs back to back in one process peaked at 400 MB for the first and up to 1 GB later; with a full
 * collection after each, they stayed within 12% of the first. So after a sync that parsed many rows, the worker collects
 * (tens of milliseconds), right after the sync, between two jobs: a 10,000-row first sync's garbage otherwise made the
 * next sync of the worker ~40% slower. Syncs that parsed few rows (re-syncs) leave little: none after them.
 */

/**
 * How much V8 lets the heap grow past what was live at its last collection, in percent. Left to itself it grows it
 * by up to 4 × when allocation is fast, as a sync's is: a worker whose live set is a little larger (the feed memo)
 * then peaks far higher. Measured on ten 50,000-row syncs back to back: the last one peaked 1.31 × the first by
 * default, 1.09 × at 50%, with the same sync times.
 */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the heap's growth for a syncing process (HEAP_GROWING_PERCENT); once, at the worker's boot (the warm-up). */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Rows parsed by a sync (not recalled from the feed memo) after which the worker collects its garbage. */
export const COLLECT_AFTER_ROWS = 5_000;

/** V8's full collection, made callable once (Node's --expose-gc, set from inside the process). */
function fullCollection(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

let collect: (() => void) | undefined | null = null;

/**
 * After a sync that parsed `rows` rows: when they were many, collects the process's garbage as soon as the sync has
 * returned (its job is being recorded as done), so that the next sync does not pay for this one's garbage.
 */
export function giveBackMemory(rows: number): void {
  if (!(rows >= COLLECT_AFTER_ROWS)) return;
  collect ??= fullCollection();
  if (collect) setImmediate(collect);
}
