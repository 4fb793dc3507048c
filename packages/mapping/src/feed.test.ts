import { countRoomRows, describeMappingMisses, packageKeyOf, selectFeedRows, type FeedRow, type FeedRowProblem } from './index';

const [roomA, roomB] = ['a'.repeat(32), 'b'.repeat(32)];
const row = (variantId: string, quantity: number, extra: Partial<FeedRow> = {}): FeedRow => ({
  variantId,
  quantity,
  roomId: null,
  purchaseCategory: 'rec',
  ...extra,
});
const problem = (fields: Partial<FeedRowProblem>): FeedRowProblem => ({
  index: 0,
  reason: 'quantity: expected a number, got "abc"',
  variantId: null,
  productId: null,
  roomId: null,
  purchaseCategory: null,
  ...fields,
});

describe('selectFeedRows', () => {
  it('keeps the first row of a variant the summed endpoint lists twice with other content and no package fields, and reports the second', () => {
    const feed = selectFeedRows(
      { rows: [row('v1', 2), row('v1', 3), row('v2', 1)], problems: [] },
      { roomIds: [], purchaseCategory: 'all' },
    );
    expect(feed.rows.map((entry) => [entry.variantId, entry.quantity])).toEqual([
      ['v1', 2],
      ['v2', 1],
    ]);
    expect(feed.invalid).toEqual([
      {
        variantId: 'v1',
        reason:
          'the variant is listed twice in the feed with other content and no package fields (regulatoryId, manifestId, invoiceNumber, expirationDate, supplierName); the first row was kept',
      },
    ]);
    expect(feed.repeatedRows).toBe(0);
    expect(feed.packagesMerged).toBe(0);
  });

  describe('one variant in several packages', () => {
    const pkg = (regulatoryId: string) => ({ regulatoryId });

    it.each([
      ['the summed endpoint', false, null, null],
      ['the by-rooms endpoint', true, roomA, roomA],
    ])('adds up the packages of a variant in %s, and counts an exact repeat once', (_feed, byRooms, roomOne, roomTwo) => {
      const rows = [
        row('v1', 2, { roomId: roomOne, ...pkg('1A4-AAA') }),
        row('v1', 3.5, { roomId: roomTwo, ...pkg('1A4-BBB') }),
        row('v1', 2, { roomId: roomOne, ...pkg('1A4-AAA') }), // the first package again: counted once
        row('v2', 1, { roomId: roomOne, ...pkg('1A4-CCC') }),
      ];
      const feed = selectFeedRows({ rows, problems: [] }, { roomIds: [], purchaseCategory: 'all' }, { byRooms });
      expect(feed.rows.map((entry) => [entry.variantId, entry.quantity])).toEqual([
        ['v1', 5.5],
        ['v2', 1],
      ]);
      expect(feed.packagesMerged).toBe(1);
      expect(feed.repeatedRows).toBe(1);
      expect(feed.invalid).toEqual([]);
    });

    it('counts a package once per room: the same package in two rooms is summed, in one room twice it is a repeat (first row kept)', () => {
      const rows = [
        row('v1', 2, { roomId: roomA, ...pkg('1A4-AAA') }),
        row('v1', 4, { roomId: roomB.toUpperCase(), ...pkg('1A4-AAA') }),
        row('v1', 9, { roomId: roomB, ...pkg('1A4-AAA') }), // the same room in another spelling: a repeat, whatever its quantity
        row('v1', 1, { roomId: roomB, ...pkg('1A4-BBB') }),
      ];
      const feed = selectFeedRows({ rows, problems: [] }, { roomIds: [roomA, roomB], purchaseCategory: 'all' });
      expect(feed.rows.map((entry) => [entry.variantId, entry.quantity])).toEqual([['v1', 7]]);
      expect(feed.packagesMerged).toBe(1);
      expect(feed.repeatedRows).toBe(1);
    });

    it('tells packages without a regulatoryId apart by their other package fields', () => {
      const rows = [
        row('v1', 1, { regulatoryId: ' ', manifestId: 'M-1', invoiceNumber: 'INV-7', expirationDate: '2027-01-31', supplierName: 'Acme' }),
        row('v1', 2, { regulatoryId: null, manifestId: 'M-2', invoiceNumber: 'INV-7', expirationDate: '2027-01-31', supplierName: 'Acme' }),
        row('v1', 4, { manifestId: 'M-1', invoiceNumber: 'INV-7', expirationDate: '2027-01-31', supplierName: 'Acme' }), // M-1 again
        row('v1', 8, { supplierName: 'Acme' }),
        row('v1', 0.25), // no package field at all: a package of its own
      ];
      const feed = selectFeedRows({ rows, problems: [] }, { roomIds: [], purchaseCategory: 'all' });
      expect(feed.rows.map((entry) => [entry.variantId, entry.quantity])).toEqual([['v1', 11.25]]);
      expect(feed.packagesMerged).toBe(3);
      expect(feed.repeatedRows).toBe(1);
    });

    it('counts an identical row with no package fields once, in either feed', () => {
      for (const byRooms of [false, true]) {
        const rows = [row('v1', 2, { roomId: roomA }), row('v1', 2, { roomId: roomA }), row('v1', 3, { roomId: roomB })];
        const feed = selectFeedRows({ rows, problems: [] }, { roomIds: [], purchaseCategory: 'all' }, { byRooms });
        // By rooms, the third row is the variant in another room (summed); summed, it is another content: reported.
        expect(feed.rows.map((entry) => entry.quantity)).toEqual([byRooms ? 5 : 2]);
        expect(feed.repeatedRows).toBe(1);
        expect(feed.packagesMerged).toBe(0);
        expect(feed.invalid).toHaveLength(byRooms ? 0 : 1);
      }
    });

    it('keeps the first row of a variant listed twice in one room with other content and no package fields', () => {
      const rows = [row('v1', 2, { roomId: roomA }), row('v1', 3, { roomId: roomA })];
      const feed = selectFeedRows({ rows, problems: [] }, { roomIds: [roomA], purchaseCategory: 'all' });
      expect(feed.rows.map((entry) => entry.quantity)).toEqual([2]);
      expect(feed.invalid.map((entry) => entry.reason)).toEqual([
        'the variant is listed twice in one room with other content and no package fields (regulatoryId, manifestId, invoiceNumber, expirationDate, supplierName); the first row was kept',
      ]);
    });

    it('merges only the rows the filters let through, and drops a variant that also has an unreadable row', () => {
      const rows = [
        row('v1', 2, { roomId: roomA, ...pkg('P1') }),
        row('v1', 5, { roomId: roomB, ...pkg('P2') }), // outside the store's room
        row('v2', 1, { roomId: roomA, ...pkg('P3') }),
        row('v2', 1, { roomId: roomA, ...pkg('P4') }),
      ];
      const feed = selectFeedRows(
        { rows, problems: [problem({ variantId: 'v2', roomId: roomA })] },
        { roomIds: [roomA], purchaseCategory: 'all' },
      );
      expect(feed.rows.map((entry) => [entry.variantId, entry.quantity])).toEqual([['v1', 2]]);
      expect(feed.outsideRooms).toBe(1);
    });

    it('names a package by its regulatoryId, else by the tuple of its package fields, else by nothing', () => {
      expect(packageKeyOf({ regulatoryId: ' 1A4-X ', manifestId: 'M' })).toBe(packageKeyOf({ regulatoryId: '1A4-X' }));
      expect(packageKeyOf({ manifestId: 'M', invoiceNumber: 'I' })).not.toBe(packageKeyOf({ manifestId: 'M', invoiceNumber: 'J' }));
      expect(packageKeyOf({ manifestId: 'M' })).not.toBe(packageKeyOf({ invoiceNumber: 'M' }));
      expect(packageKeyOf({})).toBe(packageKeyOf({ regulatoryId: '', supplierName: '  ' }));
      expect(packageKeyOf(null as never)).toBe(packageKeyOf({}));
    });
  });

  it('sums a variant over every room of the by-rooms endpoint when the store chose none', () => {
    const rows = [row('v1', 0.1, { roomId: roomA }), row('v1', 0.2, { roomId: roomB }), row('v2', 1, { roomId: roomB })];
    const feed = selectFeedRows({ rows, problems: [] }, { roomIds: [], purchaseCategory: 'all' }, { byRooms: true });
    expect(feed.rows.map((entry) => [entry.variantId, entry.quantity])).toEqual([
      ['v1', 0.3],
      ['v2', 1],
    ]);
    expect(feed.invalid).toEqual([]);
    expect(feed.outsideRooms).toBe(0);
  });

  it('applies the room and purchase category filters, ids compared in any form', () => {
    const rows = [
      row('v1', 1, { roomId: roomA.toUpperCase() }),
      row('v2', 1, { roomId: roomB }),
      row('v3', 1, { roomId: roomA, purchaseCategory: 'med' }),
      row('v4', 1, { roomId: null }),
    ];
    const feed = selectFeedRows({ rows, problems: [] }, { roomIds: [roomA], purchaseCategory: 'rec' });
    expect(feed.rows.map((entry) => entry.variantId)).toEqual(['v1']);
    expect(feed.outsideRooms).toBe(2);
    expect(feed.outsidePurchaseCategory).toBe(1);
  });

  it('reports every unreadable row, and names the products of those within the filters', () => {
    const problems = [
      problem({ index: 3, variantId: 'v1' }),
      problem({ index: 4, productId: 'p2' }),
      problem({ index: 5 }),
      problem({ index: 6, variantId: 'v9', purchaseCategory: 'med' }),
    ];
    const feed = selectFeedRows({ rows: [row('v1', 1)], problems }, { roomIds: [], purchaseCategory: 'rec' });
    expect(feed.rows).toEqual([]); // v1 has an unreadable row: its quantity is unknown
    expect(feed.unreadable).toEqual({ variantIds: new Set(['v1']), productIds: new Set(['p2']) });
    expect(feed.invalid.map((entry) => entry.reason)).toEqual([
      'quantity: expected a number, got "abc"',
      'row 4: quantity: expected a number, got "abc"',
      'row 5: quantity: expected a number, got "abc"',
      'quantity: expected a number, got "abc"',
    ]);
  });
});

describe('countRoomRows', () => {
  it('counts rows per room, ids normalised, sorted by name, rows without a room left out', () => {
    const dashed = `${roomA.slice(0, 8)}-${roomA.slice(8, 12)}-${roomA.slice(12, 16)}-${roomA.slice(16, 20)}-${roomA.slice(20)}`;
    const rooms = countRoomRows([
      { roomId: roomB, roomName: 'Vault' },
      { roomId: roomA, roomName: 'Sales Floor' },
      { roomId: dashed.toUpperCase(), roomName: 'Sales Floor' },
      { roomId: null, roomName: null },
    ]);
    expect(rooms).toEqual([
      { roomId: roomA, roomName: 'Sales Floor', rows: 2 },
      { roomId: roomB, roomName: 'Vault', rows: 1 },
    ]);
  });
});

describe('describeMappingMisses', () => {
  it('names the category fields that had no mapping, the unknown strain type and the unknown terpenes', () => {
    const reasons = describeMappingMisses(
      { uncategorized: true, unknownStrainType: 'Sativa-ish', unknownTerpenes: ['Zingiberene', 'Foo'] },
      { customCategoryName: 'House Specials', type: '  ', category: 'Misc' },
    );
    expect(reasons).toEqual({
      category: 'uncategorized: no category mapping for custom category "House Specials", category "Misc"',
      strainType: 'unknown strain type "Sativa-ish"',
      terpenes: 'unknown terpenes left out: Zingiberene, Foo',
    });
  });

  it('says so when the item has no category field at all, and nothing when nothing was missed', () => {
    expect(
      describeMappingMisses(
        { uncategorized: true, unknownStrainType: null, unknownTerpenes: [] },
        { customCategoryName: null, type: null, category: null },
      ),
    ).toEqual({
      category: 'uncategorized: no category mapping for an item without category fields',
      strainType: null,
      terpenes: null,
    });
    expect(
      describeMappingMisses(
        { uncategorized: false, unknownStrainType: null, unknownTerpenes: [] },
        { customCategoryName: 'x', type: null, category: null },
      ),
    ).toEqual({
      category: null,
      strainType: null,
      terpenes: null,
    });
  });
});
