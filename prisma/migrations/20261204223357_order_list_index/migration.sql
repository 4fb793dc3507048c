-- The order list (GET /v1/stores/{storeId}/orders): a store's orders newest first, paged by (created_at, id).

-- CreateIndex
CREATE INDEX "orders_store_id_created_at_id_idx" ON "orders"("store_id", "created_at", "id");
