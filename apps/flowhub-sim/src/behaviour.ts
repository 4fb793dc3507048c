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
}

export const BEHAVIOUR_SWITCHES = ['forbiddenAsHtml'] as const satisfies readonly (keyof SimBehaviour)[];

export const DEFAULT_BEHAVIOUR: SimBehaviour = { forbiddenAsHtml: false };

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
