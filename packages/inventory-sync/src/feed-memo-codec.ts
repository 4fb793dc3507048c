import type { MappingMissReasons } from '@flowhub-sync/mapping';
import { RememberedRow, type MappedFacts, type RememberedFeed } from './feed-memo';

/*
 * A store's remembered feed as text, for the shared memo (shared-feed-memo.ts). Every sync of a store whose memory is
 * another worker's reads one, and every sync that changed a row writes one, so the format is made to be cheap both
 * ways: a few columns rather than an array per row. Every text of every row (the TEXT_FIELDS) goes into one string,
 * `texts`, with its length in `lengths` (-1: null; a text that rows repeat is written once: REPEATED); the numbers of
 * each row (NUMBER_FIELDS) go into `numbers`; mapping misses, which rows share, into a table. The memo is a line of
 * JSON (the columns but the texts), a line break, then the texts as they are: a store's texts are ~130 kB of ASCII
 * for 1,000 rows, which neither need escaping to be written nor a parse to be read back (reading slices the memo).
 * Texts that would not survive as they are (beyond ASCII, or a NUL, which PostgreSQL's text refuses) go into the JSON
 * line instead, escaped. All of it is ASCII (asciiJson). Reading cuts `texts` back into its pieces in order. What
 * comes back is checked as it is read: text that is not a memo of this format is refused (the caller then recalls
 * nothing).
 */

/** The format's version: a memo of another is not read. */
const FORMAT = 4;

/**
 * A row's texts: digest, variantId, roomId, purchaseCategory, regulatoryId, manifestId, invoiceNumber, expirationDate,
 * supplierName, then its product's variant id (null: the row's own) and content hash (both null: not mapped).
 */
const TEXT_FIELDS = 11;
/**
 * Of those, the texts rows repeat (roomId, purchaseCategory, expirationDate, supplierName): each distinct one is
 * written once, the first time, and numbered in that order; a later one's length is REPEATED minus its number.
 */
const REPEATED = -2;
/**
 * A row's numbers: byteLength, quantity, the successor's position (-1: none), the product's quantity (null: not mapped),
 * its mapping misses' position in the table (-1: none).
 */
const NUMBER_FIELDS = 5;

/** The JSON line of a memo. */
interface EncodedFeed {
  format: typeof FORMAT;
  /** The first row's position (-1: an empty feed). */
  first: number;
  lengths: number[];
  numbers: Array<number | null>;
  misses: Array<[string | null, string | null, string | null]>;
  /** The texts, when they could not follow the line as they are (then nothing follows it). */
  texts?: string;
}

/** The feed's rows as text. */
export function encodeFeedMemo(feed: RememberedFeed): string {
  const position = new Map<RememberedRow, number>();
  for (const row of feed.rows.values()) position.set(row, position.size);
  const at = (row: RememberedRow | undefined) => (row === undefined ? -1 : (position.get(row) ?? -1));
  // The memo's pieces: its line of columns (made last, in place of this one), then every text.
  const texts: string[] = [''];
  const lengths: number[] = [];
  const numbers: Array<number | null> = [];
  const misses: EncodedFeed['misses'] = [];
  const missesAt = new Map<MappingMissReasons, number>();
  const text = (value: string | null) => {
    if (value === null) {
      lengths.push(-1);
      return;
    }
    texts.push(value);
    lengths.push(value.length);
  };
  const repeatedAt = new Map<string, number>();
  /** A text many rows repeat: written the first time, then referred to (REPEATED). */
  const repeated = (value: string | null) => {
    const at = value === null ? undefined : repeatedAt.get(value);
    if (at !== undefined) {
      lengths.push(REPEATED - at);
      return;
    }
    if (value !== null) repeatedAt.set(value, repeatedAt.size);
    text(value);
  };
  for (const row of feed.rows.values()) {
    const facts = row.mapped;
    text(row.digest);
    text(row.variantId);
    repeated(row.roomId);
    repeated(row.purchaseCategory);
    text(row.regulatoryId);
    text(row.manifestId);
    text(row.invoiceNumber);
    repeated(row.expirationDate);
    repeated(row.supplierName);
    text(facts && facts.variantId !== row.variantId ? facts.variantId : null);
    text(facts ? facts.contentHash : null);
    let missesIndex = -1;
    if (facts?.misses) {
      missesIndex = missesAt.get(facts.misses) ?? -1;
      if (missesIndex === -1) {
        missesIndex = misses.push([facts.misses.category, facts.misses.strainType, facts.misses.terpenes]) - 1;
        missesAt.set(facts.misses, missesIndex);
      }
    }
    numbers.push(row.byteLength, row.quantity, at(row.following), facts ? facts.quantity : null, missesIndex);
  }
  // Built piece by piece: the numbers are ASCII, and a two-byte character in the misses (a Greek letter) would make a
  // line stringified whole a two-byte string to escape.
  const columns = `"format":${FORMAT},"first":${at(feed.first)},"lengths":${JSON.stringify(lengths)},"numbers":${JSON.stringify(numbers)},"misses":${asciiJson(JSON.stringify(misses))}`;
  // Joined once: the memo is one flat string, ~170 kB for 1,000 rows, which is sent as it is.
  texts[0] = `{${columns}}\n`;
  const memo = texts.join('');
  if (isAscii(memo) && !memo.includes('\0')) return memo;
  return `{${columns},"texts":${asciiJson(JSON.stringify(memo.slice(texts[0].length)))}}\n`;
}

/** Only ASCII characters (one UTF-8 byte each). */
const isAscii = (text: string) => Buffer.byteLength(text, 'utf8') === text.length;

const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON text with every character outside ASCII written as its `\u` escape (a character beyond the Basic Multilingual
 * Plane as its two), which JSON.parse reads back as the same string: the misses' table (terpene names with Greek
 * letters), and the texts when they cannot follow the line as they are. One such character is enough for V8 to hold a
 * whole string as two bytes a character, which pg would then convert to UTF-8 to send and a read would get back as
 * two-byte text. Escaped, the memo is one-byte text both ways (six bytes for each such character).
 */
function asciiJson(json: string): string {
  if (isAscii(json)) return json;
  NON_ASCII.lastIndex = 0;
  const at: number[] = [];
  while (NON_ASCII.exec(json) !== null) at.push(NON_ASCII.lastIndex - 1);
  if (at.length === 0) return json;
  // Written as Latin-1 bytes and read back as such: a one-byte string, which slicing and joining the two-byte text
  // would not give.
  const bytes = Buffer.allocUnsafe(json.length + 5 * at.length);
  let written = 0;
  let from = 0;
  for (const position of at) {
    written += bytes.write(json.slice(from, position), written, 'latin1');
    written += bytes.write(`\\u${json.charCodeAt(position).toString(16).padStart(4, '0')}`, written, 'latin1');
    from = position + 1;
  }
  written += bytes.write(json.slice(from), written, 'latin1');
  return bytes.toString('latin1', 0, written);
}

/** Why text is not a memo this code can read. */
export class FeedMemoUnreadable extends Error {
  override readonly name = 'FeedMemoUnreadable';
}

export interface DecodeOptions {
  /** The one copy of a text many rows repeat (FeedMemo.shared). */
  shared?: (text: string | null) => string | null;
  /** The one copy of mapping misses many rows share (FeedMemo.sharedMisses). */
  sharedMisses?: (misses: MappingMissReasons) => MappingMissReasons;
}

/** A remembered feed from its text (encodeFeedMemo's); throws FeedMemoUnreadable when it is not one. */
export function decodeFeedMemo(memo: string, options: DecodeOptions = {}): RememberedFeed {
  const shared = options.shared ?? ((text: string | null) => text);
  const lineEnd = memo.indexOf('\n');
  if (lineEnd === -1) throw new FeedMemoUnreadable(`the memo is not of format ${FORMAT}: it has no line of columns`);
  let encoded: unknown;
  try {
    encoded = JSON.parse(memo.slice(0, lineEnd));
  } catch (error) {
    throw new FeedMemoUnreadable(`the memo's columns are not JSON: ${(error as Error).message}`);
  }
  if (typeof encoded !== 'object' || encoded === null || (encoded as { format?: unknown }).format !== FORMAT) {
    throw new FeedMemoUnreadable(`the memo is not of format ${FORMAT}`);
  }
  const { first, texts: escapedTexts, lengths, numbers, misses: missesTable } = encoded as Record<string, unknown>;
  if (escapedTexts !== undefined && (typeof escapedTexts !== 'string' || lineEnd !== memo.length - 1)) {
    throw new FeedMemoUnreadable('the memo has its texts twice');
  }
  const texts = (escapedTexts as string | undefined) ?? memo.slice(lineEnd + 1);
  if (!Array.isArray(lengths) || !Array.isArray(numbers) || !Array.isArray(missesTable)) {
    throw new FeedMemoUnreadable('the memo lacks its columns');
  }
  const count = numbers.length / NUMBER_FIELDS;
  if (!Number.isInteger(count) || lengths.length !== count * TEXT_FIELDS || !isPosition(first, count)) {
    throw new FeedMemoUnreadable('the memo has no rows');
  }
  const misses = missesTable.map((entry, index) => missesOf(entry, index, options.sharedMisses));

  let offset = 0;
  let field = 0;
  /** The next text of the memo (null for a length of -1). */
  const next = (): string | null => {
    const length = lengths[field++] as unknown;
    if (length === -1) return null;
    if (!Number.isSafeInteger(length) || (length as number) < 0 || offset + (length as number) > texts.length) {
      throw new FeedMemoUnreadable(`text ${field - 1} of the memo has no length that fits`);
    }
    const value = texts.slice(offset, offset + (length as number));
    offset += length as number;
    return value;
  };

  const repeatedTexts: string[] = [];
  /** The next text of the memo, one that rows repeat (shared: one copy for the memo read into). */
  const nextRepeated = (): string | null => {
    const length = lengths[field] as unknown;
    if (typeof length === 'number' && length <= REPEATED) {
      const value = repeatedTexts[REPEATED - length];
      if (value === undefined) throw new FeedMemoUnreadable(`text ${field} of the memo repeats a text it has not read`);
      field++;
      return value;
    }
    const value = shared(next());
    if (value !== null) repeatedTexts.push(value);
    return value;
  };

  const rows: RememberedRow[] = new Array<RememberedRow>(count);
  const byDigest = new Map<string, RememberedRow>();
  for (let index = 0; index < count; index++) {
    const unreadable = (what: string) => new FeedMemoUnreadable(`row ${index} of the memo: ${what}`);
    const digest = next();
    const variantId = next();
    if (!digest) throw unreadable('no digest');
    if (variantId === null) throw unreadable('no variant id');
    const base = index * NUMBER_FIELDS;
    const byteLength = numbers[base] as unknown;
    const quantity = numbers[base + 1] as unknown;
    if (!Number.isSafeInteger(byteLength) || (byteLength as number) < 0) throw unreadable('no byte length');
    if (typeof quantity !== 'number' || !Number.isFinite(quantity)) throw unreadable('no quantity');
    const row = RememberedRow.restore(
      digest,
      byteLength as number,
      variantId,
      nextRepeated(),
      nextRepeated(),
      quantity,
      next(),
      next(),
      next(),
      nextRepeated(),
      nextRepeated(),
    );
    const mappedVariantId = next();
    const contentHash = next();
    const mappedQuantity = numbers[base + 3] as unknown;
    const missesIndex = numbers[base + 4] as unknown;
    if (mappedQuantity !== null) {
      if (typeof mappedQuantity !== 'number' || !Number.isFinite(mappedQuantity)) throw unreadable("no product's quantity");
      if (!contentHash) throw unreadable("no product's hash");
      if (!isPosition(missesIndex, misses.length)) throw unreadable('mapping misses that are not in the table');
      const facts: MappedFacts = {
        quantity: mappedQuantity,
        variantId: mappedVariantId ?? variantId,
        contentHash,
        misses: missesIndex === -1 ? null : misses[missesIndex],
      };
      row.mapped = facts;
    } else if (contentHash !== null || mappedVariantId !== null) {
      throw unreadable('facts of a product that was not mapped');
    }
    if (byDigest.has(digest)) throw unreadable('the digest of another row');
    byDigest.set(digest, row);
    rows[index] = row;
  }
  if (offset !== texts.length) throw new FeedMemoUnreadable('the memo has texts no row reads');
  for (let index = 0; index < count; index++) {
    const following = numbers[index * NUMBER_FIELDS + 2] as unknown;
    if (!isPosition(following, count)) throw new FeedMemoUnreadable(`row ${index} of the memo: no successor`);
    rows[index].following = following === -1 ? undefined : rows[following];
  }
  return { rows: byDigest, first: first === -1 ? undefined : rows[first] };
}

function missesOf(entry: unknown, index: number, sharedMisses?: (misses: MappingMissReasons) => MappingMissReasons): MappingMissReasons {
  if (!Array.isArray(entry) || entry.length !== 3 || !entry.every((text) => text === null || typeof text === 'string')) {
    throw new FeedMemoUnreadable(`mapping misses ${index} of the memo are not`);
  }
  const [category, strainType, terpenes] = entry as Array<string | null>;
  const misses = { category, strainType, terpenes };
  return sharedMisses ? sharedMisses(misses) : misses;
}

const isPosition = (value: unknown, count: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= -1 && (value as number) < count;
