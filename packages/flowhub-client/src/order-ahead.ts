import { z } from 'zod';
import { MalformedResponse } from './flowhub-http';

/*
 * The Order Ahead create body (the fields this product uses). It is checked before sending: a
 * create cannot be taken back or looked up by our id, so a payload Flowhub is bound to refuse is
 * better stopped here, where it is certain that nothing was sent.
 */

const text = z.string().trim().min(1, 'must not be empty');
const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO date-time');

export const OrderAheadCreateSchema = z
  .object({
    externalCreatedAt: isoTime,
    // Flowhub's published schema makes every customer field optional (names and externalId included); what it
    // requires is a phone or a medical id (below). Sent only when the platform has them.
    customer: z.object({
      firstName: text.optional(),
      lastName: text.optional(),
      birthDate: z.string().optional(),
      email: z.string().optional(),
      externalId: text.optional(),
      phone: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number (+15551234567)')
        .optional(),
      medRecOrBoth: z.enum(['med', 'rec', 'both']),
      medId: text.optional(),
      medExp: z.string().optional(),
    }),
    orderItems: z
      .array(
        z.object({
          // Flowhub's schema says number, inventory ids are strings: the caller decides (see README).
          productId: z.union([text, z.number()]),
          quantityPurchased: z.number().positive('must be more than 0'),
          discountNote: z.string().optional(),
        }),
      )
      .min(1, 'an order needs at least one item'),
    orderType: z.enum(['delivery', 'pickup', 'kiosk']),
    address: z.object({ street1: text, street2: z.string().optional(), city: text, state: text, zip: text }).optional(),
    customerNote: z.string().optional(),
    fees: z.array(z.object({ name: text, amount: z.number().int('must be whole pennies').min(0) })).optional(),
    requestedFulfillmentTimeStart: isoTime.optional(),
    requestedFulfillmentTimeEnd: isoTime.optional(),
    postbackUrl: z.url().optional(),
  })
  .superRefine((order, ctx) => {
    const { customer } = order;
    if (!customer.phone && !customer.medId) {
      ctx.addIssue({ code: 'custom', path: ['customer', 'phone'], message: 'Flowhub needs a phone number or a medical id' });
    }
    if (customer.medId && !customer.medExp) {
      ctx.addIssue({ code: 'custom', path: ['customer', 'medExp'], message: 'required with a medical id' });
    }
    if (customer.medRecOrBoth === 'med' && !customer.medId) {
      ctx.addIssue({ code: 'custom', path: ['customer', 'medId'], message: 'required for a medical order' });
    }
    if (order.orderType === 'delivery' && !order.address) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'required for a delivery' });
    }
  });

export type OrderAheadCreate = z.input<typeof OrderAheadCreateSchema>;
export type OrderAheadCustomer = OrderAheadCreate['customer'];
export type OrderAheadItem = OrderAheadCreate['orderItems'][number];

/** The problems that stop a payload from being sent, one readable line each; empty when it may go. */
export function orderAheadPayloadProblems(payload: unknown): { problems: string[]; order?: z.output<typeof OrderAheadCreateSchema> } {
  const result = OrderAheadCreateSchema.safeParse(payload);
  if (result.success) return { problems: [], order: result.data };
  return { problems: result.error.issues.map((issue) => `${issue.path.join('.') || 'order'}: ${issue.message}`) };
}

export const FLOWHUB_ORDER_STATUSES = [
  'new',
  'started',
  'ready',
  'inQueue',
  'inTransit',
  'delivered',
  'unableToComplete',
  'unableToVerify',
  'deleted',
  'sold',
] as const;

export type FlowhubOrderStatus = (typeof FLOWHUB_ORDER_STATUSES)[number];

const STATUS_BY_LOWER_CASE = new Map<string, FlowhubOrderStatus>(FLOWHUB_ORDER_STATUSES.map((status) => [status.toLowerCase(), status]));

/** A status in any case ("Sold" in a documentation example, "sold" live: docs/flowhub-api.md): the known spelling, or the text as sent. */
export function canonicalOrderStatus(raw: string): string {
  return STATUS_BY_LOWER_CASE.get(raw.trim().toLowerCase()) ?? raw.trim();
}

export function isKnownOrderStatus(status: string): status is FlowhubOrderStatus {
  return STATUS_BY_LOWER_CASE.has(status.toLowerCase());
}

export interface FlowhubOrderAnswer {
  orderId: string;
  /** Canonical spelling when known (see canonicalOrderStatus), null when Flowhub sent none. */
  status: string | null;
  customerExternalId: string | null;
  /**
   * The order's customerNote when the answer carries one (Flowhub's published answer has only orderId,
   * customerExternalId and status: docs/flowhub-api.md), null otherwise.
   */
  customerNote: string | null;
}

/**
 * The create and orderStatus answers: `{orderId, customerExternalId, status}`, accepted bare or
 * inside the inventory-style envelope `{status: 200, data: {...}}`, whose `data` may also be a list
 * holding that one order, as the inventory's is a list (which form the live API uses is not
 * certain). A `customerNote` beside them is read when present (a string), never required.
 */
export function parseOrderAnswer(body: unknown): FlowhubOrderAnswer & { shape: 'flat' | 'envelope' } {
  if (!body || typeof body !== 'object') throw new MalformedResponse('the order answer is not an object');
  const outer = body as Record<string, unknown>;
  // A list of one order is that order; a list of several names no one order, so it names none (no orderId below).
  const data = Array.isArray(outer.data) && outer.data.length === 1 ? (outer.data[0] as unknown) : outer.data;
  const inner = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  const useInner = inner !== undefined && outer.orderId === undefined && inner.orderId !== undefined;
  const order = useInner ? inner : outer;
  const orderId = order.orderId;
  if (!((typeof orderId === 'string' && orderId.trim() !== '') || (typeof orderId === 'number' && Number.isFinite(orderId)))) {
    throw new MalformedResponse('the order answer has no orderId');
  }
  const status = typeof order.status === 'string' && order.status.trim() !== '' ? canonicalOrderStatus(order.status) : null;
  const externalId = order.customerExternalId;
  return {
    orderId: String(orderId),
    status,
    customerExternalId: typeof externalId === 'string' || typeof externalId === 'number' ? String(externalId) : null,
    customerNote: typeof order.customerNote === 'string' ? order.customerNote : null,
    shape: useInner ? 'envelope' : 'flat',
  };
}
