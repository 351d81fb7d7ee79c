/** Users of an app: registration, password check, profile and push tokens. */
import { randomUUID } from 'node:crypto';
import { ErrorDescriptions, Limits } from '../../src/protocol/rest.js';
import type { AppRecord, PushTokenRecord, Storage, UserRecord } from '../storage/storage.js';
import { DomainError, Failures, invalid } from './errors.js';
import type { LoginBackoff } from './login-backoff.js';
import { HashQueueFull, type PasswordHasher } from './passwords.js';

export interface Registration {
  username?: string;
  password?: string;
  nickname?: string;
}

/** Throws the Agora `illegal_argument` description for a username the app cannot hold. */
export function checkUsername(username: string | undefined): asserts username is string {
  if (username === undefined || username === '') {
    throw invalid('Entity user requires a property named username');
  }
  if (Buffer.byteLength(username) > Limits.usernameMaxBytes) {
    throw invalid(ErrorDescriptions.usernameTooLong);
  }
  // `.` and `..` are path segments: a URL naming them (`/users/..`) never reaches the user.
  if (username === '.' || username === '..') {
    throw invalid(`username "${username}" is not legal: it cannot be only dots`);
  }
  if (!Limits.usernamePattern.test(username)) {
    throw invalid(`username "${username}" is not legal: use lowercase a-z, 0-9, "_", "-" and "."`);
  }
}

function checkPassword(password: string | undefined): asserts password is string {
  if (password === undefined || password === '') throw invalid(ErrorDescriptions.passwordMissing);
  if ([...password].length > Limits.passwordMaxChars) {
    throw invalid(ErrorDescriptions.passwordTooLong);
  }
}

export function checkNickname(nickname: string): void {
  if ([...nickname].length > Limits.nicknameMaxChars) {
    throw invalid(`nickname must be at most ${Limits.nicknameMaxChars} characters`);
  }
}

/** Too many password checks are queued: the caller is told to come back (429). */
const busy = () =>
  new DomainError(Failures.rateLimited, 'too many logins are being checked; retry in a moment');

export class Users {
  readonly #storage: Storage;
  readonly #passwords: PasswordHasher;
  readonly #backoff: LoginBackoff;

  constructor(storage: Storage, passwords: PasswordHasher, backoff: LoginBackoff) {
    this.#storage = storage;
    this.#passwords = passwords;
    this.#backoff = backoff;
  }

  /** Hashes in the shared pool; `client` (the caller's address) keeps the pool fair. */
  async #hash(password: string, client: string): Promise<string> {
    try {
      return await this.#passwords.hash(password, client);
    } catch (error) {
      throw error instanceof HashQueueFull ? busy() : error;
    }
  }

  async register(app: AppRecord, input: Registration, client = ''): Promise<UserRecord> {
    if (app.closedRegistration) {
      throw new DomainError(Failures.registrationClosed, ErrorDescriptions.registrationClosed);
    }
    const { username, password, nickname } = input;
    checkUsername(username);
    // Group and room ids have this shape; a user named like one would be ambiguous as a `to`.
    if (Limits.numericIdPattern.test(username)) {
      throw invalid(
        `username "${username}" is not legal: 15 or more digits only are kept for group and room ids`,
      );
    }
    checkPassword(password);
    if (nickname !== undefined) checkNickname(nickname);

    const now = Date.now();
    const user: UserRecord = {
      uuid: randomUUID(),
      appKey: app.key,
      username,
      passwordHash: await this.#hash(password, client),
      nickname: nickname ?? null,
      created: now,
      modified: now,
    };
    switch (await this.#storage.createUser(user, app.maxUsers)) {
      case 'created':
        return user;
      case 'duplicate':
        throw new DomainError(
          Failures.duplicate,
          `Application ${app.name} Entity user requires that property named username be unique, value of ${username} exists`,
        );
      case 'limit-reached':
        throw new DomainError(
          Failures.limitReached,
          `You have exceeded the limit of ${app.maxUsers} users of this app. Please contact the app admin.`,
        );
    }
  }

  /**
   * The user whose password this is; `invalid_grant` otherwise. The attempt counts against the
   * account's back-off before the hash is computed (429 while it must wait), and an unknown
   * username costs a hash as well, so the time taken does not tell which accounts exist.
   */
  async authenticate(
    app: AppRecord,
    username: string,
    password: string,
    client = '',
  ): Promise<UserRecord> {
    const account = `${app.key}\n${username}`;
    const wait = this.#backoff.begin(account);
    if (wait > 0) {
      throw new DomainError(
        Failures.rateLimited,
        `too many failed logins for this user; retry in ${Math.ceil(wait / 1000)} s`,
      );
    }
    const user = await this.#storage.getUser(app.key, username);
    let matches = false;
    try {
      if (user) matches = await this.#passwords.verify(password, user.passwordHash, client);
      else await this.#passwords.verifyNobody(password, client);
    } catch (error) {
      throw error instanceof HashQueueFull ? busy() : error;
    }
    if (!user) throw new DomainError(Failures.invalidGrant, ErrorDescriptions.userNotFound);
    if (!matches) throw new DomainError(Failures.invalidGrant, ErrorDescriptions.invalidPassword);
    this.#backoff.succeeded(account);
    return user;
  }

  /**
   * Checks the old password as a login does (same back-off and limits), then stores the new one's
   * hash and revokes every token of the user in one step.
   */
  async changePassword(
    app: AppRecord,
    username: string,
    oldPassword: string,
    newPassword: string,
    client = '',
  ): Promise<void> {
    checkPassword(newPassword);
    await this.authenticate(app, username, oldPassword, client);
    const hash = await this.#hash(newPassword, client);
    await this.#storage.changePassword(app.key, username, hash, Date.now());
  }

  find(app: AppRecord, username: string): Promise<UserRecord | undefined> {
    return this.#storage.getUser(app.key, username);
  }

  async get(app: AppRecord, username: string): Promise<UserRecord> {
    const user = await this.#storage.getUser(app.key, username);
    if (!user) throw new DomainError(Failures.notFound, 'Service resource not found');
    return user;
  }

  async updateNickname(app: AppRecord, username: string, nickname: string): Promise<UserRecord> {
    checkNickname(nickname);
    await this.get(app, username);
    await this.#storage.updateNickname(app.key, username, nickname, Date.now());
    return this.get(app, username);
  }

  async savePushToken(app: AppRecord, username: string, token: PushTokenRecord) {
    for (const [name, value] of Object.entries(token)) {
      if (value === '' || value.length > 512) {
        throw invalid(`${name} must be 1-512 characters`);
      }
    }
    await this.get(app, username);
    await this.#storage.savePushToken(app.key, username, token, Date.now());
    return this.get(app, username);
  }

  pushTokens(app: AppRecord, username: string): Promise<PushTokenRecord[]> {
    return this.#storage.listPushTokens(app.key, username);
  }
}
