import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A token's id for logs and audit trails: the first 8 hex characters of its SHA-256. It tells which token
 * was used (the current one or the one being rolled out) and nothing that helps guess it.
 */
export function tokenId(token: string): string {
  return digest(token).toString('hex').slice(0, 8);
}

/** The scheme of `Authorization: Bearer <token>`: in any case, then one or more spaces (RFC 9110; a tab is no separator). */
const BEARER_SCHEME = /^bearer +/i;

/**
 * Checks `Authorization: Bearer <token>` against the accepted tokens. The comparison is of SHA-256 digests in
 * constant time, against every accepted token whatever matched, so neither a guess's content nor its length
 * shows in the time taken. Answers the matched token's id, or null.
 */
export function createBearerCheck(tokens: readonly string[]): (authorization: string | undefined) => string | null {
  const accepted = tokens.map((token) => ({ digest: digest(token), id: tokenId(token) }));
  return (authorization) => {
    const scheme = BEARER_SCHEME.exec(authorization ?? '');
    const given = scheme && authorization ? authorization.slice(scheme[0].length) : '';
    const givenDigest = digest(given);
    let matched: string | null = null;
    for (const token of accepted) {
      if (timingSafeEqual(givenDigest, token.digest) && given !== '') matched ??= token.id;
    }
    return matched;
  };
}
