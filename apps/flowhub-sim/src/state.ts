import { TokenIssuer } from './auth';
import { behaviourSettings, DEFAULT_BEHAVIOUR, type SimBehaviour } from './behaviour';
import { SimClock, type ClockMode } from './clock';
import { FaultBook } from './faults';
import { SimInputError } from './input-error';
import {
  DEFAULT_LIFECYCLE,
  FINAL_STATUSES,
  planLifecycle,
  SALE_STATUSES,
  statusAsSent,
  type LifecycleSettings,
  type OrderStatus,
} from './lifecycle';
import { locationSettings, SimLocation, type LocationOptions } from './location';
import type { SimulatorLogger } from './logger';
import { isObject, OrderBook, type SimOrder } from './orders';
import { PostbackSender } from './postbacks';
import { hashString, mulberry32, randomUuid, type Random } from './random';
import { RequestCounters } from './request-counters';

/** The demo location every simulator starts with unless `locations` says otherwise (README documents it). */
export const DEMO_LOCATION = {
  locationId: 'demo-location',
  locationName: 'Demo Dispensary',
  clientId: 'demo-client',
  key: 'demo-key',
  orderAheadClientId: 'demo-oa-client',
  orderAheadClientSecret: 'demo-oa-secret',
} as const satisfies LocationOptions;

export interface SimulatorStateOptions {
  /** Catalogue size of locations that do not set their own. Default 2000. */
  rows?: number;
  /** Seed of locations that do not set their own, and of order ids and fault rolls. Default 1. */
  seed?: number;
  /** The locations to start with; default: the demo location. */
  locations?: LocationOptions[];
  /** `manual` (default): time moves only when told to. `real`: it also follows the wall clock. */
  clock?: ClockMode;
  lifecycle?: Partial<LifecycleSettings>;
  /** Invented behaviours to switch on (behaviour.ts); every one is off by default. */
  behaviour?: Partial<SimBehaviour>;
  /** How long a postback may take before it is given up. Default 2000 ms. */
  postbackTimeoutMs?: number;
  logger?: SimulatorLogger;
}

/** The simulator's locations by id, counting its changes (what is made from them knows when to be made again). */
export class LocationMap extends Map<string, SimLocation> {
  changes = 0;

  override set(locationId: string, location: SimLocation): this {
    this.changes += 1;
    return super.set(locationId, location);
  }

  override delete(locationId: string): boolean {
    this.changes += 1;
    return super.delete(locationId);
  }

  override clear(): void {
    this.changes += 1;
    super.clear();
  }
}

/** Everything the simulator knows; routes read and change it, tests may too. */
export class SimulatorState {
  readonly clock: SimClock;
  readonly locations = new LocationMap();
  readonly tokens = new TokenIssuer();
  readonly orders = new OrderBook();
  readonly faults: FaultBook;
  readonly requests = new RequestCounters();
  readonly postbacks: PostbackSender;
  lifecycle: LifecycleSettings;
  behaviour: SimBehaviour;
  /** Aborted when the simulator closes, so delayed and hung requests let go. */
  readonly shutdown = new AbortController();
  readonly logger?: SimulatorLogger;
  private readonly defaults: { rows: number; seed: number };
  private random: Random;

  constructor(private readonly options: SimulatorStateOptions = {}) {
    this.defaults = { rows: options.rows ?? 2000, seed: options.seed ?? 1 };
    this.clock = new SimClock(options.clock ?? 'manual');
    this.random = mulberry32(hashString('simulator', this.defaults.seed));
    this.faults = new FaultBook(() => this.random());
    this.lifecycle = lifecycleSettings({ ...DEFAULT_LIFECYCLE, ...options.lifecycle });
    this.behaviour = behaviourSettings(DEFAULT_BEHAVIOUR, options.behaviour ?? {});
    this.logger = options.logger;
    this.postbacks = new PostbackSender(options.postbackTimeoutMs ?? 2000, options.logger);
    for (const location of options.locations ?? [{ ...DEMO_LOCATION }]) this.addLocation(location);
  }

  /** Creates a location, or replaces the one with the same id (its catalogue regenerated). */
  addLocation(options: LocationOptions): SimLocation {
    const settings = locationSettings(options, this.defaults);
    for (const other of this.locations.values()) {
      if (other.locationId === settings.locationId) continue;
      if (other.settings.clientId === settings.clientId && other.settings.key !== settings.key) {
        throw new SimInputError(
          `clientId ${settings.clientId} already has another key (location ${other.locationId}); a client has one key`,
        );
      }
      if (other.settings.orderAheadClientId === settings.orderAheadClientId) {
        throw new SimInputError(`orderAheadClientId ${settings.orderAheadClientId} already belongs to location ${other.locationId}`);
      }
    }
    const location = new SimLocation(settings);
    this.locations.set(location.locationId, location);
    return location;
  }

  removeLocation(locationId: string): boolean {
    return this.locations.delete(locationId);
  }

  location(locationId: string): SimLocation | undefined {
    return this.locations.get(locationId);
  }

  /** The client's locations, if the key is right; `undefined` when the credentials are wrong. */
  locationsOfClient(clientId: string, key: string): SimLocation[] | undefined {
    const owned = this.byClient().get(clientId);
    if (!owned || owned[0].settings.key !== key) return undefined;
    return [...owned];
  }

  /** Locations by client, in the order they were added: made again whenever the locations changed (every read of a fleet's inventory asks). */
  private clients: { changes: number; index: Map<string, SimLocation[]> } | undefined;
  private byClient(): Map<string, SimLocation[]> {
    if (this.clients?.changes === this.locations.changes) return this.clients.index;
    const index = new Map<string, SimLocation[]>();
    for (const location of this.locations.values()) {
      const owned = index.get(location.settings.clientId);
      if (owned) owned.push(location);
      else index.set(location.settings.clientId, [location]);
    }
    this.clients = { changes: this.locations.changes, index };
    return index;
  }

  locationForOrderAheadClient(clientId: string): SimLocation | undefined {
    return [...this.locations.values()].find((location) => location.settings.orderAheadClientId === clientId);
  }

  /** Records an accepted create and plans its lifecycle. */
  createOrder(location: SimLocation, payload: Record<string, unknown>): SimOrder {
    const now = this.clock.now();
    const at = this.clock.iso(now);
    const customer = isObject(payload.customer) ? payload.customer : {};
    const orderType = String(payload.orderType);
    const order: SimOrder = {
      orderId: randomUuid(this.random),
      locationId: location.locationId,
      customerExternalId: typeof customer.externalId === 'string' ? customer.externalId : null,
      orderType,
      payload,
      status: 'new',
      statusAsSent: 'new',
      createdAt: at,
      updatedAt: at,
      history: [{ status: 'new', statusAsSent: 'new', at, by: 'create' }],
      updates: [],
      postbackUrl: typeof payload.postbackUrl === 'string' ? payload.postbackUrl : null,
      answered: true,
      // Off (`orderLifecycles`), an order stays `new` until the admin API moves it.
      lifecycle: this.behaviour.orderLifecycles ? planLifecycle(this.random, orderType, this.lifecycle, now) : null,
      stockTaken: null,
    };
    this.orders.add(order);
    return order;
  }

  /** Moves time forward and lets every order's lifecycle catch up; returns how many status changes happened. */
  advanceClock(ms: number): number {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new SimInputError('ms must be a number >= 0');
    this.clock.advance(ms);
    return this.tick();
  }

  /** Applies every lifecycle step that is due by now, each at its own scheduled time. */
  tick(): number {
    const now = this.clock.now();
    const due = this.orders
      .moving()
      .filter((order) => order.lifecycle!.nextAt <= now)
      .sort((a, b) => a.lifecycle!.nextAt - b.lifecycle!.nextAt);
    let changes = 0;
    for (const order of due) {
      while (order.lifecycle && order.lifecycle.nextAt <= now) {
        const plan = order.lifecycle;
        plan.step++;
        const at = plan.nextAt;
        if (plan.step + 1 < plan.path.length) plan.nextAt = at + plan.delaysMs[plan.step + 1];
        this.changeStatus(order, plan.path[plan.step], at, 'lifecycle');
        changes++;
      }
    }
    return changes;
  }

  /** An operator's change (admin API): the order stops moving on its own. */
  setOrderStatus(orderId: string, status: OrderStatus): SimOrder | undefined {
    const order = this.orders.get(orderId);
    if (!order) return undefined;
    order.lifecycle = null;
    this.changeStatus(order, status, this.clock.now(), 'admin');
    return order;
  }

  /** Sends the order's current status to its postbackUrl again (`POST /orderPostback/{orderId}`). */
  resendPostback(order: SimOrder): void {
    if (this.behaviour.statusPostbacks) this.postbacks.send(order, 'resend', this.clock.iso());
  }

  /** Back to the start: locations regenerated from the start options, no orders, faults, tokens or counts; lifecycle and behaviour as started. */
  reset(): void {
    this.locations.clear();
    for (const location of this.options.locations ?? [{ ...DEMO_LOCATION }]) this.addLocation(location);
    this.orders.clear();
    this.faults.clear();
    this.requests.reset();
    this.postbacks.clear();
    this.tokens.expireAll();
    this.random = mulberry32(hashString('simulator', this.defaults.seed));
    this.lifecycle = lifecycleSettings({ ...DEFAULT_LIFECYCLE, ...this.options.lifecycle });
    this.behaviour = behaviourSettings(DEFAULT_BEHAVIOUR, this.options.behaviour ?? {});
  }

  updateLifecycle(changes: unknown): LifecycleSettings {
    if (!isObject(changes)) throw new SimInputError('lifecycle settings must be a JSON object');
    this.lifecycle = lifecycleSettings({ ...this.lifecycle, ...changes });
    return this.lifecycle;
  }

  /** Switches invented behaviours on or off (`PUT /__sim/behaviour`); names left out keep their value. */
  updateBehaviour(changes: unknown): SimBehaviour {
    this.behaviour = behaviourSettings(this.behaviour, changes);
    return this.behaviour;
  }

  private changeStatus(order: SimOrder, status: OrderStatus, at: number, by: 'lifecycle' | 'admin'): void {
    const when = this.clock.iso(at);
    order.status = status;
    order.statusAsSent = statusAsSent(this.random, status, this.lifecycle.oddCaseShare);
    order.updatedAt = when;
    order.history.push({ status, statusAsSent: order.statusAsSent, at: when, by });
    if (FINAL_STATUSES.has(status)) order.lifecycle = null;
    if (SALE_STATUSES.has(status) && order.stockTaken === null) this.takeStock(order);
    if (this.behaviour.statusPostbacks) this.postbacks.send(order, 'statusChange', when);
  }

  /** A completed sale lowers the location's stock, as the register would. */
  private takeStock(order: SimOrder): void {
    const location = this.locations.get(order.locationId);
    // An update (PATCH /orders/{orderId}) replaces the items: the latest body is what was sold.
    const payload = order.updates.at(-1)?.payload ?? order.payload;
    const items = Array.isArray(payload.orderItems) ? (payload.orderItems as unknown[]) : [];
    order.stockTaken = items.filter(isObject).map((item) => ({
      productId: String(item.productId),
      quantity: location ? location.recordSale(String(item.productId), Number(item.quantityPurchased)) : 0,
    }));
  }
}

function lifecycleSettings(value: Record<string, unknown>): LifecycleSettings {
  const { cancelShare, oddCaseShare, timeScale } = value;
  if (typeof cancelShare !== 'number' || cancelShare < 0 || cancelShare > 1)
    throw new SimInputError('cancelShare must be a number from 0 to 1');
  if (typeof oddCaseShare !== 'number' || oddCaseShare < 0 || oddCaseShare > 1)
    throw new SimInputError('oddCaseShare must be a number from 0 to 1');
  if (typeof timeScale !== 'number' || !(timeScale > 0) || timeScale > 100)
    throw new SimInputError('timeScale must be a number above 0 and at most 100');
  return { cancelShare, oddCaseShare, timeScale };
}
