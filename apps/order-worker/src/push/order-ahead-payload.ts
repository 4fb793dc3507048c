import { orderAheadPayloadProblems, type OrderAheadCreate } from '@flowhub-sync/flowhub-client';

/**
 * The Order Ahead create body for one of our orders (flowhub-api.md, "Orders: Order Ahead").
 * Pure: the order, its lines with their synced products, and where postbacks go. Anything Flowhub
 * is bound to refuse comes back as `problems` (one readable line each), so the push can fail before
 * sending, when it is certain that nothing reached Flowhub.
 */

export interface PushableOrder {
  externalId: string;
  type: 'pickup' | 'delivery' | 'kiosk';
  placedAt: Date | null;
  createdAt: Date;
  /** The customer as the API took it (api-contract.md): stored JSON, read defensively. */
  customer: unknown;
  deliveryNotes: string | null;
  deliveryFeeCents: number | null;
  address: unknown;
  requestedWindow: unknown;
  postbackToken: string | null;
}

export interface PushableLine {
  line: number;
  variantId: string;
  quantity: number;
  /** The synced product of the line's variant; null when the store has no such product. */
  product: { productId: string | null } | null;
}

export type OrderAheadPayloadResult = { ok: true; payload: OrderAheadCreate } | { ok: false; problems: string[] };

export const DELIVERY_FEE_NAME = 'Delivery Fee';

/**
 * THE place where an item's Flowhub product id is chosen. Flowhub's published schema types
 * `orderItems[].productId` as a number, while its inventory gives every variant a string
 * `productId` (UUID-like); integrators report that the inventory id, as Flowhub gave it, is what the
 * create takes. Should that turn out wrong (say, the variant id is wanted, or a number), this
 * function is the only thing to change.
 */
export function flowhubProductIdOf(product: { productId: string | null }): string | undefined {
  const id = product.productId?.trim();
  return id ? id : undefined;
}

/**
 * A phone number in E.164, as Flowhub requires. Flowhub serves US dispensaries, so a 10-digit
 * number (or 11 digits starting with 1) is taken as North American. Anything else: undefined.
 */
export function toE164(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  if (/^\d{10}$/.test(compact)) return `+1${compact}`;
  if (/^1\d{10}$/.test(compact)) return `+${compact}`;
  return undefined;
}

type StoredRecord = Record<string, unknown>;

/** Stored JSON is read defensively: an object, or nothing. */
const recordOf = (value: unknown): StoredRecord => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as StoredRecord) : {});

/** A non-empty trimmed string field, or undefined. */
function textOf(record: StoredRecord, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function buildOrderAheadPayload(
  order: PushableOrder,
  lines: readonly PushableLine[],
  options: { publicUrl?: string } = {},
): OrderAheadPayloadResult {
  const problems: string[] = [];

  const customer = recordOf(order.customer);
  const person = {
    firstName: textOf(customer, 'firstName'),
    lastName: textOf(customer, 'lastName'),
    birthDate: textOf(customer, 'birthDate'),
    email: textOf(customer, 'email'),
    phone: textOf(customer, 'phone'),
    medicalId: textOf(customer, 'medicalId'),
    medicalIdExpiration: textOf(customer, 'medicalIdExpiration'),
    purchaseCategory: customer.purchaseCategory === 'med' || customer.purchaseCategory === 'rec' ? (customer.purchaseCategory as 'med' | 'rec') : undefined,
  };
  const phone = person.phone === undefined ? undefined : toE164(person.phone);
  if (person.phone !== undefined && phone === undefined && person.medicalId === undefined) {
    problems.push('customer.phone: not a phone number Flowhub accepts (E.164, e.g. +15555550123), and there is no medical id');
  } else if (phone === undefined && person.medicalId === undefined) {
    problems.push('customer: Flowhub needs a phone number or a medical id, and the order has neither');
  }
  if (!person.purchaseCategory) problems.push('customer.purchaseCategory: must be med or rec');

  const orderItems: OrderAheadCreate['orderItems'] = [];
  for (const line of [...lines].sort((a, b) => a.line - b.line)) {
    const productId = line.product ? flowhubProductIdOf(line.product) : undefined;
    if (productId === undefined) {
      problems.push(`items[${line.line}]: variant ${line.variantId} has no Flowhub product id (is it still in the store's synced inventory?)`);
      continue;
    }
    orderItems.push({ productId, quantityPurchased: line.quantity });
  }

  let address: OrderAheadCreate['address'];
  if (order.type === 'delivery') {
    const stored = recordOf(order.address);
    const [street1, street2, city, state, zip] = ['street1', 'street2', 'city', 'state', 'zip'].map((field) => textOf(stored, field));
    if (street1 && city && state && zip) {
      address = { street1, city, state, zip, ...(street2 ? { street2 } : {}) };
    } else {
      problems.push('address: a delivery needs street1, city, state and zip');
    }
  }

  const start = textOf(recordOf(order.requestedWindow), 'start');
  const end = textOf(recordOf(order.requestedWindow), 'end');

  if (problems.length > 0) return { ok: false, problems };

  const payload: OrderAheadCreate = {
    externalCreatedAt: (order.placedAt ?? order.createdAt).toISOString(),
    customer: {
      firstName: person.firstName ?? '',
      lastName: person.lastName ?? '',
      // Flowhub's only handle on the order is the customer's externalId: it carries our order id.
      externalId: order.externalId,
      medRecOrBoth: person.purchaseCategory!,
      ...(person.birthDate ? { birthDate: person.birthDate } : {}),
      ...(person.email ? { email: person.email } : {}),
      ...(phone ? { phone } : {}),
      ...(person.medicalId ? { medId: person.medicalId } : {}),
      ...(person.medicalIdExpiration ? { medExp: person.medicalIdExpiration } : {}),
    },
    orderItems,
    orderType: order.type,
    ...(address ? { address } : {}),
    ...(order.deliveryNotes?.trim() ? { customerNote: order.deliveryNotes.trim() } : {}),
    ...(order.deliveryFeeCents ? { fees: [{ name: DELIVERY_FEE_NAME, amount: order.deliveryFeeCents }] } : {}),
    ...(start ? { requestedFulfillmentTimeStart: start } : {}),
    ...(end ? { requestedFulfillmentTimeEnd: end } : {}),
    ...(options.publicUrl && order.postbackToken ? { postbackUrl: postbackUrlFor(options.publicUrl, order.postbackToken) } : {}),
  };

  // Whatever else the client would refuse (names, dates, …) is refused here too, before any send.
  const check = orderAheadPayloadProblems(payload);
  if (check.problems.length > 0) return { ok: false, problems: check.problems };
  return { ok: true, payload };
}

export function postbackUrlFor(publicUrl: string, postbackToken: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/flowhub/postback/${encodeURIComponent(postbackToken)}`;
}
