import { isFlowhubError } from '@flowhub-sync/flowhub-client';

/**
 * What to do with a sync that could not finish. The job layer turns this into BullMQ's terms:
 * - `fail`: it can never succeed as things stand (credentials refused, settings incomplete): fail at once,
 *   no retries, with a reason an operator can act on;
 * - `retry`: something transient (Flowhub 5xx, network, a dropped answer, the database): retry with backoff;
 * - `delay`: Flowhub or the shared request budget says "not now": wait, without spending an attempt;
 * - `hand-back`: this worker stops (shutdown) or lost the store's lock: put the job back to run again soon.
 */
export type FailureHandling =
  | { action: 'fail'; reason: string }
  | { action: 'retry'; reason: string }
  | { action: 'delay'; reason: string; waitMs: number }
  | { action: 'hand-back'; reason: string };

/** A store whose settings cannot make a sync work: no point retrying until someone changes them. */
export class StoreSettingsError extends Error {
  override readonly name = 'StoreSettingsError';
}

/** The sync stopped because its worker is stopping or lost the store's lock; someone runs it again. */
export class SyncInterrupted extends Error {
  override readonly name = 'SyncInterrupted';
}

export function failureHandling(error: unknown, signal?: AbortSignal): FailureHandling {
  if (error instanceof SyncInterrupted) return { action: 'hand-back', reason: error.message };
  if (error instanceof StoreSettingsError) return { action: 'fail', reason: error.message };
  if (isFlowhubError(error)) {
    switch (error.kind) {
      case 'credentials_rejected':
        return { action: 'fail', reason: `${error.message}: check the store's Flowhub Client ID and API Key` };
      case 'not_found':
        return { action: 'fail', reason: `${error.message}: check the store's Flowhub location id` };
      case 'invalid':
        return { action: 'fail', reason: error.message };
      case 'rate_limited':
        return { action: 'delay', reason: error.message, waitMs: Math.max(250, error.retryAfterMs ?? 5_000) };
      case 'aborted':
        return { action: 'hand-back', reason: signal?.reason instanceof Error ? signal.reason.message : error.message };
      default:
        return { action: 'retry', reason: error.message };
    }
  }
  if ((error as Error)?.name === 'SecretDecryptionError') {
    return { action: 'fail', reason: `${(error as Error).message} (the store's secrets must be saved again, or the old key added to ENCRYPTION_KEYS_OLD)` };
  }
  return { action: 'retry', reason: error instanceof Error ? error.message : String(error) };
}
