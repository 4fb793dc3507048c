import axios, { type AxiosInstance } from 'axios';
import type { Agent } from 'node:http';
import type { Readable } from 'node:stream';
import { FlowhubError, type FlowhubErrorKind, type SendOutcome } from './flowhub-error';
import { backoffDelayMs, parseRetryAfterMs } from './retry-timing';

/** pino's Logger fits this (the config package's logger is one); only these four levels are used. */
export interface FlowhubLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Which Flowhub operation a request is, as a metric label: a fixed set, never an id or a secret. */
export type FlowhubEndpointName =
  'inventoryNonZero' | 'inventoryByRoomsNonZero' | 'clientsLocations' | 'token' | 'createOrder' | 'orderStatus';

/** One HTTP attempt, as told to `onRequest` (retries are attempts of their own). */
export interface FlowhubRequestEvent {
  endpoint: FlowhubEndpointName;
  method: 'GET' | 'POST';
  /** The HTTP status, or null when no answer came (refused, reset, timed out before the headers). */
  status: number | null;
  /** 'ok' for a 2xx that was read, otherwise the kind of the attempt's FlowhubError. */
  outcome: 'ok' | FlowhubErrorKind;
  /** From sending to the end of the answer's body (or the failure). */
  ms: number;
}

export type FlowhubRequestObserver = (event: FlowhubRequestEvent) => void;

export interface FlowhubRequest {
  method: 'GET' | 'POST';
  url: string;
  endpointName: FlowhubEndpointName;
  /** `METHOD /path` for errors and logs: no query, no header, no secret. */
  endpoint: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Strings that must never come out of this request in any message (key, secret, token). */
  secrets: string[];
  /** False for an Order Ahead create: its failures then carry a sendOutcome. */
  idempotent: boolean;
  /** Which credentials a 401/403 rejects, for the message ("the Order Ahead credentials"). */
  credentialsName?: string;
  /** 1-based attempt number: a 429 without Retry-After backs off longer each time. */
  attempt: number;
  backoffBaseMs: number;
}

export interface FlowhubResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Readable;
  /** Aborts when the attempt times out or the caller aborts: readers pass it on to their streams. */
  signal: AbortSignal;
}

/** Node codes that mean no byte of the request left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const ERROR_BODY_LIMIT = 64 * 1024;

/** Thrown by body readers for a 2xx answer that cannot be understood; the transport adds the endpoint. */
export class MalformedResponse extends Error {
  override readonly name = 'MalformedResponse';
}

/**
 * Thrown by body readers for a 2xx answer whose envelope says it failed (`{"status": 500, "message": "…",
 * "data": []}`): the transport turns it into the FlowhubError its status calls for, as if the HTTP status were it.
 */
export class FailedEnvelope extends Error {
  override readonly name = 'FailedEnvelope';
  constructor(
    /** The envelope's `status`, as sent. */
    readonly envelopeStatus: unknown,
    /** The envelope's message fields (`message`, `errors`, `error`, `error_description`), as sent. */
    readonly fields: Record<string, unknown> = {},
  ) {
    super("the answer's envelope says the request failed");
  }
}

/** The envelope fields a failed envelope's messages are read from (as messagesIn reads an error body). */
export const ENVELOPE_MESSAGE_FIELDS: ReadonlySet<string> = new Set(['message', 'messages', 'errors', 'error', 'error_description']);

const SUCCESS_WORDS = new Set(['ok', 'success', 'succeeded', 'successful']);

/**
 * Whether an envelope's top-level `status` says the request failed. Flowhub's published type is a number
 * (`{status: number, data: T[]}`, 200 on success); absent or null says nothing. A number (or numeric
 * string) outside 2xx fails; so does any other value but "ok"/"success" and `true`: an envelope that
 * cannot be read as a success must never pass for an empty or partial feed.
 */
export function envelopeStatusFailed(status: unknown): boolean {
  if (status === undefined || status === null) return false;
  const numeric = envelopeStatusCode(status);
  if (numeric !== undefined) return numeric < 200 || numeric >= 300;
  if (typeof status === 'string') return !SUCCESS_WORDS.has(status.trim().toLowerCase());
  return status !== true;
}

function envelopeStatusCode(status: unknown): number | undefined {
  if (typeof status === 'number' && Number.isInteger(status)) return status;
  if (typeof status === 'string' && /^\s*\d{3}\s*$/.test(status)) return Number(status);
  return undefined;
}

export interface FlowhubTransport {
  /** One HTTP exchange: sends, checks the status, and lets `read` consume a 2xx body within the deadline. */
  exchange<T>(request: FlowhubRequest, read: (response: FlowhubResponse) => Promise<T>): Promise<T>;
}

export function createFlowhubTransport(options: {
  proxyUrl?: string;
  logger?: FlowhubLogger;
  onRequest?: FlowhubRequestObserver;
}): FlowhubTransport {
  const agent = options.proxyUrl ? createProxyAgent(options.proxyUrl) : undefined;
  const http: AxiosInstance = axios.create({
    // Only the proxy we are given: axios would otherwise read HTTP(S)_PROXY behind the caller's back.
    proxy: false,
    httpAgent: agent,
    httpsAgent: agent,
    // A redirect from the API is a misconfigured base URL; following one would turn a POST into a GET.
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'stream',
    // Deadlines are ours (one timer for request and body); axios' socket timeout would not cover the body.
    timeout: 0,
  });
  const { logger, onRequest } = options;

  function observe(request: FlowhubRequest, status: number | null, outcome: FlowhubRequestEvent['outcome'], startedAt: number): void {
    if (!onRequest) return;
    try {
      onRequest({ endpoint: request.endpointName, method: request.method, status, outcome, ms: Date.now() - startedAt });
    } catch (error) {
      // A metrics hook must never fail a Flowhub call.
      logger?.warn({ endpoint: request.endpoint, err: error instanceof Error ? error.message : String(error) }, 'onRequest observer threw');
    }
  }

  async function exchange<T>(request: FlowhubRequest, read: (response: FlowhubResponse) => Promise<T>): Promise<T> {
    const fail = (message: string, details: Omit<ConstructorParameters<typeof FlowhubError>[1], 'endpoint'>) =>
      new FlowhubError(redact(message, request.secrets), {
        ...details,
        endpoint: request.endpoint,
        sendOutcome: request.idempotent ? undefined : details.sendOutcome,
      });

    if (request.signal?.aborted) {
      throw fail('the caller cancelled the request before it was sent', { kind: 'aborted', sendOutcome: 'not_sent' });
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, request.timeoutMs);
    const onCallerAbort = () => controller.abort(new Error('aborted by caller'));
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const startedAt = Date.now();
    let body: Readable | undefined;

    // Timeout, cancellation and broken connections look alike from inside a stream: tell them apart here.
    const failureOf = (error: unknown, phase: 'request' | 'response'): FlowhubError => {
      if (error instanceof FlowhubError) return error;
      if (error instanceof MalformedResponse) {
        // A 2xx we cannot read: for a create, the order may well exist.
        return fail(`Flowhub sent a malformed response: ${error.message}`, { kind: 'malformed_response', sendOutcome: 'unknown' });
      }
      if (timedOut) {
        return fail(`Flowhub did not answer within ${request.timeoutMs} ms`, { kind: 'transient', sendOutcome: 'unknown' });
      }
      if (request.signal?.aborted) {
        return fail('the caller cancelled the request while it was in flight', { kind: 'aborted', sendOutcome: 'unknown' });
      }
      const code = networkCodeOf(error);
      const notSent = phase === 'request' && code !== undefined && NOT_SENT_CODES.has(code);
      const detail = error instanceof Error && error.message ? `: ${error.message}` : '';
      return fail(`network error talking to Flowhub (${code ?? 'unknown cause'})${detail}`, {
        kind: 'transient',
        networkCode: code,
        sendOutcome: notSent ? 'not_sent' : 'unknown',
      });
    };

    let status: number | null = null;
    try {
      let response;
      try {
        response = await http.request({
          method: request.method,
          url: request.url,
          headers: { Accept: 'application/json', ...request.headers },
          data: request.body,
          signal: controller.signal,
        });
      } catch (error) {
        throw failureOf(error, 'request');
      }
      body = response.data as Readable;
      status = response.status;
      const headers = plainHeaders(response.headers);
      logger?.debug(
        { endpoint: request.endpoint, status: response.status, attempt: request.attempt, ms: Date.now() - startedAt },
        'flowhub answered',
      );
      if (response.status < 200 || response.status >= 300) {
        const text = await readText(body, controller.signal, ERROR_BODY_LIMIT, false).catch(() => '');
        throw errorForStatus(response.status, headers, text, request);
      }
      let result: T;
      try {
        result = await read({ status: response.status, headers, body, signal: controller.signal });
      } catch (error) {
        if (error instanceof FailedEnvelope) throw errorForEnvelope(error, response.status, headers, request);
        throw failureOf(error, 'response');
      }
      observe(request, status, 'ok', startedAt);
      return result;
    } catch (error) {
      // Everything thrown here is a FlowhubError (failureOf, errorForStatus); the guard is for safety.
      observe(request, status, error instanceof FlowhubError ? error.kind : 'transient', startedAt);
      throw error;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
      if (body && !body.destroyed) body.destroy();
    }
  }

  return { exchange };
}

function createProxyAgent(proxyUrl: string): Agent {
  // Never echo the value: a proxy URL may carry a user and password.
  let protocol: string;
  try {
    protocol = new URL(proxyUrl).protocol;
  } catch {
    throw new TypeError('proxyUrl is not a valid URL');
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError('proxyUrl must be an http(s) URL');
  // Loaded only when a proxy is configured: https-proxy-agent 9 is an ES module, which Node 20.19+
  // can require() but Jest (before Node 24.9) cannot load untransformed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, for the reason above
  const { HttpsProxyAgent } = require('https-proxy-agent') as {
    HttpsProxyAgent: new (proxy: string) => Agent;
  };
  return new HttpsProxyAgent(proxyUrl);
}

function networkCodeOf(error: unknown): string | undefined {
  if (error && typeof error === 'object') {
    const { code, cause } = error as { code?: unknown; cause?: unknown };
    if (cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string') {
      return (cause as { code: string }).code;
    }
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function plainHeaders(headers: unknown): Record<string, string | undefined> {
  const plain: Record<string, string | undefined> = {};
  if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined && value !== null) plain[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return plain;
}

/** Replaces every secret in text coming from outside (a gateway may echo a key back). */
export function redact(text: string, secrets: string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  }
  return clean;
}

/**
 * Reads a whole body as text. Over `limit` bytes: an error when `strict` (an answer we must read
 * whole), otherwise the text is cut there (an error page, only read for its messages).
 */
export async function readText(body: Readable, signal: AbortSignal, limit: number, strict: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const onAbort = () => body.destroy(new Error('aborted'));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > limit) {
        if (strict) throw new MalformedResponse(`the answer is larger than ${limit} bytes`);
        chunks.push(buffer.subarray(0, buffer.length - (size - limit)));
        break;
      }
      chunks.push(buffer);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A 2xx whose envelope says it failed: the error its stated status calls for (a 5xx transient and retried, a 429
 * throttled, a 401/403 rejected credentials...), `status` being the envelope's; a status that is no HTTP status
 * ("error") is transient, one that is not even text (an object) malformed.
 */
function errorForEnvelope(
  failure: FailedEnvelope,
  httpStatus: number,
  headers: Record<string, string | undefined>,
  request: FlowhubRequest,
): FlowhubError {
  const stated = failure.envelopeStatus;
  const text = JSON.stringify(failure.fields);
  const code = envelopeStatusCode(stated);
  if (code !== undefined) return errorForStatus(code, headers, text, request, `${code} in the body of an HTTP ${httpStatus} answer`);
  const messages = messagesIn(text).map((message) => redact(message, request.secrets));
  const said = messages.length > 0 ? `: ${messages.join('; ')}` : '';
  const shown = redact(JSON.stringify(stated) ?? String(stated), request.secrets).slice(0, 80);
  const readable = typeof stated === 'string' || typeof stated === 'boolean';
  return new FlowhubError(`Flowhub answered HTTP ${httpStatus} but its body says status ${shown}${said}`, {
    endpoint: request.endpoint,
    messages,
    kind: readable ? 'transient' : 'malformed_response',
    sendOutcome: request.idempotent ? undefined : 'unknown',
  });
}

/** Words of a validation message (`must be in format yyyy-mm-dd`, `is required`), never of "X not found". */
const VALIDATION_WORDING = /\bmust (?:be|have)\b|\b(?:is|are) required\b|\bin format\b|\bvalidation\b/i;

function errorForStatus(
  status: number,
  headers: Record<string, string | undefined>,
  text: string,
  request: FlowhubRequest,
  /** How the status is shown in the message: the number, or where it came from (a failed envelope). */
  statusLabel = String(status),
): FlowhubError {
  const isHtml = (headers['content-type'] ?? '').includes('html') || /^\s*</.test(text);
  const messages = isHtml ? [] : messagesIn(text).map((message) => redact(message, request.secrets));
  const said = messages.length > 0 ? `: ${messages.join('; ')}` : '';
  const base = { endpoint: request.endpoint, status, messages };
  const outcome = (value: SendOutcome) => (request.idempotent ? undefined : value);

  if (status === 401 || status === 403) {
    const page = isHtml ? ' (an HTML page from its gateway)' : '';
    return new FlowhubError(`Flowhub rejected the ${request.credentialsName ?? 'credentials'} (${statusLabel})${page}${said}`, {
      ...base,
      kind: 'credentials_rejected',
      sendOutcome: outcome('rejected'),
    });
  }
  // Flowhub answers some validation errors with a 404 (a malformed date: `…must be in format yyyy-mm-dd`,
  // docs/flowhub-api.md "Errors and limits"): a 404 whose body says what is wrong with the request is a refusal of
  // the request, not an unknown location or order.
  if (status === 404 && messages.some((message) => VALIDATION_WORDING.test(message))) {
    return new FlowhubError(`Flowhub refused the request as invalid (${statusLabel})${said}`, {
      ...base,
      kind: 'invalid',
      sendOutcome: outcome('rejected'),
    });
  }
  if (status === 404 || status === 410) {
    return new FlowhubError(`Flowhub does not know this resource (${statusLabel})${said}`, {
      ...base,
      kind: 'not_found',
      sendOutcome: outcome('rejected'),
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(headers['retry-after']) ?? backoffDelayMs(request.attempt, { baseMs: request.backoffBaseMs });
    return new FlowhubError(`Flowhub is throttling these credentials (${statusLabel}); try again in ${Math.ceil(retryAfterMs / 1000)} s`, {
      ...base,
      kind: 'rate_limited',
      retryAfterMs,
      sendOutcome: outcome('rejected'),
    });
  }
  if (status === 408 || status >= 500) {
    // A 5xx after a create may still have created the order: only a 4xx proves it was not acted on.
    return new FlowhubError(`Flowhub is unavailable (${statusLabel})${said}`, {
      ...base,
      kind: 'transient',
      sendOutcome: outcome('unknown'),
    });
  }
  if (status >= 400) {
    return new FlowhubError(`Flowhub refused the request as invalid (${statusLabel})${said}`, {
      ...base,
      kind: 'invalid',
      sendOutcome: outcome('rejected'),
    });
  }
  const where = status >= 300 && headers.location ? ` to ${headers.location.split('?')[0]}` : '';
  // A 3xx (never followed, see maxRedirects) proves nothing: a server may redirect after it processed the
  // POST, so for a create it is an unknown outcome, like a 5xx. Only a 4xx says it was not acted on.
  return new FlowhubError(`Flowhub answered with an unexpected status ${statusLabel}${where}`, {
    ...base,
    kind: 'malformed_response',
    sendOutcome: outcome('unknown'),
  });
}

/** Flowhub's and Auth0's error bodies: `errors[]`, `message`, `error`, `error_description`. */
function messagesIn(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return [trimmed.slice(0, 300)];
  }
  const found: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim() !== '') found.push(value.slice(0, 300));
    else if (value && typeof value === 'object' && 'message' in value) add((value as { message: unknown }).message);
  };
  if (parsed && typeof parsed === 'object') {
    const body = parsed as Record<string, unknown>;
    if (Array.isArray(body.errors)) body.errors.forEach(add);
    else add(body.errors);
    add(body.message);
    add(body.error_description);
    if (found.length === 0) add(body.error);
  }
  return found.slice(0, 20);
}

/** A whole (small) JSON answer: order, status, token, locations. */
export async function readJson(response: FlowhubResponse, limit = 10 * 1024 * 1024): Promise<unknown> {
  const text = await readText(response.body, response.signal, limit, true);
  try {
    return JSON.parse(text);
  } catch {
    const type = response.headers['content-type'] ?? 'no content type';
    throw new MalformedResponse(`the answer is not JSON (${type}, ${text.length} characters)`);
  }
}
