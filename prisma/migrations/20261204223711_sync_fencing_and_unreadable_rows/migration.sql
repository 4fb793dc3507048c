-- Inventory sync fencing: the token of the last sync that wrote the store's menu. A sync's writes first move it
-- up to the sync's own token, and a sync holding a smaller one writes nothing (apps/inventory-worker/src/sync/fence.ts).
ALTER TABLE "stores" ADD COLUMN "sync_fence" BIGINT NOT NULL DEFAULT 0;

-- Rows Flowhub listed that could not be read but name their product (counted as present by the shrink guard).
ALTER TABLE "sync_runs" ADD COLUMN "unreadable" INTEGER NOT NULL DEFAULT 0;

-- The counts CHECK now covers the new count too.
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_counts_non_negative";
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_counts_non_negative" CHECK (
  "fetched" >= 0 AND "kept" >= 0 AND "created" >= 0 AND "updated" >= 0 AND "unchanged" >= 0
  AND "deactivated" >= 0 AND "invalid" >= 0 AND "uncategorized" >= 0
  AND "unknown_terpenes" >= 0 AND "unknown_strain_types" >= 0 AND "unreadable" >= 0
);
