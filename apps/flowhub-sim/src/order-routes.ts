import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendUnauthorized } from './auth';
import type { Endpoint } from './endpoints';
import { applyGatewayFaults } from './faults';
import { FINAL_STATUSES } from './lifecycle';
import type { SimLocation } from './location';
import { refusal, validateOrderPayload, type SimOrder } from './orders';
import type { SimulatorState } from './state';

/**
 * Order Ahead's order endpoints (Bearer token from auth.ts's issuer). Orders are found only by Flowhub's
 * orderId: there is no lookup by the caller's own ids, as in Flowhub.
 */
export function registerOrderRoutes(app: FastifyInstance, state: SimulatorState): void {
  /** Gateway faults first (scoped to the token's location when it is valid), then the Bearer check. */
  const authorise = async (endpoint: Endpoint, request: FastifyRequest, reply: FastifyReply): Promise<SimLocation | undefined> => {
    const locationId = state.tokens.locationFor(request.headers.authorization, state.clock.now());
    const orderId = (request.params as { orderId?: string } | undefined)?.orderId;
    if (await applyGatewayFaults(state.faults, endpoint, locationId ? [locationId] : [], reply, state, orderId)) return undefined;
    const location = locationId === undefined ? undefined : state.location(locationId);
    if (!location) {
      sendUnauthorized(
        reply,
        request.headers.authorization ? 'Invalid or expired access token' : 'An Authorization: Bearer token is required',
      );
      return undefined;
    }
    return location;
  };

  const orderOf = (location: SimLocation, orderId: string, reply: FastifyReply): SimOrder | undefined => {
    const order = state.orders.get(orderId);
    if (order && order.locationId === location.locationId) return order;
    void reply.code(404).send({ status: 404, message: `Order ${orderId} not found` });
    return undefined;
  };

  app.post('/order-ahead/v0/create', { config: { endpoint: 'orderCreate' } }, async (request, reply) => {
    const location = await authorise('orderCreate', request, reply);
    if (!location) return reply;
    const errors = validateOrderPayload(request.body, location);
    if (errors.length > 0) {
      const { status, body } = refusal(errors);
      state.orders.rejected.push({ at: state.clock.iso(), locationId: location.locationId, status, errors, payload: request.body });
      return reply.code(status).send(body);
    }
    const order = state.createOrder(location, request.body as Record<string, unknown>);
    if (state.faults.fire(['dropAfterCreate'], 'orderCreate', [location.locationId])) {
      // The order exists in "Flowhub", but its id never reaches the caller: the case reconciliation is for.
      order.answered = false;
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    return reply.send(orderAnswer(order));
  });

  app.get<{ Params: { orderId: string } }>(
    '/order-ahead/v0/orderStatus/:orderId',
    { config: { endpoint: 'orderStatus' } },
    async (request, reply) => {
      const location = await authorise('orderStatus', request, reply);
      if (!location) return reply;
      const order = orderOf(location, request.params.orderId, reply);
      if (!order) return reply;
      if (state.faults.fire(['missingStatus'], 'orderStatus', [location.locationId], order.orderId)) {
        // An answer Flowhub's client cannot use: the order without its status.
        return reply.send({ orderId: order.orderId, customerExternalId: order.customerExternalId });
      }
      return reply.send(orderAnswer(order));
    },
  );

  app.patch<{ Params: { orderId: string } }>('/orders/:orderId', { config: { endpoint: 'orderUpdate' } }, async (request, reply) => {
    const location = await authorise('orderUpdate', request, reply);
    if (!location) return reply;
    const order = orderOf(location, request.params.orderId, reply);
    if (!order) return reply;
    const errors = validateOrderPayload(request.body, location);
    if (FINAL_STATUSES.has(order.status)) errors.push(`Order ${order.orderId} is ${order.status} and can no longer be updated`);
    if (errors.length > 0) {
      const { status, body } = refusal(errors);
      return reply.code(status).send(body);
    }
    const payload = request.body as Record<string, unknown>;
    order.updates.push({ at: state.clock.iso(), payload });
    if (typeof payload.postbackUrl === 'string') order.postbackUrl = payload.postbackUrl;
    return reply.send(orderAnswer(order));
  });

  app.post<{ Params: { orderId: string } }>(
    '/orderPostback/:orderId',
    { config: { endpoint: 'orderPostback' } },
    async (request, reply) => {
      const location = await authorise('orderPostback', request, reply);
      if (!location) return reply;
      const order = orderOf(location, request.params.orderId, reply);
      if (!order) return reply;
      state.resendPostback(order);
      return reply.code(204).send();
    },
  );
}

function orderAnswer(order: SimOrder): { orderId: string; customerExternalId: string | null; status: string } {
  return { orderId: order.orderId, customerExternalId: order.customerExternalId, status: order.statusAsSent };
}
