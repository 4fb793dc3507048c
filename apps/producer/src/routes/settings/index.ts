import type { FastifyPluginAsync } from 'fastify';
import type { ProducerDependencies } from '../../dependencies';
import { roomRoutes } from './rooms';
import { settingsSaveRoutes } from './save';
import { settingsViewRoutes } from './view';

/** A store's Flowhub settings (api-contract.md, "Integration settings"): save and disable, view, and the location's rooms. */
export const settingsRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    await app.register(settingsSaveRoutes(deps));
    await app.register(settingsViewRoutes(deps));
    await app.register(roomRoutes(deps));
  };
