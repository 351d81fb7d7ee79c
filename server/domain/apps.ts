/** Apps: who may register, who may embed, how long tokens live, how big messages may be. */
import { randomBytes, randomUUID } from 'node:crypto';
import { Limits } from '../../src/protocol/rest.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import type { AppVisitorSettings } from '../storage/visitor-storage.js';
import { appKeyRule, parseAppKey } from './app-keys.js';
import { DomainError, Failures } from './errors.js';
import { hashOf } from './tokens.js';

export interface AppSettings {
  maxUsers?: number | null;
  closedRegistration?: boolean;
  origins?: string[] | null;
  tokenTtlSeconds?: number | null;
  maxMessageBytes?: number | null;
  maxFileBytes?: number | null;
  recallSeconds?: number | null;
  maxGroupMembers?: number | null;
  /** Users who may create chat rooms; `[]` none. */
  roomAdmins?: string[];
  maxSessionsPerUser?: number | null;
  userUploadQuotaBytes?: number | null;
  appUploadQuotaBytes?: number | null;
  chatfileTtlDays?: number | null;
  /** Guests may be minted (`--guests`; issue 9). Kept apart, in storage.visitors. */
  guests?: boolean;
  /** Days an idle guest is kept; `null` = `VisitorLimits.guestRetentionDaysDefault`. */
  guestRetentionDays?: number | null;
}

/** Past this a chatfile is not a chat attachment any more (and a typo of a few zeros is caught). */
const FILE_BYTES_CEILING = 4 * 1024 ** 3;

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
    const visitors = this.#visitorSettings(settings, { guests: false, guestRetentionDays: null });
    if (!(await this.#storage.addApp(app))) {
      throw new DomainError(Failures.duplicate, `app ${key} already exists`);
    }
    await this.#storage.visitors.setAppSettings(key, visitors);
    return app;
  }

  /**
   * Changes the given settings of an existing app (absent ones are kept; `null` resets one to the
   * default). Sessions and routes read apps on every use, so a running server applies it at once.
   */
  async update(key: string, settings: AppSettings): Promise<AppRecord> {
    const existing = await this.get(key);
    if (!existing) throw new DomainError(Failures.appNotFound, `no app ${key}`);
    const defined = Object.fromEntries(
      Object.entries(settings).filter(([, value]) => value !== undefined),
    ) as AppSettings;
    const merged = this.#build(key, {
      maxUsers: existing.maxUsers,
      closedRegistration: existing.closedRegistration,
      origins: existing.origins,
      tokenTtlSeconds: existing.tokenTtlSeconds,
      maxMessageBytes: existing.maxMessageBytes,
      maxFileBytes: existing.maxFileBytes,
      recallSeconds: existing.recallSeconds,
      maxGroupMembers: existing.maxGroupMembers,
      roomAdmins: existing.roomAdmins,
      maxSessionsPerUser: existing.maxSessionsPerUser ?? null,
      userUploadQuotaBytes: existing.userUploadQuotaBytes ?? null,
      appUploadQuotaBytes: existing.appUploadQuotaBytes ?? null,
      chatfileTtlDays: existing.chatfileTtlDays ?? null,
      ...defined,
    });
    const app: AppRecord = { ...merged, uuid: existing.uuid, created: existing.created };
    const visitors = this.#visitorSettings(settings, await this.#storage.visitors.appSettings(key));
    if (!(await this.#storage.updateApp(app))) {
      throw new DomainError(Failures.appNotFound, `no app ${key}`);
    }
    await this.#storage.visitors.setAppSettings(key, visitors);
    return app;
  }

  /** Adds the app with these settings unless it exists (the existing one is kept as it is). */
  async ensure(key: string, settings: AppSettings = {}): Promise<AppRecord> {
    const existing = await this.#storage.getApp(key);
    if (existing) return existing;
    const visitors = this.#visitorSettings(settings, { guests: false, guestRetentionDays: null });
    // Only the process that added it sets its guests, so an operator's later change is kept.
    if (await this.#storage.addApp(this.#build(key, settings))) {
      await this.#storage.visitors.setAppSettings(key, visitors);
    }
    return (await this.#storage.getApp(key)) as AppRecord;
  }

  /**
   * New client credentials for the app (issue 9: sign-in from the site's backend): the client id
   * is kept once made, the secret is new and the old one stops at once. Only the secret's SHA-256
   * is stored; the secret is answered this once.
   */
  async rotateSecret(key: string): Promise<{ clientId: string; clientSecret: string }> {
    if (!(await this.get(key))) throw new DomainError(Failures.appNotFound, `no app ${key}`);
    const clientId =
      (await this.#storage.visitors.credentials(key))?.clientId ??
      `YXA6${randomBytes(16).toString('base64url')}`;
    const clientSecret = `YXA6${randomBytes(32).toString('base64url')}`;
    await this.#storage.visitors.setCredentials(key, {
      clientId,
      secretHash: hashOf(clientSecret),
    });
    return { clientId, clientSecret };
  }

  /** The app's guest settings (issue 9). */
  visitorSettings(key: string): Promise<AppVisitorSettings> {
    return this.#storage.visitors.appSettings(key);
  }

  #visitorSettings(settings: AppSettings, current: AppVisitorSettings): AppVisitorSettings {
    if (!isPositiveInteger(settings.guestRetentionDays)) {
      throw new DomainError(
        Failures.invalidArgument,
        'guestRetentionDays must be a positive integer',
      );
    }
    return {
      guests: settings.guests ?? current.guests,
      guestRetentionDays:
        settings.guestRetentionDays === undefined
          ? current.guestRetentionDays
          : settings.guestRetentionDays,
    };
  }

  tokenTtlSeconds(app: AppRecord): number {
    return app.tokenTtlSeconds ?? this.#defaultTokenTtlSeconds;
  }

  maxMessageBytes(app: AppRecord): number {
    return app.maxMessageBytes ?? Limits.messageMaxBytes;
  }

  maxFileBytes(app: AppRecord): number {
    return app.maxFileBytes ?? Limits.fileMaxBytes;
  }

  recallSeconds(app: AppRecord): number {
    return app.recallSeconds ?? Limits.recallSeconds;
  }

  /** Ceiling (and default) of a group's `maxusers`. */
  maxGroupMembers(app: AppRecord): number {
    return app.maxGroupMembers ?? Limits.groupMembersMax;
  }

  /** Open sessions per user; a login past it kicks the user's oldest session. */
  maxSessionsPerUser(app: AppRecord): number {
    return app.maxSessionsPerUser ?? Limits.sessionsPerUser;
  }

  userUploadQuotaBytes(app: AppRecord): number {
    return app.userUploadQuotaBytes ?? Limits.userUploadQuotaBytes;
  }

  appUploadQuotaBytes(app: AppRecord): number {
    return app.appUploadQuotaBytes ?? Limits.appUploadQuotaBytes;
  }

  chatfileTtlDays(app: AppRecord): number {
    return app.chatfileTtlDays ?? Limits.chatfileTtlDays;
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
    for (const name of [
      'maxUsers',
      'tokenTtlSeconds',
      'maxMessageBytes',
      'maxFileBytes',
      'recallSeconds',
      'maxGroupMembers',
      'maxSessionsPerUser',
      'userUploadQuotaBytes',
      'appUploadQuotaBytes',
      'chatfileTtlDays',
    ] as const) {
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
    if (settings.maxFileBytes && settings.maxFileBytes > FILE_BYTES_CEILING) {
      throw new DomainError(
        Failures.invalidArgument,
        `maxFileBytes must be at most ${FILE_BYTES_CEILING}`,
      );
    }
    if (settings.maxGroupMembers && settings.maxGroupMembers > Limits.groupMembersMax) {
      // The member list of a group is read whole (members, fan-out); this keeps it small.
      throw new DomainError(
        Failures.invalidArgument,
        `maxGroupMembers must be at most ${Limits.groupMembersMax}`,
      );
    }
    const roomAdmins = [...new Set(settings.roomAdmins ?? [])];
    for (const name of roomAdmins) {
      if (!Limits.usernamePattern.test(name)) {
        throw new DomainError(Failures.invalidArgument, `room admin "${name}" is not a username`);
      }
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
      maxFileBytes: settings.maxFileBytes ?? null,
      recallSeconds: settings.recallSeconds ?? null,
      maxGroupMembers: settings.maxGroupMembers ?? null,
      roomAdmins,
      maxSessionsPerUser: settings.maxSessionsPerUser ?? null,
      userUploadQuotaBytes: settings.userUploadQuotaBytes ?? null,
      appUploadQuotaBytes: settings.appUploadQuotaBytes ?? null,
      chatfileTtlDays: settings.chatfileTtlDays ?? null,
      created: Date.now(),
    };
  }
}
