import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { findOrderByPostbackToken } from '@flowhub-sync/db';
import { parsePayload, queues } from '@flowhub-sync/queues';
import type { ProducerDependencies } from '../dependencies';
import { notFound } from '../errors';
import { FLOWHUB_ORDER_ID } from '../params';
import { withRedis } from '../schedules';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,128}$/;

/**
 * A postback body as read (postbackBodyOf): nothing documents Flowhub's postback body (docs/flowhub-api.md,
 * "Postbacks"), so JSON, form-encoded and empty bodies are all taken, whatever the Content-Type; anything else is
 * `unreadable` and treated as an empty body.
 */
export interface PostbackBody {
  shape: 'json' | 'form' | 'empty' | 'unreadable';
  value: unknown;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';
/** `a=1&b=2` (form encoding) with no spaces: what a form body looks like when its Content-Type does not say so. */
const FORM_LIKE = /^[^\s=&]+=[^\s&]*(?:&[^\s=&]+=[^\s&]*)*$/;

/** Reads a postback body of any shape; never throws (the postback is answered 2xx whatever its body). */
export function postbackBodyOf(text: string, contentType: string | undefined): PostbackBody {
  const trimmed = text.trim();
  if (trimmed === '') return { shape: 'empty', value: undefined };
  try {
    // The body's own form decides, not its Content-Type. Keys are only read, never merged into another object:
    // a `__proto__` key is an own property here, harmless.
    return { shape: 'json', value: JSON.parse(trimmed) };
  } catch {
    // not JSON: maybe form-encoded, said or not
  }
  if (mediaTypeOf(contentType) === FORM_TYPE || FORM_LIKE.test(trimmed)) {
    try {
      // Object.fromEntries defines own properties (a `__proto__` key included); the last of a repeated key wins.
      return { shape: 'form', value: Object.fromEntries(new URLSearchParams(trimmed)) };
    } catch {
      // malformed percent-escapes are decoded leniently by URLSearchParams; anything else is unreadable
    }
  }
  return { shape: 'unreadable', value: undefined };
}

/** The media type of a Content-Type header, lower case, without parameters; '' when absent. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** Where a postback body may name Flowhub's order id, in this order (form bodies may spell the nested one flat). */
export const ORDER_ID_FIELDS = ['orderId', 'id', '_id', 'data.orderId'] as const;

/**
 * The Flowhub order id a postback body names (a string or a number, at most 200 characters, that could be an id), with
 * where it was.
 */
export function namedFlowhubOrderId(body: unknown): { orderId: string; field: string } | undefined {
  const record = asRecord(body);
  if (!record) return undefined;
  for (const field of ORDER_ID_FIELDS) {
    const candidates =
      field === 'data.orderId' ? [asRecord(record.data)?.orderId, record['data.orderId'], record['data[orderId]']] : [record[field]];
    for (const value of candidates) {
      const orderId = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
      if (orderId !== '' && orderId.length <= 200 && FLOWHUB_ORDER_ID.test(orderId)) return { orderId, field };
    }
  }
  return undefined;
}

/** How deep the key paths of a postback body are logged (`data.order.id` is 3 deep), and how many at most. */
export const KEY_PATH_DEPTH = 3;
export const MAX_KEY_PATHS = 40;
/**
 * Arrays add no key to a path, so they are bounded apart: at most this many levels in all, arrays and objects (an
 * array at each of the KEY_PATH_DEPTH levels, `[].a[].b[].c`), and at most MAX_NODES_READ values read.
 */
const MAX_NESTING = 2 * KEY_PATH_DEPTH;
const MAX_NODES_READ = 1_000;

/**
 * The key paths of a body, never its values: `status`, `data`, `data.orderId`, `items[]`, `items[].id`… to
 * KEY_PATH_DEPTH levels and at most MAX_KEY_PATHS paths (each name cut to 64 characters, control characters
 * dropped), so that the first real postbacks show their shape in the log. Bounded whatever the body (deeply nested
 * arrays included): it must never throw, the postback is answered 2xx whatever its body.
 */
export function bodyKeyPaths(value: unknown): { paths: string[]; truncated: boolean } {
  const paths = new Set<string>();
  let truncated = false;
  let read = 0;
  const visit = (node: unknown, prefix: string, depth: number, nesting: number) => {
    if (truncated || depth > KEY_PATH_DEPTH || nesting > MAX_NESTING) return;
    if (++read > MAX_NODES_READ) {
      truncated = true;
      return;
    }
    if (Array.isArray(node)) {
      for (const element of node.slice(0, 20)) visit(element, `${prefix}[]`, depth, nesting + 1);
      return;
    }
    const record = asRecord(node);
    if (!record) return;
    for (const key of Object.keys(record)) {
      // eslint-disable-next-line no-control-regex
      const name = key.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 64);
      const path = prefix === '' ? name : `${prefix}.${name}`;
      if (!paths.has(path)) {
        if (paths.size >= MAX_KEY_PATHS) {
          truncated = true;
          return;
        }
        paths.add(path);
      }
      visit(record[key], path, depth + 1, nesting + 1);
    }
  };
  visit(value, '', 1, 1);
  return { paths: [...paths], truncated };
}

/** The Content-Type a postback arrived with, before acceptAnyBody set it aside. */
const declaredTypes = new WeakMap<object, string>();

/**
 * The postback plugin's own body parser (Fastify keeps content-type parsers per plugin, so the API's JSON-only
 * rule, app.ts, stays as it is elsewhere): every body is read by postbackBodyOf, so no Content-Type and no body is
 * ever refused here. Fastify answers 415 to a Content-Type header it cannot parse before any parser runs, so the
 * declared one is set aside first (postbackBodyOf and the log still see it) and the body goes to the catch-all.
 */
function acceptAnyBody(app: FastifyInstance) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    done(null, postbackBodyOf(body as string, declaredTypeOf(request.raw)));
  });
  app.addHook('onRequest', async (request) => {
    const declared = request.headers['content-type'];
    if (declared === undefined) return;
    declaredTypes.set(request.raw, declared);
    request.headers['content-type'] = 'application/octet-stream';
  });
}

function declaredTypeOf(raw: object): string | undefined {
  return declaredTypes.get(raw);
}

/**
 * Flowhub's status postbacks (PUBLIC_URL set): `POST /v1/flowhub/postback/{token}`, no bearer token — the
 * unguessable per-order token in the path is the credential. Nothing in the body is trusted, and nothing documents
 * its shape: JSON, form-encoded, empty or unreadable, it is answered 202 (an unknown token is a 404). The
 * order-worker re-reads the order named by the token from Flowhub before acting, so a forged postback changes
 * nothing. The body is read only for a Flowhub order id (ORDER_ID_FIELDS), and only to resolve an order whose push
 * outcome is unknown (needs_reconciliation); its key paths, never its values, are logged so that the first real
 * postbacks teach us their shape. The re-read runs on the order-status-poll queue within moments and is applied as
 * every status read is (packages/db applyFlowhubStatus): only forward, judged against the order's row inside the
 * applying transaction, so a re-read racing a poll never moves the order back. The 2-minute poll remains the safety
 * net.
 */
export const postbackRoutes =
  (deps: ProducerDependencies): FastifyPluginAsync =>
  async (app) => {
    acceptAnyBody(app);
    app.post<{ Params: { token: string } }>('/v1/flowhub/postback/:token', async (request, reply) => {
      const { token } = request.params;
      if (!TOKEN_PATTERN.test(token)) throw notFound('postback');
      const order = await findOrderByPostbackToken(deps.prisma, token);
      if (!order) throw notFound('postback');
      const body = (request.body as PostbackBody | undefined) ?? { shape: 'empty', value: undefined };
      const named = namedFlowhubOrderId(body.value);
      const claim = order.pushState === 'needs_reconciliation' && named ? { flowhubOrderId: named.orderId } : {};
      const data = parsePayload('order-status-poll', { storeId: order.storeId, orderId: order.id, ...claim });
      await withRedis(deps, () =>
        deps.queues['order-status-poll'].add(queues['order-status-poll'].jobName(data), data, queues['order-status-poll'].defaults),
      );
      const keys = bodyKeyPaths(body.value);
      request.log.info(
        {
          storeId: order.storeId,
          externalId: order.externalId,
          contentType: mediaTypeOf(declaredTypeOf(request.raw)).slice(0, 100) || undefined,
          bodyShape: body.shape,
          bodyKeys: keys.paths,
          ...(keys.truncated ? { bodyKeysTruncated: true } : {}),
          orderIdField: named?.field,
        },
        'Flowhub postback received',
      );
      return reply.status(202).send({ accepted: true });
    });
  };
