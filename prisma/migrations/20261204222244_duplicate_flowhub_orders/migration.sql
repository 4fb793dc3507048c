-- Flowhub orders created for an order besides the one recorded (a late answer to an attempt that was
-- already resolved otherwise): kept on the order, so that staff can cancel each in Flowhub.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "duplicate_flowhub_order_ids" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CHECK constraints (see the first migration)
ALTER TABLE "orders" ADD CONSTRAINT "orders_duplicate_flowhub_order_ids_not_null" CHECK ("duplicate_flowhub_order_ids" IS NOT NULL);
