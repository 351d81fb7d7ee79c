/**
 * Open WebSockets per client address (behind a trusted proxy, the forwarded one), bounded by
 * `OPENWEBIM_MAX_CONNECTIONS_PER_ADDRESS` for the whole service: in memory for one process, in
 * Redis ({@link RedisCounts}) for several, so adding processes does not multiply the bound. While
 * Redis is unreachable each process bounds its own sockets.
 */
import type { RedisCounts } from './redis-counts.js';

export interface ConnectionCounts {
  /** Open sockets from `address`, on every process. */
  count(address: string): Promise<number>;
  /** Counts one more unless `max` are open already; whether it was counted. */
  open(address: string, max: number): Promise<boolean>;
  /** A counted socket closed. */
  close(address: string): void;
}

export class LocalConnectionCounts implements ConnectionCounts {
  readonly #open = new Map<string, number>();

  async count(address: string): Promise<number> {
    return this.#open.get(address) ?? 0;
  }

  async open(address: string, max: number): Promise<boolean> {
    const count = this.#open.get(address) ?? 0;
    if (count >= max) return false;
    this.#open.set(address, count + 1);
    return true;
  }

  close(address: string): void {
    const left = (this.#open.get(address) ?? 1) - 1;
    if (left > 0) this.#open.set(address, left);
    else this.#open.delete(address);
  }
}

/** The key a client address is counted under among {@link RedisCounts}' keys. */
export const addressKey = (address: string) => `address\n${address}`;

export class RedisConnectionCounts implements ConnectionCounts {
  readonly #counts: RedisCounts;
  readonly #onError: (error: unknown) => void;
  readonly #local = new LocalConnectionCounts();
  /** Sockets counted in Redis (the others only here, while Redis was unreachable). */
  readonly #inRedis = new Map<string, number>();

  constructor(counts: RedisCounts, onError: (error: unknown) => void) {
    this.#counts = counts;
    this.#onError = onError;
  }

  async count(address: string): Promise<number> {
    try {
      const [total = 0] = await this.#counts.totals([addressKey(address)]);
      return total;
    } catch (error) {
      this.#onError(error);
      return this.#local.count(address);
    }
  }

  async open(address: string, max: number): Promise<boolean> {
    let counted;
    try {
      counted = (await this.#counts.add(addressKey(address), 1, max)).counted;
      if (counted) this.#inRedis.set(address, (this.#inRedis.get(address) ?? 0) + 1);
    } catch (error) {
      this.#onError(error);
      return this.#local.open(address, max);
    }
    if (counted) await this.#local.open(address, Number.MAX_SAFE_INTEGER);
    return counted;
  }

  close(address: string): void {
    this.#local.close(address);
    const inRedis = this.#inRedis.get(address) ?? 0;
    if (inRedis === 0) return;
    if (inRedis > 1) this.#inRedis.set(address, inRedis - 1);
    else this.#inRedis.delete(address);
    this.#counts.add(addressKey(address), -1).catch(this.#onError);
  }
}
