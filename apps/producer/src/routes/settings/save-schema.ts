import { z } from 'zod';
import { checkOutboundUrl, type HostResolver } from '@flowhub-sync/config';
import type { OrderItemId } from '@flowhub-sync/db';
import { isValidRoomId, OWNED_FIELDS } from '@flowhub-sync/mapping';
import { ApiError, unstorableTexts, validationError, type ErrorDetail } from '../../errors';

/*
 * PUT /v1/stores/{storeId}/flowhub: its query, its body, and the checks that join the body's fields with what is
 * stored (the secrets a PUT may leave out) and with the network (statusWebhookUrl).
 */

/** `?verify=false` saves enabled settings without trying the credentials against Flowhub. */
export const settingsQuery = z.object({ verify: z.enum(['true', 'false']).default('true') });

/** The values of a store's orderItemId setting (packages/db's OrderItemId). */
export const ORDER_ITEM_IDS = ['productId', 'variantId'] as const satisfies readonly OrderItemId[];

export const ROOM_ID_MESSAGE =
  "a room id is 32 letters and digits, with no spaces or dashes: use the room's id from GET /v1/stores/{storeId}/flowhub/rooms, " +
  'not its name';

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
    .array(
      z
        .unknown()
        .refine(isValidRoomId, ROOM_ID_MESSAGE)
        .meta({ type: 'string', pattern: '^[A-Za-z0-9]{32}$', description: ROOM_ID_MESSAGE }),
    )
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
  pendingHoldMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
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

interface RequiredFieldsView {
  enabled?: unknown;
  syncOrders?: unknown;
  clientId?: unknown;
  locationId?: unknown;
  orderAheadClientId?: unknown;
  statusWebhookUrl?: unknown;
}

/** Which secrets the settings will hold after the save (sent now, or stored and kept). */
export interface HeldSecrets {
  apiKey: boolean;
  orderAheadToken: boolean;
  statusWebhookSecret: boolean;
}

function requiredFields(body: RequiredFieldsView, has: HeldSecrets): ErrorDetail[] {
  const missing: ErrorDetail[] = [];
  const need = (path: string, present: boolean, why: string) => {
    if (!present) missing.push({ path, message: `is required ${why}` });
  };
  if (body.enabled === true) {
    need('clientId', Boolean(body.clientId), 'when the integration is enabled');
    need('apiKey', has.apiKey, 'when the integration is enabled');
    need('locationId', Boolean(body.locationId), 'when the integration is enabled');
  }
  if (body.syncOrders === true) {
    need('orderAheadClientId', Boolean(body.orderAheadClientId), 'when syncOrders is on');
    need('orderAheadToken', has.orderAheadToken, 'when syncOrders is on');
  }
  if (body.statusWebhookUrl)
    need('statusWebhookSecret', has.statusWebhookSecret, 'with a statusWebhookUrl (deliveries are signed with it)');
  return missing;
}

/** How a statusWebhookUrl's host is checked (ProducerDependencies' resolveHost and webhookAllowPrivateNetworks). */
export interface WebhookUrlCheck {
  resolve: HostResolver;
  allowPrivateNetworks?: boolean;
}

/**
 * The outbound guard on a statusWebhookUrl (packages/config/src/outbound-guard.ts): its host, or every address its
 * name resolves to, must be public. A name that does not resolve (in 2 s) is accepted: each delivery checks again.
 */
async function webhookUrlRefusal(url: string, check: WebhookUrlCheck): Promise<ErrorDetail | null> {
  const outcome = await checkOutboundUrl(url, {
    resolve: check.resolve,
    allowPrivateNetworks: check.allowPrivateNetworks,
    timeoutMs: 2_000,
  });
  return outcome.verdict === 'refused' ? { path: 'statusWebhookUrl', message: `must point to a public address: ${outcome.reason}` } : null;
}

/**
 * The settings of a PUT, or a 400 naming every wrong field in one answer: malformed values, the credentials the
 * chosen options require (`has`: the secrets held after the save), and a webhook URL outside the public internet.
 */
export async function parseSettings(
  raw: Record<string, unknown>,
  has: HeldSecrets,
  webhookUrlCheck: WebhookUrlCheck,
): Promise<SettingsBody> {
  const parsed = settingsBody.safeParse(raw);
  const malformed = parsed.success ? unstorableTexts(parsed.data) : validationError(parsed.error.issues).details;
  const missing = requiredFields(raw, has).filter((detail) => !malformed.some((other) => other.path === detail.path));
  const webhookUrl =
    typeof raw.statusWebhookUrl === 'string' && !malformed.some((detail) => detail.path === 'statusWebhookUrl')
      ? raw.statusWebhookUrl
      : null;
  const refusedUrl = webhookUrl ? await webhookUrlRefusal(webhookUrl, webhookUrlCheck) : null;
  const details = [...malformed, ...missing, ...(refusedUrl ? [refusedUrl] : [])];
  if (details.length > 0 || !parsed.success) {
    throw new ApiError('validation_failed', `invalid settings: ${[...new Set(details.map((detail) => detail.path))].join(', ')}`, details);
  }
  return parsed.data;
}
