/**
 * What a rate limit needs from its counter: one event for a key, allowed or not. The in-process
 * {@link FixedWindowLimiter} answers at once; a counter shared by several processes (Redis) answers
 * a promise. The WebSocket sessions take their per-user limits through this, so a scale-out adapter
 * can count a user's sockets on every process together.
 */
export interface RateLimiter {
  /** Counts one event for `key`; `false` when the key is already at its limit (nothing counted). */
  take(key: string): boolean | Promise<boolean>;
}
