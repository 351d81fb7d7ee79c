/**
 * Counts kept per process and summed over the service, in Redis: the sessions of each user (for
 * presence) and the open WebSockets of each client address (for the per-address bound). Per
 * counted key one hash, one field per process holding that process's count, and per process the
 * set of keys it counts, so that when a process dies (kill -9: it cannot count down) another one
 * takes its fields away ({@link RedisCounts.forget}).
 */
import type { Redis } from 'ioredis';
import { PROCESSES_KEY, REGISTER_LUA } from './process-registry.js';
import { KEY_PREFIX } from './redis-connection.js';

const countKey = (key: string) => `${KEY_PREFIX}count:${key}`;
const processKeysKey = (processId: string) => `${KEY_PREFIX}process-counts:${processId}`;

const SUM = `
local function total(hash)
  local sum = 0
  for _, v in ipairs(redis.call('HVALS', hash)) do sum = sum + tonumber(v) end
  return sum
end
`;

/**
 * KEYS: the key's hash, the process's set, the process list. ARGV: process id, delta, the key, the
 * most the total may reach (0: no bound). → {the total after, 1 if counted (0: refused, at the bound)}.
 * A process is registered before its first count (see process-registry.ts).
 */
const ADD = `${REGISTER_LUA}${SUM}
local delta = tonumber(ARGV[2])
local max = tonumber(ARGV[4])
if delta > 0 and max > 0 and total(KEYS[1]) + delta > max then return {total(KEYS[1]), 0} end
if delta > 0 then register(KEYS[3], ARGV[1]) end
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], delta)
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[3])
else
  redis.call('SADD', KEYS[2], ARGV[3])
end
return {total(KEYS[1]), 1}`;

/** KEYS: the key's hash. ARGV: the dead process's id. → the total left. */
const FORGET = `${SUM}
redis.call('HDEL', KEYS[1], ARGV[1])
return total(KEYS[1])`;

export class RedisCounts {
  readonly #redis: Redis;
  readonly #processId: string;

  constructor(redis: Redis, processId: string) {
    this.#redis = redis;
    this.#processId = processId;
  }

  /**
   * Adds `delta` to this process's count of `key`; with `max`, an increase that would take the
   * total past it is not made. Resolves to the total after, and whether the change was made.
   */
  async add(key: string, delta: 1 | -1, max = 0): Promise<{ total: number; counted: boolean }> {
    const [total, counted] = (await this.#redis.eval(
      ADD,
      3,
      countKey(key),
      processKeysKey(this.#processId),
      PROCESSES_KEY,
      this.#processId,
      delta,
      key,
      max,
    )) as [number, number];
    return { total: Number(total), counted: counted === 1 };
  }

  /** The totals of `keys`, in the order given. */
  async totals(keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const key of keys) pipeline.hvals(countKey(key));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, values]) => {
      if (error) throw error;
      return (values as string[]).reduce((sum, value) => sum + Number(value), 0);
    });
  }

  /** Takes a dead process's counts away; the keys it counted, each with the total left. */
  async forget(processId: string): Promise<{ key: string; total: number }[]> {
    const keys = await this.#redis.smembers(processKeysKey(processId));
    const left = [];
    for (const key of keys) {
      const total = Number(await this.#redis.eval(FORGET, 1, countKey(key), processId));
      left.push({ key, total });
    }
    await this.#redis.del(processKeysKey(processId));
    return left;
  }

  /** This process is stopping: its counts go (its sessions were closed, and counted down). */
  async clear(): Promise<void> {
    await this.forget(this.#processId);
  }
}
