import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ProducerDependencies } from '../dependencies';
import { parseWith } from '../errors';
import { FLOWHUB_ORDER_ID } from '../params';
import { orderParams } from '../orders/order-schema';
import { requestPush, type PushRequest } from '../orders/push-queue';

/**
 * POST /v1/stores/{storeId}/orders/{externalId}/push (api-contract.md, "Orders"):
 * - no body or {}: push again after a failure;
 * - {"flowhubOrderId": "…"}: the order was found in Flowhub: record that id (pushed, nothing sent);
 * - {"recreate": true}: the operator decided the order is not in Flowhub: create it anew.
 * 202 with the order.
 */
export const pushBody = z
  .object({
    flowhubOrderId: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .regex(FLOWHUB_ORDER_ID, 'must not contain spaces or control characters')
      .optional(),
    recreate: z.literal(true, { error: 'must be true when given' }).optional(),
  })
  .strict()
  .refine((body) => !(body.flowhubOrderId !== undefined && body.recreate), {
    message: 'give either flowhubOrderId or recreate, not both',
    path: ['recreate'],
  });

export function parsePushRequest(body: unknown): PushRequest {
  const parsed = parseWith(pushBody, body ?? {});
  if (parsed.flowhubOrderId !== undefined) return { kind: 'record', flowhubOrderId: parsed.flowhubOrderId };
  return parsed.recreate ? { kind: 'recreate' } : { kind: 'push' };
}

export const orderPushRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { storeId: string; externalId: string } }>('/v1/stores/:storeId/orders/:externalId/push', async (request, reply) => {
      const ref = parseWith(orderParams, request.params);
      const order = await requestPush(deps, ref, parsePushRequest(request.body));
      return reply.status(202).send(order);
    });
  };
