/**
 * Sign-in from the site's own backend (issue 9; src/protocol/visitors.ts): the app's client
 * credentials buy an app token (`grant_type: client_credentials`), and an app token buys a user
 * token for any username (`grant_type: inherit`). App tokens live in their own table
 * (storage.visitors), so no user route and no socket knows them, and `inherit` knows no user token.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Limits } from '../../src/protocol/rest.js';
import type { AppRecord, Storage, UserRecord } from '../storage/storage.js';
import type { Apps } from './apps.js';
import { DomainError, Failures, invalid, notFound } from './errors.js';
import { hashOf, type IssuedToken, type Tokens } from './tokens.js';
import { checkUsername } from './users.js';

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** What a user made by `inherit` has for a password: no password verifies against it. */
const NO_PASSWORD = '!site';

const unauthorized = (description: string) => new DomainError(Failures.unauthorized, description);

export class SiteSignIn {
  readonly #storage: Storage;
  readonly #apps: Apps;
  readonly #tokens: Tokens;

  constructor(storage: Storage, apps: Apps, tokens: Tokens) {
    this.#storage = storage;
    this.#apps = apps;
    this.#tokens = tokens;
  }

  /** Seconds: the app's TTL when absent or 0, refused past it. */
  #ttl(app: AppRecord, ttl: number | undefined): number {
    const max = this.#apps.tokenTtlSeconds(app);
    if (ttl === undefined || ttl === 0) return max;
    if (!Number.isSafeInteger(ttl) || ttl < 0 || ttl > max) {
      throw invalid(`ttl must be whole seconds from 0 to ${max} (the app's token lifetime)`);
    }
    return ttl;
  }

  /** An app token for the app's client id and secret; `invalid_grant` for wrong ones. */
  async appToken(
    app: AppRecord,
    clientId: string,
    clientSecret: string,
    ttl?: number,
  ): Promise<IssuedToken> {
    const ttlSeconds = this.#ttl(app, ttl);
    const credentials = await this.#storage.visitors.credentials(app.key);
    const given = Buffer.from(hashOf(clientSecret));
    const matches =
      credentials !== undefined &&
      credentials.clientId === clientId &&
      timingSafeEqual(given, Buffer.from(credentials.secretHash));
    if (!matches)
      throw new DomainError(Failures.invalidGrant, 'invalid client_id or client_secret');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + ttlSeconds * 1000;
    await this.#storage.visitors.saveAppToken(hashOf(token), { appKey: app.key, expiresAt });
    return { token, expiresAt, ttlSeconds };
  }

  /** Refuses (401 `unauthorized`) anything but a live app token of this app. */
  async verifyAppToken(app: AppRecord, token: string): Promise<void> {
    const record = tokenPattern.test(token)
      ? await this.#storage.visitors.appToken(hashOf(token))
      : undefined;
    if (!record || record.appKey !== app.key) {
      throw unauthorized('this route takes an app token (grant_type client_credentials)');
    }
    if (record.expiresAt <= Date.now()) throw unauthorized('the app token has expired');
  }

  /**
   * A user token for `username` (the caller showed an app token); an unknown user is made when
   * `autoCreateUser` (without a password: it signs in only through its site), else 404.
   */
  async inherit(
    app: AppRecord,
    username: string,
    autoCreateUser: boolean,
    ttl?: number,
  ): Promise<{ user: UserRecord; issued: IssuedToken }> {
    checkUsername(username);
    const ttlSeconds = this.#ttl(app, ttl);
    let user = await this.#storage.getUser(app.key, username);
    if (!user && autoCreateUser) {
      if (Limits.numericIdPattern.test(username)) {
        throw invalid(`username "${username}" is not legal: 15 or more digits are group ids`);
      }
      const now = Date.now();
      const made: UserRecord = {
        uuid: randomUUID(),
        appKey: app.key,
        username,
        passwordHash: NO_PASSWORD,
        nickname: null,
        created: now,
        modified: now,
      };
      const outcome = await this.#storage.createUser(made, app.maxUsers);
      if (outcome === 'limit-reached') {
        throw new DomainError(
          Failures.limitReached,
          `You have exceeded the limit of ${app.maxUsers} users of this app. Please contact the app admin.`,
        );
      }
      // 'duplicate': made meanwhile by another request; sign that one in.
      user = await this.#storage.getUser(app.key, username);
    }
    if (!user) throw notFound(`no user ${username}; send autoCreateUser: true to make one`);
    const issued = await this.#tokens.issue(app, user.username, ttlSeconds);
    return { user, issued };
  }
}
