import { createHash } from 'node:crypto';

export interface OrderAheadCredentials {
  /** "Order Ahead Client Id" in the store's settings. */
  clientId: string;
  /** "Order Ahead Token" in the store's settings: the OAuth client secret. */
  clientSecret: string;
}

export interface IssuedToken {
  accessToken: string;
  /** Seconds the token lives, as the auth server said (`expires_in`). */
  expiresInSeconds: number;
}

/**
 * Client-credentials tokens, one per store, kept in this process until shortly before they expire.
 * Concurrent callers for the same store share one request to the auth server.
 */
export interface AccessTokenCache {
  get(credentials: OrderAheadCredentials, options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<string>;
  /** Forgets `token` (after Flowhub answered 401 to it) unless a newer one has replaced it already. */
  invalidate(credentials: OrderAheadCredentials, token: string): void;
}

export function createAccessTokenCache(options: {
  fetchToken: (credentials: OrderAheadCredentials) => Promise<IssuedToken>;
  /** Stop using a token this long before it expires: a request must not outlive its token. */
  refreshMarginMs: number;
  now?: () => number;
}): AccessTokenCache {
  const now = options.now ?? Date.now;
  const tokens = new Map<string, { accessToken: string; usableUntil: number }>();
  const inFlight = new Map<string, Promise<string>>();

  // A changed secret must not be served the old secret's token, hence the secret in the (hashed) key.
  const keyOf = (credentials: OrderAheadCredentials) =>
    createHash('sha256').update(`${credentials.clientId}\n${credentials.clientSecret}`).digest('hex');

  function fetchShared(key: string, credentials: OrderAheadCredentials): Promise<string> {
    let request = inFlight.get(key);
    if (!request) {
      request = options
        .fetchToken(credentials)
        .then(({ accessToken, expiresInSeconds }) => {
          const lifetimeMs = expiresInSeconds * 1000;
          // Short-lived tokens keep most of their life: the margin is at most a tenth of it.
          const usableUntil = now() + lifetimeMs - Math.min(options.refreshMarginMs, lifetimeMs / 10);
          tokens.set(key, { accessToken, usableUntil });
          return accessToken;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, request);
    }
    return request;
  }

  return {
    async get(credentials, { signal, forceRefresh } = {}) {
      const key = keyOf(credentials);
      const cached = tokens.get(key);
      if (!forceRefresh && cached && now() < cached.usableUntil) return cached.accessToken;
      if (forceRefresh) tokens.delete(key);
      return raceAbort(fetchShared(key, credentials), signal);
    },
    invalidate(credentials, token) {
      const key = keyOf(credentials);
      if (tokens.get(key)?.accessToken === token) tokens.delete(key);
    },
  };
}

/** One caller giving up must not cancel a token request that others share. */
function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
