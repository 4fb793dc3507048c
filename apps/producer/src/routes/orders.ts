import type { FastifyPluginAsync } from 'fastify';
import { listStoreOrders, storeExists } from '@flowhub-sync/db';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, parseWith, validationError } from '../errors';
import { createOrder } from '../orders/create-order';
import { orderListQuery, patchOrderBody, requiredFieldMessages } from '../orders/order-schema';
import { orderParams, storeParams } from '../params';
import { orderSummaryView } from '../views/order';
import { cancelOrder, completeOrder, confirmOrder, getOrder, setHoldInventory, type TransitionResult } from '../orders/transitions';

type OrderRouteParams = { storeId: string; externalId: string };

const isObject = (body: unknown) => body !== null && typeof body === 'object' && !Array.isArray(body);

/** The body of an action that takes no fields (api-document.ts `noFields`): none, an empty one, or a JSON object. */
function noFields(body: unknown) {
  if (body !== undefined && !isObject(body)) {
    throw new ApiError('validation_failed', 'the body must be a JSON object, or none', [
      { path: 'body', message: 'must be a JSON object' },
    ]);
  }
}

/**
 * The order routes of api-contract.md ("Orders"), and the store's order list. They touch only PostgreSQL, so
 * orders are taken and confirmed while Redis is down.
 */
export const orderRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    const answer = (result: TransitionResult) => ({ ...result.order, ...(result.notice ? { notice: result.notice } : {}) });

    app.post<{ Params: { storeId: string } }>('/v1/stores/:storeId/orders', async (request, reply) => {
      const { storeId } = parseWith(storeParams, request.params);
      if (!isObject(request.body)) {
        throw new ApiError('validation_failed', 'the body must be a JSON object', [{ path: 'body', message: 'must be a JSON object' }]);
      }
      const { statusCode, order } = await createOrder(deps, storeId, request.body);
      return reply.status(statusCode).send(order);
    });

    // The store's orders, newest first; `attention=true`: only those that need a person (on-call's list).
    app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/orders', async (request) => {
      const { storeId } = parseWith(storeParams, request.params);
      const query = parseWith(orderListQuery, request.query ?? {});
      if (!(await storeExists(deps.prisma, storeId))) throw notFound('store');
      const page = await listStoreOrders(deps.sql, storeId, query);
      return { items: page.items.map(orderSummaryView), nextCursor: page.nextCursor };
    });

    app.get<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId', async (request) =>
      getOrder(deps, parseWith(orderParams, request.params)),
    );

    app.post<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId/confirm', async (request, reply) => {
      const ref = parseWith(orderParams, request.params);
      noFields(request.body);
      const result = await confirmOrder(deps, ref);
      return reply.status(result.statusCode).send(answer(result));
    });

    app.post<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId/cancel', async (request) => {
      const ref = parseWith(orderParams, request.params);
      noFields(request.body);
      return answer(await cancelOrder(deps, ref));
    });

    app.post<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId/complete', async (request) => {
      const ref = parseWith(orderParams, request.params);
      noFields(request.body);
      return answer(await completeOrder(deps, ref));
    });

    app.patch<{ Params: OrderRouteParams }>('/v1/stores/:storeId/orders/:externalId', async (request) => {
      const ref = parseWith(orderParams, request.params);
      const body = patchOrderBody.safeParse(request.body ?? {}, { error: requiredFieldMessages });
      if (!body.success) throw validationError(body.error.issues);
      return answer(await setHoldInventory(deps, ref, body.data.holdInventory));
    });
  };
