import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { z } from 'zod';
import {
  checkInventoryRow,
  FlowhubInventoryRowSchema,
  rowIdentityFromText,
  type FlowhubInventoryRow,
  type RowIdentity,
} from './inventory-row';
import { rawInventoryRow } from './testing/inventory-fixtures';

function valid(raw: unknown): FlowhubInventoryRow {
  const check = checkInventoryRow(raw);
  if (!check.ok) throw new Error(`expected a valid row, got: ${check.reason}`);
  return check.row;
}

function problem(raw: unknown): RowIdentity & { reason: string } {
  const check = checkInventoryRow(raw);
  if (check.ok) throw new Error('expected a problem, got a valid row');
  return check;
}

describe('checkInventoryRow', () => {
  it('keeps the shared shape and drops fields the product does not use', () => {
    const row = valid(rawInventoryRow(7, { roomId: 'room-1', roomName: 'Sales Floor', upc: '0001' }));
    expect(row).toEqual({
      productId: '5f2b8c1e-0000-4000-8000-000000000007',
      variantId: 'variant-7',
      parentProductId: 'parent-2',
      productName: 'Afghani Kush 7 3.5g',
      parentProductName: 'Afghani Kush',
      variantName: '3.5g',
      sku: 'SKU-7',
      brand: 'Sunny Farms',
      category: 'Flower',
      customCategoryName: null,
      type: null,
      strainName: 'Afghani',
      speciesName: 'Indica-dom',
      purchaseCategory: 'rec',
      quantity: 8,
      preTaxPriceInPennies: 3500,
      postTaxPriceInPennies: 4200,
      productWeight: 3.5,
      productUnitOfMeasure: 'grams',
      isSoldByWeight: false,
      inventoryUnitOfMeasure: 'each',
      weightTierInformation: [],
      productPictureURL: 'https://images.example.test/products/7.jpg',
      productDescription: 'Dense, resinous buds with an earthy, spicy aroma. Grown indoors and hand trimmed.',
      roomId: 'room-1',
      roomName: 'Sales Floor',
      productUpdatedAt: '2024-05-01T12:00:00.000Z',
      regulatoryId: '1A4060300000000007',
      manifestId: '0004512345',
      invoiceNumber: 'INV-7',
      expirationDate: null,
      supplierName: 'Sunny Farms LLC',
      cannabinoidInformation: [
        { name: 'thc', lowerRange: 21.3, upperRange: 23.1, unitOfMeasure: '%', unitOfMeasureToGramsMultiplier: null },
        { name: 'cbd', lowerRange: 0.1, upperRange: 0.2, unitOfMeasure: '%', unitOfMeasureToGramsMultiplier: null },
      ],
      terpenes: [{ name: 'beta-Myrcene', lowerRange: 0.8, upperRange: 1.1, unitOfMeasure: '%', unitOfMeasureToGramsMultiplier: null }],
    });
    expect(row).not.toHaveProperty('upc');
    expect(row).not.toHaveProperty('tags');
  });

  it('accepts numbers sent as strings and ids sent as numbers', () => {
    const row = valid(
      rawInventoryRow(1, {
        productId: 12345,
        variantId: 678,
        sku: 4400,
        quantity: ' 12.5 ',
        preTaxPriceInPennies: '3500',
        postTaxPriceInPennies: '4200',
        productWeight: '3.5',
        isSoldByWeight: 'true',
      }),
    );
    expect(row).toMatchObject({
      productId: '12345',
      variantId: '678',
      sku: '4400',
      quantity: 12.5,
      preTaxPriceInPennies: 3500,
      postTaxPriceInPennies: 4200,
      productWeight: 3.5,
      isSoldByWeight: true,
    });
  });

  it('reads ids as the menu keys them: trimmed, a number only when read exactly, at most 200 characters', () => {
    expect(valid(rawInventoryRow(1, { productId: ' p-1 ', variantId: '\tv-1 ' }))).toMatchObject({ productId: 'p-1', variantId: 'v-1' });
    expect(valid(rawInventoryRow(1, { variantId: 2 ** 53 - 1, productId: 'v'.repeat(200) }))).toMatchObject({
      variantId: '9007199254740991',
      productId: 'v'.repeat(200),
    });
    // JSON.parse reads 9007199254740993 as 9007199254740992: two products would become one.
    expect(problem(JSON.parse('{"variantId":9007199254740993,"productId":"p-2","productName":"A","quantity":1}'))).toMatchObject({
      variantId: null,
      productId: 'p-2',
      reason: expect.stringContaining('variantId: a number too large to be read exactly'),
    });
    expect(problem(rawInventoryRow(3, { variantId: 'v'.repeat(201) }))).toMatchObject({
      variantId: null,
      reason: expect.stringContaining('variantId: longer than 200 characters'),
    });
    expect(problem({ variantId: ' v-4 ', quantity: -1 })).toMatchObject({ variantId: 'v-4' });
    expect(rowIdentityFromText('{"variantId":" v-5 ","productId":90071992547409930,"quantity":tru}')).toMatchObject({
      variantId: 'v-5',
      productId: null,
    });
  });

  it('refuses a price beyond what the menu stores, and numbers not written in decimal', () => {
    expect(valid(rawInventoryRow(1, { preTaxPriceInPennies: 2_147_483_647 })).preTaxPriceInPennies).toBe(2_147_483_647);
    expect(problem(rawInventoryRow(1, { preTaxPriceInPennies: 9_999_999_999 })).reason).toBe(
      'preTaxPriceInPennies: expected a price of at most 2147483647 pennies, got 9999999999',
    );
    expect(problem(rawInventoryRow(1, { postTaxPriceInPennies: '2147483648' })).reason).toMatch(/^postTaxPriceInPennies: expected a price/);
    expect(problem(rawInventoryRow(1, { quantity: '0x10' })).reason).toBe('quantity: expected a number, got "0x10"');
    expect(problem(rawInventoryRow(1, { preTaxPriceInPennies: '0b11' })).reason).toBe(
      'preTaxPriceInPennies: expected a number, got "0b11"',
    );
    expect(valid(rawInventoryRow(1, { quantity: '+1.5e1', preTaxPriceInPennies: '.5' }))).toMatchObject({
      quantity: 15,
      preTaxPriceInPennies: 0.5,
    });
  });

  it('reads a multiplier sent as a string, a number or null', () => {
    const row = valid(
      rawInventoryRow(1, {
        cannabinoidInformation: [
          { name: 'thc', lowerRange: '85', upperRange: 90, unitOfMeasure: 'mg', unitOfMeasureToGramsMultiplier: '1000' },
          { name: 'thc', lowerRange: 80, upperRange: 82, unitOfMeasure: '%', unitOfMeasureToGramsMultiplier: null },
          { name: 'cbd', lowerRange: 1, upperRange: 2, unitOfMeasure: 'mg/g', unitOfMeasureToGramsMultiplier: 0.001 },
        ],
      }),
    );
    expect(row.cannabinoidInformation.map((entry) => entry.unitOfMeasureToGramsMultiplier)).toEqual([1000, null, 0.001]);
    expect(row.cannabinoidInformation[0].lowerRange).toBe(85);
  });

  it('turns nulls and missing optional fields into null and missing lists into []', () => {
    const row = valid({
      productId: 'p-1',
      variantId: 'v-1',
      productName: 'Gummies',
      quantity: 3,
      brand: null,
      preTaxPriceInPennies: '',
      cannabinoidInformation: null,
    });
    expect(row).toMatchObject({ brand: null, category: null, roomId: null, preTaxPriceInPennies: null, isSoldByWeight: null });
    expect(row.cannabinoidInformation).toEqual([]);
    expect(row.terpenes).toEqual([]);
  });

  it('drops potency entries without a usable name and nulls unreadable numbers in them', () => {
    const row = valid(
      rawInventoryRow(1, {
        terpenes: [
          { name: '', lowerRange: 1 },
          { lowerRange: 2 },
          null,
          'limonene',
          { name: 'limonene', lowerRange: 'n/a', upperRange: '0.4', unitOfMeasure: 5 },
        ],
      }),
    );
    expect(row.terpenes).toEqual([
      { name: 'limonene', lowerRange: null, upperRange: 0.4, unitOfMeasure: '5', unitOfMeasureToGramsMultiplier: null },
    ]);
  });

  it('reports a row without variantId with a null id and the reason', () => {
    const { variantId, reason } = problem(rawInventoryRow(1, { variantId: undefined }));
    expect(variantId).toBeNull();
    expect(reason).toBe('variantId: missing');
  });

  it.each([
    [{ quantity: 'lots' }, 'quantity: expected a number, got "lots"'],
    [{ quantity: -2 }, 'quantity: expected a quantity of 0 or more, got -2'],
    [{ quantity: null }, 'quantity: missing'],
    [{ productName: '   ' }, 'productName: expected non-empty text, got "   "'],
    [{ brand: { name: 'Sunny' } }, 'brand: expected text, got an object'],
    [{ preTaxPriceInPennies: '35.00 USD' }, 'preTaxPriceInPennies: expected a number, got "35.00 USD"'],
    [{ isSoldByWeight: 'sometimes' }, 'isSoldByWeight: expected true or false, got "sometimes"'],
    [{ terpenes: 'myrcene' }, 'terpenes: expected a list, got "myrcene"'],
  ])('names the field and the value when a row is invalid: %j', (overrides, reason) => {
    const check = problem(rawInventoryRow(3, overrides));
    expect(check).toEqual({
      ok: false,
      variantId: 'variant-3',
      productId: '5f2b8c1e-0000-4000-8000-000000000003',
      roomId: null,
      purchaseCategory: 'rec',
      reason,
    });
  });

  it('names the product of a row that fails validation, when its ids are readable: ids as text or numbers, room and purchase category too', () => {
    // What the sync needs to keep the row's product on the menu (a row Flowhub still lists, only unreadable).
    expect(problem(rawInventoryRow(4, { quantity: 'abc', roomId: 'ROOM-1', purchaseCategory: 'med' }))).toMatchObject({
      variantId: 'variant-4',
      productId: '5f2b8c1e-0000-4000-8000-000000000004',
      roomId: 'ROOM-1',
      purchaseCategory: 'med',
    });
    expect(problem(rawInventoryRow(4, { variantId: 1234, productId: 99, quantity: null }))).toMatchObject({
      variantId: '1234',
      productId: '99',
    });
    // An unreadable id is no id; the other one still names the product.
    expect(problem(rawInventoryRow(4, { variantId: { id: 'v' } }))).toMatchObject({
      variantId: null,
      productId: '5f2b8c1e-0000-4000-8000-000000000004',
    });
    expect(problem(rawInventoryRow(4, { productId: '  ', variantId: undefined }))).toMatchObject({ variantId: null, productId: null });
    // A room or purchase category of the wrong kind is unknown (null), not a reason to drop the ids.
    expect(problem(rawInventoryRow(4, { roomId: ['r'], purchaseCategory: {} }))).toMatchObject({
      variantId: 'variant-4',
      roomId: null,
      purchaseCategory: null,
    });
  });

  it('reads the ids of a row that is not even valid JSON, from its top level only', () => {
    expect(rowIdentityFromText('{"productId":"p-2","variantId":"variant-2","quantity": tru}')).toEqual({
      variantId: 'variant-2',
      productId: 'p-2',
      roomId: null,
      purchaseCategory: null,
    });
    expect(rowIdentityFromText('{"variantId":12, "roomId" : "r\\u0041", "purchaseCategory":"rec", "x": [1, 2,}')).toEqual({
      variantId: '12',
      productId: null,
      roomId: 'rA',
      purchaseCategory: 'rec',
    });
    // Ids inside nested values are not the row's; neither are keys that appear inside strings.
    expect(
      rowIdentityFromText('{"terpenes":[{"variantId":"nested"}],"brand":"{\\"variantId\\":\\"fake\\"}","productId":"p-1",bad}'),
    ).toEqual({
      variantId: null,
      productId: 'p-1',
      roomId: null,
      purchaseCategory: null,
    });
    // A bad escape inside the id leaves it unreadable; a row that is not an object names nothing.
    expect(rowIdentityFromText('{"variantId":"v\\x","productId":"p-3",}').variantId).toBeNull();
    expect(rowIdentityFromText('["variantId","v-1"]')).toEqual({ variantId: null, productId: null, roomId: null, purchaseCategory: null });
    expect(rowIdentityFromText('{"variantId":"", "productId": null ,}')).toEqual({
      variantId: null,
      productId: null,
      roomId: null,
      purchaseCategory: null,
    });
  });

  it('keeps the package fields and, for an item sold by weight, its unit and weight tiers (gram amounts as numbers or text)', () => {
    const row = valid(
      rawInventoryRow(2, {
        isSoldByWeight: true,
        inventoryUnitOfMeasure: 'grams',
        quantity: 448.5,
        regulatoryId: '1A4060300000000000009999',
        manifestId: 12345,
        expirationDate: '2027-01-31',
        weightTierInformation: [
          { gramAmount: 1, name: '1g', preTaxPriceInPennies: 1000, postTaxPriceInPennies: 1200, pricePerUnitInMinorUnits: 1000 },
          { gramAmount: '3.5', name: '1/8 oz', preTaxPriceInPennies: '3325', postTaxPriceInPennies: 'n/a' },
        ],
      }),
    );
    expect(row).toMatchObject({
      isSoldByWeight: true,
      inventoryUnitOfMeasure: 'grams',
      quantity: 448.5,
      regulatoryId: '1A4060300000000000009999',
      manifestId: '12345',
      invoiceNumber: 'INV-2',
      expirationDate: '2027-01-31',
      supplierName: 'Sunny Farms LLC',
    });
    expect(row.weightTierInformation).toEqual([
      { name: '1g', gramAmount: 1, preTaxPriceInPennies: 1000, postTaxPriceInPennies: 1200 },
      { name: '1/8 oz', gramAmount: 3.5, preTaxPriceInPennies: 3325, postTaxPriceInPennies: null },
    ]);
  });

  it('never fails a row for its weight tiers: an odd list is no tiers, an odd entry is dropped', () => {
    for (const weightTierInformation of [null, undefined, 'tiers', { name: '1g', gramAmount: 1 }, 7]) {
      expect(valid(rawInventoryRow(1, { weightTierInformation })).weightTierInformation).toEqual([]);
    }
    const tiers = valid(
      rawInventoryRow(1, {
        weightTierInformation: [
          null,
          'x',
          { name: '', gramAmount: 1 },
          { name: 'none', gramAmount: 0 },
          { name: 'bad', gramAmount: 'abc' },
          { name: '7g', gramAmount: 7 },
        ],
      }),
    ).weightTierInformation;
    expect(tiers).toEqual([{ name: '7g', gramAmount: 7, preTaxPriceInPennies: null, postTaxPriceInPennies: null }]);
  });

  it('names a package field of the wrong kind as a problem of the row', () => {
    expect(problem(rawInventoryRow(1, { regulatoryId: { tag: 'x' } })).reason).toBe('regulatoryId: expected text, got an object');
  });

  it('lists every reason of a row with several problems', () => {
    expect(problem(rawInventoryRow(3, { productId: null, quantity: 'x' })).reason).toBe(
      'productId: missing; quantity: expected a number, got "x"',
    );
  });

  it('reports a row that is not an object at all', () => {
    expect(problem('oops')).toEqual({
      ok: false,
      variantId: null,
      productId: null,
      roomId: null,
      purchaseCategory: null,
      reason: 'row is not an object (got "oops")',
    });
    expect(problem(null).reason).toBe('row is not an object (got null)');
    expect(problem([1, 2]).reason).toBe('row is not an object (got a list)');
  });

  it('keeps rows that do not hold on to the text they were cut from', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAfterGc = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    // As a token-stream parser does: values are cut out of a big chunk of text. (In a function of
    // its own, so that no stack slot of this test keeps the chunk alive.)
    const rowsCutFromChunk = () => {
      const chunk = Buffer.alloc(30 * 1024 * 1024, 'x').toString('utf8');
      return Array.from({ length: 100 }, (_, index) => {
        const cut = (length: number) => chunk.slice(index * 100, index * 100 + length);
        return valid({ productId: cut(36), variantId: cut(20), productName: cut(40), quantity: 1, terpenes: [{ name: cut(15) }] });
      });
    };
    const before = heapAfterGc();
    const rows = rowsCutFromChunk();
    expect(heapAfterGc() - before).toBeLessThan(5 * 1024 * 1024);
    expect(rows[99].productName).toHaveLength(40);
  });

  it('with a table of the feed’s repeated texts, reads the same rows and keeps one copy of each text they repeat', () => {
    // Each row parsed from its own text, as the client parses a feed: each parse makes its own copy of every text.
    const texts = Array.from({ length: 1_000 }, (_, index) =>
      JSON.stringify(
        rawInventoryRow(index, {
          brand: `Brand ${index % 7}`,
          productDescription: `A description the variants of a product share, long enough to matter ${index % 10}`,
          roomName: 'Sales Floor',
          terpenes: [{ name: 'beta-Myrcene', lowerRange: index % 3, unitOfMeasure: '%' }],
        }),
      ),
    );
    const table = new Map<string, string>();
    const shared = texts.map((text) => checkInventoryRow(JSON.parse(text), { repeatedTexts: table }));
    expect(shared).toEqual(texts.map((text) => checkInventoryRow(JSON.parse(text))));
    // One entry per distinct text, whatever the number of rows; ids are not kept there (each row has its own).
    for (const text of [
      'Brand 3',
      'Sales Floor',
      'beta-Myrcene',
      '%',
      'A description the variants of a product share, long enough to matter 4',
    ])
      expect(table.get(text)).toBe(text);
    expect(table.has(shared[5].ok ? shared[5].row.variantId : '')).toBe(false);
  });

  it('in a feed, a row whose lab results are the last row’s shares that list, frozen; any difference keeps its own', () => {
    // Three variants of one product in a row (same lab results), then one whose THC differs by a hundredth, then one
    // that lists the same amounts in another order.
    const thc = { name: 'thc', lowerRange: 21.3, upperRange: 23.1, unitOfMeasure: '%', unitOfMeasureToGramsMultiplier: null };
    const cbd = { name: 'cbd', lowerRange: 0.1, upperRange: 0.2, unitOfMeasure: '%', unitOfMeasureToGramsMultiplier: null };
    const lists = [
      [thc, cbd],
      [thc, cbd],
      [thc, cbd],
      [{ ...thc, upperRange: 23.11 }, cbd],
      [cbd, thc],
    ];
    const table = new Map<string, string>();
    const rows = lists.map((cannabinoidInformation, index) => {
      const check = checkInventoryRow(JSON.parse(JSON.stringify(rawInventoryRow(index, { cannabinoidInformation }))), {
        repeatedTexts: table,
      });
      if (!check.ok) throw new Error(check.reason);
      return check.row;
    });
    const [first, second, third, fourth, fifth] = rows.map((row) => row.cannabinoidInformation);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
    expect(fourth).not.toBe(first);
    expect(fourth[0].upperRange).toBe(23.11);
    expect(fifth).not.toBe(fourth);
    expect(fifth.map((amount) => amount.name)).toEqual(['cbd', 'thc']);
    // Each row reads as it would alone.
    expect(rows).toEqual(lists.map((cannabinoidInformation, index) => valid(rawInventoryRow(index, { cannabinoidInformation }))));
    // Rows without amounts or weight tiers share one empty list, which no one can fill.
    const bare = valid(rawInventoryRow(9, { terpenes: null, cannabinoidInformation: [] }));
    expect(bare.terpenes).toBe(bare.cannabinoidInformation);
    expect(() => (bare.terpenes as unknown[]).push(thc)).toThrow(TypeError);
  });

  it('reads a NUL (which PostgreSQL cannot store) as U+FFFD, in texts, ids and the ids of a row that fails', () => {
    const text = JSON.stringify(rawInventoryRow(3, { variantId: 'v\u00003', productName: 'Blue\u0000Dream', brand: 'N\u0000' }));
    expect(text).toContain('\\u0000');
    const row = valid(JSON.parse(text));
    expect([row.variantId, row.productName, row.brand]).toEqual(['v\ufffd3', 'Blue\ufffdDream', 'N\ufffd']);
    const broken = text.replace('"quantity":', '"quantity":tru,"x":');
    expect(rowIdentityFromText(broken).variantId).toBe('v\ufffd3');
    expect(problem({ variantId: 'v\u00004', quantity: -1 })).toMatchObject({ variantId: 'v\ufffd4' });
  });

  it('never throws, whatever a row holds', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.dictionary(fc.constantFrom('productId', 'variantId', 'quantity', 'terpenes', 'brand'), fc.anything()),
        (anything, fields) => {
          const results = [checkInventoryRow(anything), checkInventoryRow({ ...rawInventoryRow(1), ...fields })];
          for (const result of results) {
            if (result.ok) {
              expect(Number.isFinite(result.row.quantity) && result.row.quantity >= 0).toBe(true);
              expect(result.row.variantId.trim()).not.toBe('');
            } else {
              expect(result.reason.length).toBeGreaterThan(0);
            }
          }
        },
      ),
    );
  });
});

describe('FlowhubInventoryRowSchema', () => {
  it('validates like checkInventoryRow, for callers that compose zod schemas', () => {
    const rows = z.array(FlowhubInventoryRowSchema);
    expect(rows.parse([rawInventoryRow(1, { quantity: '4' })])[0]).toMatchObject({ variantId: 'variant-1', quantity: 4 });
    const result = rows.safeParse([rawInventoryRow(1), rawInventoryRow(2, { quantity: -1 })]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [[1], 'quantity: expected a quantity of 0 or more, got -1'],
    ]);
  });
});

/*
 * The shared row shape (briefs/row.md, packages/mapping's FlowhubInventoryItem) must stay identical
 * to what the schema produces, field for field: this fails to compile if either side drifts.
 */
interface SharedFlowhubAmount {
  name: string;
  lowerRange: number | null;
  upperRange: number | null;
  unitOfMeasure: string | null;
  unitOfMeasureToGramsMultiplier: number | null;
}
interface SharedFlowhubWeightTier {
  name: string;
  gramAmount: number;
  preTaxPriceInPennies: number | null;
  postTaxPriceInPennies: number | null;
}
interface SharedFlowhubInventoryItem {
  productId: string;
  variantId: string;
  parentProductId: string | null;
  productName: string;
  parentProductName: string | null;
  variantName: string | null;
  sku: string | null;
  brand: string | null;
  category: string | null;
  customCategoryName: string | null;
  type: string | null;
  strainName: string | null;
  speciesName: string | null;
  purchaseCategory: string | null;
  quantity: number;
  preTaxPriceInPennies: number | null;
  postTaxPriceInPennies: number | null;
  productWeight: number | null;
  productUnitOfMeasure: string | null;
  isSoldByWeight: boolean | null;
  inventoryUnitOfMeasure: string | null;
  weightTierInformation: readonly SharedFlowhubWeightTier[];
  productPictureURL: string | null;
  productDescription: string | null;
  roomId: string | null;
  roomName: string | null;
  productUpdatedAt: string | null;
  regulatoryId: string | null;
  manifestId: string | null;
  invoiceNumber: string | null;
  expirationDate: string | null;
  supplierName: string | null;
  cannabinoidInformation: readonly SharedFlowhubAmount[];
  terpenes: readonly SharedFlowhubAmount[];
}
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? keyof A extends keyof B
      ? keyof B extends keyof A
        ? true
        : false
      : false
    : false
  : false;
const rowShapeMatches: Same<FlowhubInventoryRow, SharedFlowhubInventoryItem> = true;
const schemaOutputMatches: Same<z.output<typeof FlowhubInventoryRowSchema>, SharedFlowhubInventoryItem> = true;
void schemaOutputMatches;
void rowShapeMatches;
