/**
 * What the processes of one service share besides storage, made once per process: the fan-out,
 * the session counts behind presence, the list of each user's sessions (the per-user cap and the
 * login order), the open connections per address, the rate limiters and the registry of live
 * processes. In memory for one process; in Redis (`OPENWEBIM_REDIS_URL`) for several.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import { localRateLimiters, type RateLimiters } from '../domain/rate-limiter.js';
import { Fanout } from './fanout.js';
import { LocalBus } from './local-bus.js';
import {
  LocalConnectionCounts,
  RedisConnectionCounts,
  type ConnectionCounts,
} from './connection-counts.js';
import { key, LocalSessionCounts, type SessionCounts } from './presence.js';
import {
  LocalProcessRegistry,
  RedisProcessRegistry,
  type ProcessRegistry,
} from './process-registry.js';
import { RedisBus } from './redis-bus.js';
import { commandConnection } from './redis-connection.js';
import { redisRateLimiters } from './redis-rate-limiters.js';
import { RedisCounts } from './redis-counts.js';
import {
  LocalSessionDirectory,
  RedisSessionDirectory,
  type SessionDirectory,
} from './session-directory.js';
import type { UserEvent } from './user-events.js';

export interface BusServices {
  fanout: Fanout;
  counts: SessionCounts;
  sessions: SessionDirectory;
  connections: ConnectionCounts;
  rateLimiters: RateLimiters;
  registry: ProcessRegistry;
  /**
   * Called with what a dead process's sessions left behind: each user and their sessions left
   * anywhere (set by the server once presence exists); resolves once they were announced.
   */
  onLostSessions?: (lost: { appKey: string; username: string; total: number }[]) => Promise<void>;
  /**
   * This process was swept while alive (it stalled) and counts its sessions again: the users it
   * alone counts, announced offline by the sweep, once the sweep is over.
   */
  onRegainedSessions?: (regained: { appKey: string; username: string }[]) => Promise<void>;
  close(): Promise<void>;
}

export function openBusServices(
  config: Pick<ServerConfig, 'redisUrl' | 'publicUrl'>,
  log: FastifyBaseLogger,
): BusServices {
  if (!config.redisUrl) {
    const fanout = new Fanout(
      new LocalBus<UserEvent>((error) => log.error({ err: error }, 'bus subscriber failed')),
    );
    return {
      fanout,
      counts: new LocalSessionCounts(),
      sessions: new LocalSessionDirectory(),
      connections: new LocalConnectionCounts(),
      rateLimiters: localRateLimiters,
      registry: new LocalProcessRegistry(),
      close: () => fanout.close(),
    };
  }
  let lastWarning = 0;
  const onError = (error: unknown) => {
    // Once a second at most: an outage fails every call.
    if (Date.now() - lastWarning < 1000) return;
    lastWarning = Date.now();
    log.warn({ err: error }, 'redis call failed');
  };
  const redis = commandConnection(config.redisUrl);
  redis.on('error', () => {});
  const fanout = new Fanout(new RedisBus<UserEvent>(config.redisUrl, onError));
  const presenceKey = (appKey: string, username: string) => `presence\n${key(appKey, username)}`;
  const presenceOf = (counted: string) => {
    const [kind, appKey = '', username = ''] = counted.split('\n');
    return kind === 'presence' ? { appKey, username } : undefined;
  };
  // The registry calls back only once a Redis reply came (after these are made).
  // eslint-disable-next-line prefer-const
  let shared: RedisCounts, sessions: RedisSessionDirectory;
  const registry = new RedisProcessRegistry(redis, {
    url: config.publicUrl,
    onError,
    async onDead(dead) {
      await sessions.forget(dead);
      const lost = [];
      for (const { key: counted, total } of await shared.forget(dead)) {
        const user = presenceOf(counted);
        if (user) lost.push({ ...user, total });
      }
      await services.onLostSessions?.(lost);
    },
    async onSwept(previous, id) {
      // Both send their writes now, before anything this process does next.
      const [totals] = await Promise.all([shared.resync(id, previous), sessions.resync(id)]);
      // A user counted here alone, whose count the sweeper took away before this resync, was
      // announced offline by it: online again, after it. (A count the resync replaced was never
      // taken away: the sweeper finds the user still counted here.)
      const regained: { appKey: string; username: string }[] = [];
      for (const { key: counted, total, own, replaced } of totals) {
        const user = presenceOf(counted);
        if (user && total === own && !replaced) regained.push(user);
      }
      void registry
        .sweepOver(previous)
        .then(() => services.onRegainedSessions?.(regained))
        .catch(onError);
    },
  });
  shared = new RedisCounts(redis, registry);
  sessions = new RedisSessionDirectory(redis, registry, onError);
  const counts: SessionCounts = {
    add: async (appKey, username, delta) => {
      const added = await shared.add(presenceKey(appKey, username), delta);
      return added.resynced ? undefined : added.total;
    },
    totals: (appKey, usernames) =>
      shared.totals(usernames.map((username) => presenceKey(appKey, username))),
  };
  const services: BusServices = {
    fanout,
    counts,
    sessions,
    connections: new RedisConnectionCounts(shared, onError),
    rateLimiters: redisRateLimiters(redis, onError),
    registry,
    async close() {
      await services.registry.close();
      await sessions.clear().catch(onError);
      await shared.clear().catch(onError);
      await fanout.close();
      redis.disconnect();
    },
  };
  return services;
}
