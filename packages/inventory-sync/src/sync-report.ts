import type { MappingMissReasons } from '@flowhub-sync/mapping';

/** At most this many problems are listed per run; all are counted. */
export const MAX_LISTED_PROBLEMS = 100;

export interface SyncProblem {
  variantId: string | null;
  reason: string;
}

export interface SyncCounts {
  fetched: number;
  kept: number;
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  invalid: number;
  uncategorized: number;
  unknownTerpenes: number;
  unknownStrainTypes: number;
  /** Rows that could not be read but name their product (UnreadableRows in packages/mapping/src/feed.ts); also counted in `invalid`. */
  unreadable: number;
  /** Packages of a variant beyond its first whose quantities were added to it (FeedSelection in packages/mapping/src/feed.ts). */
  packagesMerged: number;
  /** Rows that repeated a variant's (room, package) already listed: counted once. */
  repeatedRows: number;
}

export const emptyCounts = (): SyncCounts => ({
  fetched: 0,
  kept: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  deactivated: 0,
  invalid: 0,
  uncategorized: 0,
  unknownTerpenes: 0,
  unknownStrainTypes: 0,
  unreadable: 0,
  packagesMerged: 0,
  repeatedRows: 0,
});

/**
 * A run's counts and the problems an operator reads, capped at 100: skipped rows first, then the misses an
 * operator can fix with a mapping row (categories), then strain types, then terpenes (the most common and
 * least actionable, so they never crowd the others out).
 */
export class SyncReport {
  readonly counts = emptyCounts();
  private readonly lists = {
    invalid: [] as SyncProblem[],
    category: [] as SyncProblem[],
    strainType: [] as SyncProblem[],
    terpenes: [] as SyncProblem[],
  };
  private listed = 0;

  private list(kind: keyof SyncReport['lists'], problem: SyncProblem): void {
    this.listed += 1;
    if (this.lists[kind].length < MAX_LISTED_PROBLEMS) this.lists[kind].push(problem);
  }

  get problems(): SyncProblem[] {
    const { invalid, category, strainType, terpenes } = this.lists;
    return [...invalid, ...category, ...strainType, ...terpenes].slice(0, MAX_LISTED_PROBLEMS);
  }

  get truncated(): boolean {
    return this.listed > MAX_LISTED_PROBLEMS;
  }

  invalidRow(problem: SyncProblem): void {
    this.counts.invalid += 1;
    this.list('invalid', { variantId: problem.variantId, reason: `skipped: ${problem.reason}` });
  }

  /**
   * Mapping misses: the product still syncs; an operator may add a mapping row and re-sync. The sentences are the
   * mapping package's (describeMappingMisses), so that `npm run flowhub:check` shows the same ones.
   */
  mappingMisses(variantId: string, reasons: MappingMissReasons): void {
    if (reasons.category !== null) {
      this.counts.uncategorized += 1;
      this.list('category', { variantId, reason: reasons.category });
    }
    if (reasons.strainType !== null) {
      this.counts.unknownStrainTypes += 1;
      this.list('strainType', { variantId, reason: reasons.strainType });
    }
    if (reasons.terpenes !== null) {
      this.counts.unknownTerpenes += 1;
      this.list('terpenes', { variantId, reason: reasons.terpenes });
    }
  }
}
