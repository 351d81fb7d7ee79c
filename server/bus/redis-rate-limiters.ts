/**
 * Rate limits counted in Redis, shared by every process: one counter per limiter, key and fixed
 * window, made and expired atomically by a script. While Redis cannot be reached, each process
 * counts on its own (the limits hold per process) rather than refuse or let everything through.
 */
import type { Redis } from 'ioredis';
import { localRateLimiters, type RateLimiter, type RateLimiters } from '../domain/rate-limiter.js';
import { KEY_PREFIX } from './redis-connection.js';

/** KEYS: the window's counter. ARGV: limit, window ms. → 1 counted, 0 at the limit. */
const TAKE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return 0
end
return 1`;

/** KEYS: the window's counter. */
const REFUND = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

export function redisRateLimiters(redis: Redis, onError: (error: unknown) => void): RateLimiters {
  return (name, limit, windowMs) => {
    const fallback = localRateLimiters(name, limit, windowMs);
    const counter = (key: string) =>
      `${KEY_PREFIX}rate:${name}:${key}:${Math.floor(Date.now() / windowMs)}`;
    const limiter: RateLimiter = {
      async take(key) {
        try {
          return (await redis.eval(TAKE, 1, counter(key), limit, windowMs)) === 1;
        } catch (error) {
          onError(error);
          return fallback.take(key);
        }
      },
      async refund(key) {
        try {
          await redis.eval(REFUND, 1, counter(key));
        } catch (error) {
          onError(error);
          await fallback.refund(key);
        }
      },
    };
    return limiter;
  };
}
