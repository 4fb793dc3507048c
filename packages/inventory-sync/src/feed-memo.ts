import { checkInventoryRow, freshlyParsed, type ExpectedRow, type FlowhubInventoryRow, type RowMemo } from '@flowhub-sync/flowhub-client';
import type { FeedRow, MappingMissReasons } from '@flowhub-sync/mapping';

/*
 * The feed memo: what an inventory worker remembers of each store's last feed, so that a re-sync parses and maps only
 * the rows that changed (docs/architecture.md, "Re-syncs skip what did not change" and "The feed memo is shared by
 * every worker").
 *
 * A row is known by the digest of its bytes as Flowhub sent them (rowDigest, SHA-256). For each row of a store's last
 * feed that passed the check, the memo keeps what selecting the feed reads (ids, room, purchase category, package
 * fields, quantity: a RememberedRow, about a tenth of the parsed row) and, once mapped, the facts of its product
 * (MappedFacts: content hash and mapping misses, for the quantity it was mapped with). Everything it keeps is a
 * function of the row's bytes and of the settings in the memo's key (settingsKey), and of the code that computed it:
 * nothing it keeps can go stale while the key and the code are the same (a worker holds the memo in its process; what
 * it shares with the other workers through PostgreSQL is keyed by the code too, shared-feed-memo.ts). The feed's rows
 * are still selected every run (rooms, packages, repeats), invalid rows are parsed and reported every run, and a
 * product whose first row or summed quantity changed is mapped again.
 *
 * The memo also keeps the last feed's order (each row's successor and length): reading the next answer, it expects the
 * rows in that order, and a row whose bytes match the one expected is taken without the splitter scanning it
 * (RowMemo.expected). After a row that changed, it expects the row that followed the one it replaced.
 */

/**
 * Rows remembered over all stores of a worker, by default: about 450 bytes of heap each (measured: 21 MB for a
 * 46,000-row store), so 45 MB.
 */
export const DEFAULT_FEED_MEMO_ROWS = 64_000;

/**
 * The share of the memory one store's feed may take: a larger feed is not remembered. One 50,000-row store would
 * otherwise take the room of fifty 1,000-row stores for as long as it syncs (the memory does not evict stores synced
 * in the last DEFAULT_FEED_MEMO_STALE_MS), and the worker's resident memory would grow by its 21 MB for good.
 */
export const DEFAULT_FEED_MEMO_STORE_SHARE = 1 / 4;

/** A store not synced for this long is forgotten first when room is needed (syncs run every 10 minutes). */
export const DEFAULT_FEED_MEMO_STALE_MS = 30 * 60_000;

/** What a product mapped from a row was, for the quantity it was mapped with (the variant's sum over its rows). */
export interface MappedFacts {
  quantity: number;
  /** The product's variantId as the mapping gave it. */
  variantId: string;
  contentHash: string;
  /** What the run reports of the row's mapping misses; null when it had none. */
  misses: MappingMissReasons | null;
}

/** What selecting a feed reads of a row (FeedRow), remembered by the digest of its bytes. */
export class RememberedRow implements FeedRow, ExpectedRow {
  /** The product mapped from this row as a variant's first row, once mapped. */
  mapped: MappedFacts | undefined = undefined;
  /** The row that came after this one in the store's last feed, if remembered. */
  following: RememberedRow | undefined = undefined;

  private constructor(
    readonly digest: string,
    /** Bytes of the row as sent (0 when unknown: then it is never expected). */
    readonly byteLength: number,
    readonly variantId: string,
    readonly roomId: string | null,
    readonly purchaseCategory: string | null,
    readonly quantity: number,
    readonly regulatoryId: string | null,
    readonly manifestId: string | null,
    readonly invoiceNumber: string | null,
    readonly expirationDate: string | null,
    readonly supplierName: string | null,
  ) {}

  /** `shared` gives one copy of the texts many rows repeat (rooms, purchase categories). */
  static of(digest: string, byteLength: number, row: FlowhubInventoryRow, shared: (text: string | null) => string | null): RememberedRow {
    return RememberedRow.restore(
      digest,
      byteLength,
      row.variantId,
      shared(row.roomId),
      shared(row.purchaseCategory),
      row.quantity,
      row.regulatoryId,
      row.manifestId,
      row.invoiceNumber,
      row.expirationDate,
      row.supplierName,
    );
  }

  /** A row as remembered before, field by field (a memo read back: feed-memo-codec.ts). */
  static restore(
    digest: string,
    byteLength: number,
    variantId: string,
    roomId: string | null,
    purchaseCategory: string | null,
    quantity: number,
    regulatoryId: string | null,
    manifestId: string | null,
    invoiceNumber: string | null,
    expirationDate: string | null,
    supplierName: string | null,
  ): RememberedRow {
    return new RememberedRow(
      digest,
      byteLength,
      variantId,
      roomId,
      purchaseCategory,
      quantity,
      regulatoryId,
      manifestId,
      invoiceNumber,
      expirationDate,
      supplierName,
    );
  }
}

/** A feed row as the sync selects it: a RememberedRow, or a copy of one with its variant's quantities summed. */
export type FeedItem = Pick<RememberedRow, 'digest'> & FeedRow & { quantity: number };

/** A store's last feed as remembered: its rows by digest, and the first (each row knows its successor). */
export interface RememberedFeed {
  rows: ReadonlyMap<string, RememberedRow>;
  /** The feed's first row: the one expected first next time. */
  first: RememberedRow | undefined;
}

/** A remembered feed that is a generation of the shared memo (shared-feed-memo.ts): null when it is not, or not yet. */
export interface SharedFeed extends RememberedFeed {
  generation: string | null;
}

interface StoreFeed extends SharedFeed {
  key: string;
  rows: Map<string, RememberedRow>;
  /** When it was last kept (Date.now()). */
  at: number;
}

export interface FeedMemoOptions {
  /** Rows remembered over all stores (DEFAULT_FEED_MEMO_ROWS); 0 remembers nothing. */
  maxRows?: number;
  /** Rows of one store's feed beyond which it is not remembered: by default a quarter of maxRows (DEFAULT_FEED_MEMO_STORE_SHARE). */
  maxStoreRows?: number;
  /** A store not synced for this long makes room for others (DEFAULT_FEED_MEMO_STALE_MS). */
  staleMs?: number;
  now?: () => number;
}

/** Distinct texts kept once (rooms, purchase categories, mapping misses); beyond, the table starts again. */
const MAX_SHARED_TEXTS = 10_000;

/**
 * One worker's memory of its stores' last feeds, bounded. When a feed does not fit, stores not synced for a while
 * (staleMs) are forgotten, oldest first; if that is not enough, the new feed is not remembered. Not "least recently
 * used": every store syncs every 10 minutes in turn, and a memory that always forgot the oldest store to take the
 * newest would never hold the next store to sync; this one keeps serving the stores it holds.
 */
export class FeedMemo {
  private readonly stores = new Map<string, StoreFeed>();
  private rows = 0;
  /** Rows it may remember over all stores (FeedMemoOptions.maxRows). */
  readonly maxRows: number;
  /** Rows of one store's feed beyond which it is not remembered (FeedMemoOptions.maxStoreRows). */
  readonly maxStoreRows: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private texts = new Map<string, string>();
  private misses = new Map<string, MappingMissReasons>();
  /** Saves to the shared memo under way, by store. */
  private readonly sharing = new Map<string, Promise<void>>();

  /** The one copy of a text many remembered rows repeat. */
  readonly shared = (text: string | null): string | null => {
    if (text === null) return null;
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size >= MAX_SHARED_TEXTS) this.texts = new Map();
    this.texts.set(text, text);
    return text;
  };

  /** The one copy of mapping misses many rows share (the same unknown terpenes, say). */
  readonly sharedMisses = (misses: MappingMissReasons): MappingMissReasons => {
    const key = JSON.stringify([misses.category, misses.strainType, misses.terpenes]);
    const known = this.misses.get(key);
    if (known !== undefined) return known;
    if (this.misses.size >= MAX_SHARED_TEXTS) this.misses = new Map();
    this.misses.set(key, misses);
    return misses;
  };

  constructor(options: FeedMemoOptions = {}) {
    this.maxRows = Math.max(0, options.maxRows ?? DEFAULT_FEED_MEMO_ROWS);
    this.maxStoreRows = Math.min(this.maxRows, options.maxStoreRows ?? Math.floor(this.maxRows * DEFAULT_FEED_MEMO_STORE_SHARE));
    this.staleMs = options.staleMs ?? DEFAULT_FEED_MEMO_STALE_MS;
    this.now = options.now ?? Date.now;
  }

  /** Rows remembered now, over all stores. */
  get size(): number {
    return this.rows;
  }

  /**
   * Begins a read of the store's feed: it recalls the rows of the store's last feed read under the same settings
   * (`settingsKey`), and becomes the store's memory when committed.
   */
  begin(storeId: string, settingsKey: string, options: FeedReadOptions = {}): FeedRead {
    const known = options.shared ?? this.held(storeId, settingsKey);
    return new FeedRead(known, this, (rows, first) => this.keep(storeId, settingsKey, rows, first), options);
  }

  /** The store's last feed as this memo holds it, if read under these settings. */
  private held(storeId: string, settingsKey: string): StoreFeed | undefined {
    const last = this.stores.get(storeId);
    return last?.key === settingsKey ? last : undefined;
  }

  /** The generation of the shared memo the store's feed held here is (null when none, or not read under these settings). */
  heldGeneration(storeId: string, settingsKey: string): string | null {
    return this.held(storeId, settingsKey)?.generation ?? null;
  }

  /**
   * Runs the saving of the store's feed held here to the shared memo (shared-feed-memo.ts), until it is done: meanwhile
   * the feed held here is newer than the shared memo's. Returns the save, done (it never rejects).
   */
  track(storeId: string, sharing: Promise<void>): Promise<void> {
    // The save logs its own failures (shared-feed-memo.ts): nothing here may reject.
    const tracked = sharing
      .catch(() => undefined)
      .finally(() => {
        if (this.sharing.get(storeId) === tracked) this.sharing.delete(storeId);
      });
    this.sharing.set(storeId, tracked);
    return tracked;
  }

  /** Whether the store's feed held here is being saved to the shared memo. */
  isSharing(storeId: string): boolean {
    return this.sharing.has(storeId);
  }

  /** Every save to the shared memo started so far is done (a worker that stops waits for them). */
  async settled(): Promise<void> {
    while (this.sharing.size > 0) await Promise.all(this.sharing.values());
  }

  /** The store's feed held here is the shared memo's generation `generation` (saved or read as it). */
  markShared(storeId: string, settingsKey: string, generation: string): void {
    const held = this.held(storeId, settingsKey);
    if (held) held.generation = generation;
  }

  /** Forgets a store (its settings changed, or it was removed). */
  forget(storeId: string): void {
    const last = this.stores.get(storeId);
    if (!last) return;
    this.rows -= last.rows.size;
    this.stores.delete(storeId);
  }

  private keep(storeId: string, key: string, rows: Map<string, RememberedRow>, first: RememberedRow | undefined): void {
    this.forget(storeId);
    if (rows.size === 0 || rows.size > this.maxStoreRows) return;
    const now = this.now();
    // Stores not synced for a while make room, the longest unsynced first (a Map iterates in insertion order).
    for (const [other, feed] of this.stores) {
      if (this.rows + rows.size <= this.maxRows || now - feed.at < this.staleMs) break;
      this.forget(other);
    }
    if (this.rows + rows.size > this.maxRows) return;
    this.stores.set(storeId, { key, rows, first, at: now, generation: null });
    this.rows += rows.size;
  }
}

export interface FeedReadOptions {
  /** Told each row the read parses (one it could not recall), with the count so far. */
  onRowParsed?: (parsedRows: number) => void;
  /** The store's last feed as the shared memo has it, newer than the one held here (shared-feed-memo.ts): recalled instead. */
  shared?: SharedFeed;
}

/**
 * One read of a store's feed through its memo (a RowMemo for the Flowhub client): recalls the rows it knows, keeps
 * the bytes of those it recalled and the rows it parsed until the read is done (materialize), and collects this
 * feed's rows as the store's next memory.
 */
export class FeedRead implements RowMemo<RememberedRow> {
  private readonly next = new Map<string, RememberedRow>();
  /** This feed's rows in order, for the successors the next read expects. */
  private readonly order: RememberedRow[] = [];
  private readonly recalledBytes = new Map<string, Buffer>();
  private readonly parsed = new Map<string, FlowhubInventoryRow>();
  /** Byte lengths of the rows parsed in this read, by digest. */
  private readonly parsedLengths = new Map<string, number>();
  /** The row expected next: the successor, in the last feed, of the row read last (or of the one it replaced). */
  private cursor: RememberedRow | undefined;

  /** The rows of the store's last feed, as recalled. */
  private readonly last: ReadonlyMap<string, RememberedRow> | undefined;
  /** The shared memo's generation the recalled feed is (null: none, or not one). */
  readonly recalledGeneration: string | null;

  constructor(
    recalled: SharedFeed | undefined,
    private readonly memo: Pick<FeedMemo, 'shared' | 'sharedMisses'>,
    private readonly onCommit: (rows: Map<string, RememberedRow>, first: RememberedRow | undefined) => void,
    private readonly options: FeedReadOptions = {},
  ) {
    this.last = recalled?.rows;
    this.recalledGeneration = recalled?.generation ?? null;
    this.cursor = recalled?.first;
  }

  /** Rows of this feed recalled from the last one (not parsed). */
  recalled = 0;
  /** Rows of this feed it could not recall (parsed). */
  private parsedRows = 0;
  /** Rows of this feed new to the memo (parsed, and passed the check). */
  private added = 0;
  /** Recalled rows whose product was mapped again (its summed quantity changed). */
  private remapped = 0;
  /** This feed's rows once committed: what the store's memory is from now on. */
  private committedFeed: RememberedFeed | undefined;
  /** Whether the committed feed is the last one as it was: the same rows, facts and order. */
  private unchanged = false;

  expected(): RememberedRow | undefined {
    return this.cursor;
  }

  recall(digest: string, bytes: Buffer): RememberedRow | undefined {
    const known = this.last?.get(digest);
    // A row that is not the one expected replaced it (a changed row): the one after it is expected next.
    this.cursor = known ? known.following : this.cursor?.following;
    if (!known) {
      this.parsedLengths.set(digest, bytes.length);
      this.parsedRows += 1;
      this.options.onRowParsed?.(this.parsedRows);
      return undefined;
    }
    this.recalled += 1;
    this.recalledBytes.set(digest, bytes);
    this.next.set(digest, known);
    return known;
  }

  /**
   * A row of this feed: the one recalled, or the parsed one remembered from now on (a parsed row's product is always
   * mapped in this run: only recalled rows are made again from their bytes).
   */
  item(row: FlowhubInventoryRow | RememberedRow, digest: string): RememberedRow {
    if (row instanceof RememberedRow) {
      this.order.push(row);
      return row;
    }
    let known = this.next.get(digest);
    if (!known) {
      known = RememberedRow.of(digest, this.parsedLengths.get(digest) ?? 0, row, this.memo.shared);
      this.next.set(digest, known);
      this.added += 1;
    }
    this.parsed.set(digest, row);
    this.order.push(known);
    return known;
  }

  /** The facts of the product mapped from this feed's row, remembered with it. */
  remember(row: RememberedRow, facts: MappedFacts): void {
    if (row.mapped !== undefined) this.remapped += 1;
    row.mapped = facts;
  }

  /** The one copy of mapping misses many rows share. */
  sharedMisses(misses: MappingMissReasons): MappingMissReasons {
    return this.memo.sharedMisses(misses);
  }

  /** The remembered row of a digest of this feed. */
  remembered(digest: string): RememberedRow {
    const row = this.next.get(digest);
    if (!row) throw new Error(`no row of this feed has the digest ${digest}`);
    return row;
  }

  /** The whole row of a digest of this feed: as parsed, or parsed now from the bytes it came in. */
  materialize(digest: string): FlowhubInventoryRow {
    const parsed = this.parsed.get(digest);
    if (parsed) return parsed;
    const bytes = this.recalledBytes.get(digest);
    if (!bytes) throw new Error(`no row of this feed has the digest ${digest}`);
    // The same bytes passed the same check when they were remembered.
    const text = bytes.toString('utf8');
    const check = checkInventoryRow(JSON.parse(text), { freshTexts: freshlyParsed(text) });
    if (!check.ok) throw new Error(`a remembered row no longer passes the check: ${check.reason}`);
    this.parsed.set(digest, check.row);
    return check.row;
  }

  /**
   * The whole row of a digest of this feed, for the last time: a parsed row is let go at once (a variant's product is
   * mapped once per run; rows die as their products are made, not all at the end).
   */
  take(digest: string): FlowhubInventoryRow {
    const row = this.materialize(digest);
    this.parsed.delete(digest);
    return row;
  }

  /** Whether two rows of this feed have the same content (as the feed's selection compares repeated rows). */
  sameContent = (a: FeedItem, b: FeedItem): boolean =>
    a.digest === b.digest || JSON.stringify(this.materialize(a.digest)) === JSON.stringify(this.materialize(b.digest));

  /**
   * The feed is mapped: it becomes the store's memory (its rows carrying their products' facts), and the rows parsed
   * for it are let go (each was mapped).
   */
  commit(): void {
    this.parsed.clear();
    this.parsedLengths.clear();
    const order = this.order;
    let reordered = false;
    for (let i = 0; i < order.length; i++) {
      reordered ||= order[i].following !== order[i + 1];
      order[i].following = order[i + 1];
    }
    this.unchanged = this.added === 0 && this.remapped === 0 && !reordered && this.next.size === (this.last?.size ?? -1);
    this.committedFeed = { rows: this.next, first: order[0] };
    this.onCommit(this.next, order[0]);
    this.order.length = 0;
  }

  /**
   * The feed as committed (the store's memory from now on), and whether it is the last one as it was (the same rows,
   * each with the same facts, in the same order): then there is nothing new to share.
   */
  committed(): { feed: RememberedFeed; unchanged: boolean } {
    if (!this.committedFeed) throw new Error('the feed read is not committed yet');
    return { feed: this.committedFeed, unchanged: this.unchanged };
  }

  /** The products to write are made: the recalled rows' bytes are let go too. */
  release(): void {
    this.parsed.clear();
    this.recalledBytes.clear();
  }
}
