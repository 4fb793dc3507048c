// The binary array parameters against PostgreSQL: each one reads back as the same array node-postgres's own text
// encoding of the values gives (the encoding they replace), and values that do not fit go as they came.
import { boolArray, float8Array, int4Array, textArray } from './binary-arrays';
import { createTestDatabase, type TestDatabase } from '../testing';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** The array PostgreSQL reads from the binary parameter, and from node-postgres's text encoding of the same values. */
async function bothWays(type: string, binary: unknown, values: readonly unknown[]): Promise<{ binary: unknown; text: unknown }> {
  expect(binary).toBeInstanceOf(Buffer);
  // As text, so that what PostgreSQL stored is compared exactly (float8's shortest exact digits, NaN, -0).
  const { rows } = await db.sql.query(`SELECT $1::${type}[]::text AS binary, $2::${type}[]::text AS text`, [binary, values]);
  return rows[0] as { binary: unknown; text: unknown };
}

describe('binary array parameters', () => {
  it('text: any string, empty, NULL, quotes, backslashes, braces, control characters, any Unicode', async () => {
    const values = [
      'plain',
      '',
      null,
      'NULL',
      undefined,
      'with "quotes" and \\ backslashes \\"',
      'a, {b}, c',
      ' spaced ',
      'new\nline\ttab\r\u0001\u001f',
      'é ü ß 中文 🌿',
      'lone \ud800 surrogate',
      '{"json": ["text", 1, null, {"nested": "\\"quoted\\""}]}',
    ];
    const read = await bothWays('text', textArray(values), values);
    expect(read.binary).toBe(read.text);
    const { rows } = await db.sql.query('SELECT $1::text[] AS strings', [textArray(values)]);
    expect(rows[0].strings).toEqual(values.map((value) => (value == null ? null : value.replace('\ud800', '\ufffd'))));
  });

  it('text: an empty array, and a long one', async () => {
    expect((await bothWays('text', textArray([]), [])).binary).toBe('{}');
    const long = Array.from({ length: 5_000 }, (_, index) => (index % 7 === 0 ? null : `value ${index} ${'x'.repeat(index % 50)}`));
    const read = await bothWays('text', textArray(long), long);
    expect(read.binary).toBe(read.text);
  });

  it('int4: integers up to its limits and NULL', async () => {
    const values = [0, -0, 1, -1, 2499, 2147483647, -2147483648, null, undefined];
    const read = await bothWays('int', int4Array(values), values);
    expect(read.binary).toBe(read.text);
    expect(read.binary).toBe('{0,0,1,-1,2499,2147483647,-2147483648,NULL,NULL}');
  });

  it('float8: any number exactly, NaN and the infinities, -0 as 0, and NULL', async () => {
    const values = [0, -0, 1.5, 0.1 + 0.2, 1e21, 5e-324, Number.MAX_VALUE, -123.456, NaN, Infinity, -Infinity, null, 47];
    const read = await bothWays('float8', float8Array(values), values);
    expect(read.binary).toBe(read.text);
  });

  it('boolean: true, false and NULL', async () => {
    const values = [true, false, null, undefined, true];
    const read = await bothWays('boolean', boolArray(values), values);
    expect(read.binary).toBe(read.text);
    expect(read.binary).toBe('{t,f,NULL,NULL,t}');
  });

  it('leaves an array with a value its type does not fit as it came, for node-postgres to send as text as before', async () => {
    const strange = [
      ['a', 1],
      ['a', { b: 1 }],
    ] as unknown as string[][];
    for (const values of strange) expect(textArray(values)).toBe(values);
    for (const values of [[1.5], [2147483648], [-2147483649], [NaN], [Infinity], ['12' as unknown as number]]) {
      expect(int4Array(values)).toBe(values);
    }
    const quantities = ['1' as unknown as number];
    expect(float8Array(quantities)).toBe(quantities);
    const flags = [1 as unknown as boolean];
    expect(boolArray(flags)).toBe(flags);
    // PostgreSQL then refuses what it refused before: a price that is not an integer.
    await expect(db.sql.query('SELECT $1::int[]', [int4Array([1.5])])).rejects.toThrow(/invalid input syntax for type integer/);
  });
});
