/** Apps: who may register, who may embed, how long tokens live, how big messages may be. */
import { randomUUID } from 'node:crypto';
import { Limits } from '../../src/protocol/rest.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { appKeyRule, parseAppKey } from './app-keys.js';
import { DomainError, Failures } from './errors.js';

export interface AppSettings {
  maxUsers?: number | null;
  closedRegistration?: boolean;
  origins?: string[] | null;
  tokenTtlSeconds?: number | null;
  maxMessageBytes?: number | null;
}

/**
 * `https://site.example:8443` form of an origin, or `undefined` if `value` is not an http(s)
 * origin (paths, queries and credentials are refused so a typo cannot widen the list).
 */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  if (url.pathname !== '/') return undefined;
  return url.origin;
}

const isPositiveInteger = (n: number | null | undefined) =>
  n === null || n === undefined || (Number.isSafeInteger(n) && n > 0);

export class Apps {
  readonly #storage: Storage;
  readonly #defaultTokenTtlSeconds: number;

  constructor(storage: Storage, defaultTokenTtlSeconds: number) {
    this.#storage = storage;
    this.#defaultTokenTtlSeconds = defaultTokenTtlSeconds;
  }

  /** Read from storage on every call, so `openwebim-server app add` takes effect without restart. */
  get(key: string): Promise<AppRecord | undefined> {
    return parseAppKey(key) ? this.#storage.getApp(key) : Promise.resolve(undefined);
  }

  list(): Promise<AppRecord[]> {
    return this.#storage.listApps();
  }

  /** Adds an app; refuses a malformed or existing key and out-of-range settings. */
  async add(key: string, settings: AppSettings = {}): Promise<AppRecord> {
    const app = this.#build(key, settings);
    if (!(await this.#storage.addApp(app))) {
      throw new DomainError(Failures.duplicate, `app ${key} already exists`);
    }
    return app;
  }

  /** Adds the app with these settings unless it exists (the existing one is kept as it is). */
  async ensure(key: string, settings: AppSettings = {}): Promise<AppRecord> {
    const existing = await this.#storage.getApp(key);
    if (existing) return existing;
    await this.#storage.addApp(this.#build(key, settings));
    return (await this.#storage.getApp(key)) as AppRecord;
  }

  tokenTtlSeconds(app: AppRecord): number {
    return app.tokenTtlSeconds ?? this.#defaultTokenTtlSeconds;
  }

  maxMessageBytes(app: AppRecord): number {
    return app.maxMessageBytes ?? Limits.messageMaxBytes;
  }

  /** No Origin header means a non-browser client, which CORS does not concern. */
  allowsOrigin(app: AppRecord, origin: string | undefined): boolean {
    if (origin === undefined || app.origins === null) return true;
    return app.origins.includes(normalizeOrigin(origin) ?? origin);
  }

  #build(key: string, settings: AppSettings): AppRecord {
    const parts = parseAppKey(key);
    if (!parts)
      throw new DomainError(Failures.invalidArgument, `bad app key "${key}": ${appKeyRule}`);
    for (const name of ['maxUsers', 'tokenTtlSeconds', 'maxMessageBytes'] as const) {
      if (!isPositiveInteger(settings[name])) {
        throw new DomainError(Failures.invalidArgument, `${name} must be a positive integer`);
      }
    }
    if (settings.maxMessageBytes && settings.maxMessageBytes > Limits.messageMaxBytes * 2) {
      // A `txt` frame must still fit in one WebSocket frame (MAX_FRAME_BYTES) with its envelope.
      throw new DomainError(
        Failures.invalidArgument,
        `maxMessageBytes must be at most ${Limits.messageMaxBytes * 2}`,
      );
    }
    let origins: string[] | null = null;
    if (settings.origins) {
      // An empty list must not quietly mean "any origin".
      if (settings.origins.length === 0) {
        throw new DomainError(Failures.invalidArgument, 'origins needs at least one origin');
      }
      origins = settings.origins.map((origin) => {
        const normalized = normalizeOrigin(origin);
        if (!normalized) {
          throw new DomainError(
            Failures.invalidArgument,
            `bad origin "${origin}": write scheme://host[:port], e.g. https://shop.example`,
          );
        }
        return normalized;
      });
    }
    return {
      key,
      org: parts.org,
      name: parts.name,
      uuid: randomUUID(),
      maxUsers: settings.maxUsers ?? null,
      closedRegistration: settings.closedRegistration ?? false,
      origins,
      tokenTtlSeconds: settings.tokenTtlSeconds ?? null,
      maxMessageBytes: settings.maxMessageBytes ?? null,
      created: Date.now(),
    };
  }
}
