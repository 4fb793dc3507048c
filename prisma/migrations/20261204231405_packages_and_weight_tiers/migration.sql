-- Items sold by weight: whether the item is, the unit of its quantity, and its weight tiers ({name, grams, priceCents}).
ALTER TABLE "products" ADD COLUMN "sold_by_weight" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "quantity_unit" TEXT,
ADD COLUMN "weight_tiers" JSONB NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE "products" ADD CONSTRAINT "products_weight_tiers_array" CHECK (jsonb_typeof("weight_tiers") = 'array');

-- An order line may name a weight tier: it then holds quantity x tier_grams (grams of one unit of the tier).
ALTER TABLE "order_items" ADD COLUMN "weight_tier" TEXT,
ADD COLUMN "tier_grams" DOUBLE PRECISION;
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_tier_grams_positive" CHECK (
  ("weight_tier" IS NULL AND "tier_grams" IS NULL) OR ("weight_tier" IS NOT NULL AND "tier_grams" IS NOT NULL AND "tier_grams" > 0)
);

-- A variant's packages added up, and rows that repeated a (room, package) of their variant.
ALTER TABLE "sync_runs" ADD COLUMN "packages_merged" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "repeated_rows" INTEGER NOT NULL DEFAULT 0;

-- The counts CHECK now covers the new counts too.
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_counts_non_negative";
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_counts_non_negative" CHECK (
  "fetched" >= 0 AND "kept" >= 0 AND "created" >= 0 AND "updated" >= 0 AND "unchanged" >= 0
  AND "deactivated" >= 0 AND "invalid" >= 0 AND "uncategorized" >= 0
  AND "unknown_terpenes" >= 0 AND "unknown_strain_types" >= 0 AND "unreadable" >= 0
  AND "packages_merged" >= 0 AND "repeated_rows" >= 0
);
