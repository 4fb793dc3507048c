import type { FastifyPluginAsync } from 'fastify';
import { findStore } from '@flowhub-sync/db';
import { countRoomRows } from '@flowhub-sync/mapping';
import type { ProducerDependencies } from '../../dependencies';
import { ApiError, notFound } from '../../errors';
import type { RoomList } from '../../views/settings';
import { flowhubFailure } from './credential-check';

/** GET /v1/stores/{storeId}/flowhub/rooms: the rooms Flowhub reports for the saved location, with the saved credentials. */
export const roomRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/flowhub/rooms', async (request): Promise<RoomList> => {
      const store = await findStore(deps.prisma, request.params.storeId);
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
        throw flowhubFailure(error, (message) => `Flowhub refused: ${message}`);
      }
      return { items: countRoomRows(inventory.rows) };
    });
  };
