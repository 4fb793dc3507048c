import { SimInputError } from './input-error';
import { isObject } from './orders';

/**
 * Behaviours no public source shows Flowhub having, each a named switch, off by default: the simulator's defaults
 * are what the sources show (README, "What is documented, observed or assumed"). A test that wants the product to
 * cope with one of them switches it on (`behaviour` option, or `PUT /__sim/behaviour`).
 */
export interface SimBehaviour {
  /**
   * A wrong key or an unknown client is answered with an nginx-style HTML 403 page, as a gateway in front of the
   * API would, instead of a JSON 403. (The `forbiddenHtml` fault sends that page for chosen requests.)
   */
  forbiddenAsHtml: boolean;
  /**
   * Orders move through statuses by themselves, as a store's staff would (lifecycle.ts: paths, delays, the share
   * cancelled, `timeScale`). Off: an order stays at its created status until the admin API
   * (`POST /__sim/orders/{orderId}/status`) moves it.
   */
  orderLifecycles: boolean;
  /**
   * Status postbacks are POSTed to the create's `postbackUrl`, body `{orderId, customerExternalId, status, updatedAt}`,
   * one attempt (the body and delivery are assumed). Off: none is sent; `POST /orderPostback/{orderId}` still answers 204.
   */
  statusPostbacks: boolean;
  /**
   * The `serverError` fault answers 502 to 504 with an nginx-style HTML page. Off: the same `{status, message}` JSON
   * body as a 500.
   */
  gatewayHtmlPages: boolean;
  /**
   * Tokens expire after TOKEN_LIFETIME_SECONDS (86,400 s, assumed) on the simulator's clock. Off: a token stays valid
   * until the simulator expires every token (`POST /__sim/tokens/expire`, a reset); the answer still carries
   * `expires_in` (documented field) with the same value.
   */
  tokenExpiry: boolean;
}

export const BEHAVIOUR_SWITCHES = [
  'forbiddenAsHtml',
  'orderLifecycles',
  'statusPostbacks',
  'gatewayHtmlPages',
  'tokenExpiry',
] as const satisfies readonly (keyof SimBehaviour)[];

/** What the demo, the benches and the reliability scenarios run with: every invented behaviour but the HTML 403. */
export const LIVELY_BEHAVIOUR: Partial<SimBehaviour> = {
  orderLifecycles: true,
  statusPostbacks: true,
  gatewayHtmlPages: true,
  tokenExpiry: true,
};

export const DEFAULT_BEHAVIOUR: SimBehaviour = {
  forbiddenAsHtml: false,
  orderLifecycles: false,
  statusPostbacks: false,
  gatewayHtmlPages: false,
  tokenExpiry: false,
};

/** Validates a (partial) change of switches over the current ones; unknown names are refused. */
export function behaviourSettings(current: SimBehaviour, changes: unknown): SimBehaviour {
  if (!isObject(changes)) throw new SimInputError('behaviour must be a JSON object of switches');
  const next = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (!(BEHAVIOUR_SWITCHES as readonly string[]).includes(name)) {
      throw new SimInputError(`unknown behaviour ${name}; the switches are ${BEHAVIOUR_SWITCHES.join(', ')}`);
    }
    if (typeof value !== 'boolean') throw new SimInputError(`${name} must be true or false`);
    next[name as keyof SimBehaviour] = value;
  }
  return next;
}
