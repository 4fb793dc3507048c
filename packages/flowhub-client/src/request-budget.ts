import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * How many requests one set of Flowhub credentials may make, shared by every process that uses them, and,
 * optionally, how many may leave by one egress (direct, or one proxy host) whatever their credentials.
 * A caller asks for a slot and says how long it is willing to wait for one.
 */
export interface RequestBudget {
  /**
   * Reserves the next slot free in every budget the request takes (its credentials' `key` and, with a
   * global budget, its `egress`: see egressKeyFor) if it comes within `maxWaitMs`: the caller then waits
   * `waitMs` and sends. Otherwise nothing is reserved and the earliest slot is `retryInMs` away.
   */
  reserve(key: string, maxWaitMs: number, egress?: string): Promise<BudgetReservation>;
}

export type BudgetReservation =
  | { granted: true; waitMs: number }
  | {
      granted: false;
      retryInMs: number;
      /** Which budget had no slot in time: the credentials' own, or the global one of the egress. */
      limitedBy?: 'credentials' | 'egress';
    };

/** Which Flowhub credentials a budget key stands for: inventory (clientId/key) or Order Ahead. */
export type BudgetScope = 'inventory' | 'order-ahead';

/**
 * The budget key for one set of credentials. Hashed so that Redis (and anyone who can read it)
 * never sees the client id in clear; the secret is never part of it at all.
 */
export function budgetKeyFor(scope: BudgetScope, clientId: string): string {
  return `${scope}:${createHash('sha256').update(`${scope}\n${clientId}`).digest('hex').slice(0, 32)}`;
}

/**
 * The budget key of an egress, for the global budget (FLOWHUB_MAX_RPS_GLOBAL): Flowhub's throttling scope is not
 * known (key or caller address), so requests leaving by the same road share one: `egress:direct`, or
 * `egress:proxy:<host>` per HTTPS_PROXY host (never its user, password or port).
 */
export function egressKeyFor(proxyUrl?: string): string {
  if (!proxyUrl) return 'egress:direct';
  let host: string;
  try {
    host = new URL(proxyUrl).hostname.toLowerCase();
  } catch {
    throw new TypeError('proxyUrl is not a valid URL');
  }
  return `egress:proxy:${host}`;
}

/*
 * GCRA ("virtual scheduling"): each key holds the theoretical arrival time (TAT) of its next free
 * slot, in microseconds of Redis' own clock, so every worker agrees on time. Slots are spaced
 * exactly 1/maxRps apart (no burst), which keeps any one-second window at or under maxRps.
 * A request that takes several budgets (its credentials', its egress') gets the first instant free
 * in all of them, and each key's TAT moves to that instant plus its own interval, in one script: the
 * budgets are taken together or not at all, so a wait in one never lets the other bunch up.
 * The caller sleeps until its slot, and waiting callers are served in the order they asked, without polling.
 * KEYS: the budgets; ARGV: the longest wait accepted, then each key's interval (microseconds).
 * Returns {granted (1|0), microseconds until the slot, the index of the key that set it}.
 */
const RESERVE_SCRIPT = `
local max_wait = tonumber(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local slot = now
local slowest = 1
for i = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat > slot then
    slot = tat
    slowest = i
  end
end
local wait = slot - now
if wait > max_wait then return {0, wait, slowest} end
for i = 1, #KEYS do
  local next_tat = slot + tonumber(ARGV[i + 1])
  redis.call('SET', KEYS[i], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
end
return {1, wait, slowest}
`;
const RESERVE_SCRIPT_SHA = createHash('sha1').update(RESERVE_SCRIPT).digest('hex');

export interface RedisRequestBudgetOptions {
  /** Requests per second allowed per credentials (FLOWHUB_MAX_RPS). */
  maxRps: number;
  /**
   * Requests per second allowed per egress, every credentials together (FLOWHUB_MAX_RPS_GLOBAL); unset: no
   * such budget. A request then takes both its credentials' slot and its egress' slot.
   */
  maxRpsGlobal?: number;
  /**
   * Prefix of the Redis keys; give each test file or environment its own. Hash-tagged by default
   * (`{flowhub:budget}`) so that a request's two keys share a Redis Cluster slot: keep a custom one hash-tagged
   * on a cluster when a global budget is set.
   */
  prefix?: string;
}

export function createRedisRequestBudget(redis: Pick<Redis, 'eval' | 'evalsha'>, options: RedisRequestBudgetOptions): RequestBudget {
  if (!Number.isFinite(options.maxRps) || options.maxRps <= 0) {
    throw new RangeError(`maxRps must be a positive number, got ${String(options.maxRps)}`);
  }
  if (options.maxRpsGlobal !== undefined && (!Number.isFinite(options.maxRpsGlobal) || options.maxRpsGlobal <= 0)) {
    throw new RangeError(`maxRpsGlobal must be a positive number, got ${String(options.maxRpsGlobal)}`);
  }
  const intervalMicros = Math.round(1_000_000 / options.maxRps);
  const globalIntervalMicros = options.maxRpsGlobal === undefined ? undefined : Math.round(1_000_000 / options.maxRpsGlobal);
  const prefix = options.prefix ?? '{flowhub:budget}';

  async function runScript(keys: string[], args: number[]): Promise<unknown> {
    try {
      return await redis.evalsha(RESERVE_SCRIPT_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      // First use on this Redis (or after SCRIPT FLUSH / a restart): send the script itself.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return redis.eval(RESERVE_SCRIPT, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }

  return {
    async reserve(key, maxWaitMs, egress = egressKeyFor()) {
      const keys = [`${prefix}:${key}`];
      const intervals = [intervalMicros];
      if (globalIntervalMicros !== undefined) {
        keys.push(`${prefix}:${egress}`);
        intervals.push(globalIntervalMicros);
      }
      const reply = (await runScript(keys, [Math.max(0, Math.floor(maxWaitMs * 1000)), ...intervals])) as [number, number, number];
      const waitMs = Math.ceil(Number(reply[1]) / 1000);
      if (Number(reply[0]) === 1) return { granted: true, waitMs };
      return { granted: false, retryInMs: Math.max(1, waitMs), limitedBy: Number(reply[2]) === 2 ? 'egress' : 'credentials' };
    },
  };
}
