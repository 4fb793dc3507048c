import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CatalogueItem } from './catalogue';
import { SimInputError } from './input-error';
import { parseOrderStatus, ORDER_STATUSES } from './lifecycle';
import type { LocationOptions, SimLocation } from './location';
import { isObject } from './orders';
import type { SimulatorState } from './state';

/**
 * The simulator's own API under `/__sim/` (a path Flowhub does not use): JSON, no auth, for tests and demos.
 * The README lists every route with a curl example.
 */
export function registerAdminRoutes(app: FastifyInstance, state: SimulatorState): void {
  const located = (locationId: string, reply: FastifyReply): SimLocation | undefined => {
    const location = state.location(locationId);
    if (!location) void notFound(reply, `location ${locationId} does not exist`);
    return location;
  };

  app.get('/__sim/state', async () => ({
    now: state.clock.iso(),
    clock: state.clock.mode,
    locations: [...state.locations.values()].map(locationView),
    orders: state.orders.size,
    faults: state.faults.list(),
    lifecycle: state.lifecycle,
    behaviour: state.behaviour,
  }));

  app.post('/__sim/reset', async () => {
    state.reset();
    return { reset: true, locations: [...state.locations.values()].map(locationView) };
  });

  // Locations

  app.get('/__sim/locations', async () => ({ items: [...state.locations.values()].map(locationView) }));

  app.post('/__sim/locations', async (request, reply) => {
    if (!isObject(request.body)) throw new SimInputError('the body must be a JSON object of location options');
    const location = state.addLocation(request.body as unknown as LocationOptions);
    return reply.code(201).send(locationView(location));
  });

  app.get<{ Params: { locationId: string } }>('/__sim/locations/:locationId', async (request, reply) => {
    const location = located(request.params.locationId, reply);
    return location ? locationView(location) : reply;
  });

  app.delete<{ Params: { locationId: string } }>('/__sim/locations/:locationId', async (request, reply) => {
    if (!state.removeLocation(request.params.locationId)) return notFound(reply, `location ${request.params.locationId} does not exist`);
    return reply.code(204).send();
  });

  // Regenerates the catalogue (stock, added and removed products restored); body fields change its options.
  app.post<{ Params: { locationId: string } }>('/__sim/locations/:locationId/reset', async (request, reply) => {
    const location = located(request.params.locationId, reply);
    if (!location) return reply;
    const changes = request.body === undefined || request.body === null ? {} : request.body;
    if (!isObject(changes)) throw new SimInputError('the body must be a JSON object of location options');
    return locationView(state.addLocation({ ...location.settings, ...changes, locationId: location.locationId }));
  });

  // Products

  app.get<{ Params: { locationId: string }; Querystring: { limit?: string; offset?: string } }>(
    '/__sim/locations/:locationId/products',
    async (request, reply) => {
      const location = located(request.params.locationId, reply);
      if (!location) return reply;
      const limit = wholeNumber(request.query.limit, 100, 'limit');
      const offset = wholeNumber(request.query.offset, 0, 'offset');
      const items = location.catalogue().slice(offset, offset + limit);
      return { total: location.size, offset, items: items.map((item) => productView(location, item)) };
    },
  );

  app.get<{ Params: { locationId: string; variantId: string } }>(
    '/__sim/locations/:locationId/products/:variantId',
    async (request, reply) => {
      const location = located(request.params.locationId, reply);
      if (!location) return reply;
      const item = location.variant(request.params.variantId);
      return item ? productView(location, item) : notFound(reply, `variant ${request.params.variantId} does not exist`);
    },
  );

  app.post<{ Params: { locationId: string } }>('/__sim/locations/:locationId/products', async (request, reply) => {
    const location = located(request.params.locationId, reply);
    if (!location) return reply;
    const body = objectBody(request.body);
    const fields = body.fields === undefined ? {} : body.fields;
    if (!isObject(fields)) throw new SimInputError('fields must be a JSON object of Flowhub row fields');
    const item = location.addProduct(
      fields,
      body.quantity === undefined ? 0 : (body.quantity as number),
      optionalString(body.roomId, 'roomId'),
    );
    return reply.code(201).send(productView(location, item));
  });

  app.patch<{ Params: { locationId: string; variantId: string } }>(
    '/__sim/locations/:locationId/products/:variantId',
    async (request, reply) => {
      const location = located(request.params.locationId, reply);
      if (!location) return reply;
      const body = objectBody(request.body);
      const { variantId } = request.params;
      if (!location.variant(variantId)) return notFound(reply, `variant ${variantId} does not exist`);
      if (body.fields !== undefined) {
        if (!isObject(body.fields)) throw new SimInputError('fields must be a JSON object of Flowhub row fields');
        location.updateFields(variantId, body.fields);
      }
      if (body.quantity !== undefined) location.setQuantity(variantId, body.quantity as number, optionalString(body.roomId, 'roomId'));
      return productView(location, location.variant(variantId)!);
    },
  );

  app.delete<{ Params: { locationId: string; variantId: string } }>(
    '/__sim/locations/:locationId/products/:variantId',
    async (request, reply) => {
      const location = located(request.params.locationId, reply);
      if (!location) return reply;
      if (!location.removeProduct(request.params.variantId)) return notFound(reply, `variant ${request.params.variantId} does not exist`);
      return reply.code(204).send();
    },
  );

  // Orders

  app.get<{ Querystring: { locationId?: string; customerExternalId?: string; noteOrderId?: string } }>('/__sim/orders', async (request) => {
    const { locationId, customerExternalId, noteOrderId } = request.query;
    const items = state.orders.all({ locationId, customerExternalId, noteOrderId });
    return {
      count: items.length,
      createsByCustomerExternalId: state.orders.createsByCustomerExternalId(locationId),
      createsByNoteOrderId: state.orders.createsByNoteOrderId(locationId),
      items,
      rejected: state.orders.rejected.filter((rejected) => locationId === undefined || rejected.locationId === locationId),
    };
  });

  app.get<{ Params: { orderId: string } }>('/__sim/orders/:orderId', async (request, reply) => {
    return state.orders.get(request.params.orderId) ?? notFound(reply, `order ${request.params.orderId} does not exist`);
  });

  app.post<{ Params: { orderId: string } }>('/__sim/orders/:orderId/status', async (request, reply) => {
    const body = objectBody(request.body);
    const status = parseOrderStatus(body.status);
    if (!status) throw new SimInputError(`status must be one of ${ORDER_STATUSES.join(', ')}`);
    return state.setOrderStatus(request.params.orderId, status) ?? notFound(reply, `order ${request.params.orderId} does not exist`);
  });

  app.get<{ Querystring: { orderId?: string } }>('/__sim/postbacks', async (request) => {
    await state.postbacks.idle();
    const items = state.postbacks.deliveries.filter(
      (delivery) => request.query.orderId === undefined || delivery.orderId === request.query.orderId,
    );
    return { count: items.length, items };
  });

  app.delete('/__sim/postbacks', async (_request, reply) => {
    state.postbacks.clear();
    return reply.code(204).send();
  });

  // Time and lifecycle

  app.get('/__sim/clock', async () => ({ now: state.clock.iso(), mode: state.clock.mode }));

  app.post('/__sim/clock/advance', async (request) => {
    const body = objectBody(request.body);
    const changes = state.advanceClock(body.ms as number);
    return { now: state.clock.iso(), statusChanges: changes };
  });

  app.get('/__sim/lifecycle', async () => state.lifecycle);
  app.put('/__sim/lifecycle', async (request) => state.updateLifecycle(request.body));

  // Invented behaviours (behaviour.ts): all off unless switched on

  app.get('/__sim/behaviour', async () => state.behaviour);
  app.put('/__sim/behaviour', async (request) => state.updateBehaviour(request.body));

  // Faults

  app.get('/__sim/faults', async () => ({ items: state.faults.list() }));

  app.post('/__sim/faults', async (request, reply) => reply.code(201).send(state.faults.add(request.body)));

  app.delete<{ Params: { faultId: string } }>('/__sim/faults/:faultId', async (request, reply) => {
    if (!state.faults.remove(request.params.faultId)) return notFound(reply, `fault ${request.params.faultId} does not exist`);
    return reply.code(204).send();
  });

  app.delete('/__sim/faults', async (_request, reply) => {
    state.faults.clear();
    return reply.code(204).send();
  });

  // Counters and tokens

  app.get('/__sim/requests', async () => state.requests.snapshot());

  app.delete('/__sim/requests', async (_request, reply) => {
    state.requests.reset();
    return reply.code(204).send();
  });

  app.post('/__sim/tokens/expire', async () => ({ expired: state.tokens.expireAll() }));
}

function locationView(location: SimLocation) {
  const { settings } = location;
  return {
    locationId: settings.locationId,
    locationName: settings.locationName,
    clientId: settings.clientId,
    key: settings.key,
    orderAheadClientId: settings.orderAheadClientId,
    orderAheadClientSecret: settings.orderAheadClientSecret,
    rows: location.size,
    seed: settings.seed,
    malformedEvery: settings.malformedEvery,
    timeZone: settings.timeZone,
    licenseType: settings.licenseType,
    importId: settings.importId,
    rooms: location.rooms,
  };
}

function productView(location: SimLocation, item: CatalogueItem) {
  return {
    productId: item.productId,
    variantId: item.variantId,
    upc: item.upc,
    quantity: location.forSaleQuantity(item),
    stock: location.rooms.map((room, index) => ({ ...room, quantity: item.stock[index] })),
    defect: item.defect,
    row: location.row(item),
  };
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).send({ error: message });
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw new SimInputError('the body must be a JSON object');
  return body;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SimInputError(`${name} must be a string`);
  return value;
}

function wholeNumber(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new SimInputError(`${name} must be a whole number >= 0`);
  return parsed;
}
