/**
 * The live processes of the service, for `GET /easemob/server.json`: with Redis, each process
 * that has a public URL (`OPENWEBIM_PUBLIC_URL`) announces it with a heartbeat, and drops out of
 * the list when it stops or when its heartbeats stop (it died). A surviving process notices a dead
 * one and runs `onDead` for it once (presence takes the dead process's sessions away).
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

const PROCESSES = `${KEY_PREFIX}processes`;
const processKey = (id: string) => `${KEY_PREFIX}process:${id}`;
const sweepKey = (id: string) => `${KEY_PREFIX}sweep:${id}`;

export interface RedisRegistryOptions {
  /** This process's id (random, new at every start). */
  id: string;
  /** This process's public URL; `null`: it heartbeats (for presence) but is not listed. */
  url: string | null;
  /** Heartbeat period; a process silent for 4 periods is dead. */
  heartbeatMs?: number;
  onDead(id: string): Promise<void>;
  onError(error: unknown): void;
}

export class RedisProcessRegistry implements ProcessRegistry {
  readonly id: string;
  readonly #redis: Redis;
  readonly #options: RedisRegistryOptions;
  readonly #heartbeatMs: number;
  readonly #timer: NodeJS.Timeout;

  constructor(redis: Redis, options: RedisRegistryOptions) {
    this.#redis = redis;
    this.#options = options;
    this.id = options.id;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    void this.#beat();
    this.#timer = setInterval(() => void this.#beat(), this.#heartbeatMs);
    this.#timer.unref();
  }

  get #deadAfterMs() {
    return this.#heartbeatMs * 4;
  }

  async #beat(): Promise<void> {
    try {
      const now = Date.now();
      await this.#redis
        .multi()
        .zadd(PROCESSES, now, this.id)
        .set(
          processKey(this.id),
          JSON.stringify({ url: this.#options.url }),
          'PX',
          this.#deadAfterMs,
        )
        .exec();
      const dead = await this.#redis.zrangebyscore(PROCESSES, '-inf', now - this.#deadAfterMs);
      for (const id of dead) {
        // One survivor sweeps each dead process.
        if ((await this.#redis.set(sweepKey(id), this.id, 'PX', 60_000, 'NX')) !== 'OK') continue;
        await this.#options.onDead(id);
        await this.#redis.zrem(PROCESSES, id);
      }
    } catch (error) {
      this.#options.onError(error);
    }
  }

  async live(): Promise<LiveProcess[]> {
    const ids = await this.#redis.zrangebyscore(PROCESSES, Date.now() - this.#deadAfterMs, '+inf');
    if (ids.length === 0) return [];
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
    try {
      await this.#redis.multi().zrem(PROCESSES, this.id).del(processKey(this.id)).exec();
    } catch (error) {
      this.#options.onError(error);
    }
  }
}
