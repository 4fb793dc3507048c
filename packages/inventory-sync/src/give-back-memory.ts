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
 * Rows parsed by one sync from which its heap is held tighter (WRITING_HEAP_GROWING_PERCENT) until its writes are done,
 * and collected between its read and its writes. Its parsed rows are then most of the heap: V8 would let the garbage
 * made meanwhile (row texts, then products and statements) pile up on top of them to half as much again before it
 * collects. Measured on 50,000 rows: the peak 30–60 MB lower, the sync ~10% slower (more collections while it reads).
 */
export const LARGE_SYNC_ROWS = 20_000;

/** The heap's growth, in percent, while a large sync (LARGE_SYNC_ROWS) reads and writes. */
export const LARGE_SYNC_HEAP_GROWING_PERCENT = 20;

/** The growth set for the process: 0 is V8's own heuristics, until limitHeapGrowth. */
let growingPercent = 0;
/** Large syncs running now (a worker runs a few syncs at once): the tighter growth holds while any does. */
let largeSyncs = 0;

/** The heap's growth, in percent, as this module set it last (0: V8's own heuristics). */
let heapGrowthSet = 0;

function setHeapGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  heapGrowthSet = percent;
}

/** The heap's growth in percent as set now for the process (0: V8's own heuristics). */
export function heapGrowth(): number {
  return heapGrowthSet;
}

/** Sets the heap's growth for a syncing process (HEAP_GROWING_PERCENT); once, at the worker's boot (the warm-up). */
export function limitHeapGrowth(): void {
  growingPercent = HEAP_GROWING_PERCENT;
  if (largeSyncs === 0) setHeapGrowth(growingPercent);
}

/** The heap's policy for one sync: tighter once it has parsed many rows (LARGE_SYNC_ROWS), until it is done. */
export class SyncHeap {
  private large = false;

  /** Told each row the sync parses (not recalled), with the count so far. */
  readonly rowParsed = (parsedRows: number): void => {
    if (parsedRows !== LARGE_SYNC_ROWS || this.large) return;
    this.large = true;
    largeSyncs += 1;
    setHeapGrowth(LARGE_SYNC_HEAP_GROWING_PERCENT);
  };

  /** The feed is read: a large one is collected, so that V8's next limit is set on its live rows. */
  beforeWrites(): void {
    if (!this.large) return;
    collect ??= fullCollection();
    collect?.();
  }

  /** The sync's writes are done (or it failed): the process's growth again, once no other large sync runs. */
  readonly done = (): void => {
    if (!this.large) return;
    this.large = false;
    largeSyncs -= 1;
    if (largeSyncs === 0) setHeapGrowth(growingPercent);
  };
}

/** Rows parsed by a sync (not recalled from the feed memo) after which the worker collects its garbage. */
export const COLLECT_AFTER_ROWS = 5_000;

/**
 * After a sync that parsed `rows` rows: when they were many, collects the process's garbage as soon as the sync has
 * returned (its job is being recorded as done), so that the next sync does not pay for this one's garbage.
 */
export function giveBackMemory(rows: number): void {
  if (!(rows >= COLLECT_AFTER_ROWS)) return;
  collect ??= fullCollection();
  if (collect) setImmediate(collect);
}
