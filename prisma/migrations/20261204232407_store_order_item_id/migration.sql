-- Which id of an item's synced product an Order Ahead create sends as orderItems[].productId: the inventory
-- productId (the default) or the variantId. A store setting, because Flowhub's published schema leaves it open.
CREATE TYPE "order_item_id" AS ENUM ('productId', 'variantId');

ALTER TABLE "stores" ADD COLUMN "order_item_id" "order_item_id" NOT NULL DEFAULT 'productId';
