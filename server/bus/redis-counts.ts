/**
 * Counts kept per process and summed over the service, in Redis: the sessions of each user (for
 * presence) and the open WebSockets of each client address (for the per-address bound). Per
 * counted key one hash, one field per process holding that process's count, and per process the
 * set of keys it counts, so that when a process dies (kill -9: it cannot count down) another one
 * takes its fields away ({@link RedisCounts.forget}). Each process also keeps its own counts in
 * memory, to write them again should it be swept while alive ({@link RedisCounts.resync}).
 */
import type { Redis } from 'ioredis';
import { PROCESSES_KEY, REGISTER_LUA, sweptKey, type Incarnation } from './process-registry.js';
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
 * KEYS: the key's hash, the process's set, the process list, the process's tombstone. ARGV: process
 * id, delta, the key, the most the total may reach (0: no bound), and for a resync the id the
 * process had before it was swept ('' otherwise). → {the total after, 1 if counted (0: refused, at
 * the bound), 1 if refused because the process was swept, 1 if the former id still counted the
 * key}. A process is registered before its first count (see process-registry.ts); once swept,
 * nothing more is counted under its id. A resync takes the former id's count of the key away in
 * the same step as it writes the count under the new one, so the process is never counted twice
 * (its sweeper, which would take it away later, finds nothing of it left).
 */
const ADD = `${REGISTER_LUA}${SUM}
local delta = tonumber(ARGV[2])
local max = tonumber(ARGV[4])
if delta > 0 and swept(KEYS[4]) then return {0, 0, 1, 0} end
local former = 0
if ARGV[5] ~= '' then former = redis.call('HDEL', KEYS[1], ARGV[5]) end
if delta > 0 and max > 0 and total(KEYS[1]) + delta > max then return {total(KEYS[1]), 0, 0, 0} end
if delta > 0 then register(KEYS[3], ARGV[1]) end
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], delta)
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[3])
else
  redis.call('SADD', KEYS[2], ARGV[3])
end
return {total(KEYS[1]), 1, 0, former}`;

/** KEYS: the key's hash. ARGV: the dead process's id. → the total left. */
const FORGET = `${SUM}
redis.call('HDEL', KEYS[1], ARGV[1])
return total(KEYS[1])`;

export interface Added {
  /** The total after the change. */
  total: number;
  /** Whether the change was made (not: the total was at `max`). */
  counted: boolean;
  /** This process had been swept: it was counted with the rest of its counts, written again. */
  resynced?: true;
}

export class RedisCounts {
  readonly #redis: Redis;
  readonly #process: Incarnation;
  /** This process's own counts, as they are (or are being) in Redis. */
  readonly #mine = new Map<string, number>();

  constructor(redis: Redis, process: Incarnation) {
    this.#redis = redis;
    this.#process = process;
  }

  /**
   * Adds `delta` to this process's count of `key`; with `max`, an increase that would take the
   * total past it is not made. Resolves to the total after, and whether the change was made.
   */
  async add(key: string, delta: 1 | -1, max = 0): Promise<Added> {
    // Counted here under the id it is sent with, at once: a resync either includes it (and the
    // write under the old id is refused or swept away) or comes before it.
    const id = this.#process.id;
    this.#count(key, delta);
    let reply;
    try {
      reply = (await this.#eval(id, key, delta, max)) as [number, number, number];
    } catch (error) {
      this.#undo(id, key, delta);
      throw error;
    }
    const [total, counted, swept] = reply;
    if (swept === 1) {
      // Written again with all of this process's counts, this one among them.
      await this.#process.swept(id);
      const [now = 0] = await this.totals([key]);
      return { total: now, counted: true, resynced: true };
    }
    if (counted !== 1) this.#undo(id, key, delta);
    return { total: Number(total), counted: counted === 1 };
  }

  /**
   * Writes this process's counts under its new `id` after it was swept, each in place of its count
   * under the `previous` one. The commands are sent before this returns. Resolves to each key with
   * its total after, this process's own count, and whether its previous id still counted it (its
   * sweeper had not taken that count away yet, and will not have it to take: it learns nothing
   * changed for that key).
   */
  resync(
    id: string,
    previous: string,
  ): Promise<{ key: string; total: number; own: number; replaced: boolean }[]> {
    return Promise.all(
      [...this.#mine].map(async ([key, own]) => {
        const [total, , , former] = (await this.#eval(id, key, own, 0, previous)) as number[];
        return { key, total: Number(total), own, replaced: former === 1 };
      }),
    );
  }

  #eval(id: string, key: string, delta: number, max: number, previous = ''): Promise<unknown> {
    return this.#redis.eval(
      ADD,
      4,
      countKey(key),
      processKeysKey(id),
      PROCESSES_KEY,
      sweptKey(id),
      id,
      delta,
      key,
      max,
      previous,
    );
  }

  #count(key: string, delta: number): void {
    const n = (this.#mine.get(key) ?? 0) + delta;
    if (n > 0) this.#mine.set(key, n);
    else this.#mine.delete(key);
  }

  /** A change that was not made: out of this process's counts, and out of a resync that took it. */
  #undo(id: string, key: string, delta: number): void {
    this.#count(key, -delta);
    if (this.#process.id !== id) this.#eval(this.#process.id, key, -delta, 0).catch(() => {});
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
    this.#mine.clear();
    await this.forget(this.#process.id);
  }
}
