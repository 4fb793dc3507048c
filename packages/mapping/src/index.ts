// @flowhub-sync/mapping: the Flowhub → AIQ Ecommerce mapping rules (mapping-rules.md) as data and pure functions.
export { STRAIN_TYPES, type StrainType, normalizeStrainType } from './strain-type';
export { TERPENES, type TerpeneName, normalizeTerpeneName } from './terpene';
export { normalizeMappingKey } from './mapping-key';
export {
  AIQ_CATEGORIES,
  type AiqCategory,
  DEFAULT_CATEGORY_VALUES,
  type CategoryMappingRow,
  type CategoryMappings,
  type CategorySourceFields,
  type CategorySource,
  type ResolvedCategory,
  type CategoryLookup,
  isAiqCategory,
  compileCategoryMappings,
  resolveCategory,
  resolveCategoryWith,
  resolveSubtype,
} from './category';
export { isValidRoomId, normalizeRoomId, countRoomRows, type RoomRows } from './room';
export { feedIdentity, type FeedSettings, sameFeed } from './feed-settings';
export { type CategorySettingsProblem, categoryMappingProblems } from './category-settings';
export { type PurchaseCategory, type PurchaseCategoryFilter, normalizePurchaseCategory, passesPurchaseCategory } from './purchase-category';
export type { FlowhubAmount, FlowhubInventoryItem, FlowhubWeightTier } from './inventory-item';
export {
  type MappedProduct,
  type MappedTerpene,
  type MappedCannabinoid,
  type ProductWeight,
  type MappedWeightTier,
  type ProductField,
  type MappingProblems,
  type MappedInventoryItem,
  type ProductMappingSettings,
  MAPPED_PRODUCT_FIELDS,
  mapInventoryItem,
  createInventoryMapper,
} from './product-mapper';
export {
  OWNED_FIELDS,
  type OwnedField,
  OWNED_FIELD_PRODUCT_FIELDS,
  EDITABLE_PRODUCT_FIELDS,
  type EditableProductField,
  type SyncWriteInput,
  type SyncWrite,
  ownedFieldCovering,
  ownedFieldsEdited,
  isOwnedField,
  isEditableProductField,
  productFieldsOwned,
  sameFieldValue,
  fieldsToWriteOnSync,
} from './owned-fields';
export { productFingerprint } from './product-fingerprint';
export { describeMappingMisses, type MappingMissReasons } from './mapping-misses';
export {
  type FeedFilter,
  type FeedPackageFields,
  type FeedProblem,
  type FeedRow,
  type FeedRowProblem,
  type FeedSelection,
  type SelectFeedOptions,
  type UnreadableRows,
  packageKeyOf,
  selectFeedRows,
} from './feed';
