import { hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ENVELOPE_MESSAGE_FIELDS, envelopeStatusFailed, FailedEnvelope, MalformedResponse } from './flowhub-http';
import { checkInventoryRow, freshlyParsed, rowIdentityFromText, type FlowhubInventoryRow, type RowIdentity } from './inventory-row';
import { RowSplitter, type ListShape } from './row-splitter';

/**
 * A row that could not be taken. Its identity fields (RowIdentity: variantId, productId, roomId, purchaseCategory)
 * are what could still be read of it, each null when absent or unreadable: even an invalid row tells the sync that
 * Flowhub still lists its product. A row too large to read, or that is not an object, names nothing.
 */
export interface InventoryProblem extends RowIdentity {
  reason: string;
  /** Position of the row in Flowhub's answer. */
  index: number;
}

/**
 * What a caller remembers of rows it read before, by the digest of their bytes: a row it recalls is not parsed again
 * (parsing and checking are most of a sync's time when little changed). Only rows that passed the check are recalled:
 * an invalid row is parsed, checked and reported on every read.
 */
export interface RowMemo<Known> {
  /**
   * What the caller knows of the row whose bytes (as Flowhub sent them) have this digest, or undefined to have it
   * parsed. `bytes` may share memory with the body's chunk: keep it only for the current read.
   */
  recall(digest: string, bytes: Buffer): Known | undefined;
  /**
   * The row the caller expects next in this answer, by its digest and length in bytes: say, the one that followed the
   * row just read in the answer before. When the bytes at the next row's start have that length and digest, the row
   * is taken without being scanned (RowSink.recognizeRow), and recalled as any other. Asked once per row, before its
   * recall; a wrong guess costs one digest. Only ever a row read before as one row (its digest one that `recall` was
   * given): bytes that matched a span of several rows would be taken as one.
   */
  expected?(): ExpectedRow | undefined;
}

/** A row a RowMemo expects: the digest of its bytes (rowDigest) and how many there are. */
export interface ExpectedRow {
  readonly digest: string;
  readonly byteLength: number;
}

/** Bytes read before the splitter looks at them when a memo expects rows (parseInventoryStream). */
const GATHERED_BYTES = 256 * 1024;

/** A row's digest for a RowMemo: SHA-256 of its bytes as sent, base64 (44 characters). */
export const rowDigest = (bytes: Buffer): string => hash('sha256', bytes, 'base64');

export interface InventoryParseResult<Known = never> {
  /** The rows that passed the check, in the answer's order; with a memo, a recalled row is what the memo answered. */
  rows: Array<FlowhubInventoryRow | Known>;
  /** With a memo: the digest of each of `rows`, in the same order. */
  digests?: string[];
  problems: InventoryProblem[];
  /** Rows in Flowhub's answer, good and bad. */
  fetched: number;
  /** Bytes of the answer's body as read (after any content decoding). */
  bytes: number;
  /** Which of the two known answer shapes arrived. */
  shape: ListShape;
}

/**
 * Reads an inventory answer as it streams in: the splitter cuts out each row's bytes, and each row
 * is JSON.parse'd and validated as soon as it is complete, so neither the whole text nor the raw
 * array is ever held: only the validated rows are kept.
 * Accepts `{"status":200,"data":[...]}` (any other envelope fields are skipped) and a bare `[...]`.
 * A body that is not JSON, ends early, has broken structure or no `data` list is a MalformedResponse:
 * with part of the inventory missing we cannot know which products left the feed. A row that is not
 * valid JSON inside intact structure is a problem of that row (see row-splitter.ts).
 * An envelope whose `status` says failure (`{"status": 500, "data": []}`, before or after the list) is a
 * FailedEnvelope, never a feed: from the moment the status is read, rows are no longer kept, and nothing
 * is returned.
 */
export async function parseInventoryStream<Known = never>(
  body: Readable,
  signal: AbortSignal,
  memo?: RowMemo<Known>,
): Promise<InventoryParseResult<Known>> {
  const rows: Array<FlowhubInventoryRow | Known> = [];
  const digests: string[] | undefined = memo ? [] : undefined;
  const problems: InventoryProblem[] = [];
  const envelope: Record<string, unknown> = {};
  let failed: { status: unknown } | undefined;
  // The texts the feed's rows repeat, kept once for the whole feed (checkInventoryRow).
  const repeatedTexts = new Map<string, string>();
  /** The row parsed and checked, or undefined when it is a problem (recorded). */
  const checkedRow = (text: string, index: number): FlowhubInventoryRow | undefined => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message.slice(0, 160) : String(error);
      problems.push({ index, ...rowIdentityFromText(text), reason: `row is not valid JSON (${detail})` });
      return undefined;
    }
    const check = checkInventoryRow(raw, { repeatedTexts, freshTexts: freshlyParsed(text) });
    if (check.ok) return check.row;
    problems.push({
      index,
      variantId: check.variantId,
      productId: check.productId,
      roomId: check.roomId,
      purchaseCategory: check.purchaseCategory,
      reason: check.reason,
    });
    return undefined;
  };
  /** A row read through the memo: recalled, or parsed and checked. */
  const take = (memo: RowMemo<Known>, bytes: Buffer, index: number, digest: string) => {
    const known = memo.recall(digest, bytes);
    const row = known !== undefined ? known : checkedRow(bytes.toString('utf8'), index);
    if (row === undefined) return;
    rows.push(row);
    digests!.push(digest);
  };
  const splitter = new RowSplitter({
    envelopeFields: new Set(['status', ...ENVELOPE_MESSAGE_FIELDS]),
    envelopeField(name, text) {
      let value: unknown;
      try {
        value = text === undefined ? undefined : JSON.parse(text);
      } catch {
        // Skipped fields are followed by structure only: a status that is not JSON (`tru`) is unreadable.
        value = { unreadable: text!.slice(0, 80) };
      }
      if (name !== 'status') {
        envelope[name] = value;
      } else if (text === undefined) {
        failed ??= { status: { unreadable: 'too large' } };
      } else if (envelopeStatusFailed(value)) {
        failed ??= { status: value };
        rows.length = 0;
        if (digests) digests.length = 0;
        problems.length = 0;
      }
    },
    row(text, index) {
      if (failed) return;
      const row = checkedRow(text, index);
      if (row) rows.push(row);
    },
    rowBytes: memo
      ? (bytes, index) => {
          if (failed) return;
          take(memo, bytes, index, rowDigest(bytes));
        }
      : undefined,
    recognizeRow: memo?.expected
      ? (chunk, start, index) => {
          if (failed) return 0;
          const expected = memo.expected!();
          if (expected === undefined || expected.byteLength === 0 || start + expected.byteLength > chunk.length) return 0;
          const bytes = chunk.subarray(start, start + expected.byteLength);
          const digest = rowDigest(bytes);
          if (digest !== expected.digest) return 0;
          take(memo, bytes, index, digest);
          return expected.byteLength;
        }
      : undefined,
    oversizedRow(index, bytes) {
      if (failed) return;
      problems.push({
        index,
        variantId: null,
        productId: null,
        roomId: null,
        purchaseCategory: null,
        reason: `row is too large to read (${bytes} bytes)`,
      });
    },
  });

  // Our deadline and the caller's abort end the read; the transport tells them apart.
  const onAbort = () => body.destroy(new Error('aborted'));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  let bytes = 0;
  let shape: ListShape;
  try {
    // With a memo that expects rows, the body's chunks (16 kB each after gzip) are gathered into pieces of at least
    // GATHERED_BYTES: an expected row is recognized only when it lies within the piece it starts in.
    const gatherBytes = memo?.expected ? GATHERED_BYTES : 0;
    let gathered: Buffer[] = [];
    let gatheredBytes = 0;
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      bytes += buffer.length;
      gathered.push(buffer);
      gatheredBytes += buffer.length;
      if (gatheredBytes < gatherBytes) continue;
      splitter.push(gathered.length === 1 ? buffer : Buffer.concat(gathered, gatheredBytes));
      gathered = [];
      gatheredBytes = 0;
    }
    if (gatheredBytes > 0) splitter.push(Buffer.concat(gathered, gatheredBytes));
    shape = splitter.end();
  } catch (error) {
    // An envelope that said it failed stays the reason when what follows it is broken too.
    if (failed && error instanceof MalformedResponse) throw new FailedEnvelope(failed.status, envelope);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failed) throw new FailedEnvelope(failed.status, envelope);
  return { rows, ...(digests ? { digests } : {}), problems, fetched: splitter.rowCount, bytes, shape };
}
