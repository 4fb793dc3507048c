import { AnswerLease, EncodedAnswer, ENVELOPE_END, ENVELOPE_START, ROWS_PER_CHUNK, type RowParts } from './encoded-answer';

/** The chunks the text envelope sends (inventory-routes.ts): start, rows 1,000 at a time, end. */
function textChunks(rows: RowParts[]): Buffer[] {
  const texts = rows.map((row) => row.json + row.tail);
  const chunks = [ENVELOPE_START];
  for (let start = 0; start < texts.length; start += ROWS_PER_CHUNK) {
    chunks.push((start === 0 ? '' : ',') + texts.slice(start, start + ROWS_PER_CHUNK).join(','));
  }
  chunks.push(ENVELOPE_END);
  return chunks.map((chunk) => Buffer.from(chunk));
}

const expectSameChunks = (answer: EncodedAnswer, rows: RowParts[]) => {
  const sent = [...answer.envelope(rows)];
  expect(sent.map((chunk) => chunk.toString('hex'))).toEqual(textChunks(rows).map((chunk) => chunk.toString('hex')));
  return sent;
};

const json = (i: number) => `{"variantId":"v-${i}","productName":"Prödüct ☘ ${i}","price":${i * 7}`;
const row = (i: number, quantity: number | string = i % 13): RowParts => ({ json: json(i), tail: `,"quantity":${quantity}}` });

describe('EncodedAnswer', () => {
  it('sends the text envelope’s chunks, byte for byte, answer after answer, whatever changed', () => {
    const answer = new EncodedAnswer();
    let rows = Array.from({ length: 2_500 }, (_, i) => row(i));
    const first = expectSameChunks(answer, rows);
    // Nothing changed: the same bytes, in copies of their own (the response's: what it does with them changes nothing kept).
    const again = expectSameChunks(answer, rows);
    again.forEach((chunk, index) => expect(chunk).not.toBe(first[index]));
    for (const chunk of [...first, ...again]) chunk.fill(0x20);
    expectSameChunks(answer, rows);

    // Quantities (shorter and longer), a quantity as a string, a json edited into another, one replaced by an equal
    // string (a new object), a tail outside Latin-1.
    rows = rows.map((r, i) => (i % 20 === 0 ? row(i, i % 40 === 0 ? 123456.789 : 0) : r));
    rows[7] = row(7, '"7"');
    rows[8] = { json: json(8).replace('Prödüct', 'Renamed product'), tail: rows[8].tail };
    rows[9] = { json: `${json(9)}`.split('').join(''), tail: rows[9].tail };
    rows[10] = { json: rows[10].json, tail: ',"roomName":"Réserve ☘","quantity":1}' };
    expectSameChunks(answer, rows);
    expectSameChunks(answer, rows);

    // Rows gone (a quantity now zero on /inventoryNonZero, a product removed) and added: everything after them moves,
    // across chunks too.
    rows = [...rows.slice(0, 3), ...rows.slice(5, 1_500), row(9_001), ...rows.slice(1_500), row(9_002)];
    expectSameChunks(answer, rows);
    // Fewer rows than a chunk, then none, then many again.
    expectSameChunks(answer, rows.slice(0, 10));
    expectSameChunks(answer, []);
    expectSameChunks(answer, rows);
  });

  it('two answers made at once, and one given up halfway, leave the next answer right', () => {
    const answer = new EncodedAnswer();
    const rows = Array.from({ length: 2_100 }, (_, i) => row(i));
    expectSameChunks(answer, rows);
    const changed = rows.map((r, i) => (i % 3 === 0 ? row(i, 999) : r));
    // Interleaved chunk by chunk, as two requests streaming at once.
    const a = answer.envelope(changed);
    const b = answer.envelope(rows);
    const fromA: Buffer[] = [];
    const fromB: Buffer[] = [];
    for (;;) {
      const nextA = a.next();
      const nextB = b.next();
      if (!nextA.done) fromA.push(nextA.value);
      if (!nextB.done) fromB.push(nextB.value);
      if (nextA.done && nextB.done) break;
    }
    expect(Buffer.concat(fromA).equals(Buffer.concat(textChunks(changed)))).toBe(true);
    expect(Buffer.concat(fromB).equals(Buffer.concat(textChunks(rows)))).toBe(true);
    // Given up after its first rows (the client went away).
    const halfway = answer.envelope(changed);
    halfway.next();
    halfway.next();
    halfway.return(undefined);
    expectSameChunks(answer, changed);
    expectSameChunks(answer, rows);
  });

  it('a lone surrogate in a row is encoded as the text envelope encodes it', () => {
    const answer = new EncodedAnswer();
    const rows = [row(1), { json: '{"productName":"broken \ud800 pair"', tail: ',"quantity":1}' }, row(2)];
    expectSameChunks(answer, rows);
    expectSameChunks(answer, [rows[0], { json: rows[1].json, tail: ',"quantity":2}' }, rows[2]]);
  });

  it('a response sends the kept bytes, lent: they never change while it holds them, and are reused once it is done', () => {
    const answer = new EncodedAnswer();
    let rows = Array.from({ length: 2_500 }, (_, i) => row(i));
    expectSameChunks(answer, rows);
    const sending = new AnswerLease();
    const lent = [...answer.envelope(rows, sending)];
    expect(Buffer.concat(lent).equals(Buffer.concat(textChunks(rows)))).toBe(true);
    const asLent = lent.map((chunk) => chunk.toString('hex'));

    // Answers made while it is still sending (changed rows in every chunk, with and without a lease of their own) are
    // right, and what it was lent is untouched.
    rows = rows.map((r, i) => (i % 7 === 0 ? row(i, 4242) : r));
    expectSameChunks(answer, rows);
    const other = new AnswerLease();
    const otherLent = [...answer.envelope(rows, other)];
    expect(Buffer.concat(otherLent).equals(Buffer.concat(textChunks(rows)))).toBe(true);
    rows = rows.map((r, i) => (i % 11 === 0 ? row(i, 77) : r));
    expectSameChunks(answer, rows);
    expect(lent.map((chunk) => chunk.toString('hex'))).toEqual(asLent);
    other.release();
    sending.release();
    sending.release();
    expect(lent.map((chunk) => chunk.toString('hex'))).toEqual(asLent);

    // Released: the next change is written in place, into the bytes the next response is lent (no new body allocated).
    const first = new AnswerLease();
    const before = [...answer.envelope(rows, first)];
    first.release();
    rows = rows.map((r, i) => (i % 13 === 0 ? row(i, 5) : r));
    const second = new AnswerLease();
    const after = [...answer.envelope(rows, second)];
    second.release();
    expect(Buffer.concat(after).equals(Buffer.concat(textChunks(rows)))).toBe(true);
    const rowChunks = (chunks: Buffer[]) => chunks.slice(1, -1);
    rowChunks(after).forEach((chunk, index) => expect(chunk.buffer).toBe(rowChunks(before)[index].buffer));
    expect(() => [...answer.envelope(rows, second)]).toThrow('an answer lease is used after its release');
  });
});
