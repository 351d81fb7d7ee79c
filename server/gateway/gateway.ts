/**
 * The WebSocket endpoint `/websocket?app_key=org%23app`. The app and the browser's Origin are
 * checked before the upgrade (HTTP 404/403, so a refused page never gets a socket); each accepted
 * socket becomes a {@link Session}.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CloseCode, MAX_FRAME_BYTES } from '../../src/protocol/frames.js';
import { ErrorDescriptions } from '../../src/protocol/rest.js';
import { DomainError, Failures, forbidden } from '../domain/errors.js';
import { FixedWindowLimiter } from '../domain/fixed-window-limiter.js';
import { restBase } from '../public-url.js';
import type { AppRecord } from '../storage/storage.js';
import type { ConnectionCounts } from '../bus/connection-counts.js';
import { Session, type SessionContext, type SessionLimits } from './session.js';

/** What the gateway needs; without `limits` the per-user limits are counted in this process. */
export type GatewayContext = Omit<SessionContext, 'limits'> & {
  limits?: SessionLimits;
  /** Open sockets per client address (for the whole service with Redis). */
  connections: ConnectionCounts;
};

/** 1001 "going away": the client should reconnect (to this server once it is back, or another). */
const GOING_AWAY = 1001;

const tooManyConnections = (ip: string) =>
  new DomainError(Failures.rateLimited, `too many open connections from ${ip}`);

export interface Gateway {
  /** Closes every session (before the HTTP server stops). */
  close(): void;
  readonly sessionCount: number;
}

export async function installGateway(
  server: FastifyInstance,
  gatewayContext: GatewayContext,
): Promise<Gateway> {
  const { config, connections, ...sessionContext } = gatewayContext;
  const ctx: SessionContext = {
    ...sessionContext,
    config,
    limits: gatewayContext.limits ?? {
      messages: new FixedWindowLimiter(config.messagesPerSecond, 1000),
      frames: new FixedWindowLimiter(config.framesPerSecond, 1000),
    },
  };
  const sessions = new Set<Session>();
  const apps = new WeakMap<FastifyRequest, AppRecord>();

  await server.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  // Events may have been lost between processes (the bus is back after an outage): every client
  // reconnects and its replay by seq brings what it missed (the SDK reconnects on 1001 itself).
  const stopListening = ctx.fanout.onInterrupted(() => {
    ctx.log.warn('the bus was interrupted; closing every session so its client catches up');
    for (const session of [...sessions]) session.close(GOING_AWAY, 'reconnect to catch up');
  });

  server.get<{ Querystring: { app_key?: string } }>(
    '/websocket',
    {
      websocket: true,
      // A refusal is thrown, so the server's error handler answers it in Agora's shape.
      preValidation: async (request) => {
        // A plain GET (a browser tab, a health probe) is told what this path is for.
        if (request.headers.upgrade?.toLowerCase() !== 'websocket') {
          throw new DomainError(
            Failures.invalidArgument,
            ErrorDescriptions.websocketUpgradeRequired,
          );
        }
        const key = request.query.app_key;
        const app = typeof key === 'string' ? await ctx.domain.apps.get(key) : undefined;
        if (!app) {
          throw new DomainError(
            Failures.appNotFound,
            `Could not find application for ${key ?? '(no app_key)'}`,
          );
        }
        if (!ctx.domain.apps.allowsOrigin(app, request.headers.origin)) {
          throw forbidden(`origin ${request.headers.origin} may not use app ${app.key}`);
        }
        // Open sockets per client address (behind a trusted proxy, the forwarded one); the count
        // is taken for real once the socket is open, below.
        if ((await connections.count(request.ip)) >= config.connectionsPerAddress) {
          throw tooManyConnections(request.ip);
        }
        apps.set(request, app);
      },
    },
    (socket, request) => {
      const app = apps.get(request);
      if (!app) {
        socket.close(1011, 'no app');
        return;
      }
      const ip = request.ip;
      // Several upgrades from one address may pass the check above at once: the count decides.
      let counted = false;
      const session = new Session(
        socket,
        app,
        ctx,
        (closed) => {
          if (!sessions.delete(closed)) return;
          if (counted) connections.close(ip);
        },
        { restBase: restBase(request, ctx.config), stream: request.raw.socket },
      );
      sessions.add(session);
      void connections.open(ip, config.connectionsPerAddress).then((taken) => {
        counted = taken;
        if (!taken) {
          session.close(CloseCode.PolicyViolation, tooManyConnections(ip).message);
        } else if (!sessions.has(session)) {
          connections.close(ip);
        }
      });
    },
  );

  return {
    close() {
      stopListening();
      for (const session of [...sessions]) session.close(GOING_AWAY, 'server shutting down');
    },
    get sessionCount() {
      return sessions.size;
    },
  };
}
