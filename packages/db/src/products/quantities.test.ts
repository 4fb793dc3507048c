// The one quantity rule of a product (quantities.ts): its rounding pinned, and PostgreSQL computing the same.
import { Prisma } from '../generated/client';
import { createTestDatabase, type TestDatabase } from '../testing';
import { productQuantities, round6, sellableQuantitySql } from './quantities';

describe('productQuantities', () => {
  it('is pos − held, then − the threshold, each rounded to 6 decimals and never below 0', () => {
    expect(productQuantities({ posQuantity: 10, heldQuantity: 3, active: true }, 2)).toEqual({
      posQuantity: 10,
      heldQuantity: 3,
      availableQuantity: 7,
      sellableQuantity: 5,
      sellable: true,
    });
    expect(productQuantities({ posQuantity: 2, heldQuantity: 5, active: true }, 0)).toMatchObject({
      availableQuantity: 0,
      sellableQuantity: 0,
      sellable: false,
    });
    expect(productQuantities({ posQuantity: 5, heldQuantity: 0, active: true }, 5)).toMatchObject({ sellableQuantity: 0, sellable: false });
    expect(productQuantities({ posQuantity: 5, heldQuantity: 0, active: false }, 0)).toMatchObject({
      sellableQuantity: 5,
      sellable: false,
    });
  });

  it('rounds away floating-point dust: grams held and released leave exact values', () => {
    expect(productQuantities({ posQuantity: 0.3, heldQuantity: 0.1, active: true }, 0).availableQuantity).toBe(0.2);
    expect(productQuantities({ posQuantity: 0.7, heldQuantity: 0, active: true }, 0.1).sellableQuantity).toBe(0.6);
    expect(productQuantities({ posQuantity: 3.5, heldQuantity: 0.0000001, active: true }, 0).availableQuantity).toBe(3.5);
    // Available is rounded before the threshold is taken off: 1.0000005 → 1.000001, then − 0.0000004 → 1.000001
    // (rounding once, 1.0000005 − 0.0000004 = 1.0000001 would give 1).
    expect(productQuantities({ posQuantity: 1.0000005, heldQuantity: 0, active: true }, 0.0000004).sellableQuantity).toBe(1.000001);
    // A crumb under half a millionth is nothing to sell.
    expect(productQuantities({ posQuantity: 1.0000004, heldQuantity: 0, active: true }, 1)).toMatchObject({
      sellableQuantity: 0,
      sellable: false,
    });
    expect(round6(0.1 + 0.2)).toBe(0.3);
  });
});

describe('sellableQuantitySql', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('gives what productQuantities gives, to the last bit, for every mix of quantities and thresholds', async () => {
    const values = [
      0, 0.1, 0.2, 0.3, 0.7, 1, 1.1, 2.2, 3.3, 3.5, 7, 1e-7, 5e-7, 0.0000015, 0.1234565, 0.9999995, 1.0000005, 2.0000004, 100.0000005,
    ];
    const cases: [number, number, number][] = [];
    for (const pos of values) for (const held of values) for (const threshold of values) cases.push([pos, held, threshold]);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let index = 0; index < 5000; index++) {
      const quantity = () => Math.round(random() * 1e8) / 10 ** (1 + Math.floor(random() * 9));
      cases.push([quantity(), quantity(), quantity()]);
    }
    const rows = await db.prisma.$queryRaw<{ sellable: number }[]>`
      SELECT ${sellableQuantitySql(Prisma.sql`threshold`)} AS sellable
      FROM unnest(${cases.map(([pos]) => pos)}::float8[], ${cases.map(([, held]) => held)}::float8[],
                  ${cases.map(([, , threshold]) => threshold)}::float8[]) WITH ORDINALITY AS q(pos_quantity, held_quantity, threshold, n)
      ORDER BY n`;
    const disagreements = cases
      .map(([posQuantity, heldQuantity, threshold], index) => ({
        posQuantity,
        heldQuantity,
        threshold,
        js: productQuantities({ posQuantity, heldQuantity, active: true }, threshold).sellableQuantity,
        sql: rows[index].sellable,
      }))
      .filter(({ js, sql }) => js !== sql);
    expect(disagreements).toEqual([]);
  });

  it('takes the threshold as a parameter', async () => {
    const [row] = await db.prisma.$queryRaw<{ sellable: number }[]>`
      SELECT ${sellableQuantitySql(0.25)} AS sellable FROM (SELECT 1.5::float8 AS pos_quantity, 0.5::float8 AS held_quantity) AS product`;
    expect(row.sellable).toBe(0.75);
  });
});
