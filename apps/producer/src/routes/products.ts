import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  editProduct,
  findProduct,
  findStoreProductSettings,
  listProducts,
  readProductChanges,
  decodeProductChangeCursor,
  encodeProductChangeCursor,
  FEED_START,
  type PrismaClient,
  type ProductChangeCursor,
} from '@flowhub-sync/db';
import { AIQ_CATEGORIES, EDITABLE_PRODUCT_FIELDS, ownedFieldsEdited, STRAIN_TYPES } from '@flowhub-sync/mapping';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, parseWith, unstorableText, type ErrorDetail } from '../errors';
import { storeParams } from '../params';
import { productChangeView, productView } from '../views/product';

/**
 * The synced menu (api-contract.md "Inventory"): list with filters and cursor paging, one product, and the
 * store's own edits. An edit of a field the sync owns would be overwritten at the next sync, so it is
 * refused; an edit of any other field is recorded in editedFields and survives every later sync.
 */

export const productParams = storeParams.extend({ variantId: z.string().min(1).max(200) });

const booleanText = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((value) => value === 'true');

/** The cursor is the last variantId of the page, base64url-encoded: opaque to callers, stable across pages. */
const encodeCursor = (variantId: string) => Buffer.from(variantId, 'utf8').toString('base64url');
const NOT_A_CURSOR = 'is not a cursor this API gave out (use nextCursor as it was returned)';
const cursorText = z.string().transform((cursor, context) => {
  const variantId = Buffer.from(cursor, 'base64url').toString('utf8');
  // A decoded NUL ("AA") names no variant and would reach PostgreSQL, which refuses it in text.
  if (variantId === '' || unstorableText(variantId) || encodeCursor(variantId) !== cursor) {
    context.addIssue({ code: 'custom', message: NOT_A_CURSOR });
    return z.NEVER;
  }
  return variantId;
});

export const listQuery = z.object({
  category: z.enum(AIQ_CATEGORIES, { message: `must be one of ${AIQ_CATEGORIES.join(', ')}` }).optional(),
  // `all` (an addition to the contract): active and inactive products together.
  active: z
    .enum(['true', 'false', 'all'], { message: 'must be true, false or all' })
    .default('true')
    .transform((value) => (value === 'all' ? null : value === 'true')),
  sellable: booleanText.optional(),
  q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(100),
  cursor: cursorText.optional(),
});

/** The change feed's cursor (packages/db/src/products/changes.ts): opaque to callers. */
const changeCursorText = z.string().transform((text, context): ProductChangeCursor => {
  const cursor = decodeProductChangeCursor(text);
  if (!cursor || unstorableText(cursor.variantId)) {
    context.addIssue({ code: 'custom', message: NOT_A_CURSOR });
    return z.NEVER;
  }
  return cursor;
});

export const changesQuery = z.object({
  after: changeCursorText.optional(),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(100),
});

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
export const editBody = z
  .object({
    name: text(500).min(1, 'must not be empty'),
    description: z.string().max(20_000, 'must be at most 20000 characters').nullable(),
    brand: text(200).nullable(),
    category: z.enum(AIQ_CATEGORIES, { message: `must be one of ${AIQ_CATEGORIES.join(', ')}` }).nullable(),
    subtype: text(200).nullable(),
    strainType: z.enum(STRAIN_TYPES, { message: `must be one of ${STRAIN_TYPES.join(', ')}` }).nullable(),
    strainName: text(200).nullable(),
    imageUrl: z
      .string()
      .max(2048)
      .url('must be a URL')
      .refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL')
      .nullable(),
    priceCents: z.number().int('must be whole cents').min(0, 'must not be negative').max(100_000_000).nullable(),
    weight: z
      .object({ value: z.number().positive('must be above 0').max(1_000_000), unit: text(50).min(1, 'must not be empty').nullable() })
      .strict()
      .nullable(),
  })
  .partial();
type ProductEdit = z.output<typeof editBody>;

const EDITABLE: ReadonlySet<string> = new Set(EDITABLE_PRODUCT_FIELDS);

/** Fields a request may not edit at all, each named (quantities and Flowhub's catalogue data follow Flowhub). */
function uneditableFields(body: unknown): ErrorDetail[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  return Object.keys(body)
    .filter((field) => !EDITABLE.has(field))
    .map((field) => ({ path: field, message: `cannot be edited: a store may edit ${EDITABLE_PRODUCT_FIELDS.join(', ')}` }));
}

async function findStore(prisma: PrismaClient, storeId: string) {
  const store = await findStoreProductSettings(prisma, storeId);
  if (!store) throw notFound('store');
  return store;
}

export const productRoutes =
  (deps: Pick<ProducerDependencies, 'prisma'>): FastifyPluginAsync =>
  async (app) => {
    app.get('/v1/stores/:storeId/products', async (request) => {
      const { storeId } = parseWith(storeParams, request.params);
      const query = parseWith(listQuery, request.query);
      const store = await findStore(deps.prisma, storeId);
      const { items, lastVariantId } = await listProducts(
        deps.prisma,
        storeId,
        { active: query.active, category: query.category, sellable: query.sellable, q: query.q, after: query.cursor, limit: query.limit },
        store.quantityThreshold,
      );
      return {
        items: items.map((row) => productView(row, store)),
        nextCursor: lastVariantId === null ? null : encodeCursor(lastVariantId),
      };
    });

    // The menu change feed (packages/db/src/products/changes.ts says why a late commit is never skipped).
    app.get('/v1/stores/:storeId/products/changes', async (request) => {
      const { storeId } = parseWith(storeParams, request.params);
      const query = parseWith(changesQuery, request.query);
      const store = await findStore(deps.prisma, storeId);
      const after = query.after ?? FEED_START;
      const rows = await readProductChanges(deps.prisma, storeId, after, query.limit + 1);
      const items = rows.slice(0, query.limit);
      const last = items[items.length - 1];
      return {
        items: items.map((row) => productChangeView(row, store)),
        nextCursor: encodeProductChangeCursor(last ? { change: last.change, variantId: last.variantId } : after),
        hasMore: rows.length > query.limit,
      };
    });

    app.get('/v1/stores/:storeId/products/:variantId', async (request) => {
      const { storeId, variantId } = parseWith(productParams, request.params);
      const store = await findStore(deps.prisma, storeId);
      const product = await findProduct(deps.prisma, storeId, variantId);
      if (!product) throw notFound('product');
      return productView(product, store);
    });

    app.patch('/v1/stores/:storeId/products/:variantId', async (request) => {
      const { storeId, variantId } = parseWith(productParams, request.params);
      const uneditable = uneditableFields(request.body);
      if (uneditable.length > 0) {
        throw new ApiError('validation_failed', `invalid request: ${uneditable.map((detail) => detail.path).join(', ')}`, uneditable);
      }
      const edit = parseWith(editBody, request.body);
      const fields = Object.keys(edit) as (keyof ProductEdit)[];
      if (fields.length === 0) {
        throw new ApiError('validation_failed', 'nothing to change', [
          { path: 'body', message: `send at least one of ${EDITABLE_PRODUCT_FIELDS.join(', ')}` },
        ]);
      }
      const store = await findStore(deps.prisma, storeId);

      const owned = ownedFieldsEdited(fields, store.ownedFields);
      if (owned.length > 0) {
        throw new ApiError(
          'conflict',
          `${owned.map(({ field }) => field).join(', ')} ${owned.length > 1 ? 'are' : 'is'} owned by the Flowhub sync for this store: ` +
            'edit it in Flowhub, or stop the sync owning it (ownedFields in the store settings)',
          owned.map(({ field, owner }) => ({ path: field, message: `owned by the Flowhub sync (owned field "${owner}")` })),
        );
      }

      const product = await editProduct(deps.prisma, storeId, variantId, edit);
      if (!product) throw notFound('product');
      request.log.info({ storeId, variantId, fields }, 'product edited by the store');
      return productView(product, store);
    });
  };
