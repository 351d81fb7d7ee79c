/** Server settings, all from the environment (documented in the README and the report). */
import { Limits } from '../src/protocol/rest.js';
import { QUEUE_PER_KEY } from './domain/passwords.js';

export const LogLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LogLevels)[number];
export const SqliteSynchronousModes = ['full', 'normal'] as const;
export type SqliteSynchronous = (typeof SqliteSynchronousModes)[number];

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /**
   * `postgres://…`: PostgreSQL storage, shared by every process of the service; `null` = the
   * SQLite file in `dataDir` (one process).
   */
  databaseUrl: string | null;
  /** `redis://…`: the Redis bus, presence, rate limits and process registry; `null` = in-process. */
  redisUrl: string | null;
  /**
   * Where chat files live: a directory every process can read and write (a shared mount);
   * `null` = `chatfiles` in `dataDir`.
   */
  filesDir: string | null;
  /**
   * This process's own public `http(s)://host[:port]`, announced in `server.json` beside the other
   * live processes' (with Redis); `null` = none announced (the configured or derived hosts only).
   */
  publicUrl: string | null;
  /** REST hosts for the DNS list; `null` = derived from each request's Host header. */
  restHosts: string[] | null;
  /** WebSocket hosts for the DNS list; `null` = derived from each request's Host header. */
  wsHosts: string[] | null;
  /** Default token lifetime in seconds (an app's `--token-ttl` wins). */
  tokenTtlSeconds: number;
  heartbeatMs: number;
  /** How long a new socket may take to send `auth`. */
  authTimeoutMs: number;
  /** Registrations per second per app. */
  registerPerSecond: number;
  /** Token requests per second per app. */
  tokenPerSecond: number;
  /** Failed token requests per minute per client IP. */
  tokenFailuresPerMinute: number;
  /** Password checks (logins, registrations) one client address may have waiting for a hash. */
  passwordChecksPerAddress: number;
  /** `msg` frames per second per user, across all their sockets. */
  messagesPerSecond: number;
  /** Other WebSocket frames (pings, receipts, recalls…) per second per user, across sockets. */
  framesPerSecond: number;
  /** Open TCP connections (and WebSocket sessions) per client address. */
  connectionsPerAddress: number;
  /** A TCP connection with no traffic this long is closed (ms); WebSockets have heartbeats. */
  idleConnectionMs: number;
  /** Chatfile uploads per minute per user (disk is the scarce thing here). */
  uploadsPerMinute: number;
  /** Contact requests plus group invitations per minute per user. */
  invitationsPerMinute: number;
  logLevel: LogLevel;
  /**
   * SQLite's `synchronous` pragma. `full` (default): every commit is fsynced before its acks go
   * out, so an acked message survives a power loss. `normal`: it survives a process crash only;
   * faster, and here so the throughput bench can show what durability costs.
   */
  sqliteSynchronous: SqliteSynchronous;
  /**
   * Behind a reverse proxy: take the client IP and scheme from X-Forwarded-* (for the failed-login
   * limit and the derived DNS list). Off by default, since anyone can send those headers.
   */
  trustProxy: boolean;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const defaults = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './.chat-data',
  tokenTtlSeconds: 7 * 24 * 3600,
  heartbeatMs: 30_000,
  authTimeoutMs: 10_000,
  // Agora allows 100 registrations a second per app; token requests are cheaper to allow.
  registerPerSecond: 100,
  tokenPerSecond: 300,
  tokenFailuresPerMinute: 100,
  passwordChecksPerAddress: QUEUE_PER_KEY,
  messagesPerSecond: 50,
  framesPerSecond: 200,
  connectionsPerAddress: 256,
  idleConnectionMs: 60_000,
  uploadsPerMinute: 60,
  invitationsPerMinute: Limits.invitationsPerMinute,
  logLevel: 'info',
  sqliteSynchronous: 'full',
  trustProxy: false,
} as const satisfies Omit<
  ServerConfig,
  'restHosts' | 'wsHosts' | 'databaseUrl' | 'redisUrl' | 'filesDir' | 'publicUrl'
>;

type Env = Record<string, string | undefined>;

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function singleUrl(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}: "${raw}" is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name}: "${raw}" must start with ${protocols.join(' or ')}//`);
  }
  return raw;
}

function urlList(env: Env, name: string, protocols: string[]): string[] | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  return raw.split(',').map((entry) => {
    const value = entry.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${name}: "${value}" is not a URL`);
    }
    if (!protocols.includes(url.protocol)) {
      throw new ConfigError(`${name}: "${value}" must start with ${protocols.join(' or ')}//`);
    }
    return value;
  });
}

export function configFromEnv(env: Env = process.env): ServerConfig {
  const logLevel = (env.OPENWEBIM_LOG_LEVEL?.trim() || defaults.logLevel) as LogLevel;
  if (!LogLevels.includes(logLevel)) {
    throw new ConfigError(`OPENWEBIM_LOG_LEVEL must be one of ${LogLevels.join(', ')}`);
  }
  const port = env.PORT?.trim() === '0' ? 0 : positiveInteger(env, 'PORT', defaults.port);
  if (port > 65535) throw new ConfigError('PORT must be at most 65535');
  const dataDir = env.OPENWEBIM_DATA_DIR?.trim() || defaults.dataDir;
  const sqliteSynchronous = (env.OPENWEBIM_SQLITE_SYNCHRONOUS?.trim().toLowerCase() ||
    defaults.sqliteSynchronous) as SqliteSynchronous;
  if (!SqliteSynchronousModes.includes(sqliteSynchronous)) {
    throw new ConfigError(
      `OPENWEBIM_SQLITE_SYNCHRONOUS must be one of ${SqliteSynchronousModes.join(', ')}`,
    );
  }
  const publicUrl = singleUrl(env, 'OPENWEBIM_PUBLIC_URL', ['http:', 'https:']);
  return {
    host: env.HOST?.trim() || defaults.host,
    port,
    dataDir,
    databaseUrl: singleUrl(env, 'OPENWEBIM_DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: singleUrl(env, 'OPENWEBIM_REDIS_URL', ['redis:', 'rediss:']),
    filesDir: env.OPENWEBIM_FILES_DIR?.trim() || null,
    publicUrl: publicUrl && publicUrl.replace(/\/+$/, ''),
    restHosts: urlList(env, 'OPENWEBIM_REST_HOSTS', ['http:', 'https:']),
    wsHosts: urlList(env, 'OPENWEBIM_WS_HOSTS', ['ws:', 'wss:']),
    tokenTtlSeconds: positiveInteger(env, 'OPENWEBIM_TOKEN_TTL', defaults.tokenTtlSeconds),
    heartbeatMs: positiveInteger(env, 'OPENWEBIM_HEARTBEAT_MS', defaults.heartbeatMs),
    authTimeoutMs: positiveInteger(env, 'OPENWEBIM_AUTH_TIMEOUT_MS', defaults.authTimeoutMs),
    registerPerSecond: positiveInteger(env, 'OPENWEBIM_RATE_REGISTER', defaults.registerPerSecond),
    tokenPerSecond: positiveInteger(env, 'OPENWEBIM_RATE_TOKEN', defaults.tokenPerSecond),
    tokenFailuresPerMinute: positiveInteger(
      env,
      'OPENWEBIM_RATE_TOKEN_FAILURES',
      defaults.tokenFailuresPerMinute,
    ),
    passwordChecksPerAddress: positiveInteger(
      env,
      'OPENWEBIM_PASSWORD_CHECKS_PER_ADDRESS',
      defaults.passwordChecksPerAddress,
    ),
    messagesPerSecond: positiveInteger(env, 'OPENWEBIM_RATE_MESSAGES', defaults.messagesPerSecond),
    framesPerSecond: positiveInteger(env, 'OPENWEBIM_RATE_FRAMES', defaults.framesPerSecond),
    connectionsPerAddress: positiveInteger(
      env,
      'OPENWEBIM_MAX_CONNECTIONS_PER_ADDRESS',
      defaults.connectionsPerAddress,
    ),
    idleConnectionMs: positiveInteger(
      env,
      'OPENWEBIM_IDLE_CONNECTION_MS',
      defaults.idleConnectionMs,
    ),
    uploadsPerMinute: positiveInteger(env, 'OPENWEBIM_RATE_UPLOADS', defaults.uploadsPerMinute),
    invitationsPerMinute: positiveInteger(
      env,
      'OPENWEBIM_RATE_INVITATIONS',
      defaults.invitationsPerMinute,
    ),
    logLevel,
    sqliteSynchronous,
    trustProxy: flag(env, 'OPENWEBIM_TRUST_PROXY', defaults.trustProxy),
  };
}
