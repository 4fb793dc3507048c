import { isFlowhubError } from '@flowhub-sync/flowhub-client';

/**
 * What to do with a sync that could not finish. The job layer turns this into BullMQ's terms:
 * - `fail`: it can never succeed as things stand (credentials refused, settings incomplete): fail at once,
 *   no retries, with a reason an operator can act on;
 * - `retry`: something transient (Flowhub 5xx, network, a dropped answer, the database): retry with backoff;
 * - `delay`: Flowhub or the shared request budget says "not now": wait, without spending an attempt;
 * - `hand-back`: this worker stops (shutdown): put the job back to run again soon.
 * A sync that lost the store's lock `fail`s: another sync of the store runs (or ran) in its place, and a retry
 * would only repeat it; the run says what happened.
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

/** The sync stopped because its worker is stopping; someone runs it again. */
export class SyncInterrupted extends Error {
  override readonly name = 'SyncInterrupted';
}

/**
 * The sync may no longer write: its store lock expired or passed to another sync (store-lock.ts), or the store's
 * menu was written since by a sync with a newer fencing token (packages/db/src/sync/fence.ts). The message says which.
 */
export class StoreLockLost extends Error {
  override readonly name = 'StoreLockLost';
}

export function failureHandling(error: unknown, signal?: AbortSignal): FailureHandling {
  // Whatever stopped the sync once its lock was lost (the abort of a Flowhub call, say), the loss is the reason.
  if (error instanceof StoreLockLost) return { action: 'fail', reason: error.message };
  if (signal?.aborted && signal.reason instanceof StoreLockLost) return { action: 'fail', reason: signal.reason.message };
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
    return {
      action: 'fail',
      reason: `${(error as Error).message} (the store's secrets must be saved again, or the old key added to ENCRYPTION_KEYS_OLD)`,
    };
  }
  return { action: 'retry', reason: error instanceof Error ? error.message : String(error) };
}
