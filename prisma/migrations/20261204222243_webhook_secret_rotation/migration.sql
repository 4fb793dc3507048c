-- Webhook secret rotation: the secret a change replaced is kept (sealed like the current one) with the
-- time of the change, and deliveries are signed with both for 24 hours after it.
ALTER TABLE "stores" ADD COLUMN "status_webhook_previous_secret_encrypted" TEXT,
ADD COLUMN "status_webhook_secret_changed_at" TIMESTAMPTZ(3);

-- A previous secret always carries the time it was replaced.
ALTER TABLE "stores" ADD CONSTRAINT "stores_previous_webhook_secret_has_change_time" CHECK ("status_webhook_previous_secret_encrypted" IS NULL OR "status_webhook_secret_changed_at" IS NOT NULL);
