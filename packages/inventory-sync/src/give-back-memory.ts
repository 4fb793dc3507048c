import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/*
 * The inventory worker's memory between and during syncs (docs/decisions.md 15).
 *
 * A large sync leaves a lot of garbage (a 50,000-row feed: ~150 MB of parsed rows, products and statement text), and
 * V8 collects it only when its heuristics say so: meanwhile it grows the heap, sizing the next limit on what was live
 * at its last collection (up to 4 × when allocation is fast), often in the middle of the next sync. Measured
 * (docs/PERFORMANCE.md "The memory line"): ten 50,000-row syncs back to back in one process peaked at 400 MB for the
 * first and up to 1 GB later. So:
 * - after a sync that parsed many rows, the worker collects (tens of milliseconds), right after the sync, between two
 *   jobs (giveBackMemory): a 10,000-row first sync's garbage otherwise made the next sync ~40% slower;
 * - a sync that has parsed very many rows holds the heap's growth tight until its writes are done (SyncHeap).
 * Everything else runs with V8's own heuristics: a growth held for the whole process (50% was tried) made V8 collect
 * the whole heap every two or three small syncs, and a 1,000-row re-sync cost twice the CPU.
 */

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

function collectNow(): void {
  collect ??= fullCollection();
  collect?.();
}

/**
 * Rows parsed by one sync from which its heap's growth is held to LARGE_SYNC_HEAP_GROWING_PERCENT until its writes are
 * done. It collects at that row, so that V8's next limit is set on what is live then (the rows parsed so far) rather
 * than on a limit its own heuristics set earlier, and again between its read and its writes. Its parsed rows are then
 * most of the heap: left to V8, the garbage made meanwhile (row texts, then products and statements) piled up on top of
 * them to half as much again before it collected. Measured on 50,000 rows: the peak 30–60 MB lower.
 */
export const LARGE_SYNC_ROWS = 12_000;

/** How often a large sync's read checks its heap's growth (SyncHeap): every this many parsed rows. */
export const HOLD_CHECK_ROWS = 1_000;

/** The heap's growth, in percent, while a large sync (LARGE_SYNC_ROWS) reads and writes. */
export const LARGE_SYNC_HEAP_GROWING_PERCENT = 20;

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

/**
 * The heap's policy for one sync: tighter once it has parsed many rows (LARGE_SYNC_ROWS), until it is done.
 *
 * V8's growth flag is not enough on its own: Node 24's V8 (13.6) let a 50,000-row sync's heap grow from ~107 MB live
 * after the read to ~205 MB during the writes, with ~75 MB of freed statement buffers waiting besides, whatever the
 * flag said (set at boot or at run time); on Node 20 the read's garbage still piled up past it. So the sync checks the
 * whole heap's growth itself, every HOLD_CHECK_ROWS rows of its read and before each batch of its writes, and collects
 * past the limit: three or four more full collections of a ~100 MB heap in a 50,000-row sync, for a peak ~130 MB lower
 * on Node 24 and up to ~40 MB lower on Node 20 (docs/decisions.md 15, "Node 24, and the whole heap").
 */
export class SyncHeap {
  private large = false;
  /** The heap's used bytes at its last collection by this sync: what its growth is measured from. */
  private liveBytes = 0;

  /** Told each row the sync parses (not recalled), with the count so far. */
  readonly rowParsed = (parsedRows: number): void => {
    if (this.large) {
      if (parsedRows % HOLD_CHECK_ROWS === 0) this.holdGrowth();
      return;
    }
    if (parsedRows !== LARGE_SYNC_ROWS) return;
    this.large = true;
    largeSyncs += 1;
    setHeapGrowth(LARGE_SYNC_HEAP_GROWING_PERCENT);
    this.collect();
  };

  /** The feed is read: a large one is collected, so that V8's next limit is set on its live rows. */
  beforeWrites(): void {
    if (this.large) this.collect();
  }

  /**
   * Before each batch of writes: a large sync whose heap grew more than LARGE_SYNC_HEAP_GROWING_PERCENT past what was
   * live at its last collection is collected now (as every HOLD_CHECK_ROWS rows of its read). Returns whether it was.
   */
  readonly beforeBatch = (): boolean => this.large && this.holdGrowth();

  /** Collects when the heap grew more than LARGE_SYNC_HEAP_GROWING_PERCENT past its live bytes at the last collection. */
  private holdGrowth(): boolean {
    if (getHeapStatistics().used_heap_size <= this.liveBytes * (1 + LARGE_SYNC_HEAP_GROWING_PERCENT / 100)) return false;
    this.collect();
    return true;
  }

  private collect(): void {
    collectNow();
    this.liveBytes = getHeapStatistics().used_heap_size;
  }

  /** The sync's writes are done (or it failed): V8's own heuristics again, once no other large sync runs. */
  readonly done = (): void => {
    if (!this.large) return;
    this.large = false;
    largeSyncs -= 1;
    if (largeSyncs === 0) setHeapGrowth(0);
  };
}

/** Rows parsed by a sync (not recalled from the feed memo) after which the worker collects its garbage. */
export const COLLECT_AFTER_ROWS = 5_000;

/** The objects of the syncs whose collection is running now (giveBackMemory's `sync`), held until it is done. */
const heldThroughCollection: object[] = [];

/**
 * After a sync that parsed `rows` rows: when they were many, collects the process's garbage as soon as the sync has
 * returned (its job is being recorded as done), so that the next sync does not pay for this one's garbage.
 *
 * `sync` is the sync's own objects (its write planner, its feed as remembered and its read, its report: not its parsed
 * rows, products or statements), held until the collection is done. V8 lets go of an object shape (a hidden class)
 * once no object of it is alive, and a full collection between two syncs finds none of a sync's objects alive; with
 * the shapes goes what the worker's compiled code learned about them. The next sync that takes a path the code was
 * last compiled without (a re-sync with changed rows after a first sync) then falls back to the interpreter in its
 * per-row loops (a "deoptimisation"), and pays for it: measured, a 5%-changed 10,000-row re-sync after a first sync
 * took ~15% longer (decision 15).
 */
export function giveBackMemory(rows: number, sync: object): void {
  if (rows < COLLECT_AFTER_ROWS) return;
  setImmediate(() => {
    heldThroughCollection.push(sync);
    try {
      collectNow();
    } finally {
      heldThroughCollection.pop();
    }
  });
}
