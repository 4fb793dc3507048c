import type { MappingMissReasons } from '@flowhub-sync/mapping';
import { RememberedRow, type MappedFacts, type RememberedFeed } from './feed-memo';

/*
 * A store's remembered feed as bytes, for the shared memo (shared-feed-memo.ts): JSON, one array per row in the feed's
 * order, each row's successor by its position. What comes back is checked field by field; bytes that are not a memo
 * of this format are refused (the caller then recalls nothing).
 */

/** The format's version: a memo of another is not read. */
const FORMAT = 1;

/** A row: its FeedRow fields, its successor's position (-1: none) and its product's facts (null: not mapped). */
type EncodedRow = [
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
  following: number,
  mapped: EncodedFacts | null,
];

/** MappedFacts; the variant id null when it is the row's own. */
type EncodedFacts = [
  quantity: number,
  variantId: string | null,
  contentHash: string,
  misses: [string | null, string | null, string | null] | null,
];

interface EncodedFeed {
  format: typeof FORMAT;
  /** The first row's position (-1: an empty feed). */
  first: number;
  rows: EncodedRow[];
}

/** The feed's rows as bytes. */
export function encodeFeedMemo(feed: RememberedFeed): Buffer {
  const position = new Map<RememberedRow, number>();
  for (const row of feed.rows.values()) position.set(row, position.size);
  const at = (row: RememberedRow | undefined) => (row === undefined ? -1 : (position.get(row) ?? -1));
  const rows: EncodedRow[] = [];
  for (const row of feed.rows.values()) {
    const facts = row.mapped;
    rows.push([
      row.digest,
      row.byteLength,
      row.variantId,
      row.roomId,
      row.purchaseCategory,
      row.quantity,
      row.regulatoryId,
      row.manifestId,
      row.invoiceNumber,
      row.expirationDate,
      row.supplierName,
      at(row.following),
      facts
        ? [
            facts.quantity,
            facts.variantId === row.variantId ? null : facts.variantId,
            facts.contentHash,
            facts.misses ? [facts.misses.category, facts.misses.strainType, facts.misses.terpenes] : null,
          ]
        : null,
    ]);
  }
  const encoded: EncodedFeed = { format: FORMAT, first: at(feed.first), rows };
  return Buffer.from(JSON.stringify(encoded), 'utf8');
}

/** Why bytes are not a memo this code can read. */
export class FeedMemoUnreadable extends Error {
  override readonly name = 'FeedMemoUnreadable';
}

export interface DecodeOptions {
  /** The one copy of a text many rows repeat (FeedMemo.shared). */
  shared?: (text: string | null) => string | null;
  /** The one copy of mapping misses many rows share (FeedMemo.sharedMisses). */
  sharedMisses?: (misses: MappingMissReasons) => MappingMissReasons;
}

/** A remembered feed from its bytes (encodeFeedMemo's); throws FeedMemoUnreadable when they are not one. */
export function decodeFeedMemo(bytes: Buffer, options: DecodeOptions = {}): RememberedFeed {
  const shared = options.shared ?? ((text: string | null) => text);
  const sharedMisses = options.sharedMisses ?? ((misses: MappingMissReasons) => misses);
  let encoded: unknown;
  try {
    encoded = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new FeedMemoUnreadable(`the memo is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(encoded) || encoded.format !== FORMAT) throw new FeedMemoUnreadable(`the memo is not of format ${FORMAT}`);
  const { rows: encodedRows, first } = encoded;
  if (!Array.isArray(encodedRows) || !isPosition(first, encodedRows.length)) throw new FeedMemoUnreadable('the memo has no rows');
  const rows: RememberedRow[] = encodedRows.map((encodedRow, index) => rowOf(encodedRow, index, encodedRows.length, shared, sharedMisses));
  const byDigest = new Map<string, RememberedRow>();
  rows.forEach((row, index) => {
    if (byDigest.has(row.digest)) throw new FeedMemoUnreadable(`row ${index} repeats the digest of another`);
    byDigest.set(row.digest, row);
    const following = (encodedRows[index] as EncodedRow)[11];
    row.following = following === -1 ? undefined : rows[following];
  });
  return { rows: byDigest, first: first === -1 ? undefined : rows[first] };
}

function rowOf(
  value: unknown,
  index: number,
  count: number,
  shared: (text: string | null) => string | null,
  sharedMisses: (misses: MappingMissReasons) => MappingMissReasons,
): RememberedRow {
  const unreadable = (what: string) => new FeedMemoUnreadable(`row ${index} of the memo: ${what}`);
  if (!Array.isArray(value) || value.length !== 13) throw unreadable('not a row');
  const [
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
    following,
    mapped,
  ] = value as unknown[];
  if (typeof digest !== 'string' || digest.length === 0) throw unreadable('no digest');
  if (!Number.isSafeInteger(byteLength) || (byteLength as number) < 0) throw unreadable('no byte length');
  if (typeof variantId !== 'string') throw unreadable('no variant id');
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) throw unreadable('no quantity');
  const texts = [roomId, purchaseCategory, regulatoryId, manifestId, invoiceNumber, expirationDate, supplierName];
  if (!texts.every(isText)) throw unreadable('a field that is neither text nor null');
  if (!isPosition(following, count)) throw unreadable('no successor');
  const row = RememberedRow.restore(
    digest,
    byteLength as number,
    variantId,
    shared(roomId as string | null),
    shared(purchaseCategory as string | null),
    quantity,
    regulatoryId as string | null,
    manifestId as string | null,
    invoiceNumber as string | null,
    expirationDate as string | null,
    supplierName as string | null,
  );
  if (mapped !== null) row.mapped = factsOf(mapped, variantId, sharedMisses, unreadable);
  return row;
}

function factsOf(
  value: unknown,
  rowVariantId: string,
  sharedMisses: (misses: MappingMissReasons) => MappingMissReasons,
  unreadable: (what: string) => FeedMemoUnreadable,
): MappedFacts {
  if (!Array.isArray(value) || value.length !== 4) throw unreadable('facts that are not facts');
  const [quantity, variantId, contentHash, misses] = value as unknown[];
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) throw unreadable("no product's quantity");
  if (!isText(variantId) || typeof contentHash !== 'string' || contentHash.length === 0) throw unreadable("no product's id or hash");
  let reasons: MappingMissReasons | null = null;
  if (misses !== null) {
    if (!Array.isArray(misses) || misses.length !== 3 || !misses.every(isText)) throw unreadable('mapping misses that are not');
    const [category, strainType, terpenes] = misses as Array<string | null>;
    reasons = sharedMisses({ category, strainType, terpenes });
  }
  return { quantity, variantId: variantId ?? rowVariantId, contentHash, misses: reasons };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isPosition = (value: unknown, count: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= -1 && (value as number) < count;
