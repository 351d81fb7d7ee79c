/**
 * `createServer(config)`: storage, domain, bus, HTTP routes and the WebSocket gateway, wired once.
 * The embedded default: a SQLite file in the data dir and the in-process bus.
 */
import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { Limits, RestErrors } from '../src/protocol/rest.js';
import { openBusServices } from './bus/bus-services.js';
import { Presence } from './bus/presence.js';
import type { ServerConfig } from './config.js';
import { createDomain, type Domain } from './domain/domain.js';
import { LOBBY } from './domain/rooms.js';
import { installGateway, type Gateway } from './gateway/gateway.js';
import { chatfilesRoutes, refuseMultipartOutsideUploads } from './http/chatfiles-routes.js';
import { contactsRoutes } from './http/contacts-routes.js';
import { installCors } from './http/cors.js';
import { dnsRoutes } from './http/dns-routes.js';
import { installErrorHandling, sendError } from './http/errors.js';
import { groupsRoutes } from './http/groups-routes.js';
import { memberAttributesRoutes } from './http/member-attributes-routes.js';
import { healthRoutes } from './http/health-routes.js';
import { historyRoutes } from './http/history-routes.js';
import { closeIdleConnections } from './http/idle-connections.js';
import { reportsRoutes } from './http/reports-routes.js';
import { reactionsRoutes } from './http/reactions-routes.js';
import { deletionsRoutes } from './http/deletions-routes.js';
import { roomsRoutes } from './http/rooms-routes.js';
import { staticRoutes } from './http/static-routes.js';
import { tokenRoutes } from './http/token-routes.js';
import { usersRoutes } from './http/users-routes.js';
import { visitorsRoutes } from './http/visitors-routes.js';
import { packageRoot } from './package-root.js';
import { PgStorage } from './storage/pg-storage.js';
import { SqliteStorage } from './storage/sqlite-storage.js';
import type { AppRecord, Storage } from './storage/storage.js';
import { DomainError, Failures } from './domain/errors.js';

/** The app every server has, so `npm start` works on a fresh data dir. */
export const DEMO_APP = 'demo#chat';

/**
 * The demo app's team member, so the demo's CMS page has someone to talk to: sign in as it to
 * answer guests. Made only when missing (a changed password is kept); documented in README.md.
 */
export const DEMO_SUPPORT = { username: 'support', password: 'support-demo' } as const;

/** Expired tokens are kept this long so their holders are told "expired", then forgotten. */
const TOKEN_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface ChatServer {
  /** Starts listening; resolves to `http://host:port`. */
  listen(): Promise<string>;
  close(): Promise<void>;
  readonly domain: Domain;
  /** What the domain stores through (tests read SQLite's commit counts from it). */
  readonly storage: Storage;
}

/** Query parameters whose values never reach a log. */
const SECRET_PARAMS = /([?&](?:share-secret|secret|access_token|token)=)[^&#]*/gi;

/** The url with the values of secret query parameters replaced. */
export const withoutSecrets = (url: string) => url.replace(SECRET_PARAMS, '$1[redacted]');

/**
 * Drops a TCP connection past `connectionsPerAddress` from one address before any byte is read.
 * Behind a trusted proxy every connection comes from the proxy, so the gateway counts WebSocket
 * sessions by the forwarded address instead (gateway.ts).
 */
function limitConnectionsPerAddress(http: FastifyInstance, config: ServerConfig): void {
  if (config.trustProxy) return;
  const open = new Map<string, number>();
  http.server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > config.connectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/**
 * Opens the configured storage, as the server and the CLI both do: PostgreSQL at `databaseUrl`
 * (its schema is made or migrated before the first statement), else the data dir's SQLite file
 * (creating the dir).
 */
export function openStorage(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'> &
    Partial<Pick<ServerConfig, 'sqliteSynchronous'>>,
): Storage {
  if (config.databaseUrl) return new PgStorage(config.databaseUrl);
  // Only this user may read what the server keeps (tokens' hashes, messages, files).
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return new SqliteStorage(join(config.dataDir, 'openwebim.sqlite'), {
    synchronous: config.sqliteSynchronous ?? 'full',
  });
}

/** Registers {@link DEMO_SUPPORT} unless it exists (or the demo's registration was closed). */
async function ensureDemoSupport(domain: Domain, demo: AppRecord): Promise<void> {
  if (demo.closedRegistration || (await domain.users.find(demo, DEMO_SUPPORT.username))) return;
  try {
    await domain.users.register(demo, { ...DEMO_SUPPORT, nickname: 'Support' });
  } catch (error) {
    // Another process starting at the same moment made it first, or the app is full.
    const expected = [Failures.duplicate, Failures.limitReached] as string[];
    if (!(error instanceof DomainError && expected.includes(error.failure))) throw error;
  }
}

export interface ServerOptions {
  /** Where `demo/` and `dist/` are; the package root by default. */
  staticRoot?: string;
}

export function createServer(config: ServerConfig, options: ServerOptions = {}): ChatServer {
  const storage = openStorage(config);
  const http: FastifyInstance = Fastify({
    logger: {
      level: config.logLevel,
      // Plugins log headers at trace level (@fastify/multipart its busboy options): never these.
      redact: ['authorization', 'share-secret', 'cookie'].flatMap((name) =>
        ['headers', '*.headers', '*.*.headers'].map((at) => `${at}["${name}"]`),
      ),
      // Request lines (debug) must not carry a chat file's share secret or a token in the query.
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: withoutSecrets(request.url),
          host: request.host,
          remoteAddress: request.ip,
        }),
      },
    },
    // One line per request is noise unless someone is debugging.
    logController: new LogController({
      disableRequestLogging: !['debug', 'trace'].includes(config.logLevel),
    }),
    bodyLimit: Limits.restBodyMaxBytes,
    trustProxy: config.trustProxy,
    // Malformed URLs and over-long path params are refused before routing: in Agora's shape too.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      void sendError(reply, status, RestErrors.illegalArgument, 'the URL is malformed or too long');
    },
    // A connection that says nothing is closed (a WebSocket turns this off and has heartbeats);
    // one whose request is being answered is not (closeIdleConnections).
    connectionTimeout: config.idleConnectionMs,
    // Between keep-alive requests too (Fastify's own default is 72 s whatever the setting).
    keepAliveTimeout: config.idleConnectionMs,
  });
  closeIdleConnections(http.server);
  limitConnectionsPerAddress(http, config);
  // The JSON routes must refuse text/plain with 415 instead of handing them a string.
  http.removeContentTypeParser('text/plain');
  const bus = openBusServices(config, http.log);
  const { fanout, registry } = bus;
  const domain = createDomain(storage, config, bus.rateLimiters);
  const presence = new Presence(
    bus.counts,
    fanout,
    (appKey, username) => domain.contacts.names(appKey, username),
    http.log,
  );
  bus.onLostSessions = async (lost) => {
    await Promise.all(
      lost.map(({ appKey, username, total }) => presence.lost(appKey, username, total)),
    );
  };
  bus.onRegainedSessions = async (regained) => {
    await Promise.all(regained.map(({ appKey, username }) => presence.regained(appKey, username)));
  };
  let gateway: Gateway | undefined;
  let purgeTimer: NodeJS.Timeout | undefined;

  const ready = (async () => {
    installErrorHandling(http);
    // No response may be sniffed into another type (a JSON error read as HTML, say).
    http.addHook('onRequest', async (_request, reply) => {
      void reply.header('x-content-type-options', 'nosniff');
    });
    await installCors(http, domain);
    gateway = await installGateway(http, {
      domain,
      fanout,
      config,
      log: http.log,
      presence,
      sessions: bus.sessions,
      connections: bus.connections,
      // Per user, across all their sockets; with Redis, across every process too.
      limits: {
        messages: bus.rateLimiters('messages', config.messagesPerSecond, 1000),
        frames: bus.rateLimiters('frames', config.framesPerSecond, 1000),
      },
    });
    // Limits are set per upload from the app's settings (chatfiles-routes.ts).
    await http.register(multipart);
    refuseMultipartOutsideUploads(http);
    usersRoutes(http, domain);
    tokenRoutes(http, { domain, fanout });
    chatfilesRoutes(http, domain);
    contactsRoutes(http, { domain, fanout, presence });
    groupsRoutes(http, { domain, fanout });
    memberAttributesRoutes(http, { domain, fanout });
    roomsRoutes(http, { domain, fanout, config });
    historyRoutes(http, domain, config);
    reactionsRoutes(http, { domain, fanout });
    deletionsRoutes(http, { domain, fanout });
    await visitorsRoutes(http, { domain, presence });
    reportsRoutes(http, domain);
    dnsRoutes(http, { domain, config, registry });
    healthRoutes(http, {
      storage: async () => (await storage.getApp(DEMO_APP)) !== undefined,
      bus: () => fanout.reachable(),
    });
    staticRoutes(http, options.staticRoot ?? packageRoot());
  })();

  return {
    domain,
    storage,
    async listen() {
      await ready;
      // `support` is also the demo's room admin: it may create and moderate rooms (issue 14).
      const demo = await domain.apps.ensure(DEMO_APP, { guests: true, roomAdmins: ['support'] });
      await domain.rooms.ensure(demo, LOBBY);
      await ensureDemoSupport(domain, demo);
      await domain.tokens.purge(TOKEN_RETENTION_MS);
      // Expired chat files lose their bytes: all of them now, then those expiring every hour.
      const purgeFiles = async (all: boolean) => {
        for (const app of await domain.apps.list()) await domain.chatfiles.purge(app, all);
      };
      await purgeFiles(true);
      // Guests idle past their app's retention go, with their chat files: now, then every hour
      // (on several processes the storage lets one sweep at a time).
      const sweepGuests = async () => {
        for (const app of await domain.apps.list()) await domain.visitors.sweep(app);
      };
      await sweepGuests();
      purgeTimer = setInterval(() => {
        domain.tokens
          .purge(TOKEN_RETENTION_MS)
          .catch((error: unknown) => http.log.error({ err: error }, 'token purge failed'));
        purgeFiles(false).catch((error: unknown) =>
          http.log.error({ err: error }, 'chat file purge failed'),
        );
        sweepGuests().catch((error: unknown) =>
          http.log.error({ err: error }, 'guest sweep failed'),
        );
      }, 3600_000);
      purgeTimer.unref();
      await http.listen({ host: config.host, port: config.port });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      // A wildcard address is not one a browser can open: name the machine itself instead.
      const wildcard = ['0.0.0.0', '::', ''].includes(config.host);
      const host = wildcard
        ? 'localhost'
        : config.host.includes(':')
          ? `[${config.host}]`
          : config.host;
      return `http://${host}:${port}`;
    },
    async close() {
      clearInterval(purgeTimer);
      gateway?.close();
      await http.close();
      await bus.close();
      await storage.close();
      await domain.passwords.close();
    },
  };
}
