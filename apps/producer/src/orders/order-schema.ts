import { z } from 'zod';
import { externalIdSchema, idSchema } from '@flowhub-sync/config';
import { decodeOrderCursor } from '@flowhub-sync/db';
import { E164_PHONE_PATTERN } from '@flowhub-sync/orders';
import type { ErrorDetail } from '../errors';
import { formatPath, unstorableTexts } from '../errors';

/** The order routes' path parameters (apps/producer/src/params.ts), for the routes that import them from here. */
export { orderParams } from '../params';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => text(max).nullish();
const isoDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });
const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date and time' });

const customer = z.object({
  id: idSchema()
    .nullish()
    .describe(
      "the platform's id of the customer (an addition to the contract): sent to Flowhub as customer.externalId, so that Flowhub can match its customer",
    ),
  firstName: optionalText(200),
  lastName: optionalText(200),
  birthDate: isoDate.nullish(),
  email: z.email({ error: 'must be an email address' }).max(320).nullish(),
  // The push's own rule (E164_PHONE_PATTERN): a phone taken here is one the push sends.
  phone: z.string().regex(E164_PHONE_PATTERN, 'must be in E.164 form, e.g. +15555550123').nullish(),
  medicalId: optionalText(100),
  medicalIdExpiration: isoDate.nullish(),
  purchaseCategory: z.enum(['rec', 'med']),
});

const item = z
  .object({
    // As long as the menu's ids (at most 200 characters, packages/flowhub-client inventory-row.ts MAX_ID_LENGTH).
    variantId: text(200).min(1, 'must not be empty'),
    quantity: z
      .number()
      .positive('must be greater than 0')
      .max(100_000, 'must be at most 100000')
      // Holds are summed to 6 decimals (see holds.ts): finer quantities would be held rounded, and one below a millionth
      // (5e-13 is within the tolerance of 0 millionths) as 0. A quantity not above 0 is positive()'s to name.
      .refine((quantity) => {
        const millionths = quantity * 1e6;
        return Math.abs(millionths - Math.round(millionths)) < 1e-6 && (quantity <= 0 || Math.round(millionths) >= 1);
      }, 'must have at most 6 decimal places')
      .describe("in Flowhub's unit for the item (whole numbers unless it is sold by weight: then grams), or units of the weightTier named"),
    weightTier: text(100)
      .min(1, 'must not be empty')
      .nullish()
      .describe(
        "the name of one of the product's weightTiers (an addition to the contract): the item is quantity units of that tier, and holds quantity × its grams",
      ),
  })
  .superRefine((line, context) => {
    if (line.weightTier && !Number.isInteger(line.quantity)) {
      context.addIssue({ code: 'custom', path: ['quantity'], message: 'must be a whole number of units of the weight tier' });
    }
  });

const address = z.object({
  street1: text(200).min(1, 'must not be empty'),
  street2: optionalText(200),
  city: text(100).min(1, 'must not be empty'),
  state: text(64).min(1, 'must not be empty'),
  zip: z
    .string()
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, 'must be a ZIP code: 12345 or 12345-6789'),
});

/** POST /v1/stores/{storeId}/orders. Unknown fields are ignored (the platform may send more than we use). */
export const createOrderBody = z.object({
  externalId: externalIdSchema,
  status: z.enum(['pending', 'confirmed']).default('pending'),
  type: z.enum(['pickup', 'delivery', 'kiosk']),
  placedAt: isoDateTime.nullish(),
  customer,
  items: z.array(item).min(1, 'must list at least one item').max(500, 'must list at most 500 items'),
  deliveryNotes: optionalText(2000),
  deliveryFeeCents: z.number().int('must be a whole number of cents').min(0, 'must not be negative').max(10_000_000).nullish(),
  address: address.nullish(),
  requestedWindow: z.object({ start: isoDateTime, end: isoDateTime }).nullish(),
});
export type CreateOrderBody = z.output<typeof createOrderBody>;

export const patchOrderBody = z.object({ holdInventory: z.boolean() }).strict();

/** GET …/orders: `attention=true` lists only the orders that need a person (packages/db/src/orders/order-list.ts). */
export const orderListQuery = z.object({
  attention: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(100),
  cursor: z
    .string()
    .transform((text, context) => {
      const cursor = decodeOrderCursor(text);
      if (!cursor) {
        context.addIssue({ code: 'custom', message: 'is not a cursor this API gave out (use nextCursor as it was returned)' });
        return z.NEVER;
      }
      return cursor;
    })
    .optional(),
});

/** Required fields say "is required" rather than zod's "expected string, received undefined". */
export const requiredFieldMessages: z.core.$ZodErrorMap = (issue) => (issue.input === undefined ? 'is required' : undefined);

const filled = (value: unknown) => typeof value === 'string' && value.trim() !== '';
const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * The rules that join fields, checked on the raw body so that one 400 names them beside the malformed fields:
 * a delivery needs an address, a med customer a medical id and its expiry (Flowhub requires both), a store
 * that pushes orders a phone or a medical id (Flowhub refuses orders without one, kiosk orders included) and,
 * without a phone, a medical id's expiry (Flowhub takes a medical id only with it: with a phone the push leaves
 * such an id out, packages/orders buildOrderAheadPayload), and a requested window ends after it starts.
 */
export function crossFieldProblems(raw: unknown, store: { syncOrders: boolean }): ErrorDetail[] {
  const body = asRecord(raw);
  if (!body) return [];
  const problems: ErrorDetail[] = [];
  const customer = asRecord(body.customer);
  if (body.type === 'delivery' && (body.address === undefined || body.address === null)) {
    problems.push({ path: 'address', message: 'is required for a delivery' });
  }
  if (customer?.purchaseCategory === 'med') {
    if (!filled(customer.medicalId))
      problems.push({ path: 'customer.medicalId', message: 'is required for a med customer (Flowhub requires it for medical orders)' });
    if (!filled(customer.medicalIdExpiration)) {
      problems.push({
        path: 'customer.medicalIdExpiration',
        message: 'is required for a med customer (Flowhub requires it for medical orders)',
      });
    }
  }
  if (store.syncOrders && customer && !filled(customer.phone) && !filled(customer.medicalId)) {
    const message = 'a phone or a medical id is required: this store pushes orders to Flowhub, which refuses an order with neither';
    problems.push({ path: 'customer.phone', message }, { path: 'customer.medicalId', message });
  }
  if (
    store.syncOrders &&
    customer &&
    customer.purchaseCategory !== 'med' &&
    !filled(customer.phone) &&
    filled(customer.medicalId) &&
    !filled(customer.medicalIdExpiration)
  ) {
    problems.push({
      path: 'customer.medicalIdExpiration',
      message:
        'is required with a medical id when there is no phone: this store pushes orders to Flowhub, which takes a medical id only with its expiry',
    });
  }
  const window = asRecord(body.requestedWindow);
  if (window && typeof window.start === 'string' && typeof window.end === 'string' && Date.parse(window.end) < Date.parse(window.start)) {
    problems.push({ path: 'requestedWindow.end', message: 'must not be before requestedWindow.start' });
  }
  return problems;
}

/** Parses a create body: every wrong field in one list (empty when the body is good). */
export function parseCreateOrder(raw: unknown, store: { syncOrders: boolean }): { body?: CreateOrderBody; problems: ErrorDetail[] } {
  const parsed = createOrderBody.safeParse(raw, { error: requiredFieldMessages });
  const malformed = parsed.success
    ? unstorableTexts(parsed.data)
    : parsed.error.issues.map((issue) => ({ path: formatPath(issue.path) || 'body', message: issue.message }));
  const seen = new Set(malformed.map((problem) => problem.path));
  const joined = crossFieldProblems(raw, store).filter((problem) => !seen.has(problem.path) && (seen.add(problem.path), true));
  const problems = [...malformed, ...joined];
  return problems.length === 0 && parsed.success ? { body: parsed.data, problems } : { problems };
}
