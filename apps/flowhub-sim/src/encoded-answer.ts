/*
 * An inventory answer kept as the UTF-8 bytes it was last sent as, so that the next answer of the same location and
 * endpoint encodes only what changed. Encoding the rows' text was most of the simulator's cost of an answer (a
 * 1,000-row answer is about 1.7 MB, some of it outside Latin-1, so V8 holds it as two-byte strings), and a location's
 * rows hardly change between two reads (a fleet's 10-minute re-sync: a few quantities).
 *
 * Every row is `json + tail`: the item's catalogue fields, serialised once (CatalogueItem.json), then what the endpoint
 * adds (its quantity; or its room, upc and quantity). A row's bytes are reused only when its `json` is the very string
 * they were encoded from and its tail, made afresh for this answer, encodes to the same bytes as the kept ones: an answer
 * is always the bytes of its rows' text, whatever changed the location in between. The answer is sent in the chunks the
 * text envelope (inventory-routes.ts) makes, byte for byte: `{"status":200,"data":[`, then the rows 1,000 at a time
 * (the first without a leading comma), then `]}`.
 *
 * What is kept per location is the answer's chunks (one Buffer per 1,000 rows) with, per chunk, the rows' `json`
 * strings (shared with the catalogue) and two Int32Arrays of positions: a handful of objects per 1,000 rows, so a
 * fleet of a million rows adds almost nothing for the garbage collector to trace (a Buffer per row made every
 * collection of the simulator's multi-GB heap slower than the encoding it saved).
 *
 * A response sends the kept bytes themselves, lent to it (AnswerLease) until it is done with them: a chunk is updated
 * in place only while no response holds it, and one that is lent is replaced instead. So an answer allocates nothing
 * the size of its body (measured on a fleet of 1,000 locations of 1,000 rows: a copy of every answer's 2 MB, as
 * external memory, made V8 collect the simulator's 2.6 GB heap again and again: scavenges under Node 20, full
 * mark-compacts under Node 24, several seconds of CPU per 1,000 answers).
 */

/** Rows per chunk of an answer (the text envelope's too). */
export const ROWS_PER_CHUNK = 1000;

export const ENVELOPE_START = '{"status":200,"data":[';
export const ENVELOPE_END = ']}';
const COMMA = 0x2c;

/** A row as an endpoint sends it: `json + tail`. */
export interface RowParts {
  json: string;
  tail: string;
}

/**
 * One chunk of an answer as last sent, and where each of its rows lies in it. Updated in place, all of it in one step:
 * whoever holds it sees the bytes, rows and positions of one answer.
 */
interface Chunk {
  /** The chunk's bytes: the first `length` (room to spare after them, to update the chunk in place). */
  bytes: Buffer;
  length: number;
  /** Each row's catalogue fields: the very strings its bytes were encoded from. */
  jsons: string[];
  /** Row k: its json's bytes from rowStart[k], its tail's from tailStart[k], up to the comma before row k + 1 (or the end). */
  rowStart: Int32Array;
  tailStart: Int32Array;
  /** Responses sending this chunk's bytes now (AnswerLease): while any does, the bytes are not written to. */
  lent: number;
}

/**
 * The kept chunks one response sends, lent to it until it is done with them: released once its last byte is written
 * or the connection is gone (a second release does nothing). Until then the chunks it holds are never written to.
 */
export class AnswerLease {
  private readonly held: Chunk[] = [];
  private released = false;

  /** Lends a chunk's bytes (as they are now) to this response. */
  lend(chunk: Chunk): Buffer {
    if (this.released) throw new Error('an answer lease is used after its release');
    chunk.lent += 1;
    this.held.push(chunk);
    return chunk.bytes.subarray(0, chunk.length);
  }

  /** The response is done with what it was lent: the chunks may be updated in place again. Later calls do nothing. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const chunk of this.held) chunk.lent -= 1;
    this.held.length = 0;
  }
}

const rowEnd = (chunk: Chunk, k: number) => (k + 1 < chunk.jsons.length ? chunk.rowStart[k + 1] - 1 : chunk.length);

/** Room a kept chunk gets beyond its bytes, so that rows growing a little (a quantity's digits) are updated in place. */
const spare = (length: number) => 1024 + (length >> 6);

/** Where a changed chunk is put together, shared by all answers (used and done with before any other answer runs). */
let assembly = Buffer.allocUnsafeSlow(4 * 1024 * 1024);
function assemblyOf(length: number): Buffer {
  if (assembly.length < length) assembly = Buffer.allocUnsafeSlow(length + spare(length));
  return assembly;
}

/** Encodes a tail into a scratch buffer shared by all answers (used and done with before any other answer runs). */
let scratch = Buffer.allocUnsafe(4096);
function encodeTail(tail: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (tail.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(tail.length * 3);
  return scratch.write(tail, 0);
}

/**
 * The answer of one location and endpoint, kept from one read to the next. The kept chunks are updated in place, and
 * lent to the response that sends them (AnswerLease): one that is lent when it changes is replaced instead, and its
 * old bytes stay as they were until their responses are done. Without a lease, an answer gets copies of its own.
 * Kept bytes replaced at every read, a fleet's worth at every cycle, made the collector trace the simulator's whole
 * multi-GB heap again and again: in place is the rule, a replacement the exception (two requests of one location).
 *
 * A chunk is made and kept in one synchronous step, and a row's bytes are reused only after checking, there and then,
 * that the kept row still has the same json: answers made at once (two requests streaming) or given up halfway only
 * ever see whole chunks, each consistent.
 */
export class EncodedAnswer {
  /** By position in the answer (a hole where an answer made at the same time stopped short). */
  private readonly chunks: Array<Chunk | undefined> = [];

  /**
   * The answer to send for these rows, in chunks: reuses the bytes of rows that did not change since the last answer.
   * With a lease, the chunks of rows are the kept bytes, lent until the lease is released; without, copies.
   */
  *envelope(rows: Iterable<RowParts>, lease?: AnswerLease): Generator<Buffer> {
    // Rows that moved (a product added or removed, a quantity now zero) are found by their json text, once needed.
    let byJson: Map<string, [Chunk, number]> | undefined;
    const source = (c: number, k: number, json: string): [Chunk, number] | undefined => {
      const same = this.chunks[c];
      if (same && k < same.jsons.length && same.jsons[k] === json) return [same, k];
      if (!byJson) {
        byJson = new Map();
        for (const chunk of this.chunks) chunk?.jsons.forEach((text, row) => byJson!.set(text, [chunk, row]));
      }
      const found = byJson.get(json);
      // A kept chunk may have changed since the map was made (earlier in this answer, or by another one).
      return found && found[0].jsons[found[1]] === json ? found : undefined;
    };

    /** A kept chunk's bytes as this answer sends them: lent to its lease, or a copy. */
    const sent = (chunk: Chunk): Buffer => (lease ? lease.lend(chunk) : Buffer.from(chunk.bytes.subarray(0, chunk.length)));

    /** Chunk c of this answer, as sent; kept for the next answer (in place when it fits and no response holds it). */
    const chunk = (c: number, jsons: string[], tails: string[]): Buffer => {
      const kept = this.chunks[c];
      const count = jsons.length;
      // The rows that are exactly as kept, at the same place: their bytes (json, tail, and the commas between) are copied.
      const same = kept ? sameRows(kept, jsons, tails) : new Uint8Array(count);
      if (kept && kept.jsons.length === count && same.every(Boolean)) return sent(kept);
      // The other rows: their json's bytes from wherever a row with the same json is kept, else encoded; their tail encoded.
      const sources = new Array<[Chunk, number] | undefined>(count);
      let length = (c > 0 ? 1 : 0) + count - 1;
      for (let k = 0; k < count; k++) {
        if (same[k]) {
          length += rowEnd(kept!, k) - kept!.rowStart[k];
          continue;
        }
        const from = (sources[k] = source(c, k, jsons[k]));
        length += from ? from[0].tailStart[from[1]] - from[0].rowStart[from[1]] : Buffer.byteLength(jsons[k]);
        length += Buffer.byteLength(tails[k]);
      }
      const bytes = assemblyOf(length);
      const rowStart = new Int32Array(count);
      const tailStart = new Int32Array(count);
      let at = 0;
      if (c > 0) bytes[at++] = COMMA;
      for (let k = 0; k < count;) {
        if (k > 0) bytes[at++] = COMMA;
        if (same[k]) {
          // A run of kept rows: one copy.
          let last = k;
          while (last + 1 < count && same[last + 1]) last += 1;
          const from = kept!.rowStart[k];
          for (let row = k; row <= last; row++) {
            rowStart[row] = at + kept!.rowStart[row] - from;
            tailStart[row] = at + kept!.tailStart[row] - from;
          }
          at += kept!.bytes.copy(bytes, at, from, rowEnd(kept!, last));
          k = last + 1;
          continue;
        }
        rowStart[k] = at;
        const from = sources[k];
        at += from ? from[0].bytes.copy(bytes, at, from[0].rowStart[from[1]], from[0].tailStart[from[1]]) : bytes.write(jsons[k], at);
        tailStart[k] = at;
        at += bytes.write(tails[k], at);
        k += 1;
      }
      if (at !== length) throw new Error(`an answer chunk came out ${at} bytes long instead of ${length}`);
      // In place unless a response is sending the kept bytes now: then they stay as they are, and new ones are kept.
      const place = kept && kept.lent === 0 && kept.bytes.length >= length ? kept.bytes : Buffer.allocUnsafeSlow(length + spare(length));
      bytes.copy(place, 0, 0, length);
      const made = kept
        ? Object.assign(kept, { bytes: place, length, jsons, rowStart, tailStart })
        : { bytes: place, length, jsons, rowStart, tailStart, lent: 0 };
      this.chunks[c] = made;
      return sent(made);
    };

    yield Buffer.from(ENVELOPE_START);
    let c = 0;
    let jsons: string[] = [];
    let tails: string[] = [];
    const flush = () => {
      const bytes = chunk(c++, jsons, tails);
      jsons = [];
      tails = [];
      return bytes;
    };
    for (const row of rows) {
      jsons.push(row.json);
      tails.push(row.tail);
      if (jsons.length === ROWS_PER_CHUNK) yield flush();
    }
    if (jsons.length > 0) yield flush();
    // A whole answer made: chunks beyond it are let go.
    this.chunks.length = c;
    yield Buffer.from(ENVELOPE_END);
  }
}

/** Which rows are exactly as row k of the kept chunk: the same json string, and a tail that encodes to the same bytes. */
function sameRows(kept: Chunk, jsons: string[], tails: string[]): Uint8Array {
  const same = new Uint8Array(jsons.length);
  const rows = Math.min(jsons.length, kept.jsons.length);
  for (let k = 0; k < rows; k++) {
    if (kept.jsons[k] !== jsons[k]) continue;
    const length = encodeTail(tails[k]);
    const start = kept.tailStart[k];
    if (rowEnd(kept, k) - start === length && scratch.compare(kept.bytes, start, start + length, 0, length) === 0) same[k] = 1;
  }
  return same;
}
