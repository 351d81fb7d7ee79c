/**
 * Counts events per key in fixed time windows. One small limiter serves the REST rate limits (keyed
 * by app, after the app is known to exist, so made-up app keys cannot grow the table), failed
 * logins (keyed by client IP) and WebSocket frames (keyed by user, across the user's sockets). @fastify/rate-limit could
 * key by app too, but it runs before the route knows whether the app exists and answers with its
 * own body; this keeps every limit and its Agora error in the domain's hands.
 */
import type { RateLimiter } from './rate-limiter.js';
export class FixedWindowLimiter implements RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Counts one event for `key`; `false` when the key is already at its limit (nothing counted). */
  take(key: string, now = Date.now()): boolean {
    const window = this.#current(key, now);
    if (window.count >= this.#limit) return false;
    window.count += 1;
    return true;
  }

  /** Gives back one event counted by {@link take} in the current window (a login that succeeded). */
  refund(key: string, now = Date.now()): void {
    const window = this.#windows.get(key);
    if (window && now - window.start < this.#windowMs && window.count > 0) window.count -= 1;
  }

  /** `true` when `key` has used its allowance in the current window. */
  exhausted(key: string, now = Date.now()): boolean {
    const window = this.#windows.get(key);
    return (
      window !== undefined && now - window.start < this.#windowMs && window.count >= this.#limit
    );
  }

  #current(key: string, now: number) {
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#windowMs) {
      if (this.#windows.size >= 10_000) this.#prune(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    return window;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#windowMs) this.#windows.delete(key);
    }
  }
}
