/**
 * The authenticated sessions of each user across the service, in login order: a login past the
 * app's `maxSessionsPerUser` makes the user's oldest sessions go, wherever they are (a user with
 * 200 idle tabs or a script opening sockets in a loop holds at most that many), and every login
 * gets a place in one order for the whole service, so "the newer single login wins" means the
 * same on every process whatever their clocks.
 *
 * In memory for one process; in Redis for several: per user a sorted set of `process session`
 * scored by a counter every process increments (`INCR`), and per process the set of users it has
 * sessions of, so the sessions of a process that died are taken off ({@link forget}).
 */
import type { Redis } from 'ioredis';
import { PROCESSES_KEY, REGISTER_LUA, sweptKey, type Incarnation } from './process-registry.js';
import { KEY_PREFIX } from './redis-connection.js';

export interface Opened {
  /** This login's place in the service's login order (a later login has a greater one). */
  order: number;
  /** Sessions past the cap, oldest first, to close: they are off the list already. */
  surplus: string[];
}

export interface SessionDirectory {
  /** A session of the user authenticated; `max`: the most the user may hold. */
  opened(appKey: string, username: string, session: string, max: number): Promise<Opened>;
  /** An authenticated session closed (or was told to go). */
  closed(appKey: string, username: string, session: string): Promise<void>;
}

const userKey = (appKey: string, username: string) => `${appKey}\n${username}`;

/** One process: a list per user, oldest first. */
export class LocalSessionDirectory implements SessionDirectory {
  readonly #byUser = new Map<string, string[]>();
  #order = 0;

  /** Continues an order taken elsewhere (Redis), so later local logins still come after it. */
  follow(order: number): void {
    this.#order = Math.max(this.#order, order);
  }

  async opened(appKey: string, username: string, session: string, max: number): Promise<Opened> {
    const key = userKey(appKey, username);
    const sessions = this.#byUser.get(key) ?? [];
    sessions.push(session);
    this.#byUser.set(key, sessions);
    const surplus = sessions.length > max ? sessions.splice(0, sessions.length - max) : [];
    return { order: ++this.#order, surplus };
  }

  async closed(appKey: string, username: string, session: string): Promise<void> {
    const key = userKey(appKey, username);
    const sessions = this.#byUser.get(key);
    const index = sessions?.indexOf(session) ?? -1;
    if (sessions && index >= 0) sessions.splice(index, 1);
    if (sessions?.length === 0) this.#byUser.delete(key);
  }
}

const ORDER_KEY = `${KEY_PREFIX}login-order`;
const sessionsKey = (key: string) => `${KEY_PREFIX}sessions:${key}`;
const processUsersKey = (processId: string) => `${KEY_PREFIX}process-sessions:${processId}`;

/**
 * KEYS: the user's sessions, the process's users, the process list, the order counter, the
 * process's tombstone. ARGV: process id, member (`process session`), max, user key, the prefix of
 * tombstones. → {order, surplus members…}, or {0} if the process was swept (nothing is listed under
 * its id). Sessions listed under a process that is swept (its tombstone) are going: they are taken
 * off here, so that neither they nor the same sessions listed again under its new id count twice
 * against the cap (which would push out one of that user's sessions for nothing).
 */
const OPEN = `${REGISTER_LUA}
if swept(KEYS[5]) then return {0} end
register(KEYS[3], ARGV[1])
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local owner = string.match(member, '^(%S+) ')
  if owner and owner ~= ARGV[1] and swept(ARGV[5] .. owner) then
    redis.call('ZREM', KEYS[1], member)
  end
end
local order = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[1], order, ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
local result = {order}
if over > 0 then
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, over - 1)) do
    table.insert(result, member)
  end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
end
return result`;

/**
 * KEYS: the user's sessions, the process's users, the process list, the process's tombstone.
 * ARGV: process id, member, its order, user key. Lists a session again in its place. → 1, 0 if
 * swept.
 */
const RELIST = `${REGISTER_LUA}
if swept(KEYS[4]) then return 0 end
register(KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
return 1`;

/**
 * KEYS: the user's sessions, the process's users. ARGV: member to remove ('' for none), process id
 * prefix, user key. Drops the user from the process's set once it has no session there left.
 */
const CLOSE = `
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
local prefix = ARGV[2]
local left = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, 1, #prefix) == prefix then
    if ARGV[1] == '' then redis.call('ZREM', KEYS[1], member) else left = left + 1 end
  end
end
if left == 0 then redis.call('SREM', KEYS[2], ARGV[3]) end
return left`;

export class RedisSessionDirectory implements SessionDirectory {
  readonly #redis: Redis;
  readonly #process: Incarnation;
  readonly #onError: (error: unknown) => void;
  /** This process's sessions, to fall back on while Redis is unreachable (the cap per process). */
  readonly #local = new LocalSessionDirectory();
  /** Per user, this process's sessions listed in Redis, each with its order (0 until known). */
  readonly #listed = new Map<string, Map<string, number>>();

  constructor(redis: Redis, process: Incarnation, onError: (error: unknown) => void) {
    this.#redis = redis;
    this.#process = process;
    this.#onError = onError;
  }

  async opened(appKey: string, username: string, session: string, max: number): Promise<Opened> {
    const key = userKey(appKey, username);
    await this.#local.opened(appKey, username, session, Number.MAX_SAFE_INTEGER);
    const listed = this.#listed.get(key) ?? new Map<string, number>();
    this.#listed.set(key, listed.set(session, 0));
    try {
      for (;;) {
        const id = this.#process.id;
        const [order, ...surplus] = (await this.#redis.eval(
          OPEN,
          5,
          sessionsKey(key),
          processUsersKey(id),
          PROCESSES_KEY,
          ORDER_KEY,
          sweptKey(id),
          id,
          `${id} ${session}`,
          max,
          key,
          sweptKey(''),
        )) as [number, ...string[]];
        if (order === 0) {
          // Swept: listed under this process's new id, with its other sessions.
          await this.#process.swept(id);
          if (this.#process.id === id) throw new Error('swept while stopping');
          continue;
        }
        this.#local.follow(order);
        if (listed.has(session)) listed.set(session, order);
        // Swept while this was on its way: the others were listed again without it.
        if (this.#process.id !== id && listed.has(session)) {
          await this.#relist(this.#process.id, key, session, order);
        }
        return { order, surplus: surplus.map((member) => member.slice(member.indexOf(' ') + 1)) };
      }
    } catch (error) {
      // Counted in this process alone meanwhile, after the last order Redis gave out.
      this.#onError(error);
      this.#unlisted(key, session);
      await this.#local.closed(appKey, username, session);
      return this.#local.opened(appKey, username, session, max);
    }
  }

  async closed(appKey: string, username: string, session: string): Promise<void> {
    await this.#local.closed(appKey, username, session);
    const key = userKey(appKey, username);
    this.#unlisted(key, session);
    const id = this.#process.id;
    try {
      await this.#redis.eval(
        CLOSE,
        2,
        sessionsKey(key),
        processUsersKey(id),
        `${id} ${session}`,
        `${id} `,
        key,
      );
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * Lists this process's sessions again under its new id after it was swept, each in its place in
   * the login order. The commands are sent before this returns.
   */
  resync(id: string): Promise<unknown> {
    const sent = [];
    for (const [key, sessions] of this.#listed) {
      for (const [session, order] of sessions) {
        // One still on its way is listed again once its order is known (opened).
        if (order > 0) sent.push(this.#relist(id, key, session, order));
      }
    }
    return Promise.all(sent);
  }

  #relist(id: string, key: string, session: string, order: number): Promise<unknown> {
    return this.#redis.eval(
      RELIST,
      4,
      sessionsKey(key),
      processUsersKey(id),
      PROCESSES_KEY,
      sweptKey(id),
      id,
      `${id} ${session}`,
      order,
      key,
    );
  }

  #unlisted(key: string, session: string): void {
    const listed = this.#listed.get(key);
    listed?.delete(session);
    if (listed?.size === 0) this.#listed.delete(key);
  }

  /** Takes the sessions of a dead process off every user's list. */
  async forget(processId: string): Promise<void> {
    const users = await this.#redis.smembers(processUsersKey(processId));
    for (const key of users) {
      await this.#redis.eval(
        CLOSE,
        2,
        sessionsKey(key),
        processUsersKey(processId),
        '',
        `${processId} `,
        key,
      );
    }
    await this.#redis.del(processUsersKey(processId));
  }

  /** This process is stopping: its sessions were closed; whatever is left of them goes. */
  async clear(): Promise<void> {
    this.#listed.clear();
    await this.forget(this.#process.id);
  }
}
