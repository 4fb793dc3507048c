import type { LifecyclePlan, OrderStatus } from './lifecycle';
import type { SimLocation } from './location';

/** An Order Ahead order as the simulator received it, with everything tests may want to inspect. */
export interface SimOrder {
  orderId: string;
  locationId: string;
  customerExternalId: string | null;
  orderType: string;
  /** The create body exactly as received. */
  payload: Record<string, unknown>;
  status: OrderStatus;
  /** The status as the API sends it (occasionally in another case). */
  statusAsSent: string;
  createdAt: string;
  updatedAt: string;
  history: { status: OrderStatus; statusAsSent: string; at: string; by: 'create' | 'lifecycle' | 'admin' }[];
  /** Bodies of later `PATCH /orders/{orderId}` calls. */
  updates: { at: string; payload: Record<string, unknown> }[];
  postbackUrl: string | null;
  /** False when a fault dropped the connection before the create's answer was sent. */
  answered: boolean;
  /** Null once the order is final or an operator set its status by hand. */
  lifecycle: LifecyclePlan | null;
  /** Stock taken from the location when the order was sold or delivered. */
  stockTaken: { productId: string; quantity: number }[] | null;
}

export interface RejectedCreate {
  at: string;
  locationId: string;
  /** The HTTP status it was answered with (see `refusal`). */
  status: number;
  errors: string[];
  payload: unknown;
}

const ORDER_TYPES = ['delivery', 'pickup', 'kiosk'];
const PURCHASE_TYPES = ['med', 'rec', 'both'];
const E164 = /^\+[1-9]\d{7,14}$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Flowhub's checks on an Order Ahead create (or update) body; returns its `errors` list, empty when valid.
 * Required as Flowhub's published types require them: `externalCreatedAt`, `customer` and `orderItems` (the customer's
 * names, externalId and medRecOrBoth are optional there, so only checked when sent); a medical customer's medId, and
 * medExp with a medId. Flowhub rejects an order without a phone and without a medical id (the seed). The rest (an
 * orderType, products of this location, formats) is assumed: README, "What is documented, observed or assumed".
 */
export function validateOrderPayload(body: unknown, location: SimLocation): string[] {
  if (!isObject(body)) return ['The request body must be a JSON object'];
  const errors: string[] = [];
  const customer = body.customer;
  if (!isObject(customer)) {
    errors.push('customer is required');
  } else {
    for (const field of ['firstName', 'lastName', 'externalId'] as const) {
      if (customer[field] !== undefined && customer[field] !== null && typeof customer[field] !== 'string')
        errors.push(`customer.${field} must be a string`);
    }
    const phone = customer.phone;
    const medId = customer.medId;
    if (!nonEmptyString(phone) && !nonEmptyString(medId)) errors.push('customer.phone or customer.medId is required');
    if (phone !== undefined && phone !== null && phone !== '' && !(typeof phone === 'string' && E164.test(phone))) {
      errors.push('customer.phone must be an E.164 phone number (e.g. +15555550123)');
    }
    const medRecOrBoth = typeof customer.medRecOrBoth === 'string' ? customer.medRecOrBoth.toLowerCase() : customer.medRecOrBoth;
    if (medRecOrBoth !== undefined && medRecOrBoth !== null && !PURCHASE_TYPES.includes(medRecOrBoth as string)) {
      errors.push('customer.medRecOrBoth must be one of med, rec, both');
    } else if (medRecOrBoth === 'med' && !nonEmptyString(medId)) {
      errors.push('customer.medId is required for a medical customer');
    }
    if (nonEmptyString(medId) && !nonEmptyString(customer.medExp)) errors.push('customer.medExp is required with a customer.medId');
    if (customer.medExp !== undefined && customer.medExp !== null && !isDate(customer.medExp))
      errors.push('customer.medExp must be a date');
    if (
      customer.birthDate !== undefined &&
      customer.birthDate !== null &&
      !(typeof customer.birthDate === 'string' && DATE_ONLY.test(customer.birthDate) && isDate(customer.birthDate))
    ) {
      errors.push(`customer.birthDate ${DATE_FORMAT_ERROR}`);
    }
    if (
      customer.email !== undefined &&
      customer.email !== null &&
      !(typeof customer.email === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(customer.email))
    ) {
      errors.push('customer.email must be an email address');
    }
  }
  if (body.externalCreatedAt === undefined || body.externalCreatedAt === null) errors.push('externalCreatedAt is required');
  if (typeof body.orderType !== 'string' || !ORDER_TYPES.includes(body.orderType))
    errors.push('orderType must be one of delivery, pickup, kiosk');
  if (body.orderType === 'delivery') {
    const address = body.address;
    if (!isObject(address)) errors.push('address is required for a delivery order');
    else
      for (const field of ['street1', 'city', 'state', 'zip'])
        if (!nonEmptyString(address[field])) errors.push(`address.${field} is required for a delivery order`);
  }
  const items = body.orderItems;
  if (!Array.isArray(items) || items.length === 0) {
    errors.push('orderItems must hold at least one item');
  } else {
    items.forEach((item: unknown, index) => {
      if (!isObject(item)) {
        errors.push(`orderItems[${index}] must be an object`);
        return;
      }
      const productId = item.productId;
      if ((typeof productId !== 'string' || productId === '') && typeof productId !== 'number')
        errors.push(`orderItems[${index}].productId is required`);
      else if (!location.product(String(productId)))
        errors.push(`orderItems[${index}].productId ${String(productId)} is not a product of this location`);
      const quantity = item.quantityPurchased;
      if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0)
        errors.push(`orderItems[${index}].quantityPurchased must be a number above 0`);
    });
  }
  if (body.fees !== undefined && body.fees !== null) {
    if (!Array.isArray(body.fees)) errors.push('fees must be a list');
    else
      body.fees.forEach((fee: unknown, index) => {
        if (!isObject(fee) || !nonEmptyString(fee.name) || !Number.isInteger(fee.amount) || (fee.amount as number) < 0) {
          errors.push(`fees[${index}] must have a name and an amount in pennies`);
        }
      });
  }
  for (const field of ['externalCreatedAt', 'requestedFulfillmentTimeStart', 'requestedFulfillmentTimeEnd']) {
    if (body[field] !== undefined && body[field] !== null && !isDate(body[field])) errors.push(`${field} must be an ISO date-time`);
  }
  if (body.postbackUrl !== undefined && body.postbackUrl !== null && !isHttpUrl(body.postbackUrl))
    errors.push('postbackUrl must be an http(s) URL');
  return errors;
}

/** The observed wording of Flowhub's refusal of a malformed date (README, "What is documented, observed or assumed"). */
export const DATE_FORMAT_ERROR = 'must be in format yyyy-mm-dd';

/**
 * How a refused create or update is answered: a malformed date as Flowhub was observed to answer one, a 404 with
 * `…must be in format yyyy-mm-dd`; anything else a 422 `{status, message, errors}` (assumed).
 */
export function refusal(errors: string[]): { status: number; body: Record<string, unknown> } {
  const dateError = errors.find((error) => error.endsWith(DATE_FORMAT_ERROR));
  if (dateError) return { status: 404, body: { status: 404, message: dateError } };
  return { status: 422, body: { status: 422, message: 'Validation failed', errors } };
}

export class OrderBook {
  private readonly orders = new Map<string, SimOrder>();
  readonly rejected: RejectedCreate[] = [];

  add(order: SimOrder): void {
    this.orders.set(order.orderId, order);
  }

  get(orderId: string): SimOrder | undefined {
    return this.orders.get(orderId);
  }

  /** `noteOrderId`: the orders whose customerNote names that order of the caller's (noteOrderIdOf). */
  all(filter: { locationId?: string; customerExternalId?: string; noteOrderId?: string } = {}): SimOrder[] {
    return [...this.orders.values()].filter(
      (order) =>
        (filter.locationId === undefined || order.locationId === filter.locationId) &&
        (filter.customerExternalId === undefined || order.customerExternalId === filter.customerExternalId) &&
        (filter.noteOrderId === undefined || noteOrderIdOf(order) === filter.noteOrderId),
    );
  }

  /** Orders whose lifecycle still moves on its own. */
  moving(): SimOrder[] {
    return [...this.orders.values()].filter((order) => order.lifecycle !== null);
  }

  /** How many orders each customer externalId created: tests assert "exactly one Flowhub order". */
  createsByCustomerExternalId(locationId?: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const order of this.orders.values()) {
      if (locationId !== undefined && order.locationId !== locationId) continue;
      const key = order.customerExternalId ?? '';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * How many orders each of the caller's orders created, by the order id its customerNote names (noteOrderIdOf; ''
   * for a create whose note names none): tests assert "exactly one Flowhub order" per order of theirs. A caller's
   * customer.externalId names its customer, who may have several orders (createsByCustomerExternalId).
   */
  createsByNoteOrderId(locationId?: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const order of this.orders.values()) {
      if (locationId !== undefined && order.locationId !== locationId) continue;
      const key = noteOrderIdOf(order) ?? '';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  get size(): number {
    return this.orders.size;
  }

  clear(): void {
    this.orders.clear();
    this.rejected.length = 0;
  }
}

/**
 * The caller's order id an order's customerNote names: flowhub-sync starts every customerNote with
 * `Order <externalId>` (packages/orders/src/push/order-ahead-payload.ts, customerNoteFor). Null when it names none.
 * Nothing in Flowhub reads it: a test helper.
 */
export function noteOrderIdOf(order: Pick<SimOrder, 'payload'>): string | null {
  const note = order.payload.customerNote;
  return typeof note === 'string' ? (/^\s*Order ([A-Za-z0-9._-]+)/.exec(note)?.[1] ?? null) : null;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isDate(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && !Number.isNaN(Date.parse(value));
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
