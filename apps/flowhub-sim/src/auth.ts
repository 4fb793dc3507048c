import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applyGatewayFaults } from './faults';
import { FORBIDDEN_HTML } from './gateway-pages';
import { isObject } from './orders';
import type { SimulatorState } from './state';

/**
 * Flowhub's two ways in: inventory calls carry `clientId` and `key` headers; Order Ahead calls carry a
 * Bearer token from the Auth0 client-credentials exchange (`POST /oauth/token`).
 */

/** The audience Flowhub's token issuer expects (flowhub-api.md). */
export const FLOWHUB_AUDIENCE = 'https://api.flowhub.co';
export const TOKEN_LIFETIME_SECONDS = 86_400;
const TOKEN_SCOPE = 'order-ahead:create order-ahead:read';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Bearer tokens issued to Order Ahead clients; each belongs to one location and expires on the simulator's clock. */
export class TokenIssuer {
  private readonly tokens = new Map<string, { locationId: string; expiresAt: number }>();

  /** `expires`: the `tokenExpiry` switch; off, a token stays valid until `expireAll`. */
  issue(locationId: string, orderAheadClientId: string, now: number, expires = false): IssuedToken {
    const issuedAt = Math.floor(now / 1000);
    // Shaped like Auth0's JWTs (header.payload.signature); clients must treat it as opaque.
    const header = base64Json({ alg: 'RS256', typ: 'JWT' });
    const payload = base64Json({
      iss: 'https://flowhub.auth0.com/',
      sub: `${orderAheadClientId}@clients`,
      aud: FLOWHUB_AUDIENCE,
      iat: issuedAt,
      exp: issuedAt + TOKEN_LIFETIME_SECONDS,
      scope: TOKEN_SCOPE,
    });
    const token = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
    this.tokens.set(token, { locationId, expiresAt: expires ? now + TOKEN_LIFETIME_SECONDS * 1000 : Infinity });
    return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope: TOKEN_SCOPE };
  }

  /** The location a valid `Authorization: Bearer …` header belongs to, or undefined. */
  locationFor(authorization: string | undefined, now: number): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const entry = this.tokens.get(match[1]);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.tokens.delete(match[1]);
      return undefined;
    }
    return entry.locationId;
  }

  /** Makes every issued token invalid, as a key rotation or expiry would: clients must fetch a new one. */
  expireAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }
}

function base64Json(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The client-credentials body, JSON or form-encoded as Auth0 accepts both. */
export interface TokenRequest {
  client_id?: unknown;
  client_secret?: unknown;
  audience?: unknown;
  grant_type?: unknown;
}

export function inventoryCredentials(request: FastifyRequest): { clientId: string; key: string } | undefined {
  const clientId = request.headers.clientid;
  const key = request.headers.key;
  if (typeof clientId !== 'string' || typeof key !== 'string' || clientId === '' || key === '') return undefined;
  return { clientId, key };
}

export function sendUnauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(401).send({ status: 401, message });
}

/**
 * A wrong key or an unknown client: 403. JSON by default; the gateway's HTML page with the `forbiddenAsHtml` switch
 * (behaviour.ts), since no public source shows which of the two Flowhub sends.
 */
export function sendForbidden(reply: FastifyReply, asHtml: boolean): FastifyReply {
  if (asHtml) return reply.code(403).type('text/html; charset=utf-8').send(FORBIDDEN_HTML);
  return reply.code(403).send({ status: 403, message: 'Forbidden' });
}

/**
 * The Auth0 client-credentials exchange Flowhub uses for Order Ahead, with Auth0's error shapes. The body may be
 * JSON or form-encoded.
 */
export function registerTokenRoute(app: FastifyInstance, state: SimulatorState): void {
  app.post('/oauth/token', { config: { endpoint: 'token' } }, async (request, reply) => {
    const body: TokenRequest = isObject(request.body) ? request.body : {};
    const location = typeof body.client_id === 'string' ? state.locationForOrderAheadClient(body.client_id) : undefined;
    if (await applyGatewayFaults(state.faults, 'token', location ? [location.locationId] : [], reply, state)) return reply;
    if (body.grant_type === undefined)
      return reply.code(400).send({ error: 'invalid_request', error_description: 'Missing required parameter: grant_type' });
    if (body.grant_type !== 'client_credentials') {
      return reply
        .code(403)
        .send({ error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${String(body.grant_type)}` });
    }
    if (!location || body.client_secret !== location.settings.orderAheadClientSecret) {
      return reply.code(401).send({ error: 'access_denied', error_description: 'Unauthorized' });
    }
    if (body.audience === undefined) {
      return reply.code(403).send({
        error: 'access_denied',
        error_description: 'No audience parameter was provided, and no default audience has been configured',
      });
    }
    if (body.audience !== FLOWHUB_AUDIENCE)
      return reply.code(403).send({ error: 'access_denied', error_description: `Service not found: ${String(body.audience)}` });
    return reply.send(
      state.tokens.issue(location.locationId, location.settings.orderAheadClientId, state.clock.now(), state.behaviour.tokenExpiry),
    );
  });
}
