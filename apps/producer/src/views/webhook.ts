import { z } from 'zod';
import { MENU_SYNCED, OrderStatus, WEBHOOK_EVENTS, type WebhookEvent } from '@flowhub-sync/db';
import { syncRunViewSchema } from './sync-run';

/**
 * What the product POSTs to a store's statusWebhookUrl (api-contract.md, "Orders"): the body that
 * packages/db/src/webhooks.ts (recordWebhookDelivery) records, shown in the OpenAPI document's `webhooks`.
 * Every event must say what it means here: a new one in WEBHOOK_EVENTS does not compile without its line.
 */
export const WEBHOOK_EVENT_NOTES: Record<WebhookEvent, string> = {
  status_changed: "the order's status changed (Flowhub reported it)",
  push_failed: 'the push to Flowhub failed for good; resolve it with POST …/push',
  needs_reconciliation: 'the create may or may not have reached Flowhub; resolve it with POST …/push',
  fulfilled_changed: "`fulfilled` changed (a Maui store's push succeeded)",
  conflict: 'Flowhub reports a sale of an order cancelled here: check the sale in Flowhub',
  cancel_required_in_flowhub:
    'the order was cancelled here but is (or may be) in Flowhub, since its push had been claimed or sent: cancel it in Flowhub too ' +
    "(Flowhub's API offers no cancel); the order's history (flowhub_cancel_required) names the Flowhub order when known",
  duplicate_in_flowhub:
    'Flowhub holds a second order for this one (a late answer to a push already resolved): it is listed in push.duplicateFlowhubOrderIds; ' +
    'cancel it in Flowhub',
  push_skipped:
    "the confirmed order's push did not run: its store was disabled or stopped syncing orders first (the reason in push.error); it is " +
    'queued again when the store syncs orders again, and may be completed or cancelled meanwhile',
  follow_stopped:
    "the order's Flowhub status is no longer followed (e.g. Flowhub answered 404 five times in a row): the reason in `reason`",
};

export const statusWebhookSchema = z.object({
  id: z.string().describe('the delivery id, also in the X-Flowhub-Sync-Delivery header: the same id is never a new notification'),
  storeId: z.string(),
  externalId: z.string(),
  event: z.enum(WEBHOOK_EVENTS).describe(
    Object.entries(WEBHOOK_EVENT_NOTES)
      .map(([event, note]) => `${event}: ${note}`)
      .join('. '),
  ),
  status: z.enum(OrderStatus).describe("the order's status when the notification was recorded"),
  flowhubStatus: z.string().nullable(),
  sequence: z.number().int().min(1).describe('grows per order: order deliveries by it and drop stale ones'),
  at: z.iso.datetime(),
  reason: z.string().optional().describe('why, for the events that carry one (follow_stopped)'),
});

/**
 * What the product POSTs to a store's statusWebhookUrl after each finished inventory sync run (api-contract.md,
 * "Inventory"): packages/db/src/menu-webhook.ts records it. Signed and delivered as the order notifications are.
 */
export const menuSyncedWebhookSchema = z.object({
  id: z.string().describe('the delivery id, also in the X-Flowhub-Sync-Delivery header'),
  storeId: z.string(),
  event: z.literal(MENU_SYNCED),
  runId: z.string().describe('the sync run (GET …/syncs)'),
  counts: syncRunViewSchema.shape.counts,
  cursor: z
    .string()
    .describe(
      "the change feed's position after the store's latest change when the run ended: a platform reading GET …/products/changes " +
        "from its own cursor has seen this run's changes once its cursor reaches this one",
    ),
  at: z.iso.datetime(),
});
