/**
 * Access tokens: 32 random bytes, base64url. Only their SHA-256 is stored, so a leaked database
 * does not leak sessions; SHA-256 (not scrypt) is enough because the token has 256 bits of entropy.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AppRecord, Storage, TokenRecord } from '../storage/storage.js';
import { DomainError, Failures } from './errors.js';

export const corruptTokenDescription = 'Unable to authenticate due to corrupt access token';
export const expiredTokenDescription = 'Unable to authenticate due to expired access token';

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
export const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedToken {
  token: string;
  expiresAt: number;
  ttlSeconds: number;
}

export class Tokens {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  async issue(app: AppRecord, username: string, ttlSeconds: number): Promise<IssuedToken> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + ttlSeconds * 1000;
    await this.#storage.saveToken(hashOf(token), { appKey: app.key, username, expiresAt });
    return { token, expiresAt, ttlSeconds };
  }

  /** The token's user and expiry; a token of another app is as unknown as a made-up one. */
  async verify(app: AppRecord, token: string): Promise<TokenRecord> {
    const record = tokenPattern.test(token)
      ? await this.#storage.getToken(hashOf(token))
      : undefined;
    if (!record || record.appKey !== app.key) {
      throw new DomainError(Failures.badToken, corruptTokenDescription);
    }
    if (record.expiresAt <= Date.now()) {
      throw new DomainError(Failures.expiredToken, expiredTokenDescription);
    }
    return record;
  }

  /** Logs the token out: unknown from now on (an expired one too). Answers its hash. */
  async revoke(app: AppRecord, token: string): Promise<string> {
    const record = tokenPattern.test(token)
      ? await this.#storage.getToken(hashOf(token))
      : undefined;
    if (!record || record.appKey !== app.key) {
      throw new DomainError(Failures.badToken, corruptTokenDescription);
    }
    await this.#storage.revokeToken(hashOf(token));
    return hashOf(token);
  }

  /**
   * Forgets user tokens and app tokens (client_credentials) long expired; kept a while so their
   * holders hear "expired", not "corrupt".
   */
  async purge(olderThanMs: number, now = Date.now()): Promise<void> {
    await this.#storage.deleteTokensExpiredBefore(now - olderThanMs);
    await this.#storage.visitors.deleteAppTokensExpiredBefore(now - olderThanMs);
  }
}
