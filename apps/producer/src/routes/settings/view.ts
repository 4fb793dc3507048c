import type { FastifyPluginAsync } from 'fastify';
import { maskSecret } from '@flowhub-sync/config';
import { countOpenOrders, findStore, previousWebhookSecretUntil, syncStatusOf, type Store } from '@flowhub-sync/db';
import { nextInventorySyncAt } from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../../dependencies';
import { notFound } from '../../errors';
import { redisReady } from '../../schedules';
import type { SettingsView } from '../../views/settings';
import { syncRunView } from '../../views/sync-run';

/** When the store's next scheduled sync is due: null while it is disabled, or Redis cannot say. */
async function nextScheduledSync(deps: ProducerDependencies, store: Store): Promise<string | null> {
  if (!store.enabled || !redisReady(deps)) return null;
  try {
    return (await nextInventorySyncAt(deps.queues['inventory-sync'], store.id))?.toISOString() ?? null;
  } catch {
    return null;
  }
}

/** Settings as the API shows them: secrets masked, never in clear; with the store's sync status. */
export async function settingsView(deps: ProducerDependencies, store: Store): Promise<SettingsView> {
  const open = (sealed: string | null) => (sealed ? maskSecret(deps.secrets.decrypt(sealed)) : null);
  const [{ lastSync, lastGoodSyncAt }, openOrders, nextSyncAt] = await Promise.all([
    syncStatusOf(deps.prisma, store.id),
    countOpenOrders(deps.prisma, store.id),
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
    statusWebhookPreviousSecretUntil: previousWebhookSecretUntil(store)?.toISOString() ?? null,
    status: {
      lastSync: lastSync ? syncRunView(lastSync) : null,
      lastGoodSyncAt: lastGoodSyncAt?.toISOString() ?? null,
      nextSyncAt,
      lastStatusPollAt: store.lastStatusPollAt?.toISOString() ?? null,
      openOrders,
    },
  };
}

/** GET /v1/stores/{storeId}/flowhub: the store's settings, secrets masked, and its sync status. */
export const settingsViewRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/flowhub', async (request) => {
      const store = await findStore(deps.prisma, request.params.storeId);
      if (!store) throw notFound('store');
      return settingsView(deps, store);
    });
  };
