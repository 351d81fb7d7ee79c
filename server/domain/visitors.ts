/**
 * Visitors of a site (issue 9; the contract is src/protocol/visitors.ts): guests minted without a
 * form, what a guest may not do, and user attributes.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  GuestPrefix,
  VisitorLimits,
  type UserMetadata,
  UserMetadataKeys,
} from '../../src/protocol/visitors.js';
import type { AppRecord, Storage, UserRecord } from '../storage/storage.js';
import type { AppVisitorSettings } from '../storage/visitor-storage.js';
import { DomainError, Failures, forbidden, invalid } from './errors.js';
import type { Chatfiles } from './chatfiles.js';
import { HashQueueFull, type PasswordHasher } from './passwords.js';
import { checkNickname } from './users.js';

const GUEST_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** {@link GuestPrefix} and 12 characters of [a-z0-9] (62 bits: guessing one is hopeless). */
export function guestName(): string {
  let name: string = GuestPrefix;
  for (let i = 0; i < 12; i++) name += GUEST_ALPHABET[randomInt(GUEST_ALPHABET.length)];
  return name;
}

export const guestsDisabledDescription = 'guests are not enabled for this app';

export interface MintedGuest {
  user: UserRecord;
  /** Shown once; only its hash is stored. */
  password: string;
}

/** Guests removed per storage transaction by {@link Visitors.sweep}. */
const SWEEP_BATCH = 100;
const DAY_MS = 24 * 3600 * 1000;

export class Visitors {
  readonly #storage: Storage;
  readonly #passwords: PasswordHasher;
  readonly #chatfiles: Chatfiles;

  constructor(storage: Storage, passwords: PasswordHasher, chatfiles: Chatfiles) {
    this.#storage = storage;
    this.#passwords = passwords;
    this.#chatfiles = chatfiles;
  }

  /**
   * Removes the app's guests idle longer than its retention (`--guest-retention-days`) at `now`,
   * with everything they left (storage.visitors.removeIdleGuests) and the bytes of the chat files
   * they uploaded (through the FileStore, once nobody can download them), then those files' rows.
   * First it finishes what a sweep that died between the two left: files of removed guests still
   * listed. Safe on several processes at once: the storage lets one sweep at a time and answers
   * the others nothing, so each guest is removed by one process (deleting a file's bytes twice is
   * harmless). Answers how many guests went.
   */
  async sweep(app: AppRecord, now = Date.now()): Promise<number> {
    await this.#removeFiles(app, await this.#storage.visitors.removedFiles(app.key));
    const idleBefore = now - Visitors.retentionDays(await this.settings(app)) * DAY_MS;
    let removed = 0;
    for (;;) {
      const batch = await this.#storage.visitors.removeIdleGuests(
        app.key,
        idleBefore,
        now,
        SWEEP_BATCH,
      );
      await this.#removeFiles(
        app,
        batch.flatMap((guest) => guest.files),
      );
      removed += batch.length;
      if (batch.length < SWEEP_BATCH) return removed;
    }
  }

  /** Deletes the bytes of removed guests' files, then their rows. */
  async #removeFiles(app: AppRecord, uuids: string[]): Promise<void> {
    if (uuids.length === 0) return;
    await this.#chatfiles.removeBytes(uuids);
    await this.#storage.visitors.forgetRemovedFiles(app.key, uuids);
  }

  settings(app: AppRecord): Promise<AppVisitorSettings> {
    return this.#storage.visitors.appSettings(app.key);
  }

  /** Days an idle guest is kept. */
  static retentionDays(settings: AppVisitorSettings): number {
    return settings.guestRetentionDays ?? VisitorLimits.guestRetentionDaysDefault;
  }

  /**
   * A new guest with a random password (hashed as every password is); refused when the app has
   * guests off. `client` (the caller's address) keeps the hashing pool fair.
   */
  async mintGuest(app: AppRecord, nickname: string | undefined, client = ''): Promise<MintedGuest> {
    if (!(await this.settings(app)).guests) throw forbidden(guestsDisabledDescription);
    if (nickname !== undefined) checkNickname(nickname);
    const password = randomBytes(24).toString('base64url');
    let passwordHash: string;
    try {
      passwordHash = await this.#passwords.hash(password, client);
    } catch (error) {
      if (error instanceof HashQueueFull) {
        throw new DomainError(Failures.rateLimited, 'too many guests are being made; retry soon');
      }
      throw error;
    }
    // A name already taken is astronomically unlikely; a few tries make it certain.
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = Date.now();
      const user: UserRecord = {
        uuid: randomUUID(),
        appKey: app.key,
        username: guestName(),
        passwordHash,
        nickname: nickname || null,
        created: now,
        modified: now,
      };
      const outcome = await this.#storage.visitors.createGuest(user, app.maxUsers);
      if (outcome === 'created') return { user, password };
      if (outcome === 'limit-reached') {
        throw new DomainError(
          Failures.limitReached,
          `You have exceeded the limit of ${app.maxUsers} users of this app. Please contact the app admin.`,
        );
      }
    }
    throw new Error('could not find a free guest name');
  }

  isGuest(app: AppRecord, username: string): Promise<boolean> {
    return this.#storage.visitors.isGuest(app.key, username);
  }

  /** A sign-in: a guest's idle time starts over. */
  touch(app: AppRecord, username: string): Promise<void> {
    return this.#storage.visitors.touchGuest(app.key, username, Date.now());
  }

  /** Refuses (403 "guests cannot …") when `username` is a guest. */
  async refuseGuest(app: AppRecord, username: string, what: string): Promise<void> {
    if (await this.isGuest(app, username)) throw forbidden(`guests cannot ${what}`);
  }

  /**
   * Whether `me` may see `other`'s profile and attributes: anyone may, except that a guest sees
   * only itself and the users it has a conversation with.
   */
  async maySee(app: AppRecord, me: string, other: string): Promise<boolean> {
    if (me === other || !(await this.isGuest(app, me))) return true;
    return this.#storage.visitors.hasConversation(app.key, me, other);
  }

  /** Sets some of `me`'s attributes; answers all of them. */
  async setMetadata(
    app: AppRecord,
    me: string,
    values: Record<string, unknown>,
  ): Promise<UserMetadata> {
    const checked: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      if (!(UserMetadataKeys as readonly string[]).includes(key)) {
        throw invalid(`unknown attribute "${key}"; use ${UserMetadataKeys.join(', ')}`);
      }
      if (typeof value !== 'string') throw invalid(`${key} must be a string`);
      if ([...value].length > VisitorLimits.metadataValueMaxChars) {
        throw invalid(`${key} must be at most ${VisitorLimits.metadataValueMaxChars} characters`);
      }
      if (key === 'nickname') checkNickname(value);
      checked[key] = value;
    }
    if (Object.keys(checked).length === 0) {
      throw invalid(`send at least one attribute of ${UserMetadataKeys.join(', ')}`);
    }
    if (!(await this.#storage.visitors.setMetadata(app.key, me, checked, Date.now()))) {
      throw new DomainError(Failures.notFound, 'Service resource not found');
    }
    return (await this.#storage.visitors.metadata(app.key, [me]))[me] ?? {};
  }

  /**
   * The attributes (`properties`, or all) of each of `targets` that exists, as `me` may see them:
   * a member sees everyone's. A guest sees all of its own and of the users it has a conversation
   * with, only the nickname and avatar of other members (the team it is about to write to), and
   * nothing of other guests (absent, as unknown users are).
   */
  async metadata(
    app: AppRecord,
    me: string,
    targets: string[],
    properties: string[],
  ): Promise<Record<string, UserMetadata>> {
    if (targets.length === 0) throw invalid('targets must name at least one user');
    if (targets.length > VisitorLimits.metadataTargetsMax) {
      throw invalid(`targets must name at most ${VisitorLimits.metadataTargetsMax} users`);
    }
    for (const key of properties) {
      if (!(UserMetadataKeys as readonly string[]).includes(key)) {
        throw invalid(`unknown attribute "${key}"; use ${UserMetadataKeys.join(', ')}`);
      }
    }
    const names = [...new Set(targets)];
    const all = await this.#storage.visitors.metadata(app.key, names);
    const guest = await this.isGuest(app, me);
    const result: Record<string, UserMetadata> = {};
    for (const [username, values] of Object.entries(all)) {
      let keys = properties.length === 0 ? Object.keys(values) : properties;
      if (guest && username !== me) {
        if (!(await this.#storage.visitors.hasConversation(app.key, me, username))) {
          if (await this.isGuest(app, username)) continue;
          keys = keys.filter((key) => key === 'nickname' || key === 'avatarurl');
        }
      }
      result[username] = Object.fromEntries(
        keys.filter((key) => key in values).map((key) => [key, values[key]]),
      ) as UserMetadata;
    }
    return result;
  }
}
