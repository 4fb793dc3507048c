import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MalformedResponse } from './flowhub-http';
import { checkInventoryRow, type FlowhubInventoryRow } from './inventory-row';

// stream-json ships no types; these are the three pieces used here.
type Token = { name: string; value?: unknown };
const { parser } = require('stream-json') as { parser: (options?: object) => NodeJS.ReadWriteStream };
const { pick } = require('stream-json/filters/Pick') as {
  pick: (options: { filter: (stack: ReadonlyArray<string | number | null>, token: Token) => boolean; once?: boolean }) => NodeJS.ReadWriteStream;
};
const { streamArray } = require('stream-json/streamers/StreamArray') as { streamArray: () => NodeJS.ReadWriteStream };

export interface InventoryProblem {
  /** The row's variantId when it has a usable one. */
  variantId: string | null;
  reason: string;
  /** Position of the row in Flowhub's answer. */
  index: number;
}

export interface InventoryParseResult {
  rows: FlowhubInventoryRow[];
  problems: InventoryProblem[];
  /** Rows in Flowhub's answer, good and bad. */
  fetched: number;
  /** Which of the two known answer shapes arrived. */
  shape: 'envelope' | 'array';
}

/**
 * Reads an inventory answer as it streams in and validates each row as soon as it is complete, so
 * neither the whole text nor the raw array is ever held: only the validated rows are kept.
 * Accepts `{"status":200,"data":[...]}` (any other envelope fields are skipped) and a bare `[...]`.
 * A body that is not JSON, ends early, or has no `data` list is a MalformedResponse: with part of
 * the inventory missing we cannot know which products left the feed.
 */
export async function parseInventoryStream(body: Readable, signal: AbortSignal): Promise<InventoryParseResult> {
  const rows: FlowhubInventoryRow[] = [];
  const problems: InventoryProblem[] = [];
  let fetched = 0;
  let shape: InventoryParseResult['shape'] | undefined;
  let bodyError: unknown;
  body.once('error', (error) => (bodyError = error));

  const pickData = pick({
    once: true,
    filter: (stack, token) => {
      if (stack.length === 0 && token.name === 'startArray') {
        shape = 'array';
        return true;
      }
      if (stack.length === 1 && stack[0] === 'data') {
        shape = 'envelope';
        return true;
      }
      return false;
    },
  });
  const collect = new Writable({
    objectMode: true,
    write(item: { key: number; value: unknown }, _encoding, done) {
      fetched += 1;
      const check = checkInventoryRow(item.value);
      if (check.ok) rows.push(check.row);
      else problems.push({ variantId: check.variantId, reason: check.reason, index: item.key });
      done();
    },
  });

  try {
    // streamValues: false makes the parser emit only whole keys and values (about 40% faster here).
    await pipeline(body, parser({ streamValues: false }), pickData, streamArray(), collect, { signal });
  } catch (error) {
    // Network trouble and our deadline are the transport's to describe; the rest is the JSON itself.
    if (bodyError !== undefined || signal.aborted) throw bodyError ?? error;
    const detail = error instanceof Error ? error.message : String(error);
    if (detail.startsWith('Top-level object should be an array')) throw new MalformedResponse('"data" is not a list');
    throw new MalformedResponse(`the inventory JSON is incomplete or invalid (${detail}) after ${fetched} rows`);
  }
  if (shape === undefined) throw new MalformedResponse('the answer has no "data" list of inventory rows');
  return { rows, problems, fetched, shape };
}
