import { z } from 'zod';

/*
 * The validated inventory row (shared shape, see packages/mapping's FlowhubInventoryItem).
 *
 * The rules follow what Flowhub is known to send loosely: numbers as numeric strings (and ids as
 * numbers), nulls anywhere, unknown extra fields (dropped). A value of the wrong kind for a field
 * (an object where text is expected, "abc" where a number is) is a problem for the row, named with
 * the field.
 *
 * A plain validator, not a zod object: this runs for every row of every sync (50,000 rows in a big
 * store), and measured on 50,000 rows a zod object of per-field transforms took 150–800 ms, mostly
 * garbage collection of its per-field parse results, against about 40 ms here (see the README).
 * FlowhubInventoryRowSchema wraps this same function for callers that compose zod schemas.
 */

export interface FlowhubAmount {
  name: string;
  lowerRange: number | null;
  upperRange: number | null;
  unitOfMeasure: string | null;
  unitOfMeasureToGramsMultiplier: number | null;
}

/**
 * An entry of weightTierInformation[]: a named amount of an item sold by weight (a "1/8 oz" of bulk flower) and
 * its price. Flowhub's `gramAmount` arrives as a number or a numeric string; `pricePerUnitInMinorUnits` is not kept.
 */
export interface FlowhubWeightTier {
  name: string;
  gramAmount: number;
  preTaxPriceInPennies: number | null;
  postTaxPriceInPennies: number | null;
}

export interface FlowhubInventoryRow {
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
  /** The unit of `quantity` ("grams" for an item sold by weight, "each" otherwise). */
  inventoryUnitOfMeasure: string | null;
  weightTierInformation: readonly FlowhubWeightTier[];
  productPictureURL: string | null;
  productDescription: string | null;
  roomId: string | null;
  roomName: string | null;
  productUpdatedAt: string | null;
  // The package (batch) the row's stock belongs to: Flowhub lists a variant once per package (and room).
  regulatoryId: string | null;
  manifestId: string | null;
  invoiceNumber: string | null;
  expirationDate: string | null;
  supplierName: string | null;
  cannabinoidInformation: readonly FlowhubAmount[];
  terpenes: readonly FlowhubAmount[];
}

type Raw = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/**
 * A copy of a string that no longer points into the text it was cut from. V8 keeps a cut-out
 * string (13+ characters) as a view of the text it came from, so a row built from values a token
 * parser cut out of network chunks would pin those chunks for as long as the row lives (measured
 * with stream-json on 50,000 rows: 148 MB kept without this, 77 MB with it). The client's own path
 * (JSON.parse per row) already yields copies, but callers may hand this function any strings.
 * A UTF-8 round trip is the cheapest copy that yields a compact string (0.3 µs each); it also turns
 * a lone surrogate, which PostgreSQL would refuse, into U+FFFD. A NUL (`\u0000`), which PostgreSQL's
 * text cannot hold either, becomes U+FFFD too: one stray character must not keep a product (or, written
 * with the others, a whole store's menu) from syncing. Both come only from a `\u` escape, so a fresh
 * text has neither.
 */
function detached(value: string): string {
  if (fresh) return value;
  const copy = value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8');
  return copy.includes('\u0000') ? copy.replaceAll('\u0000', '\ufffd') : copy;
}

/**
 * Whether the row being checked was just parsed by JSON.parse from a text without `\u` escapes (checkInventoryRow's
 * `freshTexts`): its strings are then compact copies already, none of them a lone surrogate, and are kept as they are.
 */
let fresh = false;

/**
 * The table of texts many rows repeat, while a row is checked (checkInventoryRow's `repeatedTexts`): brands,
 * categories, rooms, units, a parent product's name and description are kept once for a whole feed, not once per row.
 */
let repeated: Map<string, string> | undefined;

/** Text as text() reads it, kept once per feed when a table of repeated texts is given. */
function repeatedText(raw: Raw, field: string, issues: string[]): string | null {
  const value = raw[field];
  if (repeated === undefined || typeof value !== 'string') return text(raw, field, issues);
  return sharedCopy(value, repeated);
}

function sharedCopy(value: string, table: Map<string, string>): string {
  const known = table.get(value);
  if (known !== undefined) return known;
  const copy = detached(value);
  table.set(copy, copy);
  return copy;
}

/** Text, or a number written as text; null when absent. */
function text(raw: Raw, field: string, issues: string[]): string | null {
  const value = raw[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return detached(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  issues.push(`${field}: expected text, got ${describe(value)}`);
  return null;
}

function requiredText(raw: Raw, field: string, issues: string[]): string {
  const value = raw[field];
  if (value === undefined || value === null) {
    issues.push(`${field}: missing`);
    return '';
  }
  const found = text(raw, field, issues);
  if (found === null) return '';
  if (found.trim() === '') {
    issues.push(`${field}: expected non-empty text, got ${describe(value)}`);
    return '';
  }
  return found;
}

/** A finite number, null when absent, undefined when unreadable. "" counts as absent (Number("") is 0). */
function toNumber(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return null;
    // Decimal only: Number() also reads "0x10" as 16 and "0b11" as 3, which no one means by a quantity or a price.
    if (!DECIMAL.test(trimmed)) return undefined;
    const parsed = Number(trimmed);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A number written in decimal, as JSON writes one (a leading `+` or `.` and a trailing `.` tolerated). */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The largest price the product stores (its menu's prices are 32-bit integers of cents). */
export const MAX_PRICE_PENNIES = 2_147_483_647;

/** A price in pennies: a number as number() reads it, at most MAX_PRICE_PENNIES once rounded. */
function price(raw: Raw, field: string, issues: string[]): number | null {
  const value = number(raw, field, issues);
  if (value === null || Math.round(value) <= MAX_PRICE_PENNIES) return value;
  issues.push(`${field}: expected a price of at most ${MAX_PRICE_PENNIES} pennies, got ${describe(raw[field])}`);
  return null;
}

/** Longest id the product takes (a variantId in the API's paths takes as many). */
export const MAX_ID_LENGTH = 200;

/**
 * Why a value cannot be the id of a product (productId, variantId), or undefined when it can: text of at most
 * MAX_ID_LENGTH characters once trimmed, or a number JSON.parse read exactly. A larger integer lost digits on the
 * way in (two ids may have become one), and an id longer than that cannot be a key of the menu.
 */
function idProblem(value: string | number): string | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) || !Number.isInteger(value)
      ? undefined
      : 'a number too large to be read exactly (2^53 or more: its digits are lost); Flowhub must send it as text';
  }
  return value.trim().length > MAX_ID_LENGTH ? `longer than ${MAX_ID_LENGTH} characters` : undefined;
}

/** A product's id: required text, or a number, trimmed (as the menu keys it), within idProblem's limits. */
function requiredId(raw: Raw, field: string, issues: string[]): string {
  const value = raw[field];
  const problem = typeof value === 'string' || typeof value === 'number' ? idProblem(value) : undefined;
  if (problem !== undefined) {
    issues.push(`${field}: ${problem}`);
    return '';
  }
  return requiredText(raw, field, issues).trim();
}

function number(raw: Raw, field: string, issues: string[]): number | null {
  const parsed = toNumber(raw[field]);
  if (parsed !== undefined) return parsed;
  issues.push(`${field}: expected a number, got ${describe(raw[field])}`);
  return null;
}

function quantity(raw: Raw, issues: string[]): number {
  const value = raw.quantity;
  const parsed = toNumber(value);
  if (parsed === null) issues.push('quantity: missing');
  else if (parsed === undefined) issues.push(`quantity: expected a number, got ${describe(value)}`);
  else if (parsed < 0) issues.push(`quantity: expected a quantity of 0 or more, got ${describe(value)}`);
  else return parsed;
  return 0;
}

function boolean(raw: Raw, field: string, issues: string[]): boolean | null {
  const value = raw[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'TRUE' || value === 'True' || value === 1 || value === '1') return true;
  if (value === 'false' || value === 'FALSE' || value === 'False' || value === 0 || value === '0') return false;
  issues.push(`${field}: expected true or false, got ${describe(value)}`);
  return null;
}

function lenientNumber(value: unknown): number | null {
  return toNumber(value) ?? null;
}

function lenientText(value: unknown): string | null {
  if (typeof value === 'string') return repeated === undefined ? detached(value) : sharedCopy(value, repeated);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** The empty list every row without amounts or weight tiers shares. */
const NO_ENTRIES: readonly never[] = Object.freeze([]);

/**
 * The lists of the row checked last, by field. Variants of a product and packages of a variant, which Flowhub lists
 * one after the other, carry the same lab results: a row whose list is the same, entry for entry, as the last row's
 * takes that list, frozen, instead of a copy of its own (in a feed, with a table of repeated texts: about a third of a
 * parsed row's memory is these lists).
 */
const lastLists = new Map<string, readonly object[]>();

/** The list as kept: the last row's when the same in every field (frozen with its entries), else this one. */
function sharedList<T extends object>(field: string, kept: T[]): readonly T[] {
  if (kept.length === 0) return NO_ENTRIES;
  if (repeated === undefined) return kept;
  const last = lastLists.get(field) as readonly T[] | undefined;
  if (last !== undefined && sameEntries(kept, last)) {
    if (!Object.isFrozen(last)) {
      for (const entry of last) Object.freeze(entry);
      Object.freeze(last);
    }
    return last;
  }
  lastLists.set(field, kept);
  return kept;
}

function sameEntries<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>;
    const y = b[i] as Record<string, unknown>;
    for (const key in x) if (!Object.is(x[key], y[key])) return false;
  }
  return true;
}

/**
 * cannabinoidInformation[] / terpenes[]: missing or null is an empty list. Potency is secondary
 * to selling the product, so one odd entry never fails the row: an entry without a usable name is
 * dropped, and an unreadable number inside an entry becomes null.
 */
function amounts(raw: Raw, field: string, issues: string[]): readonly FlowhubAmount[] {
  const value = raw[field];
  if (value === undefined || value === null) return NO_ENTRIES;
  if (!Array.isArray(value)) {
    issues.push(`${field}: expected a list, got ${describe(value)}`);
    return NO_ENTRIES;
  }
  const kept: FlowhubAmount[] = [];
  for (const entry of value) {
    if (entry === null || typeof entry !== 'object') continue;
    const amount = entry as Raw;
    const name = lenientText(amount.name);
    if (name === null || name.trim() === '') continue;
    kept.push({
      name,
      lowerRange: lenientNumber(amount.lowerRange),
      upperRange: lenientNumber(amount.upperRange),
      unitOfMeasure: lenientText(amount.unitOfMeasure),
      unitOfMeasureToGramsMultiplier: lenientNumber(amount.unitOfMeasureToGramsMultiplier),
    });
  }
  return sharedList(field, kept);
}

/**
 * weightTierInformation[]: missing, null or not a list is no tiers (a price list is secondary to selling the item,
 * which still sells by its own unit), and so is an entry without a usable name or a gram amount above 0. An
 * unreadable price inside an entry becomes null.
 */
function weightTiers(raw: Raw): readonly FlowhubWeightTier[] {
  const value = raw.weightTierInformation;
  if (!Array.isArray(value) || value.length === 0) return NO_ENTRIES;
  const kept: FlowhubWeightTier[] = [];
  for (const entry of value) {
    if (entry === null || typeof entry !== 'object') continue;
    const tier = entry as Raw;
    const name = lenientText(tier.name);
    const gramAmount = lenientNumber(tier.gramAmount);
    if (name === null || name.trim() === '' || gramAmount === null || !(gramAmount > 0)) continue;
    kept.push({
      name,
      gramAmount,
      preTaxPriceInPennies: lenientNumber(tier.preTaxPriceInPennies),
      postTaxPriceInPennies: lenientNumber(tier.postTaxPriceInPennies),
    });
  }
  return sharedList('weightTierInformation', kept);
}

/**
 * What a row that failed validation still says about itself, read leniently: which product it is (its ids) and
 * where (room, purchase category), each null when absent or unreadable. A row Flowhub lists is evidence that its
 * product is still for sale even when the row cannot be read, so the sync needs its ids.
 */
export interface RowIdentity {
  variantId: string | null;
  productId: string | null;
  roomId: string | null;
  purchaseCategory: string | null;
}

export type InventoryRowCheck = { ok: true; row: FlowhubInventoryRow } | ({ ok: false; reason: string } & RowIdentity);

export interface CheckRowOptions {
  /** A table, one per feed, in which the texts rows repeat are kept once (a parsed feed's rows then share them). */
  repeatedTexts?: Map<string, string>;
  /**
   * The row was parsed by JSON.parse from its own text, which has no `\u` escape (freshlyParsed): its strings need no
   * copying (JSON.parse makes compact copies, and only an escape can make a lone surrogate).
   */
  freshTexts?: boolean;
}

/** Whether a row parsed from `text` by JSON.parse has only fresh, well-formed texts (CheckRowOptions.freshTexts). */
export const freshlyParsed = (text: string): boolean => !text.includes('\\u');

/** Validates one raw row; a bad row is described, never thrown. */
export function checkInventoryRow(raw: unknown, options: CheckRowOptions = {}): InventoryRowCheck {
  repeated = options.repeatedTexts;
  fresh = options.freshTexts === true;
  try {
    return checkRow(raw);
  } finally {
    repeated = undefined;
    fresh = false;
  }
}

function checkRow(raw: unknown): InventoryRowCheck {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, ...NO_IDENTITY, reason: `row is not an object (got ${describe(raw)})` };
  }
  const fields = raw as Raw;
  const issues: string[] = [];
  // One object literal in declaration order: every row gets the same hidden class.
  const row: FlowhubInventoryRow = {
    productId: requiredId(fields, 'productId', issues),
    variantId: requiredId(fields, 'variantId', issues),
    parentProductId: repeatedText(fields, 'parentProductId', issues),
    productName: requiredText(fields, 'productName', issues),
    parentProductName: repeatedText(fields, 'parentProductName', issues),
    variantName: repeatedText(fields, 'variantName', issues),
    sku: text(fields, 'sku', issues),
    brand: repeatedText(fields, 'brand', issues),
    category: repeatedText(fields, 'category', issues),
    customCategoryName: repeatedText(fields, 'customCategoryName', issues),
    type: repeatedText(fields, 'type', issues),
    strainName: repeatedText(fields, 'strainName', issues),
    speciesName: repeatedText(fields, 'speciesName', issues),
    purchaseCategory: repeatedText(fields, 'purchaseCategory', issues),
    quantity: quantity(fields, issues),
    preTaxPriceInPennies: price(fields, 'preTaxPriceInPennies', issues),
    postTaxPriceInPennies: price(fields, 'postTaxPriceInPennies', issues),
    productWeight: number(fields, 'productWeight', issues),
    productUnitOfMeasure: repeatedText(fields, 'productUnitOfMeasure', issues),
    isSoldByWeight: boolean(fields, 'isSoldByWeight', issues),
    inventoryUnitOfMeasure: repeatedText(fields, 'inventoryUnitOfMeasure', issues),
    weightTierInformation: weightTiers(fields),
    productPictureURL: repeatedText(fields, 'productPictureURL', issues),
    productDescription: repeatedText(fields, 'productDescription', issues),
    roomId: repeatedText(fields, 'roomId', issues),
    roomName: repeatedText(fields, 'roomName', issues),
    productUpdatedAt: text(fields, 'productUpdatedAt', issues),
    regulatoryId: text(fields, 'regulatoryId', issues),
    manifestId: text(fields, 'manifestId', issues),
    invoiceNumber: text(fields, 'invoiceNumber', issues),
    expirationDate: text(fields, 'expirationDate', issues),
    supplierName: repeatedText(fields, 'supplierName', issues),
    cannabinoidInformation: amounts(fields, 'cannabinoidInformation', issues),
    terpenes: amounts(fields, 'terpenes', issues),
  };
  if (issues.length === 0) return { ok: true, row };
  return { ok: false, ...identityOf(fields), reason: issues.join('; ') };
}

const NO_IDENTITY: RowIdentity = { variantId: null, productId: null, roomId: null, purchaseCategory: null };

/** An id as a valid row would read it (text, or a finite number as text); null when absent, empty or of the wrong kind. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : detached(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A product's id as a valid row would read it (requiredId): trimmed; null when it could not be one. */
function productIdOf(value: unknown): string | null {
  if ((typeof value === 'string' || typeof value === 'number') && idProblem(value) !== undefined) return null;
  return idOf(value)?.trim() ?? null;
}

function identityOf(raw: Raw): RowIdentity {
  return {
    variantId: productIdOf(raw.variantId),
    productId: productIdOf(raw.productId),
    roomId: idOf(raw.roomId),
    purchaseCategory: idOf(raw.purchaseCategory),
  };
}

const IDENTITY_FIELDS = new Set<string>(['variantId', 'productId', 'roomId', 'purchaseCategory']);

/** The end of the JSON string starting at `start` (its opening quote): the index after its closing quote, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

function jsonString(token: string): string | null {
  try {
    return JSON.parse(token) as string;
  } catch {
    return null;
  }
}

/**
 * The identity of a row that is not valid JSON (a `tru`, a missing colon, a bad escape somewhere): its ids read
 * from the row's top level only, by following strings and brackets, which the row splitter already found intact
 * (row-splitter.ts). A value nested deeper, or a key written inside a string, is never taken for the row's own.
 * A value that is not a plain string or number (or a string with a bad escape) stays unknown (null).
 */
export function rowIdentityFromText(text: string): RowIdentity {
  const found: Record<string, unknown> = {};
  let start = 0;
  while (start < text.length && /\s/.test(text[start])) start++;
  if (text[start] !== '{') return { ...NO_IDENTITY };
  // At the top level: a key is expected after `{` and `,`, a value after `:`; anything else is skipped.
  let expecting: 'key' | 'colon' | 'value' | 'nothing' = 'key';
  let key: string | null = null;
  let depth = 1;
  let i = start + 1;
  while (i < text.length && depth > 0) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) break;
      if (depth === 1 && expecting === 'key') {
        key = jsonString(text.slice(i, end));
        expecting = 'colon';
      } else if (depth === 1 && expecting === 'value') {
        if (key !== null && IDENTITY_FIELDS.has(key)) found[key] = jsonString(text.slice(i, end));
        expecting = 'nothing';
      }
      i = end;
      continue;
    }
    if (c === '{' || c === '[') {
      if (depth === 1) expecting = 'nothing';
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (depth === 1) {
      if (c === ':' && expecting === 'colon') {
        expecting = 'value';
      } else if (c === ',') {
        expecting = 'key';
        key = null;
      } else if (expecting === 'value' && /[-0-9]/.test(c)) {
        let end = i;
        while (end < text.length && /[-+.0-9eE]/.test(text[end])) end++;
        // As JSON.parse would read the number, then as text (what a valid row makes of a numeric id).
        const value = Number(text.slice(i, end));
        if (key !== null && IDENTITY_FIELDS.has(key)) found[key] = Number.isFinite(value) ? value : null;
        expecting = 'nothing';
        i = end;
        continue;
      } else if (!/\s/.test(c) && expecting !== 'nothing') {
        // true, null, garbage: not a value that names anything; a key that is not a string spoils the pair.
        expecting = 'nothing';
      }
    }
    i++;
  }
  return identityOf(found);
}

/** The same validation as a zod schema (its output type is FlowhubInventoryRow), for composing. */
export const FlowhubInventoryRowSchema: z.ZodType<FlowhubInventoryRow, unknown> = z.unknown().transform((raw, ctx) => {
  const check = checkInventoryRow(raw);
  if (check.ok) return check.row;
  ctx.issues.push({ code: 'custom', message: check.reason, input: raw });
  return z.NEVER;
});
