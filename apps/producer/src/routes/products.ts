import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Prisma } from '@flowhub-sync/db';
import { AIQ_CATEGORIES, EDITABLE_PRODUCT_FIELDS, ownedFieldCovering, STRAIN_TYPES } from '@flowhub-sync/mapping';
import type { ProducerDependencies } from '../dependencies';
import { ApiError, notFound, parseWith, type ErrorDetail } from '../errors';
import { productView, type ProductRecord } from '../views/product';

/**
 * The synced menu (api-contract.md "Inventory"): list with filters and cursor paging, one product, and the
 * store's own edits. An edit of a field the sync owns would be overwritten at the next sync, so it is
 * refused; an edit of any other field is recorded in editedFields and survives every later sync.
 */

const idPattern = /^[A-Za-z0-9._-]{1,64}$/;
const storeParams = z.object({ storeId: z.string().regex(idPattern, 'must match ^[A-Za-z0-9._-]{1,64}$') });
export const productParams = storeParams.extend({ variantId: z.string().min(1).max(200) });

const booleanText = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((value) => value === 'true');

/** The cursor is the last variantId of the page, base64url-encoded: opaque to callers, stable across pages. */
const encodeCursor = (variantId: string) => Buffer.from(variantId, 'utf8').toString('base64url');
const cursorText = z.string().transform((cursor, context) => {
  const variantId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (variantId === '' || encodeCursor(variantId) !== cursor) {
    context.addIssue({ code: 'custom', message: 'is not a cursor this API gave out (use nextCursor as it was returned)' });
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
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
  cursor: cursorText.optional(),
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

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (character) => `\\${character}`);

async function findStore(deps: Pick<ProducerDependencies, 'prisma'>, storeId: string) {
  const store = await deps.prisma.store.findUnique({ where: { id: storeId }, select: { quantityThreshold: true, ownedFields: true } });
  if (!store) throw notFound('store');
  return store;
}

export const productRoutes = (deps: Pick<ProducerDependencies, 'prisma'>): FastifyPluginAsync => async (app) => {
  app.get('/v1/stores/:storeId/products', async (request) => {
    const { storeId } = parseWith(storeParams, request.params);
    const query = parseWith(listQuery, request.query);
    const store = await findStore(deps, storeId);

    const where = [Prisma.sql`store_id = ${storeId}`];
    if (query.active !== null) where.push(Prisma.sql`active = ${query.active}`);
    if (query.category) where.push(Prisma.sql`category = ${query.category}`);
    if (query.sellable !== undefined) {
      // The view's arithmetic (productQuantities), rounding included, so the filter and the answer agree.
      const sellable = Prisma.sql`(active AND round(round((pos_quantity - held_quantity)::numeric, 6) - ${store.quantityThreshold}::numeric, 6) > 0)`;
      where.push(query.sellable ? sellable : Prisma.sql`NOT ${sellable}`);
    }
    if (query.q) {
      const pattern = `%${escapeLike(query.q)}%`;
      where.push(Prisma.sql`(name ILIKE ${pattern} OR brand ILIKE ${pattern} OR strain_name ILIKE ${pattern})`);
    }
    if (query.cursor) where.push(Prisma.sql`variant_id > ${query.cursor}`);

    const rows = await deps.prisma.$queryRaw<ProductRecord[]>`
      SELECT variant_id AS "variantId", product_id AS "productId", sku, name, brand, description, category, subtype,
        strain_type AS "strainType", strain_name AS "strainName", terpenes, cannabinoids, price_cents AS "priceCents",
        image_url AS "imageUrl", weight, purchase_category AS "purchaseCategory", sold_by_weight AS "soldByWeight",
        quantity_unit AS "quantityUnit", weight_tiers AS "weightTiers", pos_quantity AS "posQuantity",
        held_quantity AS "heldQuantity", active, edited_fields AS "editedFields", last_synced_at AS "lastSyncedAt"
      FROM products
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY variant_id
      LIMIT ${query.limit + 1}`;
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => productView(row, store)),
      nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1].variantId) : null,
    };
  });

  app.get('/v1/stores/:storeId/products/:variantId', async (request) => {
    const { storeId, variantId } = parseWith(productParams, request.params);
    const store = await findStore(deps, storeId);
    const product = await deps.prisma.product.findUnique({ where: { storeId_variantId: { storeId, variantId } } });
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
      throw new ApiError('validation_failed', 'nothing to change', [{ path: 'body', message: `send at least one of ${EDITABLE_PRODUCT_FIELDS.join(', ')}` }]);
    }
    const store = await findStore(deps, storeId);

    const owned = fields
      .map((field) => ({ field, owner: ownedFieldCovering(field) }))
      .filter(({ owner }) => owner !== null && store.ownedFields.includes(owner));
    if (owned.length > 0) {
      throw new ApiError(
        'conflict',
        `${owned.map(({ field }) => field).join(', ')} ${owned.length > 1 ? 'are' : 'is'} owned by the Flowhub sync for this store: ` +
          'edit it in Flowhub, or stop the sync owning it (ownedFields in the store settings)',
        owned.map(({ field, owner }) => ({ path: field, message: `owned by the Flowhub sync (owned field "${owner}")` })),
      );
    }

    const { weight, ...plain } = edit;
    const product = await deps.prisma.$transaction(async (tx) => {
      // Locked so that two edits at once both land in editedFields.
      const [current] = await tx.$queryRaw<{ edited_fields: string[] }[]>`
        SELECT edited_fields FROM products WHERE store_id = ${storeId} AND variant_id = ${variantId} FOR UPDATE`;
      if (!current) throw notFound('product');
      return tx.product.update({
        where: { storeId_variantId: { storeId, variantId } },
        data: {
          ...plain,
          ...(weight === undefined ? {} : { weight: weight === null ? Prisma.DbNull : weight }),
          editedFields: [...new Set([...current.edited_fields, ...fields])],
        },
      });
    });
    request.log.info({ storeId, variantId, fields }, 'product edited by the store');
    return productView(product, store);
  });
};
