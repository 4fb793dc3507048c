// Reading an inventory answer through a RowMemo: rows the caller recalls by their bytes' digest are not parsed.
import { Readable } from 'node:stream';
import { parseInventoryStream, rowDigest, type RowMemo } from './inventory-stream';
import { FailedEnvelope } from './flowhub-http';

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
