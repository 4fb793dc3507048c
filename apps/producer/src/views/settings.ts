import { z } from 'zod';
import { OrderItemId, PurchaseCategoryFilter } from '@flowhub-sync/db';
import { syncRunViewSchema } from './sync-run';

const masked = z.string().nullable().describe('masked ("••••abcd"); send it back as shown to keep the stored value');
const instant = z.iso.datetime();

/** A store's settings as PUT and GET …/flowhub answer them (api-contract.md "Integration settings"): secrets masked, never in clear. */
export const settingsViewSchema = z.object({
  storeId: z.string(),
  enabled: z.boolean(),
  maui: z.boolean(),
  clientId: z.string().nullable(),
  apiKey: masked,
  locationId: z.string().nullable(),
  orderAheadClientId: z.string().nullable(),
  orderAheadToken: masked,
  roomIds: z.array(z.string()).describe('32-character room ids; empty = every For-Sale room'),
  purchaseCategory: z.enum(PurchaseCategoryFilter),
  syncOrders: z.boolean(),
  orderItemId: z
    .enum(OrderItemId)
    .describe("the id each item's orderItems[].productId carries in an Order Ahead create: productId or variantId"),
  mapCustomCategoryToSubCategory: z.boolean(),
  pricesIncludeTax: z.boolean(),
  quantityThreshold: z.number().min(0),
  pendingHoldMinutes: z.number().int().min(1),
  ownedFields: z.array(z.string()).describe('product fields the sync owns (overwrites at every sync)'),
  statusWebhookUrl: z.string().nullable(),
  statusWebhookSecret: masked,
  statusWebhookPreviousSecretUntil: instant
    .nullable()
    .describe(
      'set for 24 hours after statusWebhookSecret changed: until then each delivery also carries a v1 signature made with the previous secret (the previous secret itself is never shown)',
    ),
  status: z.object({
    lastSync: syncRunViewSchema.nullable().describe('the last sync that started'),
    lastGoodSyncAt: instant.nullable(),
    nextSyncAt: instant.nullable().describe('null while the store is disabled or Redis is unreachable'),
    lastStatusPollAt: instant.nullable(),
    openOrders: z.number().int().min(0),
  }),
});
export type SettingsView = z.output<typeof settingsViewSchema>;

/** GET …/flowhub/rooms: the rooms Flowhub reports for the location, ids in the form the settings accept. */
export const roomListSchema = z.object({
  items: z.array(
    z.object({
      roomId: z.string().describe('32 letters and digits (dashes stripped)'),
      roomName: z.string().nullable(),
      rows: z.number().int().min(0),
    }),
  ),
});
export type RoomList = z.output<typeof roomListSchema>;

/** PUT and GET …/category-mappings: the store's Category Settings. */
export const categoryMappingsViewSchema = z.object({
  useDefaults: z.boolean().describe('whether the built-in category defaults apply beside the rows'),
  rows: z.array(z.object({ flowhubValue: z.string(), category: z.string() })),
});
export type CategoryMappingsView = z.output<typeof categoryMappingsViewSchema>;
