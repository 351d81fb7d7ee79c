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
 *
 * A process that was only stalled (a long GC pause, a paused VM) is swept like a dead one, and
 * comes back. The sweep is fenced: claiming a process leaves a tombstone under its id, and every
 * script that would write under that id again (its beat, a new count, a new session) refuses. The
 * process learns it was swept from that refusal and goes on under a new id (an incarnation: the
 * sweeper may still be taking the old one's state away), writing its sessions and counts again
 * from what it holds in memory ({@link RedisRegistryOptions.onSwept}). Its users never have to
 * reconnect.
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
  /** This process's id in the list (with Redis, a new one after it was swept while alive). */
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
/**
 * The tombstone of a process taken off the list: `sweeping:<the sweeper's id>` while its sweeper
 * takes its state away, then `swept`. Nothing is written under its id again while it is there.
 */
export const sweptKey = (id: string) => `${KEY_PREFIX}swept:${id}`;
const SWEEPING_MS = 60_000;
const SWEPT_MS = 3_600_000;

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
local function swept(tombstone)
  return redis.call('EXISTS', tombstone) == 1
end
`;

/**
 * KEYS: the list, the process's entry, its tombstone. ARGV: id, entry, '1' once a beat of this id
 * was answered. → {1} when the id was swept (its tombstone, or it is off the list after it beat:
 * the tombstone expired, or Redis lost everything), else {0, the ids whose deadline has passed…}.
 */
const BEAT = `${REGISTER_LUA}
if swept(KEYS[3]) or (ARGV[3] == '1' and not redis.call('ZSCORE', KEYS[1], ARGV[1])) then
  return {1}
end
local now = now_ms()
redis.call('ZADD', KEYS[1], now + ${DEAD_AFTER_MS}, ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ${DEAD_AFTER_MS})
local result = {0}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  table.insert(result, id)
end
return result`;

/**
 * KEYS: the list, the dead process's tombstone. ARGV: its id, the sweeper's id. → 1 for the one
 * caller that takes it off the list; the tombstone fences the process out, in the same step, should
 * it be alive, and names the sweeper.
 */
const CLAIM = `${REGISTER_LUA}
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) <= now_ms() then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], 'sweeping:' .. ARGV[2], 'PX', ${SWEEPING_MS})
  return 1
end
return 0`;

export interface RedisRegistryOptions {
  /** This process's public URL; `null`: it heartbeats (for presence) but is not listed. */
  url: string | null;
  /** Takes a dead process's state away; resolves once its users were told. */
  onDead(id: string): Promise<void>;
  /**
   * This process was swept while alive: its state goes again under its new `id`. The commands that
   * write it must be sent before this returns (synchronously), so that every later change of this
   * process reaches Redis after them; resolves once they are answered.
   */
  onSwept(previous: string, id: string): Promise<void>;
  onError(error: unknown): void;
}

/** Who a process is in Redis now, for the scripts that write under its id. */
export interface Incarnation {
  readonly id: string;
  /**
   * A write under `id` was refused (its tombstone): this process goes on under a new id, if it has
   * not already. Resolves once its state is written under the new one.
   */
  swept(id: string): Promise<void>;
}

export class RedisProcessRegistry implements ProcessRegistry, Incarnation {
  readonly #redis: Redis;
  readonly #options: RedisRegistryOptions;
  readonly #timer: NodeJS.Timeout;
  readonly #beatWhenReady = () => void this.#beat();
  #id = randomUUID();
  /** A beat of {@link #id} was answered: from now on, missing from the list means swept. */
  #beaten = false;
  /** The state written again under the current id (after a sweep). */
  #resynced: Promise<void> = Promise.resolve();
  /** Writing it failed: the next beat starts over under yet another id. */
  #resyncFailed = false;
  #closed = false;

  constructor(redis: Redis, options: RedisRegistryOptions) {
    this.#redis = redis;
    this.#options = options;
    // A command sent before the connection is up fails at once (no offline queue): the first beat
    // is sent when it is, and again whenever it comes back.
    if (redis.status === 'ready') void this.#beat();
    redis.on('ready', this.#beatWhenReady);
    this.#timer = setInterval(() => void this.#beat(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  get id(): string {
    return this.#id;
  }

  swept(id: string): Promise<void> {
    if (id === this.#id && !this.#closed) this.#reincarnate();
    return this.#resynced;
  }

  #reincarnate(): void {
    const previous = this.#id;
    this.#id = randomUUID();
    this.#beaten = false;
    this.#resyncFailed = false;
    this.#resynced = this.#options.onSwept(previous, this.#id).catch((error: unknown) => {
      this.#resyncFailed = true;
      this.#options.onError(error);
    });
  }

  /**
   * Resolves once the sweep of `id` (a former id of this process) is over: its sweeper has told
   * whom it concerned, or it is off the list itself (it died, or stalled and was swept, while
   * sweeping: within about five seconds, not the tombstone's minute).
   */
  async sweepOver(id: string): Promise<void> {
    while (!this.#closed) {
      try {
        const state = await this.#redis.get(sweptKey(id));
        if (!state?.startsWith('sweeping')) return;
        const sweeper = state.slice('sweeping:'.length);
        // (A bare `sweeping` was written by an older server: its tombstone's minute, then.)
        if (sweeper && (await this.#redis.zscore(PROCESSES_KEY, sweeper)) === null) return;
      } catch (error) {
        this.#options.onError(error);
      }
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS).unref());
    }
  }

  async #beat(): Promise<void> {
    try {
      // Writing the state again failed (Redis was away): start over under a fresh id; what the
      // failed one wrote is swept with it.
      if (this.#resyncFailed) this.#reincarnate();
      const id = this.#id;
      const entry = JSON.stringify({ url: this.#options.url });
      const [swept, ...dead] = (await this.#redis.eval(
        BEAT,
        3,
        PROCESSES_KEY,
        processKey(id),
        sweptKey(id),
        id,
        entry,
        this.#beaten ? '1' : '0',
      )) as [number, ...string[]];
      if (id !== this.#id || this.#closed) return;
      if (swept === 1) {
        await this.swept(id);
        return;
      }
      this.#beaten = true;
      for (const other of dead) {
        // One survivor takes each dead process off the list, atomically, and sweeps it.
        if (other === id) continue;
        if ((await this.#redis.eval(CLAIM, 2, PROCESSES_KEY, sweptKey(other), other, id)) !== 1) {
          continue;
        }
        try {
          await this.#options.onDead(other);
        } catch (error) {
          // Back on the list, already dead: the next beat (of any survivor) sweeps it again.
          await this.#redis.zadd(PROCESSES_KEY, 'NX', '0', other);
          throw error;
        }
        await this.#redis.set(sweptKey(other), 'swept', 'PX', SWEPT_MS);
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
    this.#closed = true;
    clearInterval(this.#timer);
    this.#redis.off('ready', this.#beatWhenReady);
    try {
      await this.#redis.multi().zrem(PROCESSES_KEY, this.id).del(processKey(this.id)).exec();
    } catch (error) {
      this.#options.onError(error);
    }
  }
}
