import createFetchClient, { type Client, type ClientPathsWithMethod, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { FlowhubSyncError } from './errors';
import type { paths } from './generated/api';

type Media = `${string}/${string}`;
type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
/** openapi-fetch's client over the producer's API, for what the typed methods do not cover (middleware, the whole answer). */
export type RawClient = Client<paths, Media>;

/** What a 2xx answer of an operation carries: its JSON body, or undefined for 204. */
type SuccessData<Operation, Init> =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- openapi-fetch's own constraint on an operation
  Operation extends Record<string | number, any>
    ? FetchResponse<Operation, Init, Media> extends infer Answer
      ? Answer extends { data: infer Data; error?: never }
        ? [Data] extends [never]
          ? undefined
          : Data
        : never
      : never
    : never;

/**
 * One typed method per HTTP method: the path is one of the API's path templates; `params` (`path`, `query`) and
 * `body` are typed by the operation; the answer is the 2xx body. Anything else throws FlowhubSyncError.
 */
export type CallMethod<M extends Method> = <P extends ClientPathsWithMethod<RawClient, M>, Init extends MaybeOptionalInit<paths[P], M>>(
  path: P,
  ...init: undefined extends Init ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }]
) => Promise<SuccessData<paths[P][M], Init>>;

export interface FlowhubSyncClient {
  GET: CallMethod<'get'>;
  PUT: CallMethod<'put'>;
  POST: CallMethod<'post'>;
  PATCH: CallMethod<'patch'>;
  DELETE: CallMethod<'delete'>;
  /** The openapi-fetch client underneath (same base URL, token and retries): `{ data, error, response }` answers, middleware. */
  raw: RawClient;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 2: three attempts in all). */
  retries?: number;
  /** The first retry waits about this long, each later one twice as long as the one before (default 200 ms). */
  minDelayMs?: number;
  /** No wait is longer (default 2000 ms). */
  maxDelayMs?: number;
}

export interface ClientOptions {
  /** Where the producer is, e.g. https://flowhub-sync.example (paths start with /v1/…). */
  baseUrl: string;
  /** The producer's API_TOKEN (or one of its API_TOKENS), sent as `Authorization: Bearer <token>`. */
  token: string;
  /** A fetch implementation (default globalThis.fetch). */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries of the calls that are safe to repeat (GET, and order creation: idempotent by externalId); `false`: none. */
  retry?: RetryOptions | false;
  /** More headers for every request. */
  headers?: Record<string, string>;
}

/** Answers that say that the server, or a proxy before it, could not serve the request now. */
const RETRIED_STATUSES = new Set([502, 503, 504]);
/** POST /v1/stores/{storeId}/orders: the same externalId with the same content gives the same order (200), never a second one. */
const ORDER_CREATE = /\/v1\/stores\/[^/]+\/orders\/?$/;

/** Whether a request may be sent again: GET (and HEAD) always; POST only to create an order; never another method. */
export function isRetryable(request: Pick<Request, 'method' | 'url'>): boolean {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return true;
  return method === 'POST' && ORDER_CREATE.test(new URL(request.url).pathname);
}

const isAbort = (error: unknown) => error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * fetch with retries where they are safe (isRetryable): on no answer (a network error) and on 502, 503 and 504,
 * with an exponential backoff (jittered). Without an answer in the end it throws FlowhubSyncError `network_error`.
 */
export function retryingFetch(
  fetchImpl: (request: Request) => Promise<Response>,
  options: RetryOptions | false = {},
): (request: Request) => Promise<Response> {
  const retries = options === false ? 0 : Math.max(0, Math.floor(options.retries ?? 2));
  const minDelayMs = options === false ? 0 : (options.minDelayMs ?? 200);
  const maxDelayMs = options === false ? 0 : (options.maxDelayMs ?? 2_000);
  return async (request: Request) => {
    const attempts = isRetryable(request) ? retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      // A body is read once: every attempt but the last sends a copy.
      const sent = last ? request : request.clone();
      try {
        const response = await fetchImpl(sent);
        if (last || !RETRIED_STATUSES.has(response.status)) return response;
        await response.body?.cancel().catch(() => undefined);
      } catch (error) {
        if (request.signal?.aborted || isAbort(error) || error instanceof FlowhubSyncError) throw error;
        if (last) {
          const reason =
            error instanceof Error
              ? error.cause instanceof Error
                ? `${error.message} (${error.cause.message})`
                : error.message
              : String(error);
          throw new FlowhubSyncError({
            status: 0,
            code: 'network_error',
            message: `${request.method} ${request.url}: no answer: ${reason}`,
            cause: error,
          });
        }
      }
      const backoff = Math.min(maxDelayMs, minDelayMs * 2 ** (attempt - 1));
      await sleep(backoff / 2 + Math.random() * (backoff / 2), request.signal);
    }
  };
}

/** A typed client of the producer's API (every operation of its OpenAPI document). */
export function createClient(options: ClientOptions): FlowhubSyncClient {
  if (!options.baseUrl) throw new TypeError('createClient: baseUrl is required');
  if (!options.token) throw new TypeError('createClient: token is required');
  const fetchImpl = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const raw = createFetchClient<paths, Media>({
    baseUrl: options.baseUrl,
    fetch: retryingFetch(fetchImpl, options.retry),
    headers: { ...options.headers, authorization: `Bearer ${options.token}` },
  });

  const call =
    (method: Method) =>
    async (path: string, init?: Record<string, unknown>): Promise<unknown> => {
      const answer = (await raw.request(method as 'get', path as never, init as never)) as {
        data?: unknown;
        error?: unknown;
        response: Response;
      };
      if (!answer.response.ok) throw FlowhubSyncError.fromAnswer(answer.response.status, answer.error, answer.response.statusText);
      return answer.data;
    };

  return {
    GET: call('get') as CallMethod<'get'>,
    PUT: call('put') as CallMethod<'put'>,
    POST: call('post') as CallMethod<'post'>,
    PATCH: call('patch') as CallMethod<'patch'>,
    DELETE: call('delete') as CallMethod<'delete'>,
    raw,
  };
}
