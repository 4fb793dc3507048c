import { Prisma } from '../generated/client';

/**
 * THE quantity arithmetic of a product: what a store may sell of it (api-contract.md, "Inventory"). The product
 * views answer with productQuantities; the product list's `sellable` filter and placeOrder's refusal compute the
 * same with sellableQuantitySql: one rule, the same in JavaScript and in PostgreSQL, rounding included.
 */

/**
 * Rounds to 6 decimals. Quantities may be fractional (grams of items sold by weight): sums and differences are
 * kept to 6 decimals, so that 0.1 + 0.2 is 0.3 and a quantity held and released again leaves exactly 0.
 */
export const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

export interface ProductQuantities {
  posQuantity: number;
  heldQuantity: number;
  /** posQuantity − heldQuantity, rounded to 6 decimals, never below 0. */
  availableQuantity: number;
  /** availableQuantity − the store's quantityThreshold, rounded to 6 decimals, never below 0. */
  sellableQuantity: number;
  /** Active, and sellableQuantity above 0. */
  sellable: boolean;
}

/** What a store may sell of a product: available = pos − held, then sellable = available − threshold. */
export function productQuantities(
  product: { posQuantity: number; heldQuantity: number; active: boolean },
  quantityThreshold: number,
): ProductQuantities {
  const availableQuantity = round6(Math.max(0, round6(product.posQuantity - product.heldQuantity)));
  const sellableQuantity = round6(Math.max(0, availableQuantity - quantityThreshold));
  return {
    posQuantity: product.posQuantity,
    heldQuantity: product.heldQuantity,
    availableQuantity,
    sellableQuantity,
    sellable: product.active && sellableQuantity > 0,
  };
}

/**
 * round6 in SQL, on float8: the operations of JavaScript's, in its order (Math.round(v) is floor(v + 0.5)), so that
 * PostgreSQL and productQuantities agree to the last bit (rounding a numeric instead differs at halves past 6 decimals).
 */
const round6Sql = (value: Prisma.Sql) => Prisma.sql`floor((${value}) * 1000000::float8 + 0.5::float8) / 1000000::float8`;

/**
 * productQuantities' sellableQuantity of a `products` row (its pos_quantity and held_quantity columns), float8.
 * `quantityThreshold`: a value (sent as a parameter) or SQL (e.g. Prisma.raw('$19::float8') in a pg statement's text).
 */
export function sellableQuantitySql(quantityThreshold: number | Prisma.Sql): Prisma.Sql {
  const threshold = typeof quantityThreshold === 'number' ? Prisma.sql`${quantityThreshold}::float8` : quantityThreshold;
  const available = round6Sql(Prisma.sql`GREATEST(0::float8, ${round6Sql(Prisma.sql`pos_quantity - held_quantity`)})`);
  return round6Sql(Prisma.sql`GREATEST(0::float8, ${available} - ${threshold})`);
}
