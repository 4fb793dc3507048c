import { z } from 'zod';
import type { OrderItemId } from '@flowhub-sync/db';
import { isValidRoomId, OWNED_FIELDS } from '@flowhub-sync/mapping';

/** The values of a store's orderItemId setting (packages/db's OrderItemId). */
export const ORDER_ITEM_IDS = ['productId', 'variantId'] as const satisfies readonly OrderItemId[];

export const ROOM_ID_MESSAGE =
  "a room id is 32 letters and digits, with no spaces or dashes: use the room's id from GET /v1/stores/{storeId}/flowhub/rooms, not its name";

const credential = z.string().trim().min(1, 'must not be empty').max(512);
const secret = z.string().min(1, 'must not be empty').max(4096);

/** PUT /v1/stores/{storeId}/flowhub. Fields left out take their defaults (replace semantics), secrets excepted. */
export const settingsBody = z.object({
  enabled: z.boolean().default(false),
  maui: z.boolean().default(false),
  clientId: credential.nullish(),
  apiKey: secret.nullish(),
  locationId: credential.nullish(),
  orderAheadClientId: credential.nullish(),
  orderAheadToken: secret.nullish(),
  roomIds: z
    // Checked as unknown so that any wrong value gets the room-id message; documented as what it must be.
    .array(z.unknown().refine(isValidRoomId, ROOM_ID_MESSAGE).meta({ type: 'string', pattern: '^[A-Za-z0-9]{32}$', description: ROOM_ID_MESSAGE }))
    .max(200)
    .default([])
    .transform((ids) => [...new Set(ids as string[])]),
  purchaseCategory: z.enum(['all', 'med', 'rec']).default('all'),
  syncOrders: z.boolean().default(false),
  orderItemId: z
    .enum(ORDER_ITEM_IDS)
    .default('productId')
    .describe(
      "which id of an item's synced product an Order Ahead create sends as orderItems[].productId: the inventory productId " +
        "(default) or the variantId. Flowhub's published schema leaves this open; when Flowhub refuses a push naming its items, " +
        "the push's failure reason says which value to try",
    ),
  mapCustomCategoryToSubCategory: z.boolean().default(false),
  pricesIncludeTax: z.boolean().default(false),
  quantityThreshold: z.number().min(0).max(1_000_000).default(0),
  pendingHoldMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  ownedFields: z
    .array(z.enum(OWNED_FIELDS))
    .default([...OWNED_FIELDS])
    .transform((fields) => [...new Set(fields)]),
  statusWebhookUrl: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL')
    .nullish()
    .describe(
      'where order notifications are POSTed. Its host must be, or resolve only to, public internet addresses (no loopback, ' +
        'private, link-local, CGNAT, multicast or reserved address, in any spelling; a name that does not resolve yet is accepted ' +
        'and checked again at each delivery); WEBHOOK_ALLOW_PRIVATE_NETWORKS=true lifts this for local development',
    ),
  statusWebhookSecret: secret
    .nullish()
    .describe(
      'signs deliveries (X-Flowhub-Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">). A new value keeps ' +
        'the replaced one for 24 hours: deliveries then carry one v1= per secret, the new one first',
    ),
});
export type SettingsBody = z.output<typeof settingsBody>;

export const categoryMappingsBody = z.object({
  useDefaults: z.boolean().default(true),
  rows: z
    .array(
      z.object({
        flowhubValue: z.string().trim().min(1, 'must not be empty').max(200),
        category: z.string(),
      }),
    )
    .max(1000)
    .default([]),
});

export const syncBody = z
  .object({ acceptShrink: z.boolean().default(false) })
  .default({ acceptShrink: false });
