import type { OrderItemId } from '@flowhub-sync/db';
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
  /** As ordered: units of the line's weight tier when it names one, else Flowhub's unit for the item. */
  quantity: number;
  /** Grams in one unit of the line's weight tier; null (or absent) when the line names none. */
  tierGrams?: number | null;
  /** The synced product of the line's variant; null when the store has no such product. */
  product: { productId: string | null } | null;
}

export type OrderAheadPayloadResult = { ok: true; payload: OrderAheadCreate } | { ok: false; problems: string[] };

export const DELIVERY_FEE_NAME = 'Delivery Fee';

/**
 * THE place where an item's Flowhub product id is chosen. Flowhub's published schema types
 * `orderItems[].productId` as a number, while its inventory gives every variant string ids (a UUID-like
 * `productId` and a `variantId`), and no public source shows a live create (docs/flowhub-api.md, "Orders").
 * So the store chooses (its `orderItemId` setting): the inventory `productId` of the item's variant (the
 * default) or its `variantId`, either as Flowhub gave it. A refusal naming the items says which setting to
 * try (orderItemIdHint below).
 */
export function flowhubProductIdOf(
  item: { variantId: string; productId: string | null },
  orderItemId: OrderItemId = 'productId',
): string | undefined {
  const id = (orderItemId === 'variantId' ? item.variantId : item.productId)?.trim();
  return id ? id : undefined;
}

/**
 * When Flowhub refuses a create with a message about the items (`orderItems`, `productId`), the id this store
 * sends for them may be the wrong one: the push's failure reason then names the other setting to try. Undefined
 * when the messages are about something else.
 */
export function orderItemIdHint(messages: readonly string[], current: OrderItemId): string | undefined {
  if (!messages.some((message) => /order_?items|product_?id/i.test(message))) return undefined;
  const other: OrderItemId = current === 'variantId' ? 'productId' : 'variantId';
  return (
    `Flowhub refused the items, and this store sends each item's ${current} as orderItems[].productId: ` +
    `if the ids are what Flowhub disputes, set the store's orderItemId to "${other}" (PUT /v1/stores/{storeId}/flowhub), then push again`
  );
}

/** The prefix of every customerNote: `Order <externalId>`, how a Flowhub order names the order it was made for. */
export const ORDER_NOTE_PREFIX = 'Order ';

/**
 * THE customerNote of a create: `Order <externalId>`, then the delivery notes. Flowhub keeps no id of ours for the
 * order itself (customer.externalId identifies the customer), so the note is what ties a Flowhub order to ours
 * (customerNoteNamesOrder).
 */
export function customerNoteFor(order: Pick<PushableOrder, 'externalId' | 'deliveryNotes'>): string {
  const notes = order.deliveryNotes?.trim();
  return notes ? `${ORDER_NOTE_PREFIX}${order.externalId}: ${notes}` : `${ORDER_NOTE_PREFIX}${order.externalId}`;
}

/**
 * Whether a Flowhub order's customerNote names our order `externalId` (it starts with `Order <externalId>`, the id
 * ending there: "Order A-1" does not name A-10). A missing note names nothing.
 */
export function customerNoteNamesOrder(note: string | null | undefined, externalId: string): boolean {
  if (typeof note !== 'string') return false;
  const text = note.trimStart();
  const prefix = `${ORDER_NOTE_PREFIX}${externalId}`;
  return text.startsWith(prefix) && !/[A-Za-z0-9._-]/.test(text.charAt(prefix.length));
}

/**
 * THE place where a line's Flowhub quantity is chosen. Flowhub's order item has no weight tier field: a line that
 * names a tier is sent as its grams (quantity × the tier's grams), in the item's inventory unit, as a line without a
 * tier is. That Flowhub reads `quantityPurchased` of an item sold by weight as grams is an assumption
 * (docs/flowhub-api.md, "Orders: Order Ahead"); should it turn out otherwise, this function is the only thing to change.
 */
export function quantityPurchasedOf(line: Pick<PushableLine, 'quantity' | 'tierGrams'>): number {
  const grams = line.tierGrams;
  if (typeof grams !== 'number' || !(grams > 0)) return line.quantity;
  return Math.round(line.quantity * grams * 1e6) / 1e6;
}

/**
 * THE phone number a push sends, and so the one the API takes (apps/producer/src/orders/order-schema.ts): E.164, a plus
 * and 8 to 15 digits, the first not 0. Flowhub's published schema says only "E.164" (its client-side check,
 * OrderAheadCreateSchema, takes 7 to 15 digits); no number of the North American plan, Flowhub's market, is shorter
 * than 11 digits, and a shorter "+1555" is a typing slip to refuse at create rather than a push bound to fail.
 */
export const E164_PHONE_PATTERN = /^\+[1-9]\d{7,14}$/;

/**
 * A phone number in E.164, as Flowhub requires. Flowhub serves US dispensaries, so a 10-digit
 * number (or 11 digits starting with 1) is taken as North American. Anything else: undefined.
 */
export function toE164(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  if (E164_PHONE_PATTERN.test(compact)) return compact;
  if (/^\d{10}$/.test(compact)) return `+1${compact}`;
  if (/^1\d{10}$/.test(compact)) return `+${compact}`;
  return undefined;
}

type StoredRecord = Record<string, unknown>;

/** Stored JSON is read defensively: an object, or nothing. */
const recordOf = (value: unknown): StoredRecord =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as StoredRecord) : {};

/** A non-empty trimmed string field, or undefined. */
function textOf(record: StoredRecord, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function buildOrderAheadPayload(
  order: PushableOrder,
  lines: readonly PushableLine[],
  options: { publicUrl?: string; orderItemId?: OrderItemId } = {},
): OrderAheadPayloadResult {
  const problems: string[] = [];

  const customer = recordOf(order.customer);
  const person = {
    id: textOf(customer, 'id'),
    firstName: textOf(customer, 'firstName'),
    lastName: textOf(customer, 'lastName'),
    birthDate: textOf(customer, 'birthDate'),
    email: textOf(customer, 'email'),
    phone: textOf(customer, 'phone'),
    medicalId: textOf(customer, 'medicalId'),
    medicalIdExpiration: textOf(customer, 'medicalIdExpiration'),
    purchaseCategory:
      customer.purchaseCategory === 'med' || customer.purchaseCategory === 'rec' ? (customer.purchaseCategory as 'med' | 'rec') : undefined,
  };
  const phone = person.phone === undefined ? undefined : toE164(person.phone);
  // Flowhub takes a medical id only with its expiry (medExp). Without one the id is left out when the phone identifies
  // the customer (a rec order); a med customer, or one with no phone to send, cannot be pushed. The API refuses such a
  // create for a store that syncs orders (crossFieldProblems, apps/producer/src/orders/order-schema.ts).
  const medical =
    person.medicalId !== undefined && person.medicalIdExpiration !== undefined
      ? { medId: person.medicalId, medExp: person.medicalIdExpiration }
      : undefined;
  if (person.medicalId !== undefined && !medical && (phone === undefined || person.purchaseCategory === 'med')) {
    problems.push(
      `customer.medicalIdExpiration: Flowhub takes a medical id only with its expiry, and the order has none${phone === undefined ? ' (nor a phone number Flowhub accepts)' : ''}`,
    );
  } else if (person.phone !== undefined && phone === undefined && !medical) {
    problems.push('customer.phone: not a phone number Flowhub accepts (E.164, e.g. +15555550123), and there is no medical id');
  } else if (phone === undefined && !medical) {
    problems.push('customer: Flowhub needs a phone number or a medical id, and the order has neither');
  }
  if (!person.purchaseCategory) problems.push('customer.purchaseCategory: must be med or rec');

  const orderItems: OrderAheadCreate['orderItems'] = [];
  for (const line of [...lines].sort((a, b) => a.line - b.line)) {
    const productId = line.product
      ? flowhubProductIdOf({ variantId: line.variantId, productId: line.product.productId }, options.orderItemId)
      : undefined;
    if (productId === undefined) {
      problems.push(
        `items[${line.line}]: variant ${line.variantId} has no Flowhub product id (is it still in the store's synced inventory?)`,
      );
      continue;
    }
    orderItems.push({ productId, quantityPurchased: quantityPurchasedOf(line) });
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
    // What the platform has: names are optional in Flowhub's schema, a phone or a medical id is what it requires.
    // customer.externalId is the platform's customer id (Flowhub may match or create its customer by it), never
    // our order's id: the customerNote names the order.
    customer: {
      ...(person.firstName ? { firstName: person.firstName } : {}),
      ...(person.lastName ? { lastName: person.lastName } : {}),
      ...(person.id ? { externalId: person.id } : {}),
      medRecOrBoth: person.purchaseCategory!,
      ...(person.birthDate ? { birthDate: person.birthDate } : {}),
      ...(person.email ? { email: person.email } : {}),
      ...(phone ? { phone } : {}),
      ...medical,
    },
    orderItems,
    orderType: order.type,
    ...(address ? { address } : {}),
    customerNote: customerNoteFor(order),
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
