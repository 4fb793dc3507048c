// A remembered feed as text for the shared memo: read back as it was (rows, their products' facts, the feed's order),
// and text that is not such a memo refused with a reason, never half read.
import fc from 'fast-check';
import { rowDigest, type FlowhubInventoryRow } from '@flowhub-sync/flowhub-client';
import { decodeFeedMemo, encodeFeedMemo, FeedMemoUnreadable } from './feed-memo-codec';
import { FeedMemo, type RememberedFeed } from './feed-memo';

interface RowSpec {
  variantId: string;
  roomId: string | null;
  purchaseCategory: string | null;
  quantity: number;
  supplierName: string | null;
  /** The product's facts, when mapped: its quantity, another variant id or not, the misses. */
  mapped: { quantity: number; otherVariant: boolean; terpenes: string | null } | null;
}

/** A store's feed of these rows (distinct bytes each), committed through a memo: what the sync would share. */
function committedFeed(specs: RowSpec[]): RememberedFeed {
  const read = new FeedMemo().begin('store', 'settings');
  specs.forEach((spec, index) => {
    const row = {
      variantId: spec.variantId,
      productId: `p-${index}`,
      roomId: spec.roomId,
      purchaseCategory: spec.purchaseCategory,
      quantity: spec.quantity,
      regulatoryId: null,
      manifestId: index % 2 === 0 ? `m-${index}` : null,
      invoiceNumber: null,
      expirationDate: index % 3 === 0 ? '2027-01-31' : null,
      supplierName: spec.supplierName,
    } as unknown as FlowhubInventoryRow;
    const bytes = Buffer.from(JSON.stringify({ ...row, index }));
    const digest = rowDigest(bytes);
    read.recall(digest, bytes);
    const remembered = read.item(row, digest);
    if (spec.mapped) {
      read.remember(remembered, {
        quantity: spec.mapped.quantity,
        variantId: spec.mapped.otherVariant ? `${spec.variantId}-as-mapped` : spec.variantId,
        contentHash: `hash-${index}`,
        misses:
          spec.mapped.terpenes === null ? null : { category: null, strainType: 'unknown strain type "x"', terpenes: spec.mapped.terpenes },
      });
    }
  });
  read.commit();
  return read.committed().feed;
}

/** What a feed remembers, row by row in its order, as plain data. */
function contents(feed: RememberedFeed) {
  const rows = [];
  for (let row = feed.first; row !== undefined; row = row.following) {
    const { following: _following, ...fields } = row;
    rows.push({ ...fields });
  }
  return { rows, count: feed.rows.size };
}

const text = fc.option(fc.string({ maxLength: 12 }), { nil: null });
const rowSpec: fc.Arbitrary<RowSpec> = fc.record({
  variantId: fc.string({ minLength: 1, maxLength: 12 }),
  roomId: text,
  purchaseCategory: fc.constantFrom(null, 'rec', 'med'),
  // JSON has no -0 (it reads back as 0, the same quantity to every sum and comparison the sync makes).
  quantity: fc.double({ noNaN: true, noDefaultInfinity: true }).map((quantity) => (quantity === 0 ? 0 : quantity)),
  supplierName: text,
  mapped: fc.option(fc.record({ quantity: fc.integer(), otherVariant: fc.boolean(), terpenes: text }), { nil: null }),
});

describe('the shared memo of a feed', () => {
  it('reads back every row as remembered: its fields, its product facts and the feed order', () => {
    fc.assert(
      fc.property(fc.array(rowSpec, { maxLength: 30 }), (specs) => {
        const feed = committedFeed(specs);
        const back = decodeFeedMemo(encodeFeedMemo(feed));
        expect(contents(back)).toEqual(contents(feed));
        for (const [digest, row] of feed.rows) expect(back.rows.get(digest)?.variantId).toBe(row.variantId);
      }),
    );
  });

  it('is ASCII text whatever the feed holds, and reads back the same texts', () => {
    const anyText = fc.option(fc.string({ unit: 'binary', maxLength: 12 }), { nil: null });
    const spec = fc.record({
      variantId: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      roomId: anyText,
      purchaseCategory: fc.constant(null),
      quantity: fc.integer(),
      supplierName: anyText,
      mapped: fc.option(fc.record({ quantity: fc.integer(), otherVariant: fc.boolean(), terpenes: anyText }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 20 }), (specs) => {
        const feed = committedFeed(specs);
        const text = encodeFeedMemo(feed);
        // ASCII: one UTF-8 byte a character (DEL, U+007F, is ASCII too, and JSON leaves it as it is).
        expect(Buffer.byteLength(text, 'utf8')).toBe(text.length);
        expect(contents(decodeFeedMemo(text))).toEqual(contents(feed));
      }),
    );
    // What real feeds hold: Greek letters in terpene names, accents, a character beyond the Basic Multilingual Plane.
    const feed = committedFeed([
      {
        variantId: 'v-1',
        roomId: 'Salle à manger',
        purchaseCategory: null,
        quantity: 3,
        supplierName: 'Señor Farms 🌿',
        mapped: { quantity: 3, otherVariant: false, terpenes: 'unknown terpenes left out: β-Caryophyllene, α-Pinene' },
      },
    ]);
    const text = encodeFeedMemo(feed);
    expect(text).toContain('\\u03b2-Caryophyllene');
    expect(text).toContain('\\ud83c\\udf3f');
    const [row] = decodeFeedMemo(text).rows.values();
    expect(row.supplierName).toBe('Señor Farms 🌿');
    expect(row.mapped!.misses!.terpenes).toBe('unknown terpenes left out: β-Caryophyllene, α-Pinene');
  });

  it('shares one copy of the texts many rows repeat, as the memo it is read into does', () => {
    const feed = committedFeed(
      ['a', 'b'].map((variantId) => ({
        variantId,
        roomId: 'room-1',
        purchaseCategory: 'rec',
        quantity: 1,
        supplierName: null,
        mapped: { quantity: 1, otherVariant: false, terpenes: 'unknown terpenes left out: x' },
      })),
    );
    const memo = new FeedMemo();
    const back = decodeFeedMemo(encodeFeedMemo(feed), { shared: memo.shared, sharedMisses: memo.sharedMisses });
    const [a, b] = [...back.rows.values()];
    expect(a.mapped!.misses).toBe(b.mapped!.misses);
    expect(memo.shared('room-1')).toBe(a.roomId);
  });

  it('keeps ASCII texts after its line of columns as they are, and escapes in that line texts that could not be', () => {
    const spec = (supplierName: string): RowSpec => ({
      variantId: 'v-1',
      roomId: 'room',
      purchaseCategory: null,
      quantity: 1,
      supplierName,
      mapped: { quantity: 1, otherVariant: false, terpenes: 'unknown terpenes left out: β-Pinene' },
    });
    // Quotes, a backslash and a line break need no escaping after the line; the misses' Greek letter is escaped in it.
    const plain = encodeFeedMemo(committedFeed([spec('Bob\'s "Best" \\ Farm\nNorth')]));
    const lineEnd = plain.indexOf('\n');
    expect(plain.slice(lineEnd + 1)).toContain('Bob\'s "Best" \\ Farm\nNorth');
    expect(plain.slice(0, lineEnd)).toContain('\\u03b2-Pinene');
    expect([...decodeFeedMemo(plain).rows.values()][0].supplierName).toBe('Bob\'s "Best" \\ Farm\nNorth');
    // PostgreSQL's text holds no NUL: such texts go into the line, escaped, and nothing follows it.
    const withNul = encodeFeedMemo(committedFeed([spec('Nul\u0000Farm')]));
    expect(withNul).not.toContain('\u0000');
    expect(withNul.endsWith('\n')).toBe(true);
    expect([...decodeFeedMemo(withNul).rows.values()][0].supplierName).toBe('Nul\u0000Farm');
  });

  it('writes once each text that rows repeat (rooms, purchase categories, suppliers, expiry dates)', () => {
    const feed = committedFeed(
      ['a', 'b', 'c', 'd'].map((variantId, index) => ({
        variantId,
        roomId: index < 2 ? 'room-sales-floor' : 'room-vault',
        purchaseCategory: 'recreational',
        quantity: index,
        supplierName: 'Green Leaf Farms',
        mapped: null,
      })),
    );
    const memo = encodeFeedMemo(feed);
    const occurrences = (text: string) => memo.split(text).length - 1;
    expect(occurrences('room-sales-floor')).toBe(1);
    expect(occurrences('room-vault')).toBe(1);
    expect(occurrences('recreational')).toBe(1);
    expect(occurrences('Green Leaf Farms')).toBe(1);
    expect(occurrences('2027-01-31')).toBe(1); // committedFeed's rows 0 and 3 expire
    const back = [...decodeFeedMemo(memo).rows.values()];
    expect(back.map((row) => [row.variantId, row.roomId, row.purchaseCategory, row.supplierName])).toEqual([
      ['a', 'room-sales-floor', 'recreational', 'Green Leaf Farms'],
      ['b', 'room-sales-floor', 'recreational', 'Green Leaf Farms'],
      ['c', 'room-vault', 'recreational', 'Green Leaf Farms'],
      ['d', 'room-vault', 'recreational', 'Green Leaf Farms'],
    ]);
    expect(back.map((row) => row.expirationDate)).toEqual(['2027-01-31', null, null, '2027-01-31']);
  });

  it('refuses text that is not a memo of this format, saying why', () => {
    const memo = encodeFeedMemo(
      committedFeed([
        {
          variantId: 'a',
          roomId: 'room',
          purchaseCategory: null,
          quantity: 1,
          supplierName: null,
          mapped: { quantity: 1, otherVariant: false, terpenes: 'x' },
        },
      ]),
    );
    const lineEnd = memo.indexOf('\n');
    const good = JSON.parse(memo.slice(0, lineEnd));
    const goodTexts = memo.slice(lineEnd + 1);
    /** A memo of these columns, these texts after its line. */
    const memoOf = (columns: object, texts = goodTexts) => `${JSON.stringify(columns)}\n${texts}`;
    const refused = (value: string) => {
      try {
        decodeFeedMemo(value);
      } catch (error) {
        expect(error).toBeInstanceOf(FeedMemoUnreadable);
        return (error as Error).message;
      }
      throw new Error('the text was read as a memo');
    };
    const numbers = (change: (numbers: Array<number | null>) => void) => {
      const copy = [...good.numbers];
      change(copy);
      return memoOf({ ...good, numbers: copy });
    };
    expect(decodeFeedMemo(memoOf(good)).rows.size).toBe(1);
    expect(decodeFeedMemo(memoOf({ ...good, texts: goodTexts }, '')).rows.size).toBe(1);
    expect(refused('{"format": 4, "texts": "')).toMatch(/no line of columns/);
    expect(refused('{"format": 4, "lengths": [\nroom')).toMatch(/columns are not JSON/);
    expect(refused(memoOf({ ...good, format: 3 }))).toMatch(/not of format 4/);
    expect(refused(memoOf({ ...good, texts: goodTexts }))).toMatch(/its texts twice/);
    expect(refused(memoOf({ ...good, lengths: 'none' }))).toMatch(/lacks its columns/);
    expect(refused(memoOf({ ...good, first: 1 }))).toMatch(/no rows/);
    expect(refused(memoOf({ ...good, lengths: [...good.lengths.slice(0, -1), 500] }))).toMatch(/no length that fits/);
    // A room (text 2) that repeats a text before it, when none was read; a digest (text 0) may not repeat one.
    expect(refused(memoOf({ ...good, lengths: good.lengths.map((length: number, at: number) => (at === 2 ? -2 : length)) }))).toMatch(
      /text 2 of the memo repeats a text it has not read/,
    );
    expect(refused(memoOf({ ...good, lengths: good.lengths.map((length: number, at: number) => (at === 0 ? -2 : length)) }))).toMatch(
      /text 0 of the memo has no length that fits/,
    );
    expect(refused(memoOf(good, `${goodTexts}more`))).toMatch(/texts no row reads/);
    expect(refused(numbers((row) => (row[2] = 5)))).toMatch(/row 0 of the memo: no successor/);
    expect(refused(numbers((row) => (row[3] = null)))).toMatch(/row 0 of the memo: facts of a product that was not mapped/);
    expect(refused(numbers((row) => (row[4] = 3)))).toMatch(/row 0 of the memo: mapping misses that are not in the table/);
    expect(refused(memoOf({ ...good, misses: [[1, null, null]] }))).toMatch(/mapping misses 0 of the memo are not/);
    expect(
      refused(
        memoOf({ ...good, lengths: [...good.lengths, ...good.lengths], numbers: [...good.numbers, ...good.numbers] }, goodTexts.repeat(2)),
      ),
    ).toMatch(/row 1 of the memo: the digest of another row/);
  });
});
