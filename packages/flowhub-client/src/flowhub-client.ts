import { createAccessTokenCache, type IssuedToken, type OrderAheadCredentials } from './access-tokens';
import { FlowhubError, isFlowhubError, type SendOutcome } from './flowhub-error';
import {
  createFlowhubTransport,
  MalformedResponse,
  readJson,
  type FlowhubEndpointName,
  type FlowhubLogger,
  type FlowhubRequestObserver,
  type FlowhubResponse,
} from './flowhub-http';
import { parseInventoryStream, type InventoryProblem, type RowMemo } from './inventory-stream';
import type { FlowhubInventoryRow } from './inventory-row';
import { parseLocations, type FlowhubLocation } from './locations';
import { orderAheadPayloadProblems, parseOrderAnswer, type FlowhubOrderAnswer, type OrderAheadCreate } from './order-ahead';
import { budgetKeyFor, egressKeyFor, type RequestBudget } from './request-budget';
import { backoffDelayMs, sleep } from './retry-timing';

export interface FlowhubClientOptions {
  /** FLOWHUB_API_URL, e.g. https://api.flowhub.co (or the simulator). */
  apiUrl: string;
  /** FLOWHUB_AUTH_URL, e.g. https://flowhub.auth0.com. */
  authUrl: string;
  /** OAuth audience of the Order Ahead token. Default https://api.flowhub.co. */
  audience?: string;
  /** Deadline of one attempt (request and answer) for everything but inventory and the create. Default 15 s. */
  timeoutMs?: number;
  /**
   * Deadline of an Order Ahead create (FLOWHUB_CREATE_TIMEOUT_MS). Default 30 s: a create that times out has an
   * unknown outcome (the order push then needs a person), so it gets longer than a read.
   */
  createTimeoutMs?: number;
  /** Deadline of one inventory attempt: a whole location comes in one answer. Default 120 s. */
  inventoryTimeoutMs?: number;
  /** Outbound proxy (HTTPS_PROXY) for accounts that allow-list caller addresses. */
  proxyUrl?: string;
  /**
   * Shared request budget per credentials (and per egress, when it has a global rate: the egress is `proxyUrl`'s
   * host, or direct); without one, calls are not throttled.
   */
  budget?: RequestBudget;
  /** How long a call may wait for a budget slot before failing as rate_limited. Default 1000 ms. */
  budgetWaitMs?: number;
  /** Retries of a read (GET, token) after a transient error or a 429. Default 2. Creates never retry. */
  maxRetries?: number;
  /** First backoff step; doubles per retry, with full jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Longest wait the client sleeps through itself; a longer Retry-After is thrown to the caller. Default 10 s. */
  maxRetryWaitMs?: number;
  /** Stop using a token this long before it expires. Default 60 s (at most a tenth of its life). */
  tokenRefreshMarginMs?: number;
  logger?: FlowhubLogger;
  /**
   * Called once per HTTP attempt (each retry too) with the endpoint's name, status, outcome and
   * duration: for a metrics counter. Never given an id or a secret; an observer that throws is logged.
   */
  onRequest?: FlowhubRequestObserver;
}

/** What a store's settings give for inventory: the `clientId` and `key` headers and the location. */
export interface InventoryCredentials {
  clientId: string;
  apiKey: string;
  locationId: string;
}

export type LocationsCredentials = Pick<InventoryCredentials, 'clientId' | 'apiKey'>;

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * How long to wait for a slot in the request budget. 0: fail at once with rate_limited and
   * `retryAfterMs` (the inventory worker then delays its job instead of sleeping).
   */
  budgetWaitMs?: number;
}

export interface InventoryResult<Known = never> {
  /** Rows that passed validation, in Flowhub's order; with a `memo`, a row it recalled is what it answered (RowMemo). */
  rows: Array<FlowhubInventoryRow | Known>;
  /** With a `memo`: the digest of each of `rows`, in the same order (rowDigest). */
  digests?: string[];
  /** Rows that failed validation: kept out of `rows`, each with its reason. */
  problems: InventoryProblem[];
  /** Rows Flowhub sent, good and bad. */
  fetched: number;
  /** Size of the answer's body in bytes, as read (after any content decoding). */
  bytes: number;
}

export interface FlowhubClient {
  /** A location's non-zero inventory; `byRooms` adds roomId/roomName (one row per item and room). */
  getInventory<Known = never>(
    credentials: InventoryCredentials,
    options: CallOptions & { byRooms: boolean; memo?: RowMemo<Known> },
  ): Promise<InventoryResult<Known>>;
  getLocations(credentials: LocationsCredentials, options?: CallOptions): Promise<FlowhubLocation[]>;
  /**
   * Creates an Order Ahead order. Never retried once it may have been sent: on failure, the
   * error's `sendOutcome` says whether it may have reached Flowhub ('unknown') or certainly did not.
   */
  createOrder(credentials: OrderAheadCredentials, payload: OrderAheadCreate, options?: CallOptions): Promise<FlowhubOrderAnswer>;
  getOrderStatus(
    credentials: OrderAheadCredentials,
    orderId: string,
    options?: CallOptions,
  ): Promise<FlowhubOrderAnswer & { status: string }>;
  /** A valid Order Ahead token (cached); used to verify a store's Order Ahead settings. */
  getAccessToken(credentials: OrderAheadCredentials, options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<string>;
}

interface Call<T> {
  name: FlowhubEndpointName;
  method: 'GET' | 'POST';
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  budgetKey?: string;
  budgetWaitMs?: number;
  secrets: string[];
  idempotent: boolean;
  credentialsName: string;
  read: (response: FlowhubResponse) => Promise<T>;
}

export function createFlowhubClient(options: FlowhubClientOptions): FlowhubClient {
  const apiUrl = baseUrl(options.apiUrl, 'apiUrl');
  const authUrl = baseUrl(options.authUrl, 'authUrl');
  const audience = options.audience ?? 'https://api.flowhub.co';
  const timeoutMs = positive(options.timeoutMs, 15_000, 'timeoutMs');
  const createTimeoutMs = positive(options.createTimeoutMs, 30_000, 'createTimeoutMs');
  const inventoryTimeoutMs = positive(options.inventoryTimeoutMs, 120_000, 'inventoryTimeoutMs');
  const defaultBudgetWaitMs = options.budgetWaitMs ?? 1000;
  const maxRetries = options.maxRetries ?? 2;
  const retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
  const { budget, logger } = options;
  const transport = createFlowhubTransport({ proxyUrl: options.proxyUrl, logger, onRequest: options.onRequest });
  // The road out: a global budget (FLOWHUB_MAX_RPS_GLOBAL) is kept per egress, Flowhub's throttling scope being unknown.
  const egress = egressKeyFor(options.proxyUrl);

  /** How long to wait before trying `error`'s request again, or undefined when it must not be retried. */
  function retryWaitMs(error: FlowhubError, attempt: number): number | undefined {
    if (attempt > maxRetries) return undefined;
    if (error.kind === 'transient') return backoffDelayMs(attempt, { baseMs: retryBaseDelayMs, maxMs: maxRetryWaitMs });
    if (error.kind === 'rate_limited' && error.status === 429 && error.retryAfterMs !== undefined) {
      return error.retryAfterMs <= maxRetryWaitMs ? error.retryAfterMs : undefined;
    }
    return undefined;
  }

  async function takeBudgetSlot(call: Call<unknown>, endpoint: string): Promise<void> {
    if (!budget || !call.budgetKey) return;
    const sendOutcome: SendOutcome | undefined = call.idempotent ? undefined : 'not_sent';
    let reservation;
    try {
      reservation = await budget.reserve(call.budgetKey, call.budgetWaitMs ?? defaultBudgetWaitMs, egress);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new FlowhubError(`the shared Flowhub request budget is unavailable (${why})`, { kind: 'transient', endpoint, sendOutcome });
    }
    if (!reservation.granted) {
      const whose = reservation.limitedBy === 'egress' ? `global request budget (${egress})` : 'request budget of these credentials';
      throw new FlowhubError(`the ${whose} has no free slot for ${reservation.retryInMs} ms`, {
        kind: 'rate_limited',
        endpoint,
        retryAfterMs: reservation.retryInMs,
        sendOutcome,
      });
    }
    if (reservation.waitMs > 0) await pause(reservation.waitMs, call, endpoint);
  }

  async function pause(ms: number, call: Call<unknown>, endpoint: string): Promise<void> {
    try {
      await sleep(ms, call.signal);
    } catch {
      throw abortedError(endpoint, call.idempotent ? undefined : 'not_sent');
    }
  }

  /** One Flowhub call: budget slot, exchange, and the few retries a read may take. */
  async function run<T>(call: Call<T>): Promise<T> {
    const endpoint = `${call.method} ${call.path}`;
    for (let attempt = 1; ; attempt += 1) {
      await takeBudgetSlot(call, endpoint);
      try {
        return await transport.exchange(
          {
            method: call.method,
            url: call.baseUrl + call.path,
            endpointName: call.name,
            endpoint,
            headers: call.headers,
            body: call.body,
            timeoutMs: call.timeoutMs,
            signal: call.signal,
            secrets: call.secrets,
            idempotent: call.idempotent,
            credentialsName: call.credentialsName,
            attempt,
            backoffBaseMs: retryBaseDelayMs,
          },
          call.read,
        );
      } catch (error) {
        if (!(error instanceof FlowhubError)) throw error;
        const waitMs = call.idempotent ? retryWaitMs(error, attempt) : undefined;
        if (waitMs === undefined) throw error;
        logger?.warn({ endpoint, kind: error.kind, status: error.status, attempt, waitMs }, 'retrying Flowhub request');
        await pause(waitMs, call, endpoint);
      }
    }
  }

  async function fetchToken(credentials: OrderAheadCredentials): Promise<IssuedToken> {
    requireValues({ clientId: credentials.clientId, clientSecret: credentials.clientSecret }, 'POST /oauth/token');
    return run({
      name: 'token',
      method: 'POST',
      baseUrl: authUrl,
      path: '/oauth/token',
      headers: { 'Content-Type': 'application/json' },
      body: {
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        audience,
        grant_type: 'client_credentials',
      },
      timeoutMs,
      secrets: [credentials.clientSecret],
      idempotent: true,
      credentialsName: 'Order Ahead credentials',
      read: async (response) => {
        const body = (await readJson(response)) as Record<string, unknown> | null;
        const accessToken = body?.access_token;
        if (typeof accessToken !== 'string' || accessToken === '') {
          throw new MalformedResponse('the token answer has no access_token');
        }
        const expiresIn = Number(body?.expires_in);
        // Auth0 always says; if not, assume a short life rather than a long one.
        return { accessToken, expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300 };
      },
    });
  }

  const tokens = createAccessTokenCache({ fetchToken, refreshMarginMs: options.tokenRefreshMarginMs ?? 60_000 });

  async function tokenFor(credentials: OrderAheadCredentials, signal: AbortSignal | undefined, forceRefresh: boolean): Promise<string> {
    try {
      return await tokens.get(credentials, { signal, forceRefresh });
    } catch (error) {
      if (error instanceof FlowhubError) throw error;
      if (signal?.aborted) throw abortedError('POST /oauth/token', undefined);
      throw error;
    }
  }

  /** Runs an Order Ahead call with a token, and once more with a fresh token if Flowhub answers 401 or 403. */
  async function withToken<T>(
    credentials: OrderAheadCredentials,
    signal: AbortSignal | undefined,
    send: (token: string) => Promise<T>,
    beforeSend: (error: FlowhubError) => FlowhubError,
  ): Promise<T> {
    let token = await tokenFor(credentials, signal, false).catch((error) => {
      throw isFlowhubError(error) ? beforeSend(error) : error;
    });
    try {
      return await send(token);
    } catch (error) {
      // A 401 or 403 (a 4xx) proves Flowhub did not act on the request, so sending it again is safe even for a create.
      // Which of the two a stale token gets is not documented: one fresh token settles it.
      if (!(isFlowhubError(error, 'credentials_rejected') && (error.status === 401 || error.status === 403))) throw error;
      logger?.info({ endpoint: error.endpoint }, 'Flowhub refused the Order Ahead token; fetching a new one');
      tokens.invalidate(credentials, token);
      token = await tokenFor(credentials, signal, true).catch((refreshError) => {
        throw isFlowhubError(refreshError) ? beforeSend(refreshError) : refreshError;
      });
      return send(token);
    }
  }

  return {
    async getInventory(credentials, callOptions) {
      const endpointName: FlowhubEndpointName = callOptions.byRooms ? 'inventoryByRoomsNonZero' : 'inventoryNonZero';
      const path = `/v0/locations/${encodeURIComponent(credentials.locationId ?? '')}/${endpointName}`;
      const { clientId, apiKey, locationId } = credentials;
      requireValues({ clientId, apiKey, locationId }, `GET ${path}`);
      const result = await run({
        name: endpointName,
        method: 'GET',
        baseUrl: apiUrl,
        path,
        headers: { clientId: credentials.clientId, key: credentials.apiKey },
        timeoutMs: inventoryTimeoutMs,
        signal: callOptions.signal,
        budgetKey: budgetKeyFor('inventory', credentials.clientId),
        budgetWaitMs: callOptions.budgetWaitMs,
        secrets: [credentials.apiKey],
        idempotent: true,
        credentialsName: 'inventory credentials (Client ID / API Key)',
        read: (response) => parseInventoryStream(response.body, response.signal, callOptions.memo),
      });
      logger?.debug(
        { endpoint: `GET ${path}`, fetched: result.fetched, problems: result.problems.length, shape: result.shape },
        'flowhub inventory read',
      );
      const { rows, digests, problems, fetched, bytes } = result;
      return { rows, ...(digests ? { digests } : {}), problems, fetched, bytes };
    },

    async getLocations(credentials, callOptions = {}) {
      const path = '/v0/clientsLocations';
      requireValues({ clientId: credentials.clientId, apiKey: credentials.apiKey }, `GET ${path}`);
      const result = await run({
        name: 'clientsLocations',
        method: 'GET',
        baseUrl: apiUrl,
        path,
        headers: { clientId: credentials.clientId, key: credentials.apiKey },
        timeoutMs,
        signal: callOptions.signal,
        budgetKey: budgetKeyFor('inventory', credentials.clientId),
        budgetWaitMs: callOptions.budgetWaitMs,
        secrets: [credentials.apiKey],
        idempotent: true,
        credentialsName: 'inventory credentials (Client ID / API Key)',
        read: async (response) => parseLocations(await readJson(response)),
      });
      if (result.skipped > 0) {
        logger?.warn({ endpoint: `GET ${path}`, skipped: result.skipped }, 'Flowhub locations without a locationId were skipped');
      }
      logger?.debug({ endpoint: `GET ${path}`, locations: result.locations.length, shape: result.shape }, 'flowhub locations read');
      return result.locations;
    },

    async createOrder(credentials, payload, callOptions = {}) {
      const path = '/order-ahead/v0/create';
      const endpoint = `POST ${path}`;
      const { problems, order } = orderAheadPayloadProblems(payload);
      if (problems.length > 0) {
        throw new FlowhubError(`the order was not sent: ${problems.join('; ')}`, {
          kind: 'invalid',
          endpoint,
          messages: problems,
          sendOutcome: 'not_sent',
        });
      }
      requireValues({ clientId: credentials.clientId, clientSecret: credentials.clientSecret }, endpoint, 'not_sent');
      const answer = await withToken(
        credentials,
        callOptions.signal,
        (token) =>
          run({
            name: 'createOrder',
            method: 'POST',
            baseUrl: apiUrl,
            path,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: order,
            timeoutMs: createTimeoutMs,
            signal: callOptions.signal,
            budgetKey: budgetKeyFor('order-ahead', credentials.clientId),
            budgetWaitMs: callOptions.budgetWaitMs,
            secrets: [credentials.clientSecret, token],
            idempotent: false,
            credentialsName: 'Order Ahead token',
            read: async (response) => parseOrderAnswer(await readJson(response)),
          }),
        // The token is fetched before the create is sent: whatever goes wrong there, no order left.
        (error) => error.withSendOutcome('not_sent'),
      );
      logger?.debug({ endpoint, orderId: answer.orderId, status: answer.status, shape: answer.shape }, 'Flowhub order created');
      return {
        orderId: answer.orderId,
        status: answer.status,
        customerExternalId: answer.customerExternalId,
        customerNote: answer.customerNote,
      };
    },

    async getOrderStatus(credentials, orderId, callOptions = {}) {
      const path = `/order-ahead/v0/orderStatus/${encodeURIComponent(orderId)}`;
      const endpoint = `GET ${path}`;
      requireValues({ clientId: credentials.clientId, clientSecret: credentials.clientSecret, orderId }, endpoint);
      const answer = await withToken(
        credentials,
        callOptions.signal,
        (token) =>
          run({
            name: 'orderStatus',
            method: 'GET',
            baseUrl: apiUrl,
            path,
            headers: { Authorization: `Bearer ${token}` },
            timeoutMs,
            signal: callOptions.signal,
            budgetKey: budgetKeyFor('order-ahead', credentials.clientId),
            budgetWaitMs: callOptions.budgetWaitMs,
            secrets: [credentials.clientSecret, token],
            idempotent: true,
            credentialsName: 'Order Ahead token',
            read: async (response) => {
              const parsed = parseOrderAnswer(await readJson(response));
              if (parsed.status === null) throw new MalformedResponse('the order status answer has no status');
              return { ...parsed, status: parsed.status };
            },
          }),
        (error) => error,
      );
      logger?.debug({ endpoint, status: answer.status, shape: answer.shape }, 'Flowhub order status read');
      return {
        orderId: answer.orderId,
        status: answer.status,
        customerExternalId: answer.customerExternalId,
        customerNote: answer.customerNote,
      };
    },

    async getAccessToken(credentials, tokenOptions = {}) {
      return tokenFor(credentials, tokenOptions.signal, tokenOptions.forceRefresh ?? false);
    },
  };
}

function abortedError(endpoint: string, sendOutcome: SendOutcome | undefined): FlowhubError {
  return new FlowhubError('the caller cancelled the request', { kind: 'aborted', endpoint, sendOutcome });
}

/** Empty settings or a line break in a header value are the caller's to fix: say which, never the value. */
function requireValues(values: Record<string, string | undefined>, endpoint: string, sendOutcome?: SendOutcome): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${name} is empty`);
    else if (/[\r\n\0]/.test(value)) problems.push(`${name} contains a line break`);
  }
  if (problems.length > 0) {
    throw new FlowhubError(`the request was not sent: ${problems.join('; ')}`, {
      kind: 'invalid',
      endpoint,
      messages: problems,
      sendOutcome,
    });
  }
}

function baseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${name} must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds`);
  return value;
}
