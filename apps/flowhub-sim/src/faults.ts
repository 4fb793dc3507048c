import type { FastifyReply } from 'fastify';
import type { SimBehaviour } from './behaviour';
import { FORBIDDEN_HTML, GATEWAY_MESSAGES, gatewayErrorHtml } from './gateway-pages';
import { ENDPOINTS, INVENTORY_ENDPOINTS, isEndpoint, type Endpoint } from './endpoints';
import { SimInputError } from './input-error';
import { isObject } from './orders';
import { pick, type Random } from './random';

/**
 * Fault injection: the failures real Flowhub traffic shows (throttling, gateway errors, slowness, hangs,
 * bad rows, cut bodies, lost create answers), switched on per location or globally, for a share of
 * requests and a number of times.
 */
export const FAULT_KINDS = [
  'rateLimit',
  'serverError',
  'latency',
  'timeout',
  'forbiddenHtml',
  'malformedRows',
  'truncatedBody',
  'emptyInventory',
  'dropAfterCreate',
  'missingStatus',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** Only requests for this location (inventory path, or the location behind the Bearer token); omitted: all. */
  locationId?: string;
  /** Only these endpoints; omitted: every endpoint the kind applies to. */
  endpoints?: Endpoint[];
  /** Only requests about this Flowhub order (orderStatus, orderUpdate, orderPostback); omitted: any request. */
  orderId?: string;
  /** Chance that a matching request is hit, 0 to 1. Default 1. */
  probability?: number;
  /** How many requests it hits before it goes away; omitted: until removed. */
  count?: number;
  /** serverError: the status, 500 to 599. Default 500. */
  status?: number;
  /**
   * rateLimit: the Retry-After header in seconds; null (default) sends none, as Flowhub's 429s are observed to carry
   * no rate-limit header at all (README, "What is documented, observed or assumed").
   */
  retryAfterSeconds?: number | null;
  /** latency: added delay. */
  latencyMs?: number;
  /** malformedRows: share of rows corrupted. Default 0.1. */
  share?: number;
  /** truncatedBody: `abort` drops the connection mid-body; `cut` ends the response cleanly mid-JSON. Default abort. */
  mode?: 'abort' | 'cut';
}

export interface Fault extends FaultSpec {
  id: string;
  probability: number;
  /** Hits left; null: unlimited. */
  remaining: number | null;
  fired: number;
}

const APPLIES_TO: Record<FaultKind, readonly Endpoint[]> = {
  rateLimit: ENDPOINTS,
  serverError: ENDPOINTS,
  latency: ENDPOINTS,
  timeout: ENDPOINTS,
  forbiddenHtml: ENDPOINTS,
  malformedRows: INVENTORY_ENDPOINTS,
  truncatedBody: [...INVENTORY_ENDPOINTS, 'clientsLocations'],
  emptyInventory: INVENTORY_ENDPOINTS,
  dropAfterCreate: ['orderCreate'],
  missingStatus: ['orderStatus'],
};

const MAX_LATENCY_MS = 600_000;

export class FaultBook {
  private faults: Fault[] = [];
  private nextId = 1;

  constructor(private readonly random: Random) {}

  add(input: unknown): Fault {
    const fault = { ...parseFaultSpec(input), id: `fault-${this.nextId++}`, fired: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The first fault of these kinds that hits this request (its count is spent), if any. `locationIds`: the
   * locations the request concerns (one for inventory and orders, the client's for clientsLocations);
   * `orderId`: the Flowhub order it is about, if any.
   */
  fire(kinds: readonly FaultKind[], endpoint: Endpoint, locationIds: readonly string[], orderId?: string): Fault | undefined {
    for (const fault of this.faults) {
      if (kinds.includes(fault.kind) && this.hits(fault, endpoint, locationIds, orderId)) return fault;
    }
    return undefined;
  }

  /** Every fault of this kind that hits this request (latencies add up). */
  fireEach(kind: FaultKind, endpoint: Endpoint, locationIds: readonly string[], orderId?: string): Fault[] {
    return this.faults.filter((fault) => fault.kind === kind && this.hits(fault, endpoint, locationIds, orderId));
  }

  private hits(fault: Fault, endpoint: Endpoint, locationIds: readonly string[], orderId: string | undefined): boolean {
    if (!(fault.endpoints ?? APPLIES_TO[fault.kind]).includes(endpoint)) return false;
    if (fault.locationId !== undefined && !locationIds.includes(fault.locationId)) return false;
    if (fault.orderId !== undefined && fault.orderId !== orderId) return false;
    if (fault.probability < 1 && this.random() >= fault.probability) return false;
    fault.fired++;
    if (fault.remaining !== null) {
      fault.remaining--;
      if (fault.remaining <= 0) this.faults = this.faults.filter((other) => other !== fault);
    }
    return true;
  }
}

function parseFaultSpec(input: unknown): Omit<Fault, 'id' | 'fired'> {
  if (!isObject(input)) throw new SimInputError('a fault must be a JSON object with a kind');
  const kind = input.kind as FaultKind;
  if (!FAULT_KINDS.includes(kind)) throw new SimInputError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  const fault: Omit<Fault, 'id' | 'fired'> = { kind, probability: 1, remaining: null };
  if (input.locationId !== undefined) {
    if (typeof input.locationId !== 'string' || input.locationId === '') throw new SimInputError('locationId must be a non-empty string');
    fault.locationId = input.locationId;
  }
  if (input.orderId !== undefined) {
    if (typeof input.orderId !== 'string' || input.orderId === '') throw new SimInputError('orderId must be a non-empty string');
    fault.orderId = input.orderId;
  }
  const endpoints = typeof input.endpoint === 'string' ? [input.endpoint] : input.endpoints;
  if (endpoints !== undefined) {
    if (!Array.isArray(endpoints) || endpoints.length === 0 || !endpoints.every(isEndpoint)) {
      throw new SimInputError(`endpoints must be a non-empty list of ${ENDPOINTS.join(', ')}`);
    }
    const misplaced = endpoints.filter((endpoint) => !APPLIES_TO[kind].includes(endpoint));
    if (misplaced.length > 0)
      throw new SimInputError(`a ${kind} fault applies only to ${APPLIES_TO[kind].join(', ')}, not ${misplaced.join(', ')}`);
    fault.endpoints = endpoints;
  }
  if (input.probability !== undefined) {
    if (typeof input.probability !== 'number' || !(input.probability > 0 && input.probability <= 1))
      throw new SimInputError('probability must be a number above 0 and at most 1');
    fault.probability = input.probability;
  }
  if (input.count !== undefined && input.count !== null) {
    if (!Number.isInteger(input.count) || (input.count as number) < 1)
      throw new SimInputError('count must be a whole number of at least 1');
    fault.count = input.count as number;
    fault.remaining = fault.count;
  }
  switch (kind) {
    case 'serverError':
      fault.status = input.status === undefined ? 500 : (input.status as number);
      if (!Number.isInteger(fault.status) || fault.status < 500 || fault.status > 599)
        throw new SimInputError('status must be a whole number from 500 to 599');
      break;
    case 'rateLimit':
      fault.retryAfterSeconds = input.retryAfterSeconds === undefined ? null : (input.retryAfterSeconds as number | null);
      if (fault.retryAfterSeconds !== null && (!Number.isInteger(fault.retryAfterSeconds) || fault.retryAfterSeconds < 0)) {
        throw new SimInputError('retryAfterSeconds must be a whole number of seconds, or null for no Retry-After header');
      }
      break;
    case 'latency':
      fault.latencyMs = input.latencyMs as number;
      if (!Number.isInteger(fault.latencyMs) || fault.latencyMs < 1 || fault.latencyMs > MAX_LATENCY_MS) {
        throw new SimInputError(`latencyMs must be a whole number from 1 to ${MAX_LATENCY_MS}`);
      }
      break;
    case 'malformedRows':
      fault.share = input.share === undefined ? 0.1 : (input.share as number);
      if (typeof fault.share !== 'number' || !(fault.share > 0 && fault.share <= 1))
        throw new SimInputError('share must be a number above 0 and at most 1');
      break;
    case 'truncatedBody':
      fault.mode = input.mode === undefined ? 'abort' : (input.mode as 'abort' | 'cut');
      if (fault.mode !== 'abort' && fault.mode !== 'cut') throw new SimInputError('mode must be abort or cut');
      break;
    default:
  }
  return fault;
}

/**
 * The faults a gateway in front of Flowhub produces, applied before authentication: added latency, then
 * at most one of 429, 5xx, 403 HTML page or a hang. Returns true when the request was answered (or hung).
 * `orderId`: the Flowhub order the request's path names, if any (faults scoped to one order).
 */
export async function applyGatewayFaults(
  faults: FaultBook,
  endpoint: Endpoint,
  locationIds: readonly string[],
  reply: FastifyReply,
  sim: { shutdown: AbortController; behaviour: SimBehaviour },
  orderId?: string,
): Promise<boolean> {
  const shutdown = sim.shutdown.signal;
  for (const fault of faults.fireEach('latency', endpoint, locationIds, orderId)) await sleep(fault.latencyMs ?? 0, shutdown);
  const fault = faults.fire(['rateLimit', 'serverError', 'forbiddenHtml', 'timeout'], endpoint, locationIds, orderId);
  if (!fault) return false;
  switch (fault.kind) {
    case 'rateLimit':
      if (fault.retryAfterSeconds !== null && fault.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(fault.retryAfterSeconds));
      await reply.code(429).send({ message: 'Too Many Requests' });
      return true;
    case 'serverError': {
      const status = fault.status ?? 500;
      if (status === 500 || !sim.behaviour.gatewayHtmlPages)
        await reply.code(status).send({ status, message: GATEWAY_MESSAGES[status] ?? 'Server Error' });
      else await reply.code(status).type('text/html; charset=utf-8').send(gatewayErrorHtml(status));
      return true;
    }
    case 'forbiddenHtml':
      await reply.code(403).type('text/html; charset=utf-8').send(FORBIDDEN_HTML);
      return true;
    default:
      // A hang: never answer; the connection stays open until the client gives up (or the simulator closes).
      reply.hijack();
      return true;
  }
}

/** A row as a broken feed sends it: no variantId, a non-numeric or negative quantity, no name. */
export function corruptRow(json: string, random: Random): string {
  const row = JSON.parse(json) as Record<string, unknown>;
  switch (pick(random, ['variantId', 'quantityText', 'negative', 'name'] as const)) {
    case 'variantId':
      delete row.variantId;
      break;
    case 'quantityText':
      row.quantity = 'abc';
      break;
    case 'negative':
      row.quantity = -3;
      break;
    default:
      row.productName = null;
  }
  return JSON.stringify(row);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
