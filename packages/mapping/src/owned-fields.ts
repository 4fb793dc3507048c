import { type MappedProduct, type ProductField, MAPPED_PRODUCT_FIELDS } from './product-mapper';

/** The fields a store can let the sync own (its POS Settings). */
export const OWNED_FIELDS = [
  'name',
  'description',
  'brand',
  'category',
  'strainType',
  'cannabinoids',
  'terpenes',
  'price',
  'image',
  'weight',
] as const;
export type OwnedField = (typeof OWNED_FIELDS)[number];

/** Which product fields each owned field covers (api-contract.md, PATCH). */
export const OWNED_FIELD_PRODUCT_FIELDS: Readonly<Record<OwnedField, readonly ProductField[]>> = {
  name: ['name'],
  description: ['description'],
  brand: ['brand'],
  category: ['category', 'subtype'],
  strainType: ['strainType', 'strainName'],
  cannabinoids: ['cannabinoids'],
  terpenes: ['terpenes'],
  price: ['priceCents'],
  image: ['imageUrl'],
  weight: ['weight'],
};

/** The product fields a store may edit itself (PATCH), unless the sync owns them. */
export const EDITABLE_PRODUCT_FIELDS = [
  'name',
  'description',
  'brand',
  'category',
  'subtype',
  'strainType',
  'strainName',
  'imageUrl',
  'priceCents',
  'weight',
] as const;
export type EditableProductField = (typeof EDITABLE_PRODUCT_FIELDS)[number];

const OWNER_OF_PRODUCT_FIELD = new Map<string, OwnedField>();
for (const owned of OWNED_FIELDS) {
  for (const productField of OWNED_FIELD_PRODUCT_FIELDS[owned]) OWNER_OF_PRODUCT_FIELD.set(productField, owned);
}
const OWNED_FIELD_SET: ReadonlySet<string> = new Set(OWNED_FIELDS);
const EDITABLE_FIELD_SET: ReadonlySet<string> = new Set(EDITABLE_PRODUCT_FIELDS);

/** The owned field that covers a product field ('subtype' → 'category'); null for fields no owned field covers. */
export function ownedFieldCovering(productField: string): OwnedField | null {
  if (typeof productField !== 'string') return null;
  return OWNER_OF_PRODUCT_FIELD.get(productField) ?? null;
}

/**
 * The fields of a store's product edit that its sync owns (`ownedFields`, the store's setting), each with the owned
 * field covering it: the next sync would overwrite them, so such an edit is refused.
 */
export function ownedFieldsEdited(fields: readonly string[], ownedFields: readonly string[]): Array<{ field: string; owner: OwnedField }> {
  if (!Array.isArray(fields) || !Array.isArray(ownedFields)) return [];
  return fields
    .map((field) => ({ field, owner: ownedFieldCovering(field) }))
    .filter((edit): edit is { field: string; owner: OwnedField } => edit.owner !== null && ownedFields.includes(edit.owner));
}

export function isOwnedField(value: unknown): value is OwnedField {
  return typeof value === 'string' && OWNED_FIELD_SET.has(value);
}

export function isEditableProductField(value: unknown): value is EditableProductField {
  return typeof value === 'string' && EDITABLE_FIELD_SET.has(value);
}

/** Product fields the sync owns for a store. `undefined`/`null` owned fields mean the default: all ten. */
export function productFieldsOwned(ownedFields?: Iterable<string> | null): Set<ProductField> {
  const owned = new Set<ProductField>();
  const list = ownedFields === undefined || ownedFields === null ? OWNED_FIELDS : toArray(ownedFields);
  for (const field of list) {
    if (isOwnedField(field)) for (const productField of OWNED_FIELD_PRODUCT_FIELDS[field]) owned.add(productField);
  }
  return owned;
}

function toArray(values: unknown): unknown[] {
  if (typeof values === 'string') return [values];
  if (values !== null && typeof values === 'object' && Symbol.iterator in values) {
    try {
      return Array.from(values as Iterable<unknown>);
    } catch {
      return [];
    }
  }
  return [];
}

/** Structural equality of product field values (numbers, strings, null, arrays and plain objects of them). */
export function sameFieldValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((value, index) => sameFieldValue(value, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    // A key that is missing on one side and null on the other is the same absent value.
    if (!sameFieldValue(left[key] ?? null, right[key] ?? null)) return false;
  }
  return true;
}

export interface SyncWriteInput {
  /** The product fields just mapped from Flowhub. */
  mapped: MappedProduct;
  /** The product as stored, or null/undefined when the sync creates it. */
  stored?: Partial<MappedProduct> | null;
  /** The store's owned fields (OWNED_FIELDS names); undefined/null = the default, all ten. */
  ownedFields?: Iterable<string> | null;
  /** Product fields the store edited itself (PATCH). */
  editedFields?: Iterable<string> | null;
}

export interface SyncWrite {
  /** The fields to write, only those whose value changes; {} when nothing does. On create, every field. */
  fields: Partial<MappedProduct>;
  /**
   * Store edits that the sync overwrites because it owns the field now (the store edited it while the sync did not
   * own it). The worker should forget these edits: from now on the field follows Flowhub.
   */
  overriddenEdits: EditableProductField[];
}

/**
 * What a sync writes for one product (mapping-rules.md "Which fields sync"). On create, every mapped field.
 * Afterwards: fields covered by an owned field are overwritten with Flowhub's value (an earlier store edit
 * included: owned wins); store-editable and catalogue fields the sync does not own (cannabinoids, terpenes) keep
 * their stored value; quantity and the row's identity and filter data (productId, sku, purchaseCategory) always sync.
 */
export function fieldsToWriteOnSync(input: SyncWriteInput): SyncWrite {
  const given = input !== null && typeof input === 'object' ? input : ({} as Partial<SyncWriteInput>);
  const mapped = (given.mapped !== null && typeof given.mapped === 'object' ? given.mapped : {}) as MappedProduct;
  const stored = given.stored;
  if (stored === null || stored === undefined || typeof stored !== 'object') {
    const fields: Partial<MappedProduct> = {};
    for (const field of MAPPED_PRODUCT_FIELDS) {
      if (field in mapped) (fields as Record<string, unknown>)[field] = mapped[field];
    }
    return { fields, overriddenEdits: [] };
  }

  const owned = productFieldsOwned(given.ownedFields);
  const edited = new Set(toArray(given.editedFields));
  const fields: Partial<MappedProduct> = {};
  for (const field of MAPPED_PRODUCT_FIELDS) {
    if (!(field in mapped)) continue;
    const syncs = owned.has(field) || ownedFieldCovering(field) === null;
    if (syncs && !sameFieldValue(mapped[field], stored[field])) (fields as Record<string, unknown>)[field] = mapped[field];
  }
  const overriddenEdits = EDITABLE_PRODUCT_FIELDS.filter((field) => edited.has(field) && owned.has(field));
  return { fields, overriddenEdits };
}
