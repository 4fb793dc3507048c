// Reading an inventory answer through a RowMemo: rows the caller recalls by their bytes' digest are not parsed.
import { Readable } from 'node:stream';
import { parseInventoryStream, rowDigest, type RowMemo } from './inventory-stream';
import { FailedEnvelope } from './flowhub-http';
import { RowSplitter } from './row-splitter';

const row = (variantId: string, quantity: number) =>
  JSON.stringify({ productId: `p-${variantId}`, variantId, productName: `Item ${variantId}`, quantity, purchaseCategory: 'rec' });

/** The body cut in pieces of `size` bytes, so that rows span chunks. */
const chunked = (text: string, size: number) => {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
};

const read = <Known>(text: string, memo: RowMemo<Known>, size = 7) =>
  parseInventoryStream(chunked(text, size), new AbortController().signal, memo);

describe('an inventory answer read through a row memo', () => {
  const rows = [row('a', 1), row('b', 2), '{"variantId": "c", "quantity": "lots"}', row('d', 4)];
  const body = `{"status":200,"data":[${rows.join(',')}]}`;

  it('hands each row its digest and bytes as sent, whole even when they span chunks, and keeps what it recalls', async () => {
    const seen: Array<[string, string]> = [];
    const result = await read(body, {
      recall(digest, bytes) {
        seen.push([digest, bytes.toString()]);
        return digest === rowDigest(Buffer.from(rows[1])) ? ('remembered b' as const) : undefined;
      },
    });
    expect(seen).toEqual(rows.map((text) => [rowDigest(Buffer.from(text)), text]));
    expect(result.rows).toEqual([
      expect.objectContaining({ variantId: 'a', quantity: 1 }),
      'remembered b',
      expect.objectContaining({ variantId: 'd' }),
    ]);
    expect(result.digests).toEqual([rows[0], rows[1], rows[3]].map((text) => rowDigest(Buffer.from(text))));
    // An invalid row is parsed and reported as without a memo.
    expect(result.problems).toEqual([expect.objectContaining({ index: 2, variantId: 'c', reason: expect.stringMatching(/quantity/) })]);
    expect(result.fetched).toBe(4);
  });

  it('gives the same digest to the same bytes, and another to any other bytes', () => {
    expect(rowDigest(Buffer.from(row('a', 1)))).toBe(rowDigest(Buffer.from(row('a', 1))));
    expect(rowDigest(Buffer.from(row('a', 1)))).not.toBe(rowDigest(Buffer.from(row('a', 2))));
    expect(rowDigest(Buffer.from(row('a', 1)))).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('returns nothing recalled from an envelope that says it failed, after its rows', async () => {
    await expect(read(`{"data":[${rows.join(',')}],"status":500}`, { recall: () => 'known' })).rejects.toBeInstanceOf(FailedEnvelope);
  });
});

describe('an inventory answer read with the rows a memo expects', () => {
  // Rows of about 1 kB, so that some of 400 straddle the 256 kB pieces the stream is read in.
  const big = (i: number) => JSON.stringify({ ...JSON.parse(row(`v${i}`, i)), productDescription: 'd'.repeat(900 + (i % 50)) });
  const rows = Array.from({ length: 400 }, (_, i) => (i === 7 ? '{"variantId": "v7", "quantity": "lots"}' : big(i)));
  const body = `{"status":200,"data":[${rows.join(',')}]}`;
  const expect_ = (text: string) => ({ digest: rowDigest(Buffer.from(text)), byteLength: Buffer.byteLength(text) });

  /** Reads the body through a memo that recalls nothing and expects, for each row in turn, `guess(index)`. */
  async function readGuessing(guess: (index: number) => { digest: string; byteLength: number } | undefined, size: number) {
    let next = 0;
    const recalled: string[] = [];
    const result = await read(
      body,
      {
        expected: () => guess(next),
        recall(digest, bytes) {
          next += 1;
          expect(digest).toBe(rowDigest(bytes));
          recalled.push(bytes.toString());
          return undefined;
        },
      },
      size,
    );
    return { ...result, recalled };
  }

  it('reads the same rows, problems and digests whether its guesses are right, wrong or absent, however the body is cut', async () => {
    const plain = await parseInventoryStream(chunked(body, 16_384), new AbortController().signal);
    const guesses = {
      right: (i: number) => (i < rows.length ? expect_(rows[i]) : undefined),
      'wrong digest': (i: number) => (i < rows.length ? { ...expect_(rows[i]), digest: rowDigest(Buffer.from('other')) } : undefined),
      // The row before (another row's bytes), and this row's digest with a length that runs into the next row.
      'another row': (i: number) => (i > 0 && i <= rows.length ? expect_(rows[i - 1]) : undefined),
      'wrong length': (i: number) => (i < rows.length ? { ...expect_(rows[i]), byteLength: Buffer.byteLength(rows[i]) + 3 } : undefined),
      none: () => undefined,
    };
    for (const [name, guess] of Object.entries(guesses)) {
      for (const size of [16_384, 300_000, 7_001]) {
        const result = await readGuessing(guess, size);
        expect({ name, size, rows: result.rows }).toEqual({ name, size, rows: plain.rows });
        expect(result.problems).toEqual(plain.problems);
        expect(result.recalled).toEqual(rows);
        expect(result.digests).toEqual(rows.filter((_, i) => i !== 7).map((text) => rowDigest(Buffer.from(text))));
        expect(result.fetched).toBe(rows.length);
      }
    }
  });

  it('does not scan the rows it expected right: only those straddling two pieces of the body', async () => {
    const scans = jest.spyOn(RowSplitter.prototype as unknown as { scanValue: () => number }, 'scanValue');
    const scannedRows = async (guess: (index: number) => { digest: string; byteLength: number } | undefined) => {
      scans.mockClear();
      await readGuessing(guess, 16_384);
      // Each scan of a row starts at its `{`; keys of the envelope are scanned too (two here).
      return scans.mock.calls.length;
    };
    const none = await scannedRows(() => undefined);
    const right = await scannedRows((i) => (i < rows.length ? expect_(rows[i]) : undefined));
    scans.mockRestore();
    expect(none).toBeGreaterThanOrEqual(rows.length);
    // 400 rows of ~1 kB in pieces of 256 kB: one row straddles, the invalid row is not remembered but scanned anyway.
    expect(right).toBeLessThan(10);
  });
});
