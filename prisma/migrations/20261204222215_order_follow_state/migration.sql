-- Following each order's Flowhub status on its own (the status poll): when it was last read, the last
-- read's error, consecutive failures and 404s, and why following stopped. Orders are read least
-- recently checked first, never-read ones first.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "follow_checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "follow_error" TEXT,
ADD COLUMN     "follow_error_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "follow_not_found_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "follow_stopped_reason" TEXT;

-- CreateIndex
-- Only the followed orders (the lasting part of followedOrdersWhere), in the order the poll reads them.
CREATE INDEX "orders_follow_due_idx" ON "orders"("store_id", "follow_checked_at" ASC NULLS FIRST) WHERE (push_state = 'pushed' AND flowhub_order_id IS NOT NULL AND follow_stopped_reason IS NULL AND status <> 'expired' AND (flowhub_status IS NULL OR flowhub_status NOT IN ('delivered', 'sold', 'unableToComplete', 'unableToVerify', 'deleted')));

-- CHECK constraints (see the first migration)
ALTER TABLE "orders" ADD CONSTRAINT "orders_follow_counts_non_negative" CHECK ("follow_error_count" >= 0 AND "follow_not_found_count" >= 0);
