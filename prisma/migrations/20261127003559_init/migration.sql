-- CreateEnum
CREATE TYPE "purchase_category_filter" AS ENUM ('all', 'med', 'rec');

-- CreateEnum
CREATE TYPE "order_status" AS ENUM ('pending', 'confirmed', 'preparing', 'ready', 'out_for_delivery', 'completed', 'cancelled', 'expired');

-- CreateEnum
CREATE TYPE "order_type" AS ENUM ('pickup', 'delivery', 'kiosk');

-- CreateEnum
CREATE TYPE "push_state" AS ENUM ('not_pushed', 'queued', 'pushing', 'pushed', 'failed', 'needs_reconciliation');

-- CreateEnum
CREATE TYPE "hold_state" AS ENUM ('held', 'released', 'consumed');

-- CreateEnum
CREATE TYPE "sync_trigger" AS ENUM ('scheduled', 'manual', 'initial');

-- CreateEnum
CREATE TYPE "sync_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'suspicious');

-- CreateEnum
CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "stores" (
    "id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "maui" BOOLEAN NOT NULL DEFAULT false,
    "client_id" TEXT,
    "api_key_encrypted" TEXT,
    "location_id" TEXT,
    "order_ahead_client_id" TEXT,
    "order_ahead_token_encrypted" TEXT,
    "room_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "purchase_category" "purchase_category_filter" NOT NULL DEFAULT 'all',
    "sync_orders" BOOLEAN NOT NULL DEFAULT false,
    "map_custom_category_to_sub_category" BOOLEAN NOT NULL DEFAULT false,
    "prices_include_tax" BOOLEAN NOT NULL DEFAULT false,
    "quantity_threshold" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "pending_hold_minutes" INTEGER NOT NULL DEFAULT 60,
    "owned_fields" TEXT[] DEFAULT ARRAY['name', 'description', 'brand', 'category', 'strainType', 'cannabinoids', 'terpenes', 'price', 'image', 'weight']::TEXT[],
    "status_webhook_url" TEXT,
    "status_webhook_secret_encrypted" TEXT,
    "category_use_defaults" BOOLEAN NOT NULL DEFAULT true,
    "last_status_poll_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stores_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "category_mappings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "store_id" TEXT NOT NULL,
    "flowhub_value" TEXT NOT NULL,
    "flowhub_key" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "category_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "products" (
    "store_id" TEXT NOT NULL,
    "variant_id" TEXT NOT NULL,
    "product_id" TEXT,
    "sku" TEXT,
    "name" TEXT NOT NULL,
    "brand" TEXT,
    "description" TEXT,
    "category" TEXT,
    "subtype" TEXT,
    "strain_type" TEXT,
    "strain_name" TEXT,
    "terpenes" JSONB NOT NULL DEFAULT '[]',
    "cannabinoids" JSONB NOT NULL DEFAULT '[]',
    "price_cents" INTEGER,
    "image_url" TEXT,
    "weight" JSONB,
    "purchase_category" TEXT,
    "pos_quantity" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "held_quantity" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "edited_fields" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "content_hash" TEXT NOT NULL,
    "last_synced_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("store_id","variant_id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "store_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "status" "order_status" NOT NULL DEFAULT 'pending',
    "type" "order_type" NOT NULL,
    "placed_at" TIMESTAMPTZ(3),
    "customer" JSONB NOT NULL,
    "delivery_notes" TEXT,
    "delivery_fee_cents" INTEGER,
    "address" JSONB,
    "requested_window" JSONB,
    "content_hash" TEXT NOT NULL,
    "fulfilled" BOOLEAN NOT NULL DEFAULT false,
    "hold_inventory" BOOLEAN NOT NULL DEFAULT false,
    "push_state" "push_state" NOT NULL DEFAULT 'not_pushed',
    "push_attempts" INTEGER NOT NULL DEFAULT 0,
    "push_error" TEXT,
    "push_started_at" TIMESTAMPTZ(3),
    "pushed_at" TIMESTAMPTZ(3),
    "flowhub_order_id" TEXT,
    "flowhub_status" TEXT,
    "postback_token" TEXT,
    "confirmed_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "webhook_sequence" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_items" (
    "order_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "variant_id" TEXT NOT NULL,
    "quantity" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "order_items_pkey" PRIMARY KEY ("order_id","line")
);

-- CreateTable
CREATE TABLE "inventory_holds" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "order_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "store_id" TEXT NOT NULL,
    "variant_id" TEXT NOT NULL,
    "quantity" DOUBLE PRECISION NOT NULL,
    "state" "hold_state" NOT NULL DEFAULT 'held',
    "consumed_at" TIMESTAMPTZ(3),
    "released_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "order_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event" TEXT NOT NULL,
    "from_status" "order_status",
    "to_status" "order_status",
    "cause" TEXT,
    "details" JSONB,

    CONSTRAINT "order_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "store_id" TEXT NOT NULL,
    "trigger" "sync_trigger" NOT NULL,
    "status" "sync_status" NOT NULL DEFAULT 'queued',
    "job_id" TEXT,
    "accept_shrink" BOOLEAN NOT NULL DEFAULT false,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "fetched" INTEGER NOT NULL DEFAULT 0,
    "kept" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "deactivated" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "uncategorized" INTEGER NOT NULL DEFAULT 0,
    "unknown_terpenes" INTEGER NOT NULL DEFAULT 0,
    "unknown_strain_types" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "problems" JSONB NOT NULL DEFAULT '[]',
    "problems_truncated" BOOLEAN NOT NULL DEFAULT false,
    "feed_fingerprint" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "store_id" TEXT NOT NULL,
    "order_id" UUID,
    "event" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "response_status" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "category_mappings_store_id_flowhub_key_key" ON "category_mappings"("store_id", "flowhub_key");

-- CreateIndex
CREATE INDEX "products_store_id_active_category_idx" ON "products"("store_id", "active", "category");

-- CreateIndex
CREATE UNIQUE INDEX "orders_postback_token_key" ON "orders"("postback_token");

-- CreateIndex
CREATE INDEX "orders_push_state_status_idx" ON "orders"("push_state", "status");

-- CreateIndex
CREATE INDEX "orders_store_id_push_state_status_idx" ON "orders"("store_id", "push_state", "status");

-- CreateIndex
CREATE INDEX "orders_status_created_at_idx" ON "orders"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "orders_store_id_external_id_key" ON "orders"("store_id", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_store_id_flowhub_order_id_key" ON "orders"("store_id", "flowhub_order_id");

-- CreateIndex
CREATE INDEX "inventory_holds_store_id_variant_id_state_idx" ON "inventory_holds"("store_id", "variant_id", "state");

-- CreateIndex
CREATE INDEX "inventory_holds_store_id_state_consumed_at_idx" ON "inventory_holds"("store_id", "state", "consumed_at");

-- CreateIndex
CREATE UNIQUE INDEX "inventory_holds_order_id_line_key" ON "inventory_holds"("order_id", "line");

-- CreateIndex
CREATE INDEX "order_events_order_id_at_idx" ON "order_events"("order_id", "at");

-- CreateIndex
CREATE INDEX "sync_runs_store_id_created_at_idx" ON "sync_runs"("store_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "sync_runs_store_id_status_finished_at_idx" ON "sync_runs"("store_id", "status", "finished_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_created_at_idx" ON "webhook_deliveries"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_order_id_sequence_key" ON "webhook_deliveries"("order_id", "sequence");

-- AddForeignKey
ALTER TABLE "category_mappings" ADD CONSTRAINT "category_mappings_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_holds" ADD CONSTRAINT "inventory_holds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_holds" ADD CONSTRAINT "inventory_holds_store_id_variant_id_fkey" FOREIGN KEY ("store_id", "variant_id") REFERENCES "products"("store_id", "variant_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CHECK constraints. schema.prisma cannot express them, so they live only here (and in any later
-- migration that adds more). The schema engine's diff ignores CHECK constraints, so they never show
-- up as drift. Keep them in migration SQL when authoring new migrations.
-- (No semicolons in comments: driver-adapter runners split scripts on them.)

-- The platform's id formats (api-contract.md).
ALTER TABLE "stores" ADD CONSTRAINT "stores_id_format" CHECK ("id" ~ '^[A-Za-z0-9._-]{1,64}$');
ALTER TABLE "orders" ADD CONSTRAINT "orders_external_id_format" CHECK ("external_id" ~ '^[A-Za-z0-9._-]{1,64}$');

-- Settings.
ALTER TABLE "stores" ADD CONSTRAINT "stores_quantity_threshold_non_negative" CHECK ("quantity_threshold" >= 0);
ALTER TABLE "stores" ADD CONSTRAINT "stores_pending_hold_minutes_positive" CHECK ("pending_hold_minutes" > 0);
ALTER TABLE "stores" ADD CONSTRAINT "stores_room_ids_not_null" CHECK ("room_ids" IS NOT NULL);
ALTER TABLE "stores" ADD CONSTRAINT "stores_owned_fields_known" CHECK (
  "owned_fields" IS NOT NULL
  AND "owned_fields" <@ ARRAY['name', 'description', 'brand', 'category', 'strainType', 'cannabinoids', 'terpenes', 'price', 'image', 'weight']::TEXT[]
);

-- Products: quantities are never negative. held_quantity is the sum of positive holds.
ALTER TABLE "products" ADD CONSTRAINT "products_pos_quantity_non_negative" CHECK ("pos_quantity" >= 0);
ALTER TABLE "products" ADD CONSTRAINT "products_held_quantity_non_negative" CHECK ("held_quantity" >= 0);
ALTER TABLE "products" ADD CONSTRAINT "products_price_cents_non_negative" CHECK ("price_cents" >= 0);
ALTER TABLE "products" ADD CONSTRAINT "products_edited_fields_not_null" CHECK ("edited_fields" IS NOT NULL);
ALTER TABLE "products" ADD CONSTRAINT "products_terpenes_array" CHECK (jsonb_typeof("terpenes") = 'array');
ALTER TABLE "products" ADD CONSTRAINT "products_cannabinoids_array" CHECK (jsonb_typeof("cannabinoids") = 'array');

-- Orders.
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_object" CHECK (jsonb_typeof("customer") = 'object');
ALTER TABLE "orders" ADD CONSTRAINT "orders_delivery_fee_cents_non_negative" CHECK ("delivery_fee_cents" >= 0);
ALTER TABLE "orders" ADD CONSTRAINT "orders_push_attempts_non_negative" CHECK ("push_attempts" >= 0);
ALTER TABLE "orders" ADD CONSTRAINT "orders_webhook_sequence_non_negative" CHECK ("webhook_sequence" >= 0);
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_line_non_negative" CHECK ("line" >= 0);

-- Holds: a positive quantity, and a consumed or released hold says when (the sync's release query
-- and the retention job read these timestamps).
ALTER TABLE "inventory_holds" ADD CONSTRAINT "inventory_holds_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "inventory_holds" ADD CONSTRAINT "inventory_holds_line_non_negative" CHECK ("line" >= 0);
ALTER TABLE "inventory_holds" ADD CONSTRAINT "inventory_holds_consumed_at_set" CHECK ("state" <> 'consumed' OR "consumed_at" IS NOT NULL);
ALTER TABLE "inventory_holds" ADD CONSTRAINT "inventory_holds_released_at_set" CHECK ("state" <> 'released' OR "released_at" IS NOT NULL);

-- Sync runs: counts are never negative, and problems is an array of at most 100 entries.
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_counts_non_negative" CHECK (
  "fetched" >= 0 AND "kept" >= 0 AND "created" >= 0 AND "updated" >= 0 AND "unchanged" >= 0
  AND "deactivated" >= 0 AND "invalid" >= 0 AND "uncategorized" >= 0
  AND "unknown_terpenes" >= 0 AND "unknown_strain_types" >= 0
);
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_problems_at_most_100" CHECK (
  jsonb_typeof("problems") = 'array'
  AND jsonb_array_length(CASE WHEN jsonb_typeof("problems") = 'array' THEN "problems" ELSE '[]'::jsonb END) <= 100
);

-- Webhook deliveries.
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_sequence_positive" CHECK ("sequence" > 0);
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_attempts_non_negative" CHECK ("attempts" >= 0);
