/**
 * What the parts of a WebSocket session share: the context every session gets from the gateway, and
 * the port a logged-in session opens to its parts (inbox-delivery.ts, message-pipeline.ts,
 * frame-handlers.ts, session-token.ts), so they reach the socket and the login only through it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ServerFrame } from '../../src/protocol/frames.js';
import type { Fanout } from '../bus/fanout.js';
import type { Presence } from '../bus/presence.js';
import type { SessionDirectory } from '../bus/session-directory.js';
import type { ServerConfig } from '../config.js';
import type { Domain } from '../domain/domain.js';
import type { RateLimiter } from '../domain/rate-limiter.js';
import type { AppRecord } from '../storage/storage.js';

/** Per-user limits, keyed `${appKey}\n${username}`, shared by every socket of the user. */
export interface SessionLimits {
  /** `msg` frames. */
  messages: RateLimiter;
  /** Every other frame kind after `auth`. */
  frames: RateLimiter;
}

export interface SessionContext {
  domain: Domain;
  fanout: Fanout;
  config: ServerConfig;
  log: FastifyBaseLogger;
  presence: Presence;
  limits: SessionLimits;
  /** Every user's sessions in login order, for the cap and single login (service-wide with Redis). */
  sessions: SessionDirectory;
}

/** One session as its parts see it; `user` and `userKey` are read only once `auth` succeeded. */
export interface SessionPort {
  /** The session's id (a fanout's `exceptSession`). */
  readonly id: string;
  readonly app: AppRecord;
  readonly ctx: SessionContext;
  /** `http(s)://host[:port]` the client reaches the REST API by: file urls are sent on it. */
  readonly restBase: string;
  /** The logged-in user. */
  readonly user: string;
  /** The device it logged in from (its receive cursor is kept per device). */
  readonly deviceId: string;
  /** `${appKey}\n${user}`: the key of the per-user limits. */
  readonly userKey: string;
  send(frame: ServerFrame): void;
  /** Sends a frame serialised already (closes a socket whose client stopped reading). */
  sendText(text: string): void;
  /** An `error` frame. */
  error(code: number, reason: string): void;
  /** The socket holds too much already: live frames would only pile up in memory. */
  congested(): boolean;
  isClosed(): boolean;
  close(code: number, reason: string): void;
}
