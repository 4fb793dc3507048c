import type { FastifyPluginAsync } from 'fastify';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, parseWith, validationError } from '../errors';
import { createOrder } from '../orders/create-order';
import { orderParams, patchOrderBody, requiredFieldMessages } from '../orders/order-schema';
import { cancelOrder, completeOrder, confirmOrder, getOrder, setHoldInventory, type TransitionResult } from '../orders/transitions';

type OrderRouteParams = { storeId: string; externalId: string };

/**
 * The order routes of api-contract.md ("Orders"). They touch only PostgreSQL, so orders are taken and
 * confirmed while Redis is down.
 */
export const orderRoutes = (deps: ProducerDependencies): FastifyPluginAsync => async (app) => {
  const answer = (result: TransitionResult) => ({ ...result.order, ...(result.notice ? { notice: result.notice } : {}) });

  app.post<{ Params: { storeId: string } }>('/v1/stores/:storeId/orders', async (request, reply) => {
    const { storeId } = parseWith(orderParams.pick({ storeId: true }), request.params);
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
      throw new ApiError('validation_failed', 'the body must be a JSON object', [{ path: 'body', message: 'must be a JSON object' }]);
    }
    const { statusCode, order } = await createOrder(deps, storeId, request.body);
    return reply.status(statusCode).send(order);
  });

  app.get<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId', async (request) => getOrder(deps, parseWith(orderParams, request.params)));

  app.post<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId/confirm', async (request, reply) => {
    const result = await confirmOrder(deps, parseWith(orderParams, request.params));
    return reply.status(result.statusCode).send(answer(result));
  });

  app.post<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId/cancel', async (request) =>
    answer(await cancelOrder(deps, parseWith(orderParams, request.params))),
  );

  app.post<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId/complete', async (request) =>
    answer(await completeOrder(deps, parseWith(orderParams, request.params))),
  );

  app.patch<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId', async (request) => {
    const ref = parseWith(orderParams, request.params);
    const body = patchOrderBody.safeParse(request.body ?? {}, { error: requiredFieldMessages });
    if (!body.success) throw validationError(body.error.issues);
    return answer(await setHoldInventory(deps, ref, body.data.holdInventory));
  });
};
