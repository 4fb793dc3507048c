import { MalformedResponse } from './flowhub-http';

/*
 * Cuts the rows out of a Flowhub list answer as its bytes arrive, so that each row can be
 * JSON.parse'd on its own (native parsing is ~6× faster than a JS token stream) while neither the
 * whole text nor the raw array is ever held.
 *
 * It works on bytes and follows only JSON's structure: strings (with their escapes), brackets (a
 * stack of the expected closers), and, at the levels it reads, commas and colons. A row's bytes are
 * decoded only once the row is complete, so a UTF-8 character split between two chunks is never cut.
 *
 * How strict:
 * - the levels it reads are checked fully: the top-level object (keys, colons, commas), the list
 *   (commas between rows, no trailing comma), and nothing but whitespace after the end;
 * - inside a row, only structure is followed: whatever else is wrong there (`tru`, a missing colon,
 *   a bad escape) cannot move the row's end, so JSON.parse finds it and it is a problem of that row;
 * - broken structure (a `]` closing a `{`, a missing comma between rows, a body that ends early)
 *   leaves no trustworthy row boundary after it, so the whole answer is malformed;
 * - a UTF-8 byte order mark before the answer is skipped (RFC 8259 lets a parser ignore one; a server that writes
 *   one means nothing by it); anywhere else it is a byte like any other;
 * - envelope fields other than `data` are skipped by structure only, not validated; the few the sink asks for
 *   (`status` and the message fields: a failed envelope must be told from an empty feed) are handed to it as
 *   text, wherever they come, before or after the list.
 */

/** Where the rows were: inside `{"data":[...]}` or a bare `[...]`. */
export type ListShape = 'envelope' | 'array';

export interface RowSink {
  /** One complete row, as text (not yet parsed: it may be invalid JSON). */
  row(text: string, index: number): void;
  /**
   * When present, called instead of `row` with the row's bytes as sent (not decoded). The buffer may share memory with
   * the chunk it came in: keep it only as long as the chunk may be kept.
   */
  rowBytes?(bytes: Buffer, index: number): void;
  /** A row larger than the limit: its bytes were followed but not kept. */
  oversizedRow(index: number, bytes: number): void;
  /**
   * When present, asked at the first byte (`{`) of each row that begins in the chunk whether the sink recognizes the
   * row starting there: a row it expected, whose bytes it has checked (a digest of exactly those bytes matching one
   * of a row read whole before). It answers the row's length in bytes, which must lie within the chunk, to have the
   * row taken as read (the sink has handled it: nothing is emitted, its bytes are not scanned), or 0 to have it
   * scanned and emitted as usual. Taking the length is safe: bytes identical to a row scanned before end where that
   * row ended, whatever follows them.
   */
  recognizeRow?(chunk: Buffer, start: number, index: number): number;
  /** Top-level envelope fields whose values the sink wants (`status`, messages), by name. */
  readonly envelopeFields?: ReadonlySet<string>;
  /** One of `envelopeFields`, as its JSON text (not yet parsed), or undefined when over MAX_ENVELOPE_FIELD_BYTES. */
  envelopeField?(name: string, text: string | undefined): void;
}

/** Far above any real row (~1.5 kB); keeps one absurd row from taking the worker's memory. */
export const DEFAULT_MAX_ROW_BYTES = 8 * 1024 * 1024;

/** An envelope field kept for the sink (a status, a message) is small; a larger one is not kept. */
export const MAX_ENVELOPE_FIELD_BYTES = 64 * 1024;

/** The UTF-8 byte order mark: EF BB BF. */
const UTF8_BOM = [0xef, 0xbb, 0xbf];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// Where the splitter is in the answer (plain numbers: this runs for every byte of the body).
const BEFORE_ROOT = 0;
const KEY_OR_CLOSE = 1; // after `{`
const KEY = 2; // after `,` in the envelope
const IN_KEY = 3;
const COLON_NEXT = 4;
const FIELD_VALUE = 5; // after `key:`
const IN_SKIPPED_VALUE = 6;
const AFTER_FIELD = 7;
const ROW_OR_CLOSE = 8; // after `[`
const ROW = 9; // after `,` in the list
const IN_ROW = 10;
const AFTER_ROW = 11;
const DONE = 12;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Bytes of a number, true, false or null (and of garbage that JSON.parse will name). */
function isScalarByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;
}

function shown(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export class RowSplitter {
  private state = BEFORE_ROOT;
  private shape: ListShape | undefined;
  private rows = 0;
  /** Bytes of the answer before the current chunk, for error positions. */
  private offset = 0;
  private fieldName = '';
  /** Bytes of a byte order mark read at the answer's start. */
  private bomRead = 0;

  // The value being scanned (a row, a key, or a skipped envelope field).
  private closers: number[] = [];
  private inString = false;
  private escaped = false;
  private inScalar = false;

  // The bytes kept of a row, key or wanted envelope field that spans chunks.
  private pieces: Buffer[] = [];
  private capturedBytes = 0;
  private captureLimit = 0;
  /** The envelope field being skipped is one the sink wants: its bytes are kept. */
  private keepingField = false;

  constructor(
    private readonly sink: RowSink,
    private readonly maxRowBytes = DEFAULT_MAX_ROW_BYTES,
  ) {}

  /** Rows found so far, good and bad. */
  get rowCount(): number {
    return this.rows;
  }

  /** Feeds the next chunk of the body. Throws MalformedResponse as soon as the structure is broken. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk[i];
      switch (this.state) {
        case IN_ROW: {
          const end = this.scanValue(chunk, i);
          if (end < 0) {
            this.keepTail(chunk, i);
            i = n;
          } else {
            this.emitRow(chunk, i, end);
            this.state = AFTER_ROW;
            i = end;
          }
          continue;
        }
        case AFTER_ROW:
          if (c === COMMA) this.state = ROW;
          else if (c === CLOSE_BRACKET) this.closeList();
          else if (!isWhitespace(c)) this.fail(`expected ',' or ']' after the row at index ${this.rows - 1}, got ${shown(c)}`, i);
          break;
        case ROW:
        case ROW_OR_CLOSE:
          if (isWhitespace(c)) break;
          if (c === CLOSE_BRACKET && this.state === ROW_OR_CLOSE) {
            this.closeList();
            break;
          }
          if (c === OPEN_BRACE && this.sink.recognizeRow) {
            const length = this.sink.recognizeRow(chunk, i, this.rows);
            if (length > 0) {
              if (i + length > n) throw new Error(`a recognized row must lie within its chunk (${length} bytes from ${i} of ${n})`);
              this.rows += 1;
              this.state = AFTER_ROW;
              i += length;
              continue;
            }
          }
          this.startValue(c, i);
          this.startCapture();
          this.state = IN_ROW;
          continue; // the row's first byte is scanned in IN_ROW
        case IN_SKIPPED_VALUE: {
          const end = this.scanValue(chunk, i);
          if (end < 0) {
            if (this.keepingField) this.keepTail(chunk, i);
            i = n;
          } else {
            if (this.keepingField) this.emitField(chunk, i, end);
            this.state = AFTER_FIELD;
            i = end;
          }
          continue;
        }
        case IN_KEY: {
          const end = this.scanValue(chunk, i);
          if (end < 0) {
            this.keepTail(chunk, i);
            i = n;
          } else {
            this.fieldName = this.keyName(chunk, i, end);
            this.state = COLON_NEXT;
            i = end;
          }
          continue;
        }
        case BEFORE_ROOT:
          if (this.bomRead < UTF8_BOM.length && this.offset + i === this.bomRead) {
            if (c === UTF8_BOM[this.bomRead]) {
              this.bomRead += 1;
              break;
            }
            // Part of a byte order mark, then something else: not a mark, and not JSON.
            if (this.bomRead > 0) throw new MalformedResponse(`the answer is not JSON (it starts with ${shown(UTF8_BOM[0])})`);
          }
          if (isWhitespace(c)) break;
          if (c === OPEN_BRACE) this.state = KEY_OR_CLOSE;
          else if (c === OPEN_BRACKET) this.openList('array');
          else if (c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
            throw new MalformedResponse('the answer has no "data" list of inventory rows');
          } else throw new MalformedResponse(`the answer is not JSON (it starts with ${shown(c)})`);
          break;
        case KEY_OR_CLOSE:
        case KEY:
          if (isWhitespace(c)) break;
          if (c === CLOSE_BRACE && this.state === KEY_OR_CLOSE) {
            this.state = DONE;
            break;
          }
          if (c !== QUOTE) this.fail(`expected a field name, got ${shown(c)}`, i);
          this.startValue(c, i);
          this.startCapture();
          this.state = IN_KEY;
          continue;
        case COLON_NEXT:
          if (c === COLON) this.state = FIELD_VALUE;
          else if (!isWhitespace(c)) this.fail(`expected ':' after ${this.shownField()}, got ${shown(c)}`, i);
          break;
        case FIELD_VALUE:
          if (isWhitespace(c)) break;
          if (this.fieldName === 'data') {
            if (this.shape !== undefined) throw new MalformedResponse('the answer has more than one "data" list');
            if (c !== OPEN_BRACKET) throw new MalformedResponse('"data" is not a list');
            this.openList('envelope');
            break;
          }
          this.startValue(c, i);
          this.keepingField = this.sink.envelopeFields?.has(this.fieldName) ?? false;
          if (this.keepingField) this.startCapture(MAX_ENVELOPE_FIELD_BYTES);
          this.state = IN_SKIPPED_VALUE;
          continue;
        case AFTER_FIELD:
          if (c === COMMA) this.state = KEY;
          else if (c === CLOSE_BRACE) this.state = DONE;
          else if (!isWhitespace(c)) this.fail(`expected ',' or '}' after ${this.shownField()}, got ${shown(c)}`, i);
          break;
        case DONE:
          if (!isWhitespace(c)) this.fail(`unexpected ${shown(c)} after the end of the answer`, i);
          break;
      }
      i += 1;
    }
    this.offset += n;
  }

  /** The body has ended: says where the rows were, or throws MalformedResponse if it ended early. */
  end(): ListShape {
    if (this.state === DONE) {
      if (this.shape === undefined) throw new MalformedResponse('the answer has no "data" list of inventory rows');
      return this.shape;
    }
    if (this.state === BEFORE_ROOT) throw new MalformedResponse('the answer is empty');
    const where = this.state === IN_ROW ? `it ends inside the row at index ${this.rows}` : 'it ends early';
    throw this.malformed(where);
  }

  private openList(shape: ListShape): void {
    this.shape = shape;
    this.state = ROW_OR_CLOSE;
  }

  private closeList(): void {
    this.state = this.shape === 'array' ? DONE : AFTER_FIELD;
  }

  /** Begins scanning a value whose first byte is `c` (scanned again by scanValue). */
  private startValue(c: number, at: number): void {
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COMMA || c === COLON) this.fail(`expected a value, got ${shown(c)}`, at);
    this.closers.length = 0;
    this.inString = false;
    this.escaped = false;
    this.inScalar = c !== QUOTE && c !== OPEN_BRACE && c !== OPEN_BRACKET;
    if (this.inScalar && !isScalarByte(c)) this.fail(`expected a value, got ${shown(c)}`, at);
  }

  /**
   * Scans the current value from `from`: returns the index just past its end, or -1 when the chunk
   * ends first (the state is kept for the next chunk).
   */
  private scanValue(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let i = from;
    if (this.inScalar) {
      while (i < n && isScalarByte(chunk[i])) i += 1;
      if (i === n) return -1;
      this.inScalar = false;
      return i;
    }
    const closers = this.closers;
    let inString = this.inString;
    if (this.escaped) {
      // A backslash ended the previous chunk: this byte is escaped.
      this.escaped = false;
      i += 1;
    }
    while (i < n) {
      if (inString) {
        // Most of a row is text: run to the next quote or backslash.
        let c = chunk[i];
        while (c !== QUOTE && c !== BACKSLASH && ++i < n) c = chunk[i];
        if (i === n) break;
        if (c === BACKSLASH) {
          i += 2;
          if (i > n) this.escaped = true;
          continue;
        }
        inString = false;
        i += 1;
        if (closers.length === 0) {
          this.inString = false;
          return i;
        }
        continue;
      }
      const c = chunk[i];
      if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE) {
        closers.push(CLOSE_BRACE);
      } else if (c === OPEN_BRACKET) {
        closers.push(CLOSE_BRACKET);
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (closers.pop() !== c) this.fail(`${shown(c)} does not close what it should`, i);
        if (closers.length === 0) {
          this.inString = false;
          return i + 1;
        }
      }
      i += 1;
    }
    this.inString = inString;
    return -1;
  }

  private startCapture(limit = this.maxRowBytes): void {
    this.pieces = [];
    this.capturedBytes = 0;
    this.captureLimit = limit;
  }

  /** The value continues in the next chunk: keep its bytes so far (unless it is already too large). */
  private keepTail(chunk: Buffer, start: number): void {
    const piece = chunk.subarray(start);
    this.capturedBytes += piece.length;
    if (this.capturedBytes <= this.captureLimit) this.pieces.push(piece);
    else this.pieces = [];
  }

  private capturedText(chunk: Buffer, start: number, end: number): string | undefined {
    return this.capturedBytesOf(chunk, start, end)?.toString('utf8');
  }

  /** The captured value's bytes (a view of `chunk` when it lies in it), or undefined when over the limit. */
  private capturedBytesOf(chunk: Buffer, start: number, end: number): Buffer | undefined {
    const bytes = this.capturedBytes + (end - start);
    const pieces = this.pieces;
    this.pieces = [];
    if (bytes > this.captureLimit) return undefined;
    if (pieces.length === 0) return chunk.subarray(start, end);
    pieces.push(chunk.subarray(start, end));
    return Buffer.concat(pieces, bytes);
  }

  /** `start`: where the row's part in this chunk begins (0 when it began in an earlier chunk). */
  private emitRow(chunk: Buffer, start: number, end: number): void {
    const size = this.capturedBytes + (end - start);
    const bytes = this.capturedBytesOf(chunk, start, end);
    const index = this.rows;
    this.rows += 1;
    if (bytes === undefined) this.sink.oversizedRow(index, size);
    else if (this.sink.rowBytes) this.sink.rowBytes(bytes, index);
    else this.sink.row(bytes.toString('utf8'), index);
  }

  /** A wanted envelope field's value is complete: hand its text to the sink. */
  private emitField(chunk: Buffer, start: number, end: number): void {
    this.keepingField = false;
    this.sink.envelopeField?.(this.fieldName, this.capturedText(chunk, start, end));
  }

  private keyName(chunk: Buffer, start: number, end: number): string {
    const text = this.capturedText(chunk, start, end);
    if (text === undefined) return this.fail('a field name is too large', start);
    try {
      return JSON.parse(text) as string;
    } catch {
      return this.fail('a field name is not valid JSON text', start);
    }
  }

  private shownField(): string {
    return JSON.stringify(this.fieldName.length > 40 ? `${this.fieldName.slice(0, 40)}…` : this.fieldName);
  }

  private malformed(detail: string): MalformedResponse {
    return new MalformedResponse(`the inventory JSON is incomplete or invalid (${detail}) after ${this.rows} rows`);
  }

  private fail(detail: string, at: number): never {
    throw this.malformed(`${detail} at byte ${this.offset + at}`);
  }
}
