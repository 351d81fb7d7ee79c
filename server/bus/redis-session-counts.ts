/**
 * Session counts in Redis, for presence across processes. Per user one hash, one field per process
 * holding that process's count, and per process the set of users it counted, so that when a
 * process dies (kill -9: it cannot clean up) another one takes its fields away
 * ({@link RedisSessionCounts.forget}) and the users it held look offline unless they are elsewhere.
 */
import type { Redis } from 'ioredis';
import { key, type SessionCounts } from './presence.js';
import { KEY_PREFIX } from './redis-connection.js';

const userKey = (appKey: string, username: string) =>
  `${KEY_PREFIX}presence:${key(appKey, username)}`;
const processUsersKey = (processId: string) => `${KEY_PREFIX}process-users:${processId}`;

/** KEYS: the user's hash, the process's set. ARGV: process id, delta, set member. → the total. */
const ADD = `
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[3])
else
  redis.call('SADD', KEYS[2], ARGV[3])
end
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
return total`;

/** KEYS: the user's hash. ARGV: the dead process's id. → the total left. */
const FORGET = `
redis.call('HDEL', KEYS[1], ARGV[1])
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
return total`;

export class RedisSessionCounts implements SessionCounts {
  readonly #redis: Redis;
  readonly #processId: string;

  constructor(redis: Redis, processId: string) {
    this.#redis = redis;
    this.#processId = processId;
  }

  async add(appKey: string, username: string, delta: 1 | -1): Promise<number> {
    const total = await this.#redis.eval(
      ADD,
      2,
      userKey(appKey, username),
      processUsersKey(this.#processId),
      this.#processId,
      delta,
      key(appKey, username),
    );
    return Number(total);
  }

  async totals(appKey: string, usernames: string[]): Promise<number[]> {
    if (usernames.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const username of usernames) pipeline.hvals(userKey(appKey, username));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, values]) => {
      if (error) throw error;
      return (values as string[]).reduce((sum, value) => sum + Number(value), 0);
    });
  }

  /** Takes a dead process's counts away; the users it held, each with the total left. */
  async forget(processId: string): Promise<{ appKey: string; username: string; total: number }[]> {
    const members = await this.#redis.smembers(processUsersKey(processId));
    const lost = [];
    for (const member of members) {
      const [appKey = '', username = ''] = member.split('\n');
      const total = Number(await this.#redis.eval(FORGET, 1, userKey(appKey, username), processId));
      lost.push({ appKey, username, total });
    }
    await this.#redis.del(processUsersKey(processId));
    return lost;
  }

  /** This process is stopping: its counts go (its sessions were closed, and counted down). */
  async clear(): Promise<void> {
    await this.forget(this.#processId);
  }
}
