import type { FastifyPluginAsync } from 'fastify';
import {
  disableStore,
  findStore,
  nextSealedSecret,
  nextWebhookSecrets,
  requeueSkippedPushes,
  saveStoreSettings,
  type StoreSettings,
} from '@flowhub-sync/db';
import { sameFeed } from '@flowhub-sync/mapping';
import type { ProducerDependencies } from '../../dependencies';
import { ApiError, notFound, parseWith } from '../../errors';
import { enqueueOrderPush } from '../../orders/push-queue';
import { applyStoreSchedules } from '../../schedules';
import { checkCredentials } from './credential-check';
import { parseSettings, settingsQuery, type SettingsBody } from './save-schema';
import { settingsView } from './view';

type StoreParams = { storeId: string };

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

/** The settings to write: the body's, with the secrets sealed (or kept) and the Location ID as checked. */
function settingsToSave(
  body: SettingsBody,
  secrets: Pick<StoreSettings, 'apiKeyEncrypted' | 'orderAheadTokenEncrypted'>,
  locationId: string | null,
) {
  return {
    enabled: body.enabled,
    maui: body.maui,
    clientId: body.clientId ?? null,
    apiKeyEncrypted: secrets.apiKeyEncrypted,
    locationId,
    orderAheadClientId: body.orderAheadClientId ?? null,
    orderAheadTokenEncrypted: secrets.orderAheadTokenEncrypted,
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
  };
}

/** PUT /v1/stores/{storeId}/flowhub saves a store's settings (replace semantics); DELETE disables the store, keeping its data. */
export const settingsSaveRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.put<{ Params: StoreParams; Querystring: { verify?: string } }>('/v1/stores/:storeId/flowhub', async (request) => {
      const { storeId } = request.params;
      const verify = parseWith(settingsQuery, request.query ?? {}).verify === 'true';
      if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
        throw new ApiError('validation_failed', 'the body must be a JSON object', [{ path: 'body', message: 'must be a JSON object' }]);
      }
      const raw = request.body as Record<string, unknown>;
      const existing = await findStore(deps.prisma, storeId);
      const secretInput = (key: string) => (typeof raw[key] === 'string' || raw[key] === null ? (raw[key] as string | null) : undefined);
      const apiKeyEncrypted = nextSealedSecret(secretInput('apiKey'), existing?.apiKeyEncrypted, deps.secrets);
      const orderAheadTokenEncrypted = nextSealedSecret(secretInput('orderAheadToken'), existing?.orderAheadTokenEncrypted, deps.secrets);
      const webhookSecret = nextWebhookSecrets(secretInput('statusWebhookSecret'), existing, deps.secrets, new Date());
      const body = await parseSettings(
        raw,
        {
          apiKey: Boolean(apiKeyEncrypted),
          orderAheadToken: Boolean(orderAheadTokenEncrypted),
          statusWebhookSecret: Boolean(webhookSecret.statusWebhookSecretEncrypted),
        },
        { resolve: deps.resolveHost, allowPrivateNetworks: deps.settings.webhookAllowPrivateNetworks },
      );

      // Verified, the Location ID is saved as Flowhub spells the matched location's own id (it may have been given in
      // another case, or as the location's importId); unverified, as given.
      let locationId = body.locationId ?? null;
      if (body.enabled && verify) {
        ({ locationId } = await checkCredentials(deps.flowhub, body, {
          apiKey: deps.secrets.decrypt(apiKeyEncrypted!),
          orderAheadToken: orderAheadTokenEncrypted ? deps.secrets.decrypt(orderAheadTokenEncrypted) : null,
        }));
      }

      const store = await saveStoreSettings(deps.prisma, storeId, {
        ...settingsToSave(body, { apiKeyEncrypted, orderAheadTokenEncrypted }, locationId),
        ...webhookSecret,
      });
      const newlyEnabled = store.enabled && !existing?.enabled;
      const feedChanged = Boolean(existing) && store.enabled && !sameFeed(existing!, store);
      await applyStoreSchedules(deps, storeId, { initialSync: newlyEnabled || feedChanged });
      if (store.enabled && store.syncOrders) await requeueSkipped(deps, storeId);
      request.log.info({ storeId, enabled: store.enabled, syncOrders: store.syncOrders }, 'store settings saved');
      return settingsView(deps, store);
    });

    app.delete<{ Params: StoreParams }>('/v1/stores/:storeId/flowhub', async (request, reply) => {
      const { storeId } = request.params;
      if (!(await findStore(deps.prisma, storeId))) throw notFound('store');
      await disableStore(deps.prisma, storeId);
      await applyStoreSchedules(deps, storeId);
      request.log.info({ storeId }, 'store disabled');
      return reply.status(204).send();
    });
  };
