import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { checkOutboundUrl, isMaskedSecret, maskSecret, WEBHOOK_SECRET_OVERLAP_MS } from '@flowhub-sync/config';
import { OPEN_ORDER_STATUSES, requeueSkippedPushes, type Store } from '@flowhub-sync/db';
import { isFlowhubError, type FlowhubLocation } from '@flowhub-sync/flowhub-client';
import { countRoomRows, normalizeRoomId } from '@flowhub-sync/mapping';
import { jobIds } from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../dependencies';
import { enqueueOrderPush } from '../orders/push-queue';
import { ApiError, notFound, parseWith, unavailable, validationError, type ErrorDetail } from '../errors';
import { applyStoreSchedules, redisReady } from '../schedules';
import { settingsBody, type SettingsBody } from '../settings-schema';
import type { RoomList, SettingsView } from '../views/settings';
import { syncRunView } from '../views/sync-run';

type StoreParams = { storeId: string };

/** `?verify=false` saves enabled settings without trying the credentials against Flowhub. */
export const settingsQuery = z.object({ verify: z.enum(['true', 'false']).default('true') });

/** The stored value of a secret after a PUT: left out or echoed back masked keeps it; null clears it. */
function nextSecret(given: string | null | undefined, stored: string | null | undefined, seal: (plain: string) => string): string | null {
  if (given === undefined || isMaskedSecret(given)) return stored ?? null;
  if (given === null) return null;
  return seal(given);
}

type WebhookSecretColumns = Pick<Store, 'statusWebhookSecretEncrypted' | 'statusWebhookPreviousSecretEncrypted' | 'statusWebhookSecretChangedAt'>;

/**
 * The webhook secret after a PUT, with the one it replaced. A new secret keeps the old one as the previous secret,
 * with the time of the change: deliveries carry a signature with each for WEBHOOK_SECRET_OVERLAP_MS
 * (packages/config/src/webhook-signature.ts), so the platform can switch without refusing any. The same secret sent
 * again in clear, left out or echoed masked changes nothing; null clears both. A previous secret past its overlap is
 * dropped at the next save.
 */
function nextWebhookSecret(
  given: string | null | undefined,
  existing: WebhookSecretColumns | null,
  box: { encrypt(plain: string): string; decrypt(sealed: string): string },
  now: Date,
): WebhookSecretColumns {
  const stored = existing?.statusWebhookSecretEncrypted ?? null;
  if (given === null) return { statusWebhookSecretEncrypted: null, statusWebhookPreviousSecretEncrypted: null, statusWebhookSecretChangedAt: null };
  const unchanged = given === undefined || isMaskedSecret(given) || (stored !== null && sameSecret(box, stored, given));
  if (unchanged) {
    const changedAt = existing?.statusWebhookSecretChangedAt ?? null;
    const overlapping = changedAt !== null && now.getTime() - changedAt.getTime() < WEBHOOK_SECRET_OVERLAP_MS;
    return {
      statusWebhookSecretEncrypted: stored,
      statusWebhookPreviousSecretEncrypted: overlapping ? (existing?.statusWebhookPreviousSecretEncrypted ?? null) : null,
      statusWebhookSecretChangedAt: changedAt,
    };
  }
  return { statusWebhookSecretEncrypted: box.encrypt(given), statusWebhookPreviousSecretEncrypted: stored, statusWebhookSecretChangedAt: now };
}

function sameSecret(box: { decrypt(sealed: string): string }, sealed: string, plain: string): boolean {
  try {
    return box.decrypt(sealed) === plain;
  } catch {
    return false; // sealed under a key no longer held: treat the one given as new
  }
}

/**
 * The outbound guard on a statusWebhookUrl (packages/config/src/outbound-guard.ts): its host, or every address its
 * name resolves to, must be public. A name that does not resolve (in 2 s) is accepted: each delivery checks again.
 */
async function webhookUrlRefusal(deps: ProducerDependencies, url: string): Promise<ErrorDetail | null> {
  const check = await checkOutboundUrl(url, {
    resolve: deps.resolveHost,
    allowPrivateNetworks: deps.settings.webhookAllowPrivateNetworks,
    timeoutMs: 2_000,
  });
  return check.verdict === 'refused' ? { path: 'statusWebhookUrl', message: `must point to a public address: ${check.reason}` } : null;
}

interface RequiredFieldsView {
  enabled?: unknown;
  syncOrders?: unknown;
  clientId?: unknown;
  locationId?: unknown;
  orderAheadClientId?: unknown;
  statusWebhookUrl?: unknown;
}

function requiredFields(body: RequiredFieldsView, has: { apiKey: boolean; orderAheadToken: boolean; statusWebhookSecret: boolean }): ErrorDetail[] {
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
  if (body.statusWebhookUrl) need('statusWebhookSecret', has.statusWebhookSecret, 'with a statusWebhookUrl (deliveries are signed with it)');
  return missing;
}

/**
 * The client's location the settings' Location ID names: its `locationId` as Flowhub spells it, in any case, or
 * its `importId` (what an operator may have copied instead). An exact locationId wins, then one in another case,
 * then an importId; two locations matching at the same step are ambiguous (none is taken).
 */
function matchLocation(locations: FlowhubLocation[], given: string): { match?: FlowhubLocation; ambiguous: FlowhubLocation[] } {
  const lower = given.toLowerCase();
  const steps: Array<(location: FlowhubLocation) => boolean> = [
    (location) => location.locationId === given,
    (location) => location.locationId.toLowerCase() === lower,
    (location) => location.importId === given,
    (location) => location.importId?.toLowerCase() === lower,
  ];
  for (const step of steps) {
    const found = locations.filter(step);
    if (found.length === 1) return { match: found[0], ambiguous: [] };
    if (found.length > 1) return { ambiguous: found };
  }
  return { ambiguous: [] };
}

/** The locations as an operator can pick from them: `id "name"`, at most 20. */
function locationList(locations: FlowhubLocation[]): string {
  const shown = locations.slice(0, 20).map((location) =>
    [location.locationId, location.locationName ? JSON.stringify(location.locationName) : null, location.importId ? `(importId ${location.importId})` : null]
      .filter(Boolean)
      .join(' '),
  );
  const more = locations.length > shown.length ? `, and ${locations.length - shown.length} more` : '';
  return locations.length === 0 ? 'none' : `${shown.join(', ')}${more}`;
}

/**
 * Tries the credentials against Flowhub: refusal → 422 with Flowhub's reason, no answer → 503 naming Flowhub.
 * Returns the matched location's own locationId, the one the inventory paths take (see matchLocation).
 */
async function verifyWithFlowhub(
  deps: ProducerDependencies,
  body: SettingsBody,
  secrets: { apiKey: string; orderAheadToken: string | null },
): Promise<{ locationId: string }> {
  const asApiError = (error: unknown, what: string) => {
    if (isFlowhubError(error) && ['credentials_rejected', 'not_found', 'invalid'].includes(error.kind)) {
      return new ApiError('flowhub_rejected', `${error.message} (checking the ${what})`);
    }
    return unavailable('Flowhub', isFlowhubError(error) ? error.message : 'no answer');
  };
  let locations;
  try {
    locations = await deps.flowhub.getLocations({ clientId: body.clientId!, apiKey: secrets.apiKey });
  } catch (error) {
    throw asApiError(error, 'Client ID and API Key');
  }
  const { match, ambiguous } = matchLocation(locations, body.locationId!);
  if (!match) {
    const why = ambiguous.length > 0 ? "matches more than one of this client's locations" : "is not among this client's locations";
    const seen = `these credentials see: ${locationList(ambiguous.length > 0 ? ambiguous : locations)}`;
    throw new ApiError('flowhub_rejected', `Flowhub refused the Location ID: location ${body.locationId} ${why} (${seen})`, [
      { path: 'locationId', message: `${ambiguous.length > 0 ? "matches more than one of the client's locations" : "is not among the client's locations"} in Flowhub; ${seen}` },
    ]);
  }
  if (body.syncOrders && secrets.orderAheadToken) {
    try {
      await deps.flowhub.getAccessToken({ clientId: body.orderAheadClientId!, clientSecret: secrets.orderAheadToken }, { forceRefresh: true });
    } catch (error) {
      throw asApiError(error, 'Order Ahead Client Id and Token');
    }
  }
  return { locationId: match.locationId };
}

/** Until when deliveries also carry a signature with the previous webhook secret (never the secret itself), or null. */
function previousSecretUntil(store: Store, now = new Date()): string | null {
  if (!store.statusWebhookPreviousSecretEncrypted || !store.statusWebhookSecretChangedAt) return null;
  const until = store.statusWebhookSecretChangedAt.getTime() + WEBHOOK_SECRET_OVERLAP_MS;
  return until > now.getTime() ? new Date(until).toISOString() : null;
}

/** Settings as the API shows them: secrets masked, never in clear. */
export async function settingsView(deps: ProducerDependencies, store: Store): Promise<SettingsView> {
  const open = (sealed: string | null) => (sealed ? maskSecret(deps.secrets.decrypt(sealed)) : null);
  const [lastSync, lastGood, openOrders, nextSyncAt] = await Promise.all([
    deps.prisma.syncRun.findFirst({ where: { storeId: store.id, status: { not: 'queued' } }, orderBy: { createdAt: 'desc' } }),
    deps.prisma.syncRun.findFirst({ where: { storeId: store.id, status: 'succeeded' }, orderBy: { finishedAt: 'desc' }, select: { finishedAt: true } }),
    deps.prisma.order.count({ where: { storeId: store.id, status: { in: ['pending', ...OPEN_ORDER_STATUSES] } } }),
    nextScheduledSync(deps, store),
  ]);
  return {
    storeId: store.id,
    enabled: store.enabled,
    maui: store.maui,
    clientId: store.clientId,
    apiKey: open(store.apiKeyEncrypted),
    locationId: store.locationId,
    orderAheadClientId: store.orderAheadClientId,
    orderAheadToken: open(store.orderAheadTokenEncrypted),
    roomIds: store.roomIds,
    purchaseCategory: store.purchaseCategory,
    syncOrders: store.syncOrders,
    orderItemId: store.orderItemId,
    mapCustomCategoryToSubCategory: store.mapCustomCategoryToSubCategory,
    pricesIncludeTax: store.pricesIncludeTax,
    quantityThreshold: store.quantityThreshold,
    pendingHoldMinutes: store.pendingHoldMinutes,
    ownedFields: store.ownedFields,
    statusWebhookUrl: store.statusWebhookUrl,
    statusWebhookSecret: open(store.statusWebhookSecretEncrypted),
    statusWebhookPreviousSecretUntil: previousSecretUntil(store),
    status: {
      lastSync: lastSync ? syncRunView(lastSync) : null,
      lastGoodSyncAt: lastGood?.finishedAt?.toISOString() ?? null,
      nextSyncAt,
      lastStatusPollAt: store.lastStatusPollAt?.toISOString() ?? null,
      openOrders,
    },
  };
}

async function nextScheduledSync(deps: ProducerDependencies, store: Store): Promise<string | null> {
  if (!store.enabled || !redisReady(deps)) return null;
  try {
    const scheduler = await deps.queues['inventory-sync'].getJobScheduler(jobIds.inventorySchedule(store.id));
    return scheduler?.next ? new Date(scheduler.next).toISOString() : null;
  } catch {
    return null;
  }
}

/**
 * The store syncs orders (again): confirmed orders whose push was skipped while it did not are queued again
 * (packages/db/src/orders/skipped-pushes.ts). Their jobs are added after the commit; with Redis away the outbox
 * sweep adds them, since they are 'queued' now.
 */
async function requeueSkipped(deps: ProducerDependencies, storeId: string): Promise<void> {
  const externalIds = await requeueSkippedPushes(deps.sql, storeId);
  if (externalIds.length === 0) return;
  deps.logger.info({ storeId, orders: externalIds.length }, 'pushes skipped while the store did not sync orders queued again');
  for (const externalId of externalIds) await enqueueOrderPush(deps, { storeId, externalId, pushState: 'queued' });
}

const feedKey = (store: Pick<Store, 'clientId' | 'locationId' | 'roomIds' | 'purchaseCategory'>) =>
  JSON.stringify([store.clientId, store.locationId, [...store.roomIds].map(normalizeRoomId).sort(), store.purchaseCategory]);

export const settingsRoutes = (deps: ProducerDependencies): FastifyPluginAsync => async (app) => {
  app.put<{ Params: StoreParams; Querystring: { verify?: string } }>('/v1/stores/:storeId/flowhub', async (request) => {
    const { storeId } = request.params;
    const verify = parseWith(settingsQuery, request.query ?? {}).verify === 'true';
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
      throw new ApiError('validation_failed', 'the body must be a JSON object', [{ path: 'body', message: 'must be a JSON object' }]);
    }
    const raw = request.body as Record<string, unknown>;
    const parsed = settingsBody.safeParse(raw);
    const existing = await deps.prisma.store.findUnique({ where: { id: storeId } });
    const seal = (plain: string) => deps.secrets.encrypt(plain);
    const secretInput = (key: string) => (typeof raw[key] === 'string' || raw[key] === null ? (raw[key] as string | null) : undefined);
    const apiKeyEncrypted = nextSecret(secretInput('apiKey'), existing?.apiKeyEncrypted, seal);
    const orderAheadTokenEncrypted = nextSecret(secretInput('orderAheadToken'), existing?.orderAheadTokenEncrypted, seal);
    const webhookSecret = nextWebhookSecret(secretInput('statusWebhookSecret'), existing, deps.secrets, new Date());
    // Every wrong field in one answer: malformed values, the credentials the chosen options require, and a
    // webhook URL outside the public internet.
    const malformed = parsed.success ? [] : validationError(parsed.error.issues).details;
    const missing = requiredFields(raw, {
      apiKey: Boolean(apiKeyEncrypted),
      orderAheadToken: Boolean(orderAheadTokenEncrypted),
      statusWebhookSecret: Boolean(webhookSecret.statusWebhookSecretEncrypted),
    }).filter((detail) => !malformed.some((other) => other.path === detail.path));
    const webhookUrl = typeof raw.statusWebhookUrl === 'string' && !malformed.some((detail) => detail.path === 'statusWebhookUrl') ? raw.statusWebhookUrl : null;
    const refusedUrl = webhookUrl ? await webhookUrlRefusal(deps, webhookUrl) : null;
    const details = [...malformed, ...missing, ...(refusedUrl ? [refusedUrl] : [])];
    if (details.length > 0 || !parsed.success) {
      throw new ApiError('validation_failed', `invalid settings: ${[...new Set(details.map((detail) => detail.path))].join(', ')}`, details);
    }
    const body = parsed.data;

    // Verified, the Location ID is saved as Flowhub spells the matched location's own id (it may have been given in
    // another case, or as the location's importId); unverified, as given.
    let locationId = body.locationId ?? null;
    if (body.enabled && verify) {
      ({ locationId } = await verifyWithFlowhub(deps, body, {
        apiKey: deps.secrets.decrypt(apiKeyEncrypted!),
        orderAheadToken: orderAheadTokenEncrypted ? deps.secrets.decrypt(orderAheadTokenEncrypted) : null,
      }));
    }

    const data = {
      enabled: body.enabled,
      maui: body.maui,
      clientId: body.clientId ?? null,
      apiKeyEncrypted,
      locationId,
      orderAheadClientId: body.orderAheadClientId ?? null,
      orderAheadTokenEncrypted,
      roomIds: body.roomIds,
      purchaseCategory: body.purchaseCategory,
      syncOrders: body.syncOrders,
      orderItemId: body.orderItemId,
      mapCustomCategoryToSubCategory: body.mapCustomCategoryToSubCategory,
      pricesIncludeTax: body.pricesIncludeTax,
      quantityThreshold: body.quantityThreshold,
      pendingHoldMinutes: body.pendingHoldMinutes,
      ownedFields: body.ownedFields,
      statusWebhookUrl: body.statusWebhookUrl ?? null,
      ...webhookSecret,
    };
    const store = await deps.prisma.store.upsert({ where: { id: storeId }, create: { id: storeId, ...data }, update: data });
    const newlyEnabled = store.enabled && !existing?.enabled;
    const feedChanged = Boolean(existing) && store.enabled && feedKey(existing!) !== feedKey(store);
    await applyStoreSchedules(deps, storeId, { initialSync: newlyEnabled || feedChanged });
    if (store.enabled && store.syncOrders) await requeueSkipped(deps, storeId);
    request.log.info({ storeId, enabled: store.enabled, syncOrders: store.syncOrders }, 'store settings saved');
    return settingsView(deps, store);
  });

  app.get<{ Params: StoreParams }>('/v1/stores/:storeId/flowhub', async (request) => {
    const store = await deps.prisma.store.findUnique({ where: { id: request.params.storeId } });
    if (!store) throw notFound('store');
    return settingsView(deps, store);
  });

  app.delete<{ Params: StoreParams }>('/v1/stores/:storeId/flowhub', async (request, reply) => {
    const { storeId } = request.params;
    const store = await deps.prisma.store.findUnique({ where: { id: storeId } });
    if (!store) throw notFound('store');
    await deps.prisma.store.update({ where: { id: storeId }, data: { enabled: false } });
    await applyStoreSchedules(deps, storeId);
    request.log.info({ storeId }, 'store disabled');
    return reply.status(204).send();
  });

  app.get<{ Params: StoreParams }>('/v1/stores/:storeId/flowhub/rooms', async (request): Promise<RoomList> => {
    const store = await deps.prisma.store.findUnique({ where: { id: request.params.storeId } });
    if (!store) throw notFound('store');
    if (!store.clientId || !store.apiKeyEncrypted || !store.locationId) {
      throw new ApiError('conflict', 'the store has no Flowhub credentials yet: save clientId, apiKey and locationId first');
    }
    let inventory;
    try {
      inventory = await deps.flowhub.getInventory(
        { clientId: store.clientId, apiKey: deps.secrets.decrypt(store.apiKeyEncrypted), locationId: store.locationId },
        { byRooms: true },
      );
    } catch (error) {
      if (isFlowhubError(error) && ['credentials_rejected', 'not_found', 'invalid'].includes(error.kind)) {
        throw new ApiError('flowhub_rejected', `Flowhub refused: ${error.message}`);
      }
      throw unavailable('Flowhub', isFlowhubError(error) ? error.message : 'no answer');
    }
    return { items: countRoomRows(inventory.rows) };
  });
};
