/**
 * What a rate limit needs from its counter: one event for a key, allowed or not. The in-process
 * {@link FixedWindowLimiter} answers at once; a counter shared by several processes (Redis,
 * bus/redis-rate-limiters.ts) answers a promise, so adding processes does not multiply anyone's
 * allowance. The REST limits and the WebSocket sessions' per-user limits all take this.
 */
import { FixedWindowLimiter } from './fixed-window-limiter.js';

export interface RateLimiter {
  /** Counts one event for `key`; `false` when the key is already at its limit (nothing counted). */
  take(key: string): boolean | Promise<boolean>;
  /** Gives back one event counted by {@link take} in the current window (a login that succeeded). */
  refund(key: string): void | Promise<void>;
}

/** Makes the limiter called `name`: `limit` events per key per `windowMs`. */
export type RateLimiters = (name: string, limit: number, windowMs: number) => RateLimiter;

/** Counted in this process. */
export const localRateLimiters: RateLimiters = (_name, limit, windowMs) =>
  new FixedWindowLimiter(limit, windowMs);
