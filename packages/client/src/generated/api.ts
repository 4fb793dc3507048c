// Generated from the producer's OpenAPI document (apps/producer/src/openapi/api-document.ts) by openapi-typescript.
// Do not edit: run `npm run client:generate` at the repository root (or `npm run generate:types` in packages/client).

export interface paths {
    "/v1/stores/{storeId}/flowhub": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The store's settings (secrets masked) and its sync status */
        get: operations["getSettings"];
        /**
         * Create or replace the store's Flowhub settings
         * @description Replace semantics: a non-secret field left out takes its default. A secret (apiKey, orderAheadToken, statusWebhookSecret) left out, or sent back masked as the API showed it, keeps its stored value. Required when `enabled`: clientId, apiKey, locationId; when `syncOrders`: orderAheadClientId, orderAheadToken. When enabling, the credentials are tried against Flowhub before saving (`?verify=false` skips the check): locationId may name the location by its locationId in any case or by its importId, and the location's own locationId is saved; one that matches none is refused listing the locations the credentials see. Enabling schedules the store and starts a first sync at once; `enabled: false` stops its schedules and keeps its data. statusWebhookUrl must point to the public internet: its host, or every A and AAAA address its name resolves to, must be a public unicast address (a name that does not resolve within 2 s is accepted and checked again at each delivery; WEBHOOK_ALLOW_PRIVATE_NETWORKS=true lifts the rule for local development). A new statusWebhookSecret keeps the replaced one for 24 hours, during which deliveries carry a signature with each (statusWebhookPreviousSecretUntil). Saved enabled with syncOrders, confirmed orders whose push was skipped while the store did not sync orders (push.state not_pushed with the reason in push.error, webhook push_skipped) are queued again. `orderItemId` (productId, the default, or variantId) chooses the id each item carries as orderItems[].productId in the Order Ahead create; a push Flowhub refuses naming its items says in push.error which value to try.
         */
        put: operations["putSettings"];
        post?: never;
        /**
         * Disable the integration: schedules removed, data kept
         * @description Already pushed open orders keep being followed until they finish.
         */
        delete: operations["disableStore"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/flowhub/rooms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The rooms Flowhub reports for the location
         * @description Ids in the 32-character form the settings accept (dashes stripped), so an operator picks ids, not names.
         */
        get: operations["listRooms"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/category-mappings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The store's Category Settings */
        get: operations["getCategoryMappings"];
        /**
         * Replace the store's Category Settings
         * @description The store's rows win over the built-in defaults; a change applies from the next sync.
         */
        put: operations["putCategoryMappings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sync the menu from Flowhub now
         * @description A sync that is queued but not started yet is joined (`joined: true`); a running one is not: the request queues one to run right after it. At most one sync of a store runs at any time. `acceptShrink` lets this sync deactivate products even when the feed shrank past the safety guard.
         */
        post: operations["requestSync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/syncs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Recent sync runs, newest first
         * @description `problems` lists at most 100 rows per run. Flowhub lists a variant once per package (and room): a variant's quantity adds up over its distinct (room, package) pairs; `packagesMerged` counts the packages added to a variant beyond its first, `repeatedRows` the rows that repeated a (room, package) already listed (counted once).
         */
        get: operations["listSyncRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The synced menu
         * @description availableQuantity = posQuantity − heldQuantity, never below 0; sellableQuantity = availableQuantity − quantityThreshold, never below 0; sellable = active and sellableQuantity > 0. Quantities are in Flowhub's unit for the item (quantityUnit): whole numbers unless the item is sold by weight (soldByWeight: grams). An item sold by weight lists its weightTiers, each with availableUnits = floor(sellableQuantity ÷ grams).
         */
        get: operations["listProducts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/products/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What changed on the menu since a cursor
         * @description Every write to a product (a sync, a store's edit, a hold taken or released) stamps it with a change number that grows store-wide. This answers the products changed after `after`, oldest change first, each as GET …/products shows it (with its `change`), or as a tombstone `{variantId, active: false, change}` once it left the menu. A product changed twice appears once, at its latest change. Keep `nextCursor` and pass it as `after` next time: a platform that polls so sees every change once. A change is handed out only once every write that could carry a smaller number has ended, so one that commits late is never skipped (it may take a moment to appear). Without `after` the feed starts at the beginning: the whole menu, then changes.
         */
        get: operations["listProductChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/products/{variantId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One product
         * @description Inactive products are still returned, with `active: false`.
         */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * The store's own edits of a product
         * @description Owned fields cover product fields thus: name → name; description → description; brand → brand; category → category and subtype; strainType → strainType and strainName; price → priceCents; image → imageUrl; weight → weight. A field the sync owns for this store is refused; an edited field the sync does not own survives every later sync.
         */
        patch: operations["editProduct"];
        trace?: never;
    };
    "/v1/stores/{storeId}/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The store's orders, newest first; attention=true: those that need a person
         * @description An order needs a person when its push failed or needs reconciliation, when Flowhub holds a duplicate of it, when it was cancelled here while in Flowhub and Flowhub has not reported it cancelled, or when following its Flowhub status stopped. Each item says why in `attention`. Ordered by createdAt, newest first.
         */
        get: operations["listOrders"];
        put?: never;
        /**
         * A new online order: holds its items' quantities at once
         * @description `status` "confirmed" creates and confirms in one call. The same externalId again with the same content answers 200 with the existing order, nothing changed. `customer.id` (the platform's customer id, part of the content) is sent to Flowhub as customer.externalId; the customer's names are sent when given, none is required. An item may name one of its product's weightTiers (`weightTier`): its quantity is then a whole number of units of the tier and it holds quantity × the tier's grams. 400 also when the customer has neither a phone nor a medical id and the store syncs orders, when a med customer lacks medicalId or medicalIdExpiration, when a medicalId comes without its medicalIdExpiration and without a phone and the store syncs orders (Flowhub takes a medical id only with its expiry; beside a phone such an id is not sent), for a phone that is not E.164 with 8 to 15 digits, for a delivery without an address, and for a weightTier the product does not list (details name items[i].weightTier).
         */
        post: operations["createOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/orders/{externalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One order: status, push, holds and history
         * @description `follow`: how following its Flowhub status goes. Each followed order is read on its own at every status poll, least recently checked first; a failed read is recorded here (lastError, errorCount) and the poll goes on with the others. Five 404s in a row stop following (stoppedReason, webhook follow_stopped). `flowhubStatus` only moves forward in Flowhub's lifecycle (see the postback).
         */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Keep holding the order's stock after a Maui push
         * @description The "Fulfilled" toggle of the order detail page. Turned off after a Maui push (fulfilled), the held holds become consumed, as the push would have made them: they count until the first successful inventory sync that started after.
         */
        patch: operations["setHoldInventory"];
        trace?: never;
    };
    "/v1/stores/{storeId}/orders/{externalId}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm a pending order */
        post: operations["confirmOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/orders/{externalId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an order: its holds are released
         * @description If the order's push was claimed or sent (push.state pushing, pushed or needs_reconciliation), the answer's notice, the order's history (flowhub_cancel_required) and the store's webhook (cancel_required_in_flowhub) say that it must also be cancelled in Flowhub (Flowhub's API offers no cancel). A push not claimed yet never reaches Flowhub.
         */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/orders/{externalId}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report the sale of an order (stores that do not sync orders): its holds become consumed
         * @description Also taken, in a store that syncs orders, for a confirmed order whose push was skipped because the store was disabled or stopped syncing orders first (push.state not_pushed with the reason in push.error): Flowhub never had it.
         */
        post: operations["completeOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/orders/{externalId}/push": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Push again after a failure, or resolve a push whose outcome is unknown
         * @description No body: push again after a failure. `{"flowhubOrderId": "…"}` records the id found in Flowhub: taken for a confirmed order whose push is not_pushed, failed or needs_reconciliation, and for a cancelled order whose push is needs_reconciliation (recorded, and flowhub_cancel_required with the cancel_required_in_flowhub webhook: cancel it in Flowhub too); the same id again changes nothing. The order's Flowhub status is followed from then on: a status poll of the store is queued at once. `{"recreate": true}` creates the order in Flowhub anew (the operator's explicit decision).
         */
        post: operations["pushOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/flowhub/postback/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Flowhub's status postbacks (no bearer token: the path token is the credential)
         * @description Each Order Ahead create carries a postbackUrl with an unguessable per-order token. The product re-reads the order the token names from Flowhub before acting, so a forged postback changes nothing. The body may be JSON, form-encoded, empty or unreadable, whatever the Content-Type: the answer is 202 for a known token (404 for an unknown one). A Flowhub order id in the body (orderId, id, _id or data.orderId) resolves needs_reconciliation only when Flowhub's order is tied to this one (its customerNote starts with "Order <externalId>"); otherwise the order stays for a person. The body's key names (never its values) are logged. Like every Flowhub status read, it applies only when it moves the order forward: new = inQueue < started < ready < inTransit < delivered < sold, and sold, unableToComplete, unableToVerify and deleted are final (a read older than the status recorded changes nothing).
         */
        post: operations["flowhubPostback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: 200 while the process runs */
        get: operations["liveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: 200 while PostgreSQL answers
         * @description The producer keeps taking orders without Redis, so Redis is reported, not required.
         */
        get: operations["readiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Jobs per queue and state, age of each store's last good sync, holds active, orders by store and push state, API requests by route and status. Open unless the producer has a METRICS_TOKEN: then it needs `Authorization: Bearer <METRICS_TOKEN>` (not the API token).
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    statusWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What the product POSTs to a store's statusWebhookUrl
         * @description Status changes, push failures and reconciliation needs, fulfilment changes, conflicts, and what staff must do in Flowhub. Signed: X-Flowhub-Sync-Signature is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with statusWebhookSecret>. Any 2xx acknowledges a delivery; anything else is retried with backoff.
         */
        post: operations["statusWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    menuSyncedWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What the product POSTs to a store's statusWebhookUrl after each finished inventory sync run
         * @description The run's counts and the change feed's cursor (GET …/products/changes). Signed and retried as the status webhook is; tell the two apart by `event`.
         */
        post: operations["menuSyncedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        SettingsUpdate: {
            /** @default false */
            enabled?: boolean;
            /** @default false */
            maui?: boolean;
            clientId?: string | null;
            apiKey?: string | null;
            locationId?: string | null;
            orderAheadClientId?: string | null;
            orderAheadToken?: string | null;
            /** @default [] */
            roomIds?: string[];
            /**
             * @default all
             * @enum {string}
             */
            purchaseCategory?: "all" | "med" | "rec";
            /** @default false */
            syncOrders?: boolean;
            /**
             * @description which id of an item's synced product an Order Ahead create sends as orderItems[].productId: the inventory productId (default) or the variantId. Flowhub's published schema leaves this open; when Flowhub refuses a push naming its items, the push's failure reason says which value to try
             * @default productId
             * @enum {string}
             */
            orderItemId?: "productId" | "variantId";
            /** @default false */
            mapCustomCategoryToSubCategory?: boolean;
            /** @default false */
            pricesIncludeTax?: boolean;
            /** @default 0 */
            quantityThreshold?: number;
            /** @default 60 */
            pendingHoldMinutes?: number;
            /**
             * @default [
             *       "name",
             *       "description",
             *       "brand",
             *       "category",
             *       "strainType",
             *       "cannabinoids",
             *       "terpenes",
             *       "price",
             *       "image",
             *       "weight"
             *     ]
             */
            ownedFields?: ("name" | "description" | "brand" | "category" | "strainType" | "cannabinoids" | "terpenes" | "price" | "image" | "weight")[];
            /** @description where order notifications are POSTed. Its host must be, or resolve only to, public internet addresses (no loopback, private, link-local, CGNAT, multicast or reserved address, in any spelling; a name that does not resolve yet is accepted and checked again at each delivery); WEBHOOK_ALLOW_PRIVATE_NETWORKS=true lifts this for local development */
            statusWebhookUrl?: string | null;
            /** @description signs deliveries (X-Flowhub-Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">). A new value keeps the replaced one for 24 hours: deliveries then carry one v1= per secret, the new one first */
            statusWebhookSecret?: string | null;
        };
        CategoryMappingsUpdate: {
            /** @default true */
            useDefaults?: boolean;
            /** @default [] */
            rows?: {
                flowhubValue: string;
                category: string;
            }[];
        };
        /**
         * @default {
         *       "acceptShrink": false
         *     }
         */
        SyncRequest: {
            /** @default false */
            acceptShrink?: boolean;
        };
        ProductEdit: {
            name?: string;
            description?: string | null;
            brand?: string | null;
            category?: ("Flower" | "Pre-Rolls" | "Vaporizers" | "Concentrates" | "Edibles" | "Drinks" | "Tinctures" | "Topicals" | "Pills" | "Accessories" | "Apparel" | "Seeds & Clones" | "CBD") | null;
            subtype?: string | null;
            strainType?: ("Indica" | "Sativa" | "Hybrid" | "CBD" | "Indica Hybrid" | "Sativa Hybrid") | null;
            strainName?: string | null;
            imageUrl?: string | null;
            priceCents?: number | null;
            weight?: {
                value: number;
                unit: string | null;
            } | null;
        };
        OrderCreate: {
            externalId: string;
            /**
             * @default pending
             * @enum {string}
             */
            status?: "pending" | "confirmed";
            /** @enum {string} */
            type: "pickup" | "delivery" | "kiosk";
            placedAt?: string | null;
            customer: {
                /** @description the platform's id of the customer (an addition to the contract): sent to Flowhub as customer.externalId, so that Flowhub can match its customer */
                id?: string | null;
                firstName?: string | null;
                lastName?: string | null;
                birthDate?: string | null;
                email?: string | null;
                phone?: string | null;
                medicalId?: string | null;
                medicalIdExpiration?: string | null;
                /** @enum {string} */
                purchaseCategory: "rec" | "med";
            };
            items: {
                variantId: string;
                /** @description in Flowhub's unit for the item (whole numbers unless it is sold by weight: then grams), or units of the weightTier named */
                quantity: number;
                /** @description the name of one of the product's weightTiers (an addition to the contract): the item is quantity units of that tier, and holds quantity × its grams */
                weightTier?: string | null;
            }[];
            deliveryNotes?: string | null;
            deliveryFeeCents?: number | null;
            address?: {
                street1: string;
                street2?: string | null;
                city: string;
                state: string;
                zip: string;
            } | null;
            requestedWindow?: {
                /** Format: date-time */
                start: string;
                /** Format: date-time */
                end: string;
            } | null;
        };
        OrderPatch: {
            holdInventory: boolean;
        };
        PushRequest: {
            flowhubOrderId?: string;
            /** @constant */
            recreate?: true;
        };
        Settings: {
            storeId: string;
            enabled: boolean;
            maui: boolean;
            clientId: string | null;
            /** @description masked ("••••abcd"); send it back as shown to keep the stored value */
            apiKey: string | null;
            locationId: string | null;
            orderAheadClientId: string | null;
            /** @description masked ("••••abcd"); send it back as shown to keep the stored value */
            orderAheadToken: string | null;
            /** @description 32-character room ids; empty = every For-Sale room */
            roomIds: string[];
            /** @enum {string} */
            purchaseCategory: "all" | "med" | "rec";
            syncOrders: boolean;
            /**
             * @description the id each item's orderItems[].productId carries in an Order Ahead create: productId or variantId
             * @enum {string}
             */
            orderItemId: "productId" | "variantId";
            mapCustomCategoryToSubCategory: boolean;
            pricesIncludeTax: boolean;
            quantityThreshold: number;
            pendingHoldMinutes: number;
            /** @description product fields the sync owns (overwrites at every sync) */
            ownedFields: string[];
            statusWebhookUrl: string | null;
            /** @description masked ("••••abcd"); send it back as shown to keep the stored value */
            statusWebhookSecret: string | null;
            /** @description set for 24 hours after statusWebhookSecret changed: until then each delivery also carries a v1 signature made with the previous secret (the previous secret itself is never shown) */
            statusWebhookPreviousSecretUntil: string | null;
            status: {
                /** @description the last sync that started */
                lastSync: components["schemas"]["SyncRun"] | null;
                lastGoodSyncAt: string | null;
                /** @description null while the store is disabled or Redis is unreachable */
                nextSyncAt: string | null;
                lastStatusPollAt: string | null;
                openOrders: number;
            };
        };
        RoomList: {
            items: {
                /** @description 32 letters and digits (dashes stripped) */
                roomId: string;
                roomName: string | null;
                rows: number;
            }[];
        };
        CategoryMappings: {
            /** @description whether the built-in category defaults apply beside the rows */
            useDefaults: boolean;
            rows: {
                flowhubValue: string;
                category: string;
            }[];
        };
        SyncRequested: {
            jobId: string;
            joined: boolean;
        };
        SyncRun: {
            id: string;
            /** @enum {string} */
            trigger: "scheduled" | "manual" | "initial";
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "suspicious";
            startedAt: string | null;
            finishedAt: string | null;
            counts: {
                fetched: number;
                kept: number;
                created: number;
                updated: number;
                unchanged: number;
                deactivated: number;
                invalid: number;
                uncategorized: number;
                unknownTerpenes: number;
                unknownStrainTypes: number;
                /** @description rows that could not be read but name their product (also counted in invalid): the product kept its last good values */
                unreadable: number;
                /** @description packages of a variant beyond its first (Flowhub lists a variant once per package and room) whose quantities were added to the variant's */
                packagesMerged: number;
                /** @description rows that repeated a (room, package) of their variant already listed: counted once */
                repeatedRows: number;
            };
            error: string | null;
            /** @description rows the sync could not take or map fully, at most 100 per run */
            problems: {
                variantId: string | null;
                reason: string;
            }[];
            /** @description true when the run had more problems than it lists */
            problemsTruncated: boolean;
        };
        SyncRunList: {
            /** @description newest first */
            items: components["schemas"]["SyncRun"][];
        };
        Product: {
            variantId: string;
            productId: string | null;
            sku: string | null;
            /** @description Flowhub's productName, or the store's own edit */
            name: string;
            brand: string | null;
            description: string | null;
            /** @description an AIQ category; null when no mapping applies */
            category: string | null;
            subtype: string | null;
            strainType: string | null;
            strainName: string | null;
            terpenes: {
                name: string;
                lower: number | null;
                upper: number | null;
                unit: string | null;
                percent: number | null;
            }[];
            cannabinoids: {
                name: string;
                lower: number | null;
                upper: number | null;
                unit: string | null;
            }[];
            /** @description pre-tax price in cents (post-tax when the store's pricesIncludeTax) */
            priceCents: number | null;
            imageUrl: string | null;
            /** @description Flowhub's productWeight and its unit; null when Flowhub gives none, or gives it in "each" (a count, not a weight) */
            weight: {
                value: number;
                unit: string | null;
            } | null;
            /** @description Flowhub's value for the item: med, rec, both, or null */
            purchaseCategory: string | null;
            /** @description sold by weight (an addition to the contract): its quantities are grams and may be decimal; priceCents is the price of one gram */
            soldByWeight: boolean;
            /** @description Flowhub's unit of the quantities (an addition to the contract): grams for an item sold by weight, each otherwise; null when Flowhub gives none */
            quantityUnit: string | null;
            /** @description Flowhub's weight tiers of an item sold by weight (empty otherwise) */
            weightTiers: {
                /** @description as Flowhub names the tier, e.g. "1/8 oz": an order item names it as its weightTier */
                name: string;
                /** @description grams in one unit of the tier */
                grams: number;
                /** @description pre-tax price of one unit of the tier (post-tax when the store's pricesIncludeTax), as priceCents */
                priceCents: number | null;
                /** @description units of the tier the store can sell now: floor(sellableQuantity ÷ grams) */
                availableUnits: number;
            }[];
            /** @description Flowhub's quantity at the last sync */
            posQuantity: number;
            /** @description units held by online orders */
            heldQuantity: number;
            /** @description posQuantity − heldQuantity, never below 0 */
            availableQuantity: number;
            /** @description availableQuantity − the store's quantityThreshold, never below 0 */
            sellableQuantity: number;
            /** @description active and sellableQuantity > 0 */
            sellable: boolean;
            active: boolean;
            lastSyncedAt: string | null;
            /** @description fields the store edited itself (an addition to the contract): they survive syncs that do not own them */
            editedFields: string[];
        };
        ProductPage: {
            items: components["schemas"]["Product"][];
            /** @description opaque: pass it as `cursor` for the next page; null on the last page */
            nextCursor: string | null;
        };
        ProductChange: {
            variantId: string;
            productId: string | null;
            sku: string | null;
            /** @description Flowhub's productName, or the store's own edit */
            name: string;
            brand: string | null;
            description: string | null;
            /** @description an AIQ category; null when no mapping applies */
            category: string | null;
            subtype: string | null;
            strainType: string | null;
            strainName: string | null;
            terpenes: {
                name: string;
                lower: number | null;
                upper: number | null;
                unit: string | null;
                percent: number | null;
            }[];
            cannabinoids: {
                name: string;
                lower: number | null;
                upper: number | null;
                unit: string | null;
            }[];
            /** @description pre-tax price in cents (post-tax when the store's pricesIncludeTax) */
            priceCents: number | null;
            imageUrl: string | null;
            /** @description Flowhub's productWeight and its unit; null when Flowhub gives none, or gives it in "each" (a count, not a weight) */
            weight: {
                value: number;
                unit: string | null;
            } | null;
            /** @description Flowhub's value for the item: med, rec, both, or null */
            purchaseCategory: string | null;
            /** @description sold by weight (an addition to the contract): its quantities are grams and may be decimal; priceCents is the price of one gram */
            soldByWeight: boolean;
            /** @description Flowhub's unit of the quantities (an addition to the contract): grams for an item sold by weight, each otherwise; null when Flowhub gives none */
            quantityUnit: string | null;
            /** @description Flowhub's weight tiers of an item sold by weight (empty otherwise) */
            weightTiers: {
                /** @description as Flowhub names the tier, e.g. "1/8 oz": an order item names it as its weightTier */
                name: string;
                /** @description grams in one unit of the tier */
                grams: number;
                /** @description pre-tax price of one unit of the tier (post-tax when the store's pricesIncludeTax), as priceCents */
                priceCents: number | null;
                /** @description units of the tier the store can sell now: floor(sellableQuantity ÷ grams) */
                availableUnits: number;
            }[];
            /** @description Flowhub's quantity at the last sync */
            posQuantity: number;
            /** @description units held by online orders */
            heldQuantity: number;
            /** @description posQuantity − heldQuantity, never below 0 */
            availableQuantity: number;
            /** @description availableQuantity − the store's quantityThreshold, never below 0 */
            sellableQuantity: number;
            /** @description active and sellableQuantity > 0 */
            sellable: boolean;
            /** @constant */
            active: true;
            lastSyncedAt: string | null;
            /** @description fields the store edited itself (an addition to the contract): they survive syncs that do not own them */
            editedFields: string[];
            /** @description the feed's change number of the product's last write: grows store-wide (equal within one write) */
            change: number;
        } | {
            variantId: string;
            /** @constant */
            active: false;
            /** @description the feed's change number of the product's last write: grows store-wide (equal within one write) */
            change: number;
        };
        ProductChangePage: {
            /** @description in the order of their change, oldest first */
            items: components["schemas"]["ProductChange"][];
            /** @description opaque: pass it as `after` next time; the same cursor as given when nothing changed since (keep polling with it) */
            nextCursor: string;
            /** @description more changes wait beyond this page: ask again at once */
            hasMore: boolean;
        };
        Order: {
            storeId: string;
            externalId: string;
            /** @enum {string} */
            status: "pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired";
            /** @enum {string} */
            type: "pickup" | "delivery" | "kiosk";
            /** @description true once a Maui store's push succeeded: Flowhub now owns the stock */
            fulfilled: boolean;
            /** @description keep holding the stock after a Maui push, until the order completes or is cancelled */
            holdInventory: boolean;
            push: {
                /**
                 * @description needs_reconciliation: the create may or may not have reached Flowhub; resolve it with …/push
                 * @enum {string}
                 */
                state: "not_pushed" | "queued" | "pushing" | "pushed" | "failed" | "needs_reconciliation";
                attempts: number;
                flowhubOrderId: string | null;
                pushedAt: string | null;
                error: string | null;
                /** @description present only when Flowhub holds other orders for this one besides flowhubOrderId (a late answer to a push already resolved): staff must cancel each in Flowhub */
                duplicateFlowhubOrderIds?: string[];
            };
            /** @description the order's status in Flowhub, as Flowhub spells it */
            flowhubStatus: string | null;
            /** @description following the order's Flowhub status (the status poll and Flowhub's postbacks) */
            follow: {
                /** @description when its Flowhub status was last read, successfully or not */
                lastCheckedAt: string | null;
                /** @description why the last read failed; null after a successful read */
                lastError: string | null;
                /** @description failed reads in a row; 0 after a successful read */
                errorCount: number;
                /** @description why its Flowhub status is no longer followed (e.g. Flowhub answered 404 five times in a row); null while followed */
                stoppedReason: string | null;
            };
            items: {
                variantId: string;
                /** @description as ordered: units of the weightTier when the item names one, else Flowhub's unit for the item */
                quantity: number;
                /** @description present only when the item names a weight tier (an addition to the contract) */
                weightTier?: string;
                /** @description grams in one unit of that tier when the order was placed: the item holds quantity × tierGrams */
                tierGrams?: number;
            }[];
            holds: {
                variantId: string;
                /** @description in Flowhub's unit for the item (grams for a weight tier) */
                quantity: number;
                /** @enum {string} */
                state: "held" | "released" | "consumed";
            }[];
            placedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            confirmedAt: string | null;
            completedAt: string | null;
            cancelledAt: string | null;
            /** @description oldest first */
            history: {
                /** Format: date-time */
                at: string;
                event: string;
                from: ("pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired") | null;
                to: ("pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired") | null;
                cause: string | null;
                details: {
                    [key: string]: unknown;
                } | null;
            }[];
        };
        OrderAnswer: {
            storeId: string;
            externalId: string;
            /** @enum {string} */
            status: "pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired";
            /** @enum {string} */
            type: "pickup" | "delivery" | "kiosk";
            /** @description true once a Maui store's push succeeded: Flowhub now owns the stock */
            fulfilled: boolean;
            /** @description keep holding the stock after a Maui push, until the order completes or is cancelled */
            holdInventory: boolean;
            push: {
                /**
                 * @description needs_reconciliation: the create may or may not have reached Flowhub; resolve it with …/push
                 * @enum {string}
                 */
                state: "not_pushed" | "queued" | "pushing" | "pushed" | "failed" | "needs_reconciliation";
                attempts: number;
                flowhubOrderId: string | null;
                pushedAt: string | null;
                error: string | null;
                /** @description present only when Flowhub holds other orders for this one besides flowhubOrderId (a late answer to a push already resolved): staff must cancel each in Flowhub */
                duplicateFlowhubOrderIds?: string[];
            };
            /** @description the order's status in Flowhub, as Flowhub spells it */
            flowhubStatus: string | null;
            /** @description following the order's Flowhub status (the status poll and Flowhub's postbacks) */
            follow: {
                /** @description when its Flowhub status was last read, successfully or not */
                lastCheckedAt: string | null;
                /** @description why the last read failed; null after a successful read */
                lastError: string | null;
                /** @description failed reads in a row; 0 after a successful read */
                errorCount: number;
                /** @description why its Flowhub status is no longer followed (e.g. Flowhub answered 404 five times in a row); null while followed */
                stoppedReason: string | null;
            };
            items: {
                variantId: string;
                /** @description as ordered: units of the weightTier when the item names one, else Flowhub's unit for the item */
                quantity: number;
                /** @description present only when the item names a weight tier (an addition to the contract) */
                weightTier?: string;
                /** @description grams in one unit of that tier when the order was placed: the item holds quantity × tierGrams */
                tierGrams?: number;
            }[];
            holds: {
                variantId: string;
                /** @description in Flowhub's unit for the item (grams for a weight tier) */
                quantity: number;
                /** @enum {string} */
                state: "held" | "released" | "consumed";
            }[];
            placedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            confirmedAt: string | null;
            completedAt: string | null;
            cancelledAt: string | null;
            /** @description oldest first */
            history: {
                /** Format: date-time */
                at: string;
                event: string;
                from: ("pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired") | null;
                to: ("pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired") | null;
                cause: string | null;
                details: {
                    [key: string]: unknown;
                } | null;
            }[];
            /** @description what the platform must still do outside this product, e.g. cancel the order in Flowhub too */
            notice?: string;
        };
        PostbackAccepted: {
            /** @constant */
            accepted: true;
        };
        StatusWebhook: {
            /** @description the delivery id, also in the X-Flowhub-Sync-Delivery header: the same id is never a new notification */
            id: string;
            storeId: string;
            externalId: string;
            /**
             * @description status_changed: the order's status changed (Flowhub reported it). push_failed: the push to Flowhub failed for good; resolve it with POST …/push. needs_reconciliation: the create may or may not have reached Flowhub; resolve it with POST …/push. fulfilled_changed: `fulfilled` changed (a Maui store's push succeeded). conflict: Flowhub reports a sale of an order cancelled here: check the sale in Flowhub. cancel_required_in_flowhub: the order was cancelled here but is (or may be) in Flowhub, since its push had been claimed or sent: cancel it in Flowhub too (Flowhub's API offers no cancel); the order's history (flowhub_cancel_required) names the Flowhub order when known. duplicate_in_flowhub: Flowhub holds a second order for this one (a late answer to a push already resolved): it is listed in push.duplicateFlowhubOrderIds; cancel it in Flowhub. push_skipped: the confirmed order's push did not run: its store was disabled or stopped syncing orders first (the reason in push.error); it is queued again when the store syncs orders again, and may be completed or cancelled meanwhile. follow_stopped: the order's Flowhub status is no longer followed (e.g. Flowhub answered 404 five times in a row): the reason in `reason`
             * @enum {string}
             */
            event: "status_changed" | "push_failed" | "needs_reconciliation" | "fulfilled_changed" | "conflict" | "cancel_required_in_flowhub" | "duplicate_in_flowhub" | "push_skipped" | "follow_stopped";
            /**
             * @description the order's status when the notification was recorded
             * @enum {string}
             */
            status: "pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired";
            flowhubStatus: string | null;
            /** @description grows per order: order deliveries by it and drop stale ones */
            sequence: number;
            /** Format: date-time */
            at: string;
            /** @description why, for the events that carry one (follow_stopped) */
            reason?: string;
        };
        MenuSyncedWebhook: {
            /** @description the delivery id, also in the X-Flowhub-Sync-Delivery header */
            id: string;
            storeId: string;
            /** @constant */
            event: "menu_synced";
            /** @description the sync run (GET …/syncs) */
            runId: string;
            counts: {
                fetched: number;
                kept: number;
                created: number;
                updated: number;
                unchanged: number;
                deactivated: number;
                invalid: number;
                uncategorized: number;
                unknownTerpenes: number;
                unknownStrainTypes: number;
                /** @description rows that could not be read but name their product (also counted in invalid): the product kept its last good values */
                unreadable: number;
                /** @description packages of a variant beyond its first (Flowhub lists a variant once per package and room) whose quantities were added to the variant's */
                packagesMerged: number;
                /** @description rows that repeated a (room, package) of their variant already listed: counted once */
                repeatedRows: number;
            };
            /** @description the change feed's position after the store's latest change when the run ended: a platform reading GET …/products/changes from its own cursor has seen this run's changes once its cursor reaches this one */
            cursor: string;
            /** Format: date-time */
            at: string;
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "unavailable";
            /** @enum {string} */
            postgres: "up" | "down";
            /** @enum {string} */
            redis: "up" | "down";
            /** @description what is unreachable, when not ready */
            down?: string[];
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "validation_failed" | "unauthorized" | "not_found" | "conflict" | "insufficient_inventory" | "integration_disabled" | "flowhub_rejected" | "unavailable" | "internal";
                message: string;
                /** @description a 400 names every wrong field; items may carry more fields (e.g. variantId, requested, sellable) */
                details: ({
                    /** @description the wrong field, e.g. roomIds[0] or items[2].quantity */
                    path: string;
                    message: string;
                } & {
                    [key: string]: unknown;
                })[];
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getSettings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the settings, with status: lastSync, lastGoodSyncAt, nextSyncAt, lastStatusPollAt, openOrders */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    putSettings: {
        parameters: {
            query?: {
                /** @description false: save without trying the credentials against Flowhub */
                verify?: "true" | "false";
            };
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SettingsUpdate"];
            };
        };
        responses: {
            /** @description the saved settings, secrets masked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            /** @description validation_failed: a malformed field, a credential the chosen options require is missing, or a statusWebhookUrl outside the public internet: every one named in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description flowhub_rejected: Flowhub refused the credentials (Flowhub's reason in the message) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "flowhub_rejected";
                        };
                    };
                };
            };
            /** @description unavailable: Flowhub (verifying a save) or PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    disableStore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description disabled */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    listRooms: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the rooms, by name */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoomList"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: the store has no Flowhub credentials yet */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description flowhub_rejected: Flowhub refused the credentials */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "flowhub_rejected";
                        };
                    };
                };
            };
            /** @description unavailable: Flowhub or PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    getCategoryMappings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the Category Settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CategoryMappings"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    putCategoryMappings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CategoryMappingsUpdate"];
            };
        };
        responses: {
            /** @description the saved Category Settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CategoryMappings"];
                };
            };
            /** @description validation_failed: a category outside the AIQ list, two rows for one Flowhub value, or a malformed field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    requestSync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SyncRequest"];
            };
        };
        responses: {
            /** @description queued, or joined to the sync already queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncRequested"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: the integration is disabled for this store (integration_disabled) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description unavailable: Redis or PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    listSyncRuns: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncRunList"];
                };
            };
            /** @description validation_failed: a malformed limit */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    listProducts: {
        parameters: {
            query?: {
                /** @description an AIQ category */
                category?: "Flower" | "Pre-Rolls" | "Vaporizers" | "Concentrates" | "Edibles" | "Drinks" | "Tinctures" | "Topicals" | "Pills" | "Accessories" | "Apparel" | "Seeds & Clones" | "CBD";
                /** @description true (default), false, or all (an addition to the contract: active and inactive together) */
                active?: "true" | "false" | "all";
                /** @description only products that can (true) or cannot (false) be sold now */
                sellable?: "true" | "false";
                /** @description searches name, brand and strain name */
                q?: string;
                /** @description page size, at most 500 */
                limit?: number;
                /** @description nextCursor of the previous page (opaque) */
                cursor?: string;
            };
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description one page of products, ordered by variantId */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductPage"];
                };
            };
            /** @description validation_failed: a malformed query parameter */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    listProductChanges: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous answer (opaque); none: from the beginning */
                after?: string;
                /** @description page size, at most 1000 (default 100) */
                limit?: number;
            };
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the changes after the cursor */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductChangePage"];
                };
            };
            /** @description validation_failed: a malformed cursor or limit */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                variantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the product */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or product */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    editProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                variantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductEdit"];
            };
        };
        responses: {
            /** @description the product as edited */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description validation_failed: a field that cannot be edited, a malformed value, or nothing to change */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or product */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: a field owned by the Flowhub sync for this store (conflict) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    listOrders: {
        parameters: {
            query?: {
                /** @description true: only the orders that need a person (on-call's list); false (default): every order */
                attention?: "true" | "false";
                /** @description page size, at most 500 */
                limit?: number;
                /** @description nextCursor of the previous page (opaque) */
                cursor?: string;
            };
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description one page of orders, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description newest first */
                        items: {
                            storeId: string;
                            externalId: string;
                            /** @enum {string} */
                            status: "pending" | "confirmed" | "preparing" | "ready" | "out_for_delivery" | "completed" | "cancelled" | "expired";
                            /** @enum {string} */
                            type: "pickup" | "delivery" | "kiosk";
                            /** @description true once a Maui store's push succeeded: Flowhub now owns the stock */
                            fulfilled: boolean;
                            push: {
                                /**
                                 * @description needs_reconciliation: the create may or may not have reached Flowhub; resolve it with …/push
                                 * @enum {string}
                                 */
                                state: "not_pushed" | "queued" | "pushing" | "pushed" | "failed" | "needs_reconciliation";
                                attempts: number;
                                flowhubOrderId: string | null;
                                pushedAt: string | null;
                                error: string | null;
                                /** @description present only when Flowhub holds other orders for this one besides flowhubOrderId (a late answer to a push already resolved): staff must cancel each in Flowhub */
                                duplicateFlowhubOrderIds?: string[];
                            };
                            /** @description the order's status in Flowhub, as Flowhub spells it */
                            flowhubStatus: string | null;
                            placedAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            confirmedAt: string | null;
                            completedAt: string | null;
                            cancelledAt: string | null;
                            /** @description why the order needs a person (empty when it does not): push_failed and needs_reconciliation (resolve with …/push), duplicate_in_flowhub (cancel the duplicate in Flowhub), flowhub_cancel_required (cancelled here, not yet in Flowhub), follow_stopped (its Flowhub status is no longer followed) */
                            attention: {
                                /** @enum {string} */
                                reason: "push_failed" | "needs_reconciliation" | "duplicate_in_flowhub" | "flowhub_cancel_required" | "follow_stopped";
                                message: string | null;
                            }[];
                        }[];
                        /** @description opaque: pass it as `cursor` for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description validation_failed: a malformed query parameter */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    createOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderCreate"];
            };
        };
        responses: {
            /** @description the order, already created with the same content */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description the order, created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description validation_failed: a malformed or missing field, or a weight tier the product does not list: every one named in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: insufficient_inventory (an item asks for more than its sellableQuantity; details has one entry per short item with variantId, requested, sellable, in Flowhub's unit for the item (grams for weight tiers); nothing is held), conflict (the externalId is taken by other content) or integration_disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                externalId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or order */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    setHoldInventory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                externalId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderPatch"];
            };
        };
        responses: {
            /** @description the order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderAnswer"];
                };
            };
            /** @description validation_failed: holdInventory missing or not a boolean, or another field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or order */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    confirmOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                externalId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description confirmed (the store does not sync orders), or already confirmed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderAnswer"];
                };
            };
            /** @description confirmed, and its push to Flowhub queued (the store syncs orders) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderAnswer"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or order */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: an illegal transition, e.g. confirming a cancelled order */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                externalId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description the order, cancelled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderAnswer"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or order */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: an illegal transition, e.g. cancelling a completed order */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    completeOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                externalId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description the order, completed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderAnswer"];
                };
            };
            /** @description validation_failed: a malformed storeId (or another path parameter) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or order */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: the store syncs orders (and the order was not skipped), or an illegal transition */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    pushOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                storeId: string;
                externalId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PushRequest"];
            };
        };
        responses: {
            /** @description the order, its push queued or its Flowhub id recorded */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description validation_failed: a malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "validation_failed";
                        };
                    };
                };
            };
            /** @description unauthorized: missing or wrong bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
            /** @description not_found: unknown store or order */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description conflict | insufficient_inventory | integration_disabled: the order's status or push is not one the request fits (e.g. a Flowhub id for a pending, expired or queued order, another id than the one recorded) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "conflict" | "insufficient_inventory" | "integration_disabled";
                        };
                    };
                };
            };
            /** @description unavailable: PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    flowhubPostback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        /** @description Flowhub's postback; not trusted, any shape */
        requestBody?: {
            content: {
                "application/json": {
                    orderId?: string | number;
                    id?: string | number;
                    _id?: string | number;
                    data?: {
                        orderId?: string | number;
                    } & {
                        [key: string]: unknown;
                    };
                } & {
                    [key: string]: unknown;
                };
                "application/x-www-form-urlencoded": {
                    orderId?: string | number;
                    id?: string | number;
                    _id?: string | number;
                    data?: {
                        orderId?: string | number;
                    } & {
                        [key: string]: unknown;
                    };
                } & {
                    [key: string]: unknown;
                };
                "*/*": {
                    orderId?: string | number;
                    id?: string | number;
                    _id?: string | number;
                    data?: {
                        orderId?: string | number;
                    } & {
                        [key: string]: unknown;
                    };
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description accepted: the status is re-read from Flowhub within moments */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostbackAccepted"];
                };
            };
            /** @description not_found: no order has this token */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "not_found";
                        };
                    };
                };
            };
            /** @description unavailable: Redis or PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unavailable";
                        };
                    };
                };
            };
        };
    };
    liveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description running */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ok";
                    };
                };
            };
        };
    };
    readiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description PostgreSQL unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description unauthorized: METRICS_TOKEN is set, and the request has no bearer token or another one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {unknown} */
                            code?: "unauthorized";
                        };
                    };
                };
            };
        };
    };
    statusWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description the delivery id (the body's id) */
                "X-Flowhub-Sync-Delivery": string;
                /** @description t=<unix seconds>,v1=<hex HMAC-SHA256> */
                "X-Flowhub-Sync-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StatusWebhook"];
            };
        };
        responses: {
            /** @description delivered */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    menuSyncedWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description the delivery id (the body's id) */
                "X-Flowhub-Sync-Delivery": string;
                /** @description t=<unix seconds>,v1=<hex HMAC-SHA256> */
                "X-Flowhub-Sync-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MenuSyncedWebhook"];
            };
        };
        responses: {
            /** @description delivered */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
