import type { Readable } from 'node:stream';
import { ENVELOPE_MESSAGE_FIELDS, envelopeStatusFailed, FailedEnvelope, MalformedResponse } from './flowhub-http';
import { checkInventoryRow, rowIdentityFromText, type FlowhubInventoryRow, type RowIdentity } from './inventory-row';
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

export interface InventoryParseResult {
  rows: FlowhubInventoryRow[];
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
export async function parseInventoryStream(body: Readable, signal: AbortSignal): Promise<InventoryParseResult> {
  const rows: FlowhubInventoryRow[] = [];
  const problems: InventoryProblem[] = [];
  const envelope: Record<string, unknown> = {};
  let failed: { status: unknown } | undefined;
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
        problems.length = 0;
      }
    },
    row(text, index) {
      if (failed) return;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        const detail = error instanceof Error ? error.message.slice(0, 160) : String(error);
        problems.push({ index, ...rowIdentityFromText(text), reason: `row is not valid JSON (${detail})` });
        return;
      }
      const check = checkInventoryRow(raw);
      if (check.ok) rows.push(check.row);
      else
        problems.push({
          index,
          variantId: check.variantId,
          productId: check.productId,
          roomId: check.roomId,
          purchaseCategory: check.purchaseCategory,
          reason: check.reason,
        });
    },
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
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      bytes += buffer.length;
      splitter.push(buffer);
    }
    shape = splitter.end();
  } catch (error) {
    // An envelope that said it failed stays the reason when what follows it is broken too.
    if (failed && error instanceof MalformedResponse) throw new FailedEnvelope(failed.status, envelope);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failed) throw new FailedEnvelope(failed.status, envelope);
  return { rows, problems, fetched: splitter.rowCount, bytes, shape };
}
