-- AlterTable
ALTER TABLE "products" ADD COLUMN     "change" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint;

-- CreateIndex
CREATE INDEX "products_store_id_change_variant_id_idx" ON "products"("store_id", "change", "variant_id");
