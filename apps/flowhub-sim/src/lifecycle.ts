import { chance, pick, pickWeighted, type Random } from './random';

export const ORDER_STATUSES = [
  'new',
  'started',
  'ready',
  'inQueue',
  'inTransit',
  'delivered',
  'unableToComplete',
  'unableToVerify',
  'deleted',
  'sold',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses after which an order never moves again. */
export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['delivered', 'sold', 'unableToComplete', 'unableToVerify', 'deleted']);
/** Statuses that complete a sale: the stock leaves the shelf. */
export const SALE_STATUSES: ReadonlySet<OrderStatus> = new Set(['delivered', 'sold']);

export interface LifecycleSettings {
  /** Share of new orders that end cancelled (unableToComplete, unableToVerify or deleted). */
  cancelShare: number;
  /**
   * Share of status changes sent in another case ("Sold", "READY"). Default 0: Order Ahead's statuses are documented
   * in lower camel case, and live order statuses were observed in lower case although a documentation example spells
   * one "Sold" (README, "What is documented, observed or assumed"). A switch for testing case-insensitivity.
   */
  oddCaseShare: number;
  /** Multiplies every step's delay: 0.01 makes a demo order finish in well under a minute. */
  timeScale: number;
}

export const DEFAULT_LIFECYCLE: LifecycleSettings = { cancelShare: 0.05, oddCaseShare: 0, timeScale: 1 };

/** The planned path of one order and when its next step happens (simulated time). */
export interface LifecyclePlan {
  path: OrderStatus[];
  /** Delay before each step of `path` (index 0, `new`, is the create itself). */
  delaysMs: number[];
  /** Index in `path` of the current status. */
  step: number;
  nextAt: number;
}

const MINUTE = 60_000;

/** Typical time a store takes to reach each status from the previous one. */
const MEAN_DELAY_MS: Record<OrderStatus, number> = {
  new: 0,
  inQueue: 1 * MINUTE,
  started: 4 * MINUTE,
  ready: 12 * MINUTE,
  inTransit: 6 * MINUTE,
  delivered: 25 * MINUTE,
  sold: 20 * MINUTE,
  unableToComplete: 10 * MINUTE,
  unableToVerify: 5 * MINUTE,
  deleted: 15 * MINUTE,
};

/** The longest a planned order can take to finish (each step at most 1.5 × its mean). */
export const LONGEST_LIFECYCLE_MS =
  1.5 * (MEAN_DELAY_MS.inQueue + MEAN_DELAY_MS.started + MEAN_DELAY_MS.ready + MEAN_DELAY_MS.inTransit + MEAN_DELAY_MS.delivered);

const CANCELLED_PATHS: readonly (readonly [OrderStatus[], number])[] = [
  [['new', 'unableToComplete'], 3],
  [['new', 'started', 'unableToComplete'], 3],
  [['new', 'deleted'], 3],
  [['new', 'unableToVerify'], 1],
];

export function planLifecycle(random: Random, orderType: string, settings: LifecycleSettings, createdAt: number): LifecyclePlan {
  let path: OrderStatus[];
  if (chance(random, settings.cancelShare)) path = pickWeighted(random, CANCELLED_PATHS);
  else if (orderType === 'delivery')
    path = ['new', 'inQueue', 'started', 'ready', 'inTransit', pick(random, ['delivered', 'sold'] as const)];
  else path = ['new', 'started', 'ready', 'sold'];
  const delaysMs = path.map((status) => Math.round(MEAN_DELAY_MS[status] * (0.5 + random()) * settings.timeScale));
  return { path, delaysMs, step: 0, nextAt: createdAt + delaysMs[1] };
}

/** How a status is spelled on the wire: as documented, or (a share `oddCaseShare`) capitalised or upper case. */
export function statusAsSent(random: Random, status: OrderStatus, oddCaseShare: number): string {
  if (!chance(random, oddCaseShare)) return status;
  return chance(random, 0.8) ? status[0].toUpperCase() + status.slice(1) : status.toUpperCase();
}

/** Case-insensitive: the admin API accepts "Sold" as readily as the live API sends it. */
export function parseOrderStatus(value: unknown): OrderStatus | undefined {
  if (typeof value !== 'string') return undefined;
  return ORDER_STATUSES.find((status) => status.toLowerCase() === value.trim().toLowerCase());
}
