import { z } from 'zod';
import { ID_PATTERN } from '@flowhub-sync/config';
import { createOrderBody, orderListQuery, patchOrderBody } from '../orders/order-schema';
import { orderParams, storeParams } from '../params';
import { pushBody } from '../routes/order-push';
import { TOKEN_PATTERN } from '../routes/postback';
import { changesQuery, editBody as productEditBody, listQuery as productListQuery, productParams } from '../routes/products';
import { syncRunsQuery } from '../routes/syncs';
import { categoryMappingsBody } from '../routes/category-mappings';
import { settingsBody, settingsQuery } from '../routes/settings/save-schema';
import { syncBody } from '../routes/sync';
import { errorBodySchema, errorCodesFor } from '../views/error';
import { livenessSchema, readinessSchema } from '../views/health';
import { orderAnswerSchema, orderPageSchema, orderViewSchema, postbackAcceptedSchema } from '../views/order';
import { productChangePageSchema, productChangeSchema, productPageSchema, productViewSchema } from '../views/product';
import { categoryMappingsViewSchema, roomListSchema, settingsViewSchema } from '../views/settings';
import { syncRequestedSchema, syncRunListSchema, syncRunViewSchema } from '../views/sync-run';
import { menuSyncedWebhookSchema, statusWebhookSchema } from '../views/webhook';

/**
 * The producer's OpenAPI 3.1 document, built from the zod schemas the routes validate requests with and the
 * views' schemas their answers are typed by, so it cannot drift from the code. The route table below is the
 * API at a glance; openapi.test.ts checks it against the routes Fastify registered and their real answers.
 */

type JsonSchema = Record<string, unknown>;
type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
type Tag = 'Integration settings' | 'Inventory' | 'Orders' | 'Operations';

/**
 * An answer: a description alone is the error shape (4xx/5xx) or no body (204); with a schema, that JSON body;
 * null: an answer routes of this kind give (see responsesOf) that this one never does.
 */
type Answer = string | { description: string; schema: z.ZodType; contentType?: string } | null;

interface Operation {
  method: Method;
  /** OpenAPI form: /v1/stores/{storeId}/flowhub */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** Bearer token required (every /v1 route but Flowhub's postback). */
  bearer: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Descriptions of query parameters, by name. */
  queryNotes?: Record<string, string>;
  /** `contentTypes`: the media types the body is documented under (default application/json only). */
  body?: { schema: z.ZodType; required: boolean; description?: string; contentTypes?: string[] };
  responses: Record<number, Answer>;
}

const postbackParams = z.object({ token: z.string().regex(TOKEN_PATTERN) });
/** The body of an action that takes no fields: none at all, an empty one (whatever its Content-Type) or `{}`. */
const noFields = z.object({}).describe('No fields: send no body, an empty body or {}');

/**
 * Flowhub's postback body: untrusted, and its shape documented nowhere (docs/flowhub-api.md, "Postbacks"). Any body
 * is taken; a Flowhub order id is looked for under these fields, in this order, only to resolve a push whose outcome
 * is unknown.
 */
const flowhubOrderIdField = z.union([z.string(), z.number()]).optional();
const postbackBody = z
  .looseObject({
    orderId: flowhubOrderIdField,
    id: flowhubOrderIdField,
    _id: flowhubOrderIdField,
    data: z.looseObject({ orderId: flowhubOrderIdField }).optional(),
  })
  .describe(
    'any shape: JSON, form-encoded (data.orderId may come as a data[orderId] field), empty or unreadable (taken as empty). ' +
      'Only a Flowhub order id is read, under orderId, id, _id or data.orderId (the first found)',
  );
const json = (description: string, schema: z.ZodType): Answer => ({ description, schema });

const SETTINGS = '/v1/stores/{storeId}/flowhub';
const ORDER = '/v1/stores/{storeId}/orders/{externalId}';

// The API at a glance.
export const operations: Operation[] = [
  {
    method: 'put',
    path: SETTINGS,
    operationId: 'putSettings',
    tag: 'Integration settings',
    bearer: true,
    params: storeParams,
    query: settingsQuery,
    summary: "Create or replace the store's Flowhub settings",
    description:
      'Replace semantics: a non-secret field left out takes its default. A secret (apiKey, orderAheadToken, statusWebhookSecret) left out, ' +
      'or sent back masked as the API showed it, keeps its stored value. Required when `enabled`: clientId, apiKey, locationId; when ' +
      '`syncOrders`: orderAheadClientId, orderAheadToken. When enabling, the credentials are tried against Flowhub before saving ' +
      '(`?verify=false` skips the check): locationId may name the location by its locationId in any case or by its importId, and ' +
      "the location's own locationId is saved; one that matches none is refused listing the locations the credentials see. " +
      'Enabling schedules the store and starts a first sync at once; `enabled: false` stops its ' +
      'schedules and keeps its data. statusWebhookUrl must point to the public internet: its host, or every A and AAAA address ' +
      'its name resolves to, must be a public unicast address (a name that does not resolve within 2 s is accepted and checked ' +
      'again at each delivery; WEBHOOK_ALLOW_PRIVATE_NETWORKS=true lifts the rule for local development). A new statusWebhookSecret ' +
      'keeps the replaced one for 24 hours, during which deliveries carry a signature with each (statusWebhookPreviousSecretUntil). ' +
      'Saved enabled with syncOrders, confirmed orders whose push was skipped while the store did not sync orders (push.state ' +
      'not_pushed with the reason in push.error, webhook push_skipped) are queued again. `orderItemId` (productId, the default, or ' +
      'variantId) chooses the id each item carries as orderItems[].productId in the Order Ahead create; a push Flowhub refuses ' +
      'naming its items says in push.error which value to try.',
    queryNotes: { verify: 'false: save without trying the credentials against Flowhub' },
    body: { schema: settingsBody, required: true },
    responses: {
      200: json('the saved settings, secrets masked', settingsViewSchema),
      404: null, // creates the store
      400: 'a malformed field, a credential the chosen options require is missing, or a statusWebhookUrl outside the public internet: every one named in details',
      422: "Flowhub refused the credentials (Flowhub's reason in the message)",
      503: 'Flowhub (verifying a save) or PostgreSQL unreachable',
    },
  },
  {
    method: 'get',
    path: SETTINGS,
    operationId: 'getSettings',
    tag: 'Integration settings',
    bearer: true,
    params: storeParams,
    summary: "The store's settings (secrets masked) and its sync status",
    responses: {
      200: json('the settings, with status: lastSync, lastGoodSyncAt, nextSyncAt, lastStatusPollAt, openOrders', settingsViewSchema),
    },
  },
  {
    method: 'delete',
    path: SETTINGS,
    operationId: 'disableStore',
    tag: 'Integration settings',
    bearer: true,
    params: storeParams,
    summary: 'Disable the integration: schedules removed, data kept',
    description: 'Already pushed open orders keep being followed until they finish.',
    responses: { 204: 'disabled' },
  },
  {
    method: 'get',
    path: `${SETTINGS}/rooms`,
    operationId: 'listRooms',
    tag: 'Integration settings',
    bearer: true,
    params: storeParams,
    summary: 'The rooms Flowhub reports for the location',
    description: 'Ids in the 32-character form the settings accept (dashes stripped), so an operator picks ids, not names.',
    responses: {
      200: json('the rooms, by name', roomListSchema),
      409: 'the store has no Flowhub credentials yet',
      422: 'Flowhub refused the credentials',
      503: 'Flowhub or PostgreSQL unreachable',
    },
  },
  {
    method: 'put',
    path: '/v1/stores/{storeId}/category-mappings',
    operationId: 'putCategoryMappings',
    tag: 'Integration settings',
    bearer: true,
    params: storeParams,
    summary: "Replace the store's Category Settings",
    description: "The store's rows win over the built-in defaults; a change applies from the next sync.",
    body: { schema: categoryMappingsBody, required: false },
    responses: {
      200: json('the saved Category Settings', categoryMappingsViewSchema),
      400: 'a category outside the AIQ list, two rows for one Flowhub value, or a malformed field',
    },
  },
  {
    method: 'get',
    path: '/v1/stores/{storeId}/category-mappings',
    operationId: 'getCategoryMappings',
    tag: 'Integration settings',
    bearer: true,
    params: storeParams,
    summary: "The store's Category Settings",
    responses: { 200: json('the Category Settings', categoryMappingsViewSchema) },
  },
  {
    method: 'post',
    path: '/v1/stores/{storeId}/sync',
    operationId: 'requestSync',
    tag: 'Inventory',
    bearer: true,
    params: storeParams,
    summary: 'Sync the menu from Flowhub now',
    description:
      'A sync that is queued but not started yet is joined (`joined: true`); a running one is not: the request queues one to run ' +
      'right after it. At most one sync of a store runs at any time. `acceptShrink` lets this sync deactivate products even when ' +
      'the feed shrank past the safety guard.',
    body: { schema: syncBody, required: false },
    responses: {
      202: json('queued, or joined to the sync already queued', syncRequestedSchema),
      409: 'the integration is disabled for this store (integration_disabled)',
      503: 'Redis or PostgreSQL unreachable',
    },
  },
  {
    method: 'get',
    path: '/v1/stores/{storeId}/syncs',
    operationId: 'listSyncRuns',
    tag: 'Inventory',
    bearer: true,
    params: storeParams,
    query: syncRunsQuery,
    summary: 'Recent sync runs, newest first',
    description:
      "`problems` lists at most 100 rows per run. Flowhub lists a variant once per package (and room): a variant's quantity " +
      'adds up over its distinct (room, package) pairs; `packagesMerged` counts the packages added to a variant beyond its ' +
      'first, `repeatedRows` the rows that repeated a (room, package) already listed (counted once).',
    responses: { 200: json('the runs', syncRunListSchema), 400: 'a malformed limit' },
  },
  {
    method: 'get',
    path: '/v1/stores/{storeId}/products',
    operationId: 'listProducts',
    tag: 'Inventory',
    bearer: true,
    params: storeParams,
    query: productListQuery,
    summary: 'The synced menu',
    description:
      'availableQuantity = posQuantity − heldQuantity, never below 0; sellableQuantity = availableQuantity − quantityThreshold, never ' +
      "below 0; sellable = active and sellableQuantity > 0. Quantities are in Flowhub's unit for the item (quantityUnit): whole " +
      'numbers unless the item is sold by weight (soldByWeight: grams). An item sold by weight lists its weightTiers, each with ' +
      'availableUnits = floor(sellableQuantity ÷ grams).',
    queryNotes: {
      category: 'an AIQ category',
      active: 'true (default), false, or all (an addition to the contract: active and inactive together)',
      sellable: 'only products that can (true) or cannot (false) be sold now',
      q: 'searches name, brand and strain name',
      limit: 'page size, at most 500',
      cursor: 'nextCursor of the previous page (opaque)',
    },
    responses: { 200: json('one page of products, ordered by variantId', productPageSchema), 400: 'a malformed query parameter' },
  },
  {
    method: 'get',
    path: '/v1/stores/{storeId}/products/changes',
    operationId: 'listProductChanges',
    tag: 'Inventory',
    bearer: true,
    params: storeParams,
    query: changesQuery,
    summary: 'What changed on the menu since a cursor',
    description:
      "Every write to a product (a sync, a store's edit, a hold taken or released) stamps it with a change number that grows " +
      'store-wide. This answers the products changed after `after`, oldest change first, each as GET …/products shows it (with its ' +
      '`change`), or as a tombstone `{variantId, active: false, change}` once it left the menu. A product changed twice appears once, ' +
      'at its latest change. Keep `nextCursor` and pass it as `after` next time: a platform that polls so sees every change once. ' +
      'A change is handed out only once every write that could carry a smaller number has ended, so one that commits late is ' +
      'never skipped (it may take a moment to appear). Without `after` the feed starts at the beginning: the whole menu, then changes.',
    queryNotes: {
      after: 'nextCursor of the previous answer (opaque); none: from the beginning',
      limit: 'page size, at most 1000 (default 100)',
    },
    responses: { 200: json('the changes after the cursor', productChangePageSchema), 400: 'a malformed cursor or limit' },
  },
  {
    method: 'get',
    path: '/v1/stores/{storeId}/products/{variantId}',
    operationId: 'getProduct',
    tag: 'Inventory',
    bearer: true,
    params: productParams,
    summary: 'One product',
    description: 'Inactive products are still returned, with `active: false`.',
    responses: { 200: json('the product', productViewSchema), 404: 'unknown store or product' },
  },
  {
    method: 'patch',
    path: '/v1/stores/{storeId}/products/{variantId}',
    operationId: 'editProduct',
    tag: 'Inventory',
    bearer: true,
    params: productParams,
    summary: "The store's own edits of a product",
    description:
      'Owned fields cover product fields thus: name → name; description → description; brand → brand; category → category and ' +
      'subtype; strainType → strainType and strainName; price → priceCents; image → imageUrl; weight → weight. A field the sync ' +
      'owns for this store is refused; an edited field the sync does not own survives every later sync.',
    body: { schema: productEditBody, required: true },
    responses: {
      200: json('the product as edited', productViewSchema),
      400: 'a field that cannot be edited, a malformed value, or nothing to change',
      404: 'unknown store or product',
      409: 'a field owned by the Flowhub sync for this store (conflict)',
    },
  },
  {
    method: 'post',
    path: '/v1/stores/{storeId}/orders',
    operationId: 'createOrder',
    tag: 'Orders',
    bearer: true,
    params: storeParams,
    summary: "A new online order: holds its items' quantities at once",
    description:
      '`status` "confirmed" creates and confirms in one call. The same externalId again with the same content answers 200 with the ' +
      "existing order, nothing changed. `customer.id` (the platform's customer id, part of the content) is sent to Flowhub as " +
      "customer.externalId; the customer's names are sent when given, none is required. An item may name one of its product's weightTiers (`weightTier`): its quantity is then a " +
      "whole number of units of the tier and it holds quantity × the tier's grams. 400 also when the customer has neither a phone " +
      'nor a medical id and the store syncs orders, when a med customer lacks medicalId or medicalIdExpiration, when a ' +
      'medicalId comes without its medicalIdExpiration and without a phone and the store syncs orders (Flowhub takes a medical id ' +
      'only with its expiry; beside a phone such an id is not sent), for a phone that is not E.164 with 8 to 15 digits, for a ' +
      'delivery without an address, and for a weightTier the product does not list (details name items[i].weightTier).',
    body: { schema: createOrderBody, required: true },
    responses: {
      201: json('the order, created', orderViewSchema),
      200: json('the order, already created with the same content', orderViewSchema),
      400: 'a malformed or missing field, or a weight tier the product does not list: every one named in details',
      409:
        'insufficient_inventory (an item asks for more than its sellableQuantity; details has one entry per short item with variantId, ' +
        "requested, sellable, in Flowhub's unit for the item (grams for weight tiers); nothing is held), conflict (the externalId is " +
        'taken by other content) or integration_disabled',
    },
  },
  {
    method: 'get',
    path: '/v1/stores/{storeId}/orders',
    operationId: 'listOrders',
    tag: 'Orders',
    bearer: true,
    params: storeParams,
    query: orderListQuery,
    summary: "The store's orders, newest first; attention=true: those that need a person",
    description:
      'An order needs a person when its push failed or needs reconciliation, when Flowhub holds a duplicate of it, when it was ' +
      'cancelled here while in Flowhub and Flowhub has not reported it cancelled, or when following its Flowhub status stopped. ' +
      'Each item says why in `attention`. Ordered by createdAt, newest first.',
    queryNotes: {
      attention: "true: only the orders that need a person (on-call's list); false (default): every order",
      limit: 'page size, at most 500',
      cursor: 'nextCursor of the previous page (opaque)',
    },
    responses: { 200: json('one page of orders, newest first', orderPageSchema), 400: 'a malformed query parameter' },
  },
  {
    method: 'get',
    path: ORDER,
    operationId: 'getOrder',
    tag: 'Orders',
    bearer: true,
    params: orderParams,
    summary: 'One order: status, push, holds and history',
    description:
      '`follow`: how following its Flowhub status goes. Each followed order is read on its own at every status poll, least recently ' +
      'checked first; a failed read is recorded here (lastError, errorCount) and the poll goes on with the others. Five 404s in a row ' +
      "stop following (stoppedReason, webhook follow_stopped). `flowhubStatus` only moves forward in Flowhub's lifecycle (see the postback).",
    responses: { 200: json('the order', orderViewSchema), 404: 'unknown store or order' },
  },
  {
    method: 'patch',
    path: ORDER,
    operationId: 'setHoldInventory',
    tag: 'Orders',
    bearer: true,
    params: orderParams,
    summary: "Keep holding the order's stock after a Maui push",
    description:
      'The "Fulfilled" toggle of the order detail page. Turned off after a Maui push (fulfilled), the held holds become consumed, as ' +
      'the push would have made them: they count until the first successful inventory sync that started after.',
    body: { schema: patchOrderBody, required: true },
    responses: {
      200: json('the order', orderAnswerSchema),
      400: 'holdInventory missing or not a boolean, or another field',
      404: 'unknown store or order',
    },
  },
  {
    method: 'post',
    path: `${ORDER}/confirm`,
    operationId: 'confirmOrder',
    tag: 'Orders',
    bearer: true,
    params: orderParams,
    summary: 'Confirm a pending order',
    body: { schema: noFields, required: false },
    responses: {
      202: json('confirmed, and its push to Flowhub queued (the store syncs orders)', orderAnswerSchema),
      200: json('confirmed (the store does not sync orders), or already confirmed', orderAnswerSchema),
      404: 'unknown store or order',
      409: 'an illegal transition, e.g. confirming a cancelled order',
    },
  },
  {
    method: 'post',
    path: `${ORDER}/cancel`,
    operationId: 'cancelOrder',
    tag: 'Orders',
    bearer: true,
    params: orderParams,
    summary: 'Cancel an order: its holds are released',
    description:
      "If the order's push was claimed or sent (push.state pushing, pushed or needs_reconciliation), the answer's notice, the order's history " +
      "(flowhub_cancel_required) and the store's webhook (cancel_required_in_flowhub) say that it must also be cancelled in Flowhub (Flowhub's API " +
      'offers no cancel). A push not claimed yet never reaches Flowhub.',
    body: { schema: noFields, required: false },
    responses: {
      200: json('the order, cancelled', orderAnswerSchema),
      404: 'unknown store or order',
      409: 'an illegal transition, e.g. cancelling a completed order',
    },
  },
  {
    method: 'post',
    path: `${ORDER}/complete`,
    operationId: 'completeOrder',
    tag: 'Orders',
    bearer: true,
    params: orderParams,
    summary: 'Report the sale of an order (stores that do not sync orders): its holds become consumed',
    description:
      'Also taken, in a store that syncs orders, for a confirmed order whose push was skipped because the store was disabled or ' +
      'stopped syncing orders first (push.state not_pushed with the reason in push.error): Flowhub never had it.',
    body: { schema: noFields, required: false },
    responses: {
      200: json('the order, completed', orderAnswerSchema),
      404: 'unknown store or order',
      409: 'the store syncs orders (and the order was not skipped), or an illegal transition',
    },
  },
  {
    method: 'post',
    path: `${ORDER}/push`,
    operationId: 'pushOrder',
    tag: 'Orders',
    bearer: true,
    params: orderParams,
    summary: 'Push again after a failure, or resolve a push whose outcome is unknown',
    description:
      'No body: push again after a failure. `{"flowhubOrderId": "…"}` records the id found in Flowhub: taken for a confirmed order whose ' +
      'push is not_pushed, failed or needs_reconciliation, and for a cancelled order whose push is needs_reconciliation (recorded, and ' +
      'flowhub_cancel_required with the cancel_required_in_flowhub webhook: cancel it in Flowhub too); the same id again changes nothing. ' +
      'The order\'s Flowhub status is followed from then on: a status poll of the store is queued at once. `{"recreate": true}` creates ' +
      "the order in Flowhub anew (the operator's explicit decision).",
    body: { schema: pushBody, required: false },
    responses: {
      202: json('the order, its push queued or its Flowhub id recorded', orderViewSchema),
      400: 'a malformed body',
      404: 'unknown store or order',
      409: "the order's status or push is not one the request fits (e.g. a Flowhub id for a pending, expired or queued order, another id than the one recorded)",
    },
  },
  {
    method: 'post',
    path: '/v1/flowhub/postback/{token}',
    operationId: 'flowhubPostback',
    tag: 'Orders',
    bearer: false,
    params: postbackParams,
    summary: "Flowhub's status postbacks (no bearer token: the path token is the credential)",
    description:
      'Each Order Ahead create carries a postbackUrl with an unguessable per-order token. The product re-reads the order the token names ' +
      'from Flowhub before acting, so a forged postback changes nothing. The body may be JSON, form-encoded, empty or unreadable, ' +
      'whatever the Content-Type: the answer is 202 for a known token (404 for an unknown one). A Flowhub order id in the body ' +
      "(orderId, id, _id or data.orderId) resolves needs_reconciliation only when Flowhub's order is tied to this one (its customerNote " +
      'starts with "Order <externalId>"); otherwise the order stays for a person. The body\'s key names (never its values) are logged. ' +
      'Like every Flowhub status read, it applies only when it moves the order forward: new = inQueue < started < ready < inTransit < ' +
      'delivered < sold, and sold, unableToComplete, unableToVerify and deleted are final (a read older than the status recorded changes nothing).',
    body: {
      schema: postbackBody,
      required: false,
      description: "Flowhub's postback; not trusted, any shape",
      contentTypes: ['application/json', 'application/x-www-form-urlencoded', '*/*'],
    },
    responses: {
      202: json('accepted: the status is re-read from Flowhub within moments', postbackAcceptedSchema),
      404: 'no order has this token',
      503: 'Redis or PostgreSQL unreachable',
    },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    tag: 'Operations',
    bearer: false,
    summary: 'Liveness: 200 while the process runs',
    responses: { 200: json('running', livenessSchema) },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    tag: 'Operations',
    bearer: false,
    summary: 'Readiness: 200 while PostgreSQL answers',
    description: 'The producer keeps taking orders without Redis, so Redis is reported, not required.',
    responses: { 200: json('ready', readinessSchema), 503: json('PostgreSQL unreachable', readinessSchema) },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'Operations',
    bearer: false,
    summary: 'Prometheus metrics',
    description:
      "Jobs per queue and state, age of each store's last good sync, holds active, orders by store and push state, API requests by route and status. " +
      'Open unless the producer has a METRICS_TOKEN: then it needs `Authorization: Bearer <METRICS_TOKEN>` (not the API token).',
    responses: {
      200: { description: 'Prometheus text format', schema: z.string(), contentType: 'text/plain' },
      401: 'METRICS_TOKEN is set, and the request has no bearer token or another one',
    },
  },
];

const TAGS: { name: Tag; description: string }[] = [
  { name: 'Integration settings', description: "A store's Flowhub credentials and options, its rooms and its Category Settings." },
  { name: 'Inventory', description: 'Syncs from Flowhub and the synced menu.' },
  { name: 'Orders', description: "Online orders: holds, transitions, pushes into Flowhub, and Flowhub's postbacks." },
  { name: 'Operations', description: 'Health and metrics (no bearer token).' },
];

// Named schemas, shown as models in /docs: requests in their input form, answers in their output form.
const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  SettingsUpdate: settingsBody,
  CategoryMappingsUpdate: categoryMappingsBody,
  SyncRequest: syncBody,
  ProductEdit: productEditBody,
  OrderCreate: createOrderBody,
  OrderPatch: patchOrderBody,
  PushRequest: pushBody,
};
const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  Settings: settingsViewSchema,
  RoomList: roomListSchema,
  CategoryMappings: categoryMappingsViewSchema,
  SyncRequested: syncRequestedSchema,
  SyncRun: syncRunViewSchema,
  SyncRunList: syncRunListSchema,
  Product: productViewSchema,
  ProductPage: productPageSchema,
  ProductChange: productChangeSchema,
  ProductChangePage: productChangePageSchema,
  Order: orderViewSchema,
  OrderAnswer: orderAnswerSchema,
  PostbackAccepted: postbackAcceptedSchema,
  StatusWebhook: statusWebhookSchema,
  MenuSyncedWebhook: menuSyncedWebhookSchema,
  Readiness: readinessSchema,
  Error: errorBodySchema,
};

const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * zod → JSON Schema (2020-12, OpenAPI 3.1's dialect). Requests are documented in their input form (defaults shown,
 * transforms' input types), answers in their output form (no transforms there). A refinement has no JSON form: its
 * rule is in the operation's description. `unrepresentable: 'throw'`: a schema the document cannot express fails the
 * build of the document (and its test) instead of turning silently into "anything". zod writes its regex beside
 * `format` (date-time, date, email); the format says it, readably.
 */
const conversion = {
  unrepresentable: 'throw',
  override: ({ jsonSchema }: { jsonSchema: JsonSchema }) => {
    if (typeof jsonSchema.format === 'string' && jsonSchema.pattern) delete jsonSchema.pattern;
  },
} as const;

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...body } = z.toJSONSchema(schema, { io, ...conversion }) as JsonSchema;
  return body;
}

/** Named schemas as components; schemas nested in them that are named too become $refs. */
function componentsOf(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, ...conversion, uri: (id) => `#/components/schemas/${id}` });
  if ('__shared' in schemas) throw new Error('a schema shared between components needs a name of its own (add it to the named schemas)');
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...body } = schema as JsonSchema;
      return [id, body];
    }),
  );
}

function parametersOf(operation: Operation) {
  const parameters: JsonSchema[] = [];
  const add = (schema: z.ZodObject | undefined, where: 'path' | 'query') => {
    if (!schema) return;
    const object = jsonSchemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...propertySchema } = property;
      const note = where === 'query' ? operation.queryNotes?.[name] : undefined;
      parameters.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        ...(note || description ? { description: note ?? description } : {}),
        schema: propertySchema,
      });
    }
  };
  add(operation.params, 'path');
  add(operation.query, 'query');
  return parameters;
}

function responsesOf(operation: Operation, idOf: (schema: z.ZodType, io: 'input' | 'output') => JsonSchema) {
  const answers: Record<number, Answer> = { ...operation.responses };
  // What every route of its kind may answer, unless the table says it more precisely.
  const otherwise = (status: number, description: string) => {
    if (!(status in answers)) answers[status] = description;
  };
  if (operation.params?.shape.storeId) {
    otherwise(400, 'a malformed storeId (or another path parameter)');
    otherwise(404, 'unknown store');
  }
  if (operation.bearer) otherwise(401, 'missing or wrong bearer token');
  if (operation.path.startsWith('/v1/')) otherwise(503, 'PostgreSQL unreachable');

  const responses: Record<string, JsonSchema> = {};
  for (const status of Object.keys(answers)
    .map(Number)
    .sort((a, b) => a - b)) {
    const answer = answers[status];
    if (answer === null) continue;
    if (typeof answer !== 'string') {
      responses[status] = {
        description: answer.description,
        content: { [answer.contentType ?? 'application/json']: { schema: idOf(answer.schema, 'output') } },
      };
    } else if (status >= 400) {
      const codes = errorCodesFor(status);
      const schema = { allOf: [schemaRef('Error'), { properties: { error: { properties: { code: { enum: codes } } } } }] };
      responses[status] = { description: `${codes.join(' | ')}: ${answer}`, content: { 'application/json': { schema } } };
    } else {
      responses[status] = { description: answer };
    }
  }
  return responses;
}

function buildDocument() {
  const named = new Map<z.ZodType, string>(
    [...Object.entries(REQUEST_SCHEMAS), ...Object.entries(RESPONSE_SCHEMAS)].map(([id, schema]) => [schema, id]),
  );
  const idOf = (schema: z.ZodType, io: 'input' | 'output') => {
    const id = named.get(schema);
    return id ? schemaRef(id) : jsonSchemaOf(schema, io);
  };

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const parameters = parametersOf(operation);
    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = {
      operationId: operation.operationId,
      tags: [operation.tag],
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      ...(operation.bearer ? {} : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(operation.body
        ? {
            requestBody: {
              required: operation.body.required,
              ...(operation.body.description ? { description: operation.body.description } : {}),
              content: Object.fromEntries(
                (operation.body.contentTypes ?? ['application/json']).map((type) => [
                  type,
                  { schema: idOf(operation.body!.schema, 'input') },
                ]),
              ),
            },
          }
        : {}),
      responses: responsesOf(operation, idOf),
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'flowhub-sync producer API',
      version: '1',
      // The repository grants no licence: a private package (package.json), all rights reserved.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description:
        'The contract with the ecommerce platform: JSON in and out, UTF-8. Times are ISO-8601 strings; money is integer cents; ' +
        "quantities are non-negative numbers in Flowhub's unit for the item.\n\n" +
        'Every `/v1` route except the Flowhub postback route needs `Authorization: Bearer <API_TOKEN>`, otherwise 401. ' +
        `\`storeId\` and \`externalId\` match \`${ID_PATTERN.source}\`; anything else is a 400. ` +
        'An unknown store is a 404 on every store route. ' +
        'Errors are `{"error": {"code", "message", "details": [{"path", "message"}]}}`; a 400 names every wrong field in `details`. ' +
        'A 503 `unavailable` says what the request needs and cannot reach: PostgreSQL for every route, Redis only for a manual sync, ' +
        'Flowhub for a verifying settings save.\n\nThis document: `GET /openapi.json`; the browsable reference: `/docs`.',
    },
    servers: serversOf(undefined),
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    webhooks: {
      statusWebhook: webhookOperation(
        'statusWebhook',
        "What the product POSTs to a store's statusWebhookUrl",
        'Status changes, push failures and reconciliation needs, fulfilment changes, conflicts, and what staff must do in Flowhub. ' +
          'Signed: X-Flowhub-Sync-Signature is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with statusWebhookSecret>. ' +
          'Any 2xx acknowledges a delivery; anything else is retried with backoff.',
        'StatusWebhook',
      ),
      menuSyncedWebhook: webhookOperation(
        'menuSyncedWebhook',
        "What the product POSTs to a store's statusWebhookUrl after each finished inventory sync run",
        "The run's counts and the change feed's cursor (GET …/products/changes). Signed and retried as the status webhook is; " +
          'tell the two apart by `event`.',
        'MenuSyncedWebhook',
      ),
    },
    components: {
      schemas: { ...componentsOf(REQUEST_SCHEMAS, 'input'), ...componentsOf(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the API_TOKEN the producer is configured with' } },
    },
  };
}

/** A call the product makes to a store's statusWebhookUrl (OpenAPI `webhooks`): signed, any 2xx acknowledges it. */
function webhookOperation(operationId: string, summary: string, description: string, schemaId: string) {
  const header = (name: string, text: string) => ({ name, in: 'header', required: true, description: text, schema: { type: 'string' } });
  return {
    post: {
      operationId,
      summary,
      description,
      parameters: [
        header('X-Flowhub-Sync-Delivery', "the delivery id (the body's id)"),
        header('X-Flowhub-Sync-Signature', 't=<unix seconds>,v1=<hex HMAC-SHA256>'),
      ],
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef(schemaId) } } },
      responses: { '2XX': { description: 'delivered' } },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

/**
 * Where the API is reached: PUBLIC_URL (the address Flowhub's postbacks come to) when the producer has one; otherwise
 * `/`, the origin the document was fetched from.
 */
function serversOf(publicUrl: string | undefined): { url: string; description: string }[] {
  if (!publicUrl) return [{ url: '/', description: 'the producer serving this document' }];
  return [{ url: publicUrl.replace(/\/+$/, ''), description: 'this producer (PUBLIC_URL)' }];
}

let built: OpenApiDocument | undefined;

/** The document, built once on first use, with the producer's public address as its server (PUBLIC_URL; `/` without one). */
export function openApiDocument(publicUrl?: string): OpenApiDocument {
  built ??= buildDocument();
  return publicUrl ? { ...built, servers: serversOf(publicUrl) } : built;
}
