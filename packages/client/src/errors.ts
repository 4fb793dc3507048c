import type { components } from './generated/api';

/** The API's error body: `{"error": {"code", "message", "details"}}` (docs/api-contract.md, "Conventions"). */
export type ApiErrorBody = components['schemas']['Error'];
/** The codes the API answers with, plus the client's own: `network_error` (no answer) and `http_error` (an answer not in the API's error shape, e.g. a proxy's 502). */
export type FlowhubSyncErrorCode = ApiErrorBody['error']['code'] | 'network_error' | 'http_error';
/** One wrong field of a 400 (`path`, `message`), with more fields on some (e.g. `variantId`, `requested`, `sellable` of a 409 `insufficient_inventory`). */
export type FlowhubSyncErrorDetail = ApiErrorBody['error']['details'][number];

/**
 * Every failure of a call: the API's error answer (`status`, `code`, `message`, `details` as the API sent them), an
 * answer that is not in that shape (`code` `http_error`), or no answer at all after the retries (`status` 0, `code`
 * `network_error`, the fetch error as `cause`).
 */
export class FlowhubSyncError extends Error {
  override readonly name = 'FlowhubSyncError';
  readonly status: number;
  readonly code: FlowhubSyncErrorCode;
  readonly details: FlowhubSyncErrorDetail[];

  constructor(init: { status: number; code: FlowhubSyncErrorCode; message: string; details?: FlowhubSyncErrorDetail[]; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
  }

  /** The error of a non-2xx answer, from its parsed body (JSON, or text when it was not JSON). */
  static fromAnswer(status: number, body: unknown, statusText = ''): FlowhubSyncError {
    const error = (body as { error?: unknown } | null | undefined)?.error as Partial<ApiErrorBody['error']> | undefined;
    if (error && typeof error === 'object' && typeof error.code === 'string' && typeof error.message === 'string') {
      return new FlowhubSyncError({
        status,
        code: error.code,
        message: error.message,
        details: Array.isArray(error.details) ? error.details : [],
      });
    }
    const text = typeof body === 'string' ? body.slice(0, 200) : '';
    return new FlowhubSyncError({
      status,
      code: 'http_error',
      message: `HTTP ${status}${statusText ? ` ${statusText}` : ''}${text ? `: ${text}` : ''}`,
    });
  }
}
