import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * How many requests one set of Flowhub credentials may make, shared by every process that uses them.
 * A caller asks for a slot and says how long it is willing to wait for one.
 */
export interface RequestBudget {
  /**
   * Reserves the next free slot for `key` if it comes within `maxWaitMs`: the caller then waits
   * `waitMs` and sends. Otherwise nothing is reserved and the earliest slot is `retryInMs` away.
   */
  reserve(key: string, maxWaitMs: number): Promise<BudgetReservation>;
}

export type BudgetReservation = { granted: true; waitMs: number } | { granted: false; retryInMs: number };

/** Which Flowhub credentials a budget key stands for: inventory (clientId/key) or Order Ahead. */
export type BudgetScope = 'inventory' | 'order-ahead';

/**
 * The budget key for one set of credentials. Hashed so that Redis (and anyone who can read it)
 * never sees the client id in clear; the secret is never part of it at all.
 */
export function budgetKeyFor(scope: BudgetScope, clientId: string): string {
  return `${scope}:${createHash('sha256').update(`${scope}\n${clientId}`).digest('hex').slice(0, 32)}`;
}

/*
 * GCRA ("virtual scheduling"): the key holds the theoretical arrival time (TAT) of the next free
 * slot, in microseconds of Redis' own clock, so every worker agrees on time. Slots are spaced
 * exactly 1/maxRps apart (no burst), which keeps any one-second window at or under maxRps.
 * A grant moves the TAT on by one interval: the caller sleeps until its slot, and waiting callers
 * are served in the order they asked, without polling.
 * Returns {granted (1|0), microseconds until the slot}.
 */
const RESERVE_SCRIPT = `
local interval = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now
if wait > max_wait then return {0, wait} end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return {1, wait}
`;
const RESERVE_SCRIPT_SHA = createHash('sha1').update(RESERVE_SCRIPT).digest('hex');

export interface RedisRequestBudgetOptions {
  /** Requests per second allowed per credentials (FLOWHUB_MAX_RPS). */
  maxRps: number;
  /** Prefix of the Redis keys; give each test file or environment its own. */
  prefix?: string;
}

export function createRedisRequestBudget(
  redis: Pick<Redis, 'eval' | 'evalsha'>,
  options: RedisRequestBudgetOptions,
): RequestBudget {
  if (!Number.isFinite(options.maxRps) || options.maxRps <= 0) {
    throw new RangeError(`maxRps must be a positive number, got ${String(options.maxRps)}`);
  }
  const intervalMicros = Math.round(1_000_000 / options.maxRps);
  const prefix = options.prefix ?? 'flowhub:budget';

  async function runScript(key: string, maxWaitMicros: number): Promise<unknown> {
    try {
      return await redis.evalsha(RESERVE_SCRIPT_SHA, 1, key, intervalMicros, maxWaitMicros);
    } catch (error) {
      // First use on this Redis (or after SCRIPT FLUSH / a restart): send the script itself.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return redis.eval(RESERVE_SCRIPT, 1, key, intervalMicros, maxWaitMicros);
      }
      throw error;
    }
  }

  return {
    async reserve(key, maxWaitMs) {
      const reply = (await runScript(`${prefix}:${key}`, Math.max(0, Math.floor(maxWaitMs * 1000)))) as [number, number];
      const waitMs = Math.ceil(Number(reply[1]) / 1000);
      return Number(reply[0]) === 1 ? { granted: true, waitMs } : { granted: false, retryInMs: Math.max(1, waitMs) };
    },
  };
}
