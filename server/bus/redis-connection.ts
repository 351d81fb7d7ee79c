/**
 * Redis connections (ioredis) for the bus, presence, rate limits and the process registry. Every
 * key and channel starts with {@link KEY_PREFIX}, so one Redis can serve other things too.
 */
import { Redis, type RedisOptions } from 'ioredis';

export const KEY_PREFIX = 'openwebim:';

/**
 * A connection that never queues commands while Redis is away (they fail at once, so a request is
 * answered instead of hanging) and reconnects forever, backing off up to a second.
 */
export function commandConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
    ...options,
  });
}

/**
 * The subscriber connection: SUBSCRIBE commands wait for Redis to come back (a session's
 * subscription completes then), and ioredis subscribes again to every channel on reconnect.
 */
export function subscriberConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    autoResubscribe: true,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
}
