import fc from 'fast-check';
import { MalformedResponse } from './flowhub-http';
import { RowSplitter, type ListShape } from './row-splitter';

interface Split {
  texts: string[];
  indexes: number[];
  oversized: { index: number; bytes: number }[];
  shape: ListShape;
}

/** Feeds `body` to a splitter cut at `cuts` (byte offsets), and collects what it yields. */
function split(body: string | Buffer, cuts: number[] = [], maxRowBytes?: number): Split {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const texts: string[] = [];
  const indexes: number[] = [];
  const oversized: Split['oversized'] = [];
  const splitter = new RowSplitter(
    {
      row(text, index) {
        texts.push(text);
        indexes.push(index);
      },
      oversizedRow(index, size) {
        oversized.push({ index, bytes: size });
      },
    },
    maxRowBytes,
  );
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(from, cut));
    from = cut;
  }
  return { texts, indexes, oversized, shape: splitter.end() };
}

function rowsOf(body: string | Buffer, cuts: number[] = []): unknown[] {
  return split(body, cuts).texts.map((text) => JSON.parse(text));
}

function failureOf(body: string | Buffer, cuts: number[] = []): string {
  try {
    split(body, cuts);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedResponse);
    return (error as Error).message;
  }
  throw new Error('expected the splitter to refuse the body');
}

/** Every way to cut `body` in two, and in one-byte pieces. */
function cutsOf(body: string | Buffer): number[][] {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const halves = Array.from({ length: length + 1 }, (_, at) => [at]);
  return [[], ...halves, Array.from({ length: length - 1 }, (_, at) => at + 1)];
}

describe('RowSplitter', () => {
  it.each<[string, string, unknown[], ListShape]>([
    ['an envelope', '{"status":200,"data":[{"a":1},{"b":2}]}', [{ a: 1 }, { b: 2 }], 'envelope'],
    ['a bare array', '[{"a":1},{"b":2}]', [{ a: 1 }, { b: 2 }], 'array'],
    ['an empty list', '{"data":[]}', [], 'envelope'],
    ['an empty bare array', ' [ ] ', [], 'array'],
    ['whitespace everywhere', '\r\n {\t"status" : 200 ,\n "data" :\n [\n  { "a" : 1 } ,\n  2\n ]\n}\n', [{ a: 1 }, 2], 'envelope'],
    ['data after other keys', '{"page":1,"meta":{"x":[1,{"y":"]"}]},"data":[1]}', [1], 'envelope'],
    ['data before other keys', '{"data":[1],"page":{"next":null},"status":200}', [1], 'envelope'],
    ['"data" keys nested in other fields', '{"extra":{"data":[9,9]},"list":[{"data":[8]}],"data":[1]}', [1], 'envelope'],
    ['"data" inside a row', '{"data":[{"data":[1,2],"x":"data"}]}', [{ data: [1, 2], x: 'data' }], 'envelope'],
    ['a key written with an escape', '{"d\\u0061ta":[1]}', [1], 'envelope'],
    ['brackets, quotes and commas inside strings', '[{"a":"}],[{\\"x\\":"},"b\\\\",",:]"]', [{ a: '}],[{"x":' }, 'b\\', ',:]'], 'array'],
    ['a string ending in an escaped backslash', '[{"a":"c:\\\\"},"\\\\\\""]', [{ a: 'c:\\' }, '\\"'], 'array'],
    ['scalars as rows', '[1,-2.5e3,true,false,null,"x",[],{}]', [1, -2500, true, false, null, 'x', [], {}], 'array'],
    ['nested lists as rows', '[[1,[2,[3]]],[{"a":[{}]}]]', [[1, [2, [3]]], [{ a: [{}] }]], 'array'],
    [
      'multi-byte text and escapes',
      '[{"name":"Crème brûlée 😀 東京","e":"\\u00e9\\ud83d\\ude00"}]',
      [{ name: 'Crème brûlée 😀 東京', e: 'é😀' }],
      'array',
    ],
  ])('reads %s, however the body is cut', (_name, body, rows, shape) => {
    for (const cuts of cutsOf(body)) {
      const result = split(body, cuts);
      expect(result.texts.map((text) => JSON.parse(text))).toEqual(rows);
      expect(result.indexes).toEqual(rows.map((_, index) => index));
      expect(result.shape).toBe(shape);
    }
  });

  it('never decodes half a character: a 4-byte emoji cut at each of its bytes stays whole', () => {
    const body = '[{"productName":"😀"}]';
    const emojiAt = Buffer.from(body).indexOf(Buffer.from('😀'));
    for (let at = emojiAt; at <= emojiAt + 4; at += 1) {
      expect(rowsOf(body, [at])).toEqual([{ productName: '😀' }]);
    }
  });

  it('yields a row that is not valid JSON as it is, and goes on with the next rows', () => {
    const body = '[{"a":1},{"a": tru, "b" 2},{"a":"\\x"},{"a":3}]';
    const { texts, indexes } = split(body);
    expect(texts).toEqual(['{"a":1}', '{"a": tru, "b" 2}', '{"a":"\\x"}', '{"a":3}']);
    expect(indexes).toEqual([0, 1, 2, 3]);
  });

  it('reports a row over the size limit without keeping it, and goes on', () => {
    const big = JSON.stringify({ description: 'x'.repeat(200) });
    const body = `[{"a":1},${big},{"a":2}]`;
    for (const cuts of [[], [20], [12, 40, 100, 150]]) {
      const result = split(body, cuts, 100);
      expect(result.texts).toEqual(['{"a":1}', '{"a":2}']);
      expect(result.indexes).toEqual([0, 2]);
      expect(result.oversized).toEqual([{ index: 1, bytes: Buffer.byteLength(big) }]);
    }
  });

  it.each([
    ['an empty body', '', /the answer is empty/],
    ['an envelope without data', '{"status":200,"message":"ok"}', /no "data" list/],
    ['data that is not a list', '{"status":200,"data":{"rows":[]}}', /"data" is not a list/],
    ['data that is null', '{"data":null}', /"data" is not a list/],
    ['a JSON string', '"inventory"', /no "data" list/],
    ['a number', '42', /no "data" list/],
    ['an HTML page', '<html><body>Maintenance</body></html>', /not JSON \(it starts with '<'\)/],
    ['two data lists', '{"data":[1],"data":[2]}', /more than one "data" list/],
    ['a body cut inside a row', '{"data":[{"a":1},{"a":"x', /incomplete or invalid \(it ends inside the row at index 1\) after 1 rows/],
    ['a body cut inside a row, within an escape', '[{"a":"x\\', /ends inside the row at index 0/],
    ['a body cut between rows', '{"data":[{"a":1},', /incomplete or invalid \(it ends early\) after 1 rows/],
    ['a body cut after the list', '{"data":[{"a":1}]', /it ends early\) after 1 rows/],
    ['a body cut before the list', '{"status":200,"da', /it ends early\) after 0 rows/],
    ['a row closed with the wrong bracket', '[{"a":[1}],{"a":2}]', /'}' does not close what it should at byte 8\) after 0 rows/],
    ['a missing comma between rows', '[{"a":1} {"a":2}]', /expected ',' or ']' after the row at index 0, got '\{'/],
    ['a trailing comma', '[1,2,]', /expected a value, got '\]'/],
    ['a comma for a row', '[,1]', /expected a value, got ','/],
    ['garbage between rows', '[1,@]', /expected a value, got '@'/],
    ['text glued to a row', '[truex"y"]', /expected ',' or ']' after the row at index 0, got '"'/],
    ['something after the end', '{"data":[]} {"data":[]}', /unexpected '\{' after the end of the answer/],
    ['a key that is not a string', '{status:200,"data":[]}', /expected a field name, got 's'/],
    ['a missing colon', '{"data" [1]}', /expected ':' after "data", got '\['/],
    ['a missing comma between fields', '{"status":200 "data":[1]}', /expected ',' or '\}' after "status", got '"'/],
    ['an unterminated string in a skipped field', '{"data":[1],"note":"open}', /it ends early\) after 1 rows/],
  ])('refuses %s as a malformed answer', (_name, body, message) => {
    expect(failureOf(body)).toMatch(message);
  });

  it('skips a UTF-8 byte order mark before the answer, whatever the chunking, and nowhere else', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"status":200,"data":[{"a":1},{"a":"é"}]}')]);
    for (const cuts of cutsOf(body)) {
      expect(split(body, cuts)).toMatchObject({ texts: ['{"a":1}', '{"a":"é"}'], shape: 'envelope' });
    }
    expect(rowsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' [1]')]))).toEqual([1]);
    // Half a mark, a mark after whitespace or a mark twice is not JSON.
    expect(failureOf(Buffer.concat([Buffer.from([0xef, 0xbb]), Buffer.from('[1]')]))).toMatch(/not JSON \(it starts with byte 0xef\)/);
    expect(failureOf(Buffer.concat([Buffer.from(' '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')]))).toMatch(/byte 0xef/);
    expect(failureOf(Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x5b, 0x5d]))).toMatch(/byte 0xef/);
  });

  it('refuses a missing quote: the rest of the body can no longer be trusted', () => {
    // One quote missing flips what is text and what is structure up to the end of the body.
    expect(failureOf('[{"a":"x},{"a":"y"},{"a":"z"}]')).toMatch(/incomplete or invalid/);
  });

  it('tells the same failure whatever the chunking', () => {
    const body = '{"data":[{"a":"é"},{"a":[1}]}'; // é is two bytes: the '}' is byte 27
    const messages = new Set(cutsOf(body).map((cuts) => failureOf(body, cuts)));
    expect([...messages]).toEqual([
      "the inventory JSON is incomplete or invalid ('}' does not close what it should at byte 27) after 1 rows",
    ]);
  });

  describe('property: yields exactly JSON.parse(whole).data', () => {
    const rows = fc.array(fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }), { maxLength: 12 });
    const fields = fc.dictionary(
      fc.string({ unit: 'binary', maxLength: 6 }).filter((key) => key !== 'data'),
      fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }),
      { maxKeys: 4 },
    );
    const indent = fc.constantFrom(undefined, 1, 2, '\t', '\r\n ');
    const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 });

    function cutAt(body: Buffer, fractions: number[]): number[] {
      return [...new Set(fractions.map((fraction) => Math.floor(fraction * body.length)))].sort((a, b) => a - b);
    }

    it('for envelopes, with other fields around data (nested "data" keys included), in random chunks', () => {
      fc.assert(
        fc.property(rows, fields, fields, fc.boolean(), indent, cuts, (data, before, after, nestedData, gap, fractions) => {
          const envelope = { ...before, ...(nestedData ? { extra: { data: ['not these'] } } : {}), data, ...after };
          const body = Buffer.from(JSON.stringify(envelope, null, gap), 'utf8');
          const result = split(body, cutAt(body, fractions));
          expect(result.shape).toBe('envelope');
          expect(result.texts.map((text) => JSON.parse(text))).toEqual((JSON.parse(body.toString('utf8')) as { data: unknown[] }).data);
        }),
        { numRuns: 300 },
      );
    });

    it('for bare arrays, in random chunks', () => {
      fc.assert(
        fc.property(rows, indent, cuts, (data, gap, fractions) => {
          const body = Buffer.from(JSON.stringify(data, null, gap), 'utf8');
          const result = split(body, cutAt(body, fractions));
          expect(result.shape).toBe('array');
          expect(result.texts.map((text) => JSON.parse(text))).toEqual(JSON.parse(body.toString('utf8')));
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('RowSplitter: the envelope fields a sink asks for', () => {
  /** Splits `body` cut at `cuts`, collecting the wanted top-level fields as their text. */
  function fieldsOf(body: string, wanted: string[], cuts: number[] = []): Array<[string, string | undefined]> {
    const seen: Array<[string, string | undefined]> = [];
    const splitter = new RowSplitter({
      row: () => undefined,
      oversizedRow: () => undefined,
      envelopeFields: new Set(wanted),
      envelopeField: (name, text) => seen.push([name, text]),
    });
    const bytes = Buffer.from(body, 'utf8');
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      splitter.push(bytes.subarray(from, cut));
      from = cut;
    }
    splitter.end();
    return seen;
  }

  it('hands over the wanted fields as text, before and after the list, and nothing nested', () => {
    const body =
      '{"status": 500, "meta": {"status": 200}, "data": [{"status": "row"}], "message": "down \\"for\\" now", "errors": ["a", "b"]}';
    expect(fieldsOf(body, ['status', 'message', 'errors'])).toEqual([
      ['status', '500'],
      ['message', '"down \\"for\\" now"'],
      ['errors', '["a", "b"]'],
    ]);
    expect(fieldsOf(body, [])).toEqual([]);
  });

  it('hands them over whole wherever the chunks cut them', () => {
    const body = '{"data":[{"a":1}],"status":"error","message":"Ünïcödé 😀"}';
    for (const cuts of cutsOf(body)) {
      expect(fieldsOf(body, ['status', 'message'], cuts)).toEqual([
        ['status', '"error"'],
        ['message', '"Ünïcödé 😀"'],
      ]);
    }
  });

  it('hands over undefined for a field too large to keep, and still reads the rows after it', () => {
    const texts: string[] = [];
    const seen: Array<string | undefined> = [];
    const splitter = new RowSplitter({
      row: (text) => texts.push(text),
      oversizedRow: () => undefined,
      envelopeFields: new Set(['message']),
      envelopeField: (_name, text) => seen.push(text),
    });
    splitter.push(Buffer.from(`{"message":"${'x'.repeat(70 * 1024)}","data":[{"a":1}]}`));
    expect(splitter.end()).toBe('envelope');
    expect(seen).toStrictEqual([undefined]); // toEqual would take [] for it
    expect(texts).toEqual(['{"a":1}']);
  });
});

describe('RowSplitter: rows the sink recognizes', () => {
  const rows = ['{"a":1}', '{"b":[2,"]"]}', '{"c":"}"}'];
  const body = `{"data":[${rows.join(',')}]}`;

  /** Splits `body` in one chunk with a sink that takes the rows at `recognized` (indexes) by their length. */
  function splitRecognizing(text: string, recognized: number[], lengthOf = (index: number) => Buffer.byteLength(rows[index])) {
    const emitted: Array<[number, string]> = [];
    const asked: number[] = [];
    const splitter = new RowSplitter({
      row: (rowText, index) => emitted.push([index, rowText]),
      oversizedRow: () => undefined,
      recognizeRow(chunk, start, index) {
        asked.push(index);
        expect(chunk.subarray(start, start + 1).toString()).toBe('{');
        return recognized.includes(index) ? lengthOf(index) : 0;
      },
    });
    splitter.push(Buffer.from(text));
    return { emitted, asked, shape: splitter.end(), rowCount: splitter.rowCount };
  }

  it('takes a recognized row as read: not emitted, counted, and the rows after it keep their indexes', () => {
    const { emitted, asked, shape, rowCount } = splitRecognizing(body, [1]);
    expect(asked).toEqual([0, 1, 2]);
    expect(emitted).toEqual([
      [0, rows[0]],
      [2, rows[2]],
    ]);
    expect(shape).toBe('envelope');
    expect(rowCount).toBe(3);
  });

  it('still checks the structure after a recognized row', () => {
    expect(() => splitRecognizing(`{"data":[${rows[0]} ${rows[1]}]}`, [0])).toThrow(/expected ',' or '\]' after the row at index 0/);
  });

  it('refuses a recognized length that runs past the chunk', () => {
    expect(() => splitRecognizing(body, [2], () => 1_000)).toThrow(/within its chunk/);
  });
});
