/**
 * The one error type this package throws for anything Flowhub (or the road to it) did wrong.
 * Callers act on `kind` and `retryable`; `sendOutcome` tells the order push whether a create may
 * have reached Flowhub. Nothing here ever holds a credential, a token or an axios object.
 */
export const FLOWHUB_ERROR_KINDS = [
  'credentials_rejected',
  'not_found',
  'invalid',
  'rate_limited',
  'transient',
  'malformed_response',
  'aborted',
] as const;

export type FlowhubErrorKind = (typeof FLOWHUB_ERROR_KINDS)[number];

/**
 * Only set on requests that are not safe to repeat (an Order Ahead create):
 * - `not_sent`: nothing reached Flowhub (refused connection, DNS failure, no budget slot, bad payload);
 * - `rejected`: Flowhub answered and did not act on it (4xx), so sending again cannot duplicate;
 * - `unknown`: it may have been processed (timeout or reset after sending, 5xx, 3xx, unreadable 2xx answer).
 */
export type SendOutcome = 'not_sent' | 'unknown' | 'rejected';

export interface FlowhubErrorDetails {
  kind: FlowhubErrorKind;
  /** Method and path, e.g. `GET /v0/locations/abc/inventoryNonZero` (never a query string or header). */
  endpoint: string;
  status?: number;
  /** How long to wait before trying again (rate_limited always has it). */
  retryAfterMs?: number;
  /** Flowhub's own messages (a 422's `errors[]`, an auth server's `error_description`). */
  messages?: string[];
  sendOutcome?: SendOutcome;
  /** Node's network error code (ECONNREFUSED, ECONNRESET, ...) when the failure was below HTTP. */
  networkCode?: string;
}

export class FlowhubError extends Error {
  override readonly name = 'FlowhubError';
  readonly kind: FlowhubErrorKind;
  readonly endpoint: string;
  declare readonly status?: number;
  declare readonly retryAfterMs?: number;
  declare readonly messages?: string[];
  declare readonly sendOutcome?: SendOutcome;
  declare readonly networkCode?: string;
  /** Whether trying the same call again later can succeed and can do no harm. */
  readonly retryable: boolean;

  constructor(message: string, details: FlowhubErrorDetails) {
    super(`${message} [${details.endpoint}]`);
    this.kind = details.kind;
    this.endpoint = details.endpoint;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.messages !== undefined && details.messages.length > 0) this.messages = details.messages;
    if (details.sendOutcome !== undefined) this.sendOutcome = details.sendOutcome;
    if (details.networkCode !== undefined) this.networkCode = details.networkCode;
    this.retryable = (details.kind === 'rate_limited' || details.kind === 'transient') && details.sendOutcome !== 'unknown';
  }

  /** The same error, saying what became of the request (used by the create, which alone needs it). */
  withSendOutcome(sendOutcome: SendOutcome): FlowhubError {
    const copy = new FlowhubError(this.message.slice(0, this.message.lastIndexOf(' [')), { ...this.details(), sendOutcome });
    copy.stack = this.stack;
    return copy;
  }

  private details(): FlowhubErrorDetails {
    return {
      kind: this.kind,
      endpoint: this.endpoint,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      messages: this.messages,
      sendOutcome: this.sendOutcome,
      networkCode: this.networkCode,
    };
  }

  /** Errors serialise without their message by default; job failure records and logs want it. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, retryable: this.retryable, ...this.details() };
  }
}

export function isFlowhubError(error: unknown, kind?: FlowhubErrorKind): error is FlowhubError {
  return error instanceof FlowhubError && (kind === undefined || error.kind === kind);
}
