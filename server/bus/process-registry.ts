/**
 * The live processes of the service, for `GET /easemob/server.json` and for cleaning up after a
 * process that died: with Redis, each process announces itself with a heartbeat (and its public
 * URL, `OPENWEBIM_PUBLIC_URL`, when it has one) and drops out of the list when it stops or when its
 * heartbeats stop (it died). A surviving process notices a dead one and runs `onDead` for it once
 * (presence and the session lists take the dead process's sessions away).
 *
 * Every time is Redis's own clock (`TIME` in the scripts), so machines whose clocks differ agree on
 * who is dead. A process is in the list before it writes anything of its own to Redis: the scripts
 * that count its sessions register it first ({@link REGISTER_LUA}); a process killed before its
 * first heartbeat was answered is still found and swept.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis-connection.js';

export interface LiveProcess {
  id: string;
  /** `http(s)://host[:port]` */
  url: string;
}

export interface ProcessRegistry {
  readonly id: string;
  /** Live processes with a public URL, this one included when it has one. */
  live(): Promise<LiveProcess[]>;
  close(): Promise<void>;
}

/** One process: the list is empty (server.json names the host the client reached). */
export class LocalProcessRegistry implements ProcessRegistry {
  readonly id = randomUUID();

  async live(): Promise<LiveProcess[]> {
    return [];
  }

  async close(): Promise<void> {}
}

/** Process id → the Redis time (ms) past which it is dead unless it beats again. */
export const PROCESSES_KEY = `${KEY_PREFIX}processes`;
const processKey = (id: string) => `${KEY_PREFIX}process:${id}`;

/** How often a process beats. */
export const HEARTBEAT_MS = 1000;
/** A process silent this long is dead (four missed beats). */
export const DEAD_AFTER_MS = 4 * HEARTBEAT_MS;

/**
 * Lua, prepended to a script that writes a process's own state: `register(processes, id)` puts the
 * process in the list (with a full deadline) unless it is there already, so nothing a process wrote
 * can outlive it unnoticed.
 */
export const REGISTER_LUA = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function register(processes, id)
  if not redis.call('ZSCORE', processes, id) then
    redis.call('ZADD', processes, now_ms() + ${DEAD_AFTER_MS}, id)
  end
end
`;

/** KEYS: the list, the process's entry. ARGV: id, entry. → the ids whose deadline has passed. */
const BEAT = `${REGISTER_LUA}
local now = now_ms()
redis.call('ZADD', KEYS[1], now + ${DEAD_AFTER_MS}, ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ${DEAD_AFTER_MS})
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)`;

/** KEYS: the list. ARGV: a dead process's id. → 1 for the one caller that takes it off the list. */
const CLAIM = `${REGISTER_LUA}
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) <= now_ms() then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0`;

export interface RedisRegistryOptions {
  /** This process's id (random, new at every start). */
  id: string;
  /** This process's public URL; `null`: it heartbeats (for presence) but is not listed. */
  url: string | null;
  onDead(id: string): Promise<void>;
  onError(error: unknown): void;
}

export class RedisProcessRegistry implements ProcessRegistry {
  readonly id: string;
  readonly #redis: Redis;
  readonly #options: RedisRegistryOptions;
  readonly #timer: NodeJS.Timeout;
  readonly #beatWhenReady = () => void this.#beat();

  constructor(redis: Redis, options: RedisRegistryOptions) {
    this.#redis = redis;
    this.#options = options;
    this.id = options.id;
    // A command sent before the connection is up fails at once (no offline queue): the first beat
    // is sent when it is, and again whenever it comes back.
    if (redis.status === 'ready') void this.#beat();
    redis.on('ready', this.#beatWhenReady);
    this.#timer = setInterval(() => void this.#beat(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    try {
      const entry = JSON.stringify({ url: this.#options.url });
      const dead = (await this.#redis.eval(
        BEAT,
        2,
        PROCESSES_KEY,
        processKey(this.id),
        this.id,
        entry,
      )) as string[];
      for (const id of dead) {
        // One survivor takes each dead process off the list, atomically, and sweeps it.
        if (id === this.id || (await this.#redis.eval(CLAIM, 1, PROCESSES_KEY, id)) !== 1) continue;
        try {
          await this.#options.onDead(id);
        } catch (error) {
          // Back on the list, already dead: the next beat (of any survivor) sweeps it again.
          await this.#redis.zadd(PROCESSES_KEY, 'NX', '0', id);
          throw error;
        }
      }
    } catch (error) {
      this.#options.onError(error);
    }
  }

  async live(): Promise<LiveProcess[]> {
    const ids = await this.#redis.zrange(PROCESSES_KEY, '0', '-1');
    if (ids.length === 0) return [];
    // An entry expires (on Redis's clock) once its process missed four beats.
    const entries = await this.#redis.mget(ids.map(processKey));
    const live: LiveProcess[] = [];
    ids.forEach((id, index) => {
      const entry = entries[index];
      if (!entry) return;
      const { url } = JSON.parse(entry) as { url: string | null };
      if (url) live.push({ id, url });
    });
    return live;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#redis.off('ready', this.#beatWhenReady);
    try {
      await this.#redis.multi().zrem(PROCESSES_KEY, this.id).del(processKey(this.id)).exec();
    } catch (error) {
      this.#options.onError(error);
    }
  }
}
