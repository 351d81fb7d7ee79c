/**
 * Issue 9's tables in the embedded SQLite file (schema 7): see visitor-storage.ts. Built by
 * {@link SqliteStorage} over its own database handle; each method is one synchronous transaction.
 */
import type Database from 'better-sqlite3';
import { prepareInsertUser } from './sqlite-users.js';
import type { CreateUserResult, UserRecord } from './storage.js';
import {
  guestFilesQuery,
  guestRemovalSteps,
  idleGuestsQuery,
  removedFilesQuery,
  type AppCredentials,
  type AppTokenRecord,
  type AppVisitorSettings,
  type RemovedGuest,
  type VisitorStorage,
} from './visitor-storage.js';

/** Schema 7 (issue 9): guests, their retention, app credentials and tokens, user attributes. */
export const migrationTo7 = `
CREATE TABLE app_visitors (
  app_key TEXT PRIMARY KEY,
  guests INTEGER NOT NULL DEFAULT 0,
  guest_retention_days INTEGER,
  client_id TEXT UNIQUE,
  client_secret_hash TEXT
) WITHOUT ROWID;
CREATE TABLE guests (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  last_active INTEGER NOT NULL,
  PRIMARY KEY (app_key, username)
) WITHOUT ROWID;
CREATE INDEX guests_idle ON guests (app_key, last_active);
CREATE TABLE user_metadata (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (app_key, username, key)
) WITHOUT ROWID;
CREATE TABLE app_tokens (
  hash TEXT PRIMARY KEY,
  app_key TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX app_tokens_expiry ON app_tokens (expires_at);
`;

export class SqliteVisitorStorage implements VisitorStorage {
  readonly #q;
  readonly #createGuest: (user: UserRecord, maxUsers: number | null) => CreateUserResult;
  readonly #setMetadata: (
    appKey: string,
    username: string,
    values: Record<string, string>,
    at: number,
  ) => boolean;
  readonly #remove: (
    appKey: string,
    idleBefore: number,
    now: number,
    limit: number,
  ) => RemovedGuest[];
  readonly #forget: (appKey: string, uuids: string[]) => void;

  constructor(db: Database.Database) {
    const q = {
      settings: db.prepare<[string], { guests: number; guest_retention_days: number | null }>(
        'SELECT guests, guest_retention_days FROM app_visitors WHERE app_key = ?',
      ),
      setSettings: db.prepare<[string, number, number | null]>(
        `INSERT INTO app_visitors (app_key, guests, guest_retention_days) VALUES (?, ?, ?)
         ON CONFLICT (app_key) DO UPDATE SET guests = excluded.guests,
           guest_retention_days = excluded.guest_retention_days`,
      ),
      credentials: db.prepare<
        [string],
        { client_id: string | null; client_secret_hash: string | null }
      >('SELECT client_id, client_secret_hash FROM app_visitors WHERE app_key = ?'),
      setCredentials: db.prepare<[string, string, string]>(
        `INSERT INTO app_visitors (app_key, client_id, client_secret_hash) VALUES (?, ?, ?)
         ON CONFLICT (app_key) DO UPDATE SET client_id = excluded.client_id,
           client_secret_hash = excluded.client_secret_hash`,
      ),
      userExists: db.prepare<[string, string], { n: number }>(
        'SELECT 1 AS n FROM users WHERE app_key = ? AND username = ?',
      ),
      insertGuest: db.prepare<[string, string, number]>(
        'INSERT INTO guests (app_key, username, last_active) VALUES (?, ?, ?)',
      ),
      isGuest: db.prepare<[string, string], { n: number }>(
        'SELECT 1 AS n FROM guests WHERE app_key = ? AND username = ?',
      ),
      touchGuest: db.prepare<[number, string, string]>(
        'UPDATE guests SET last_active = max(last_active, ?) WHERE app_key = ? AND username = ?',
      ),
      hasConversation: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM conversations WHERE app_key = ? AND username = ? AND peer = ?',
      ),
      nickname: db.prepare<[string, string], { nickname: string | null }>(
        'SELECT nickname FROM users WHERE app_key = ? AND username = ?',
      ),
      metadata: db.prepare<[string, string], { key: string; value: string }>(
        'SELECT key, value FROM user_metadata WHERE app_key = ? AND username = ? ORDER BY key',
      ),
      setNickname: db.prepare<[string | null, number, string, string]>(
        'UPDATE users SET nickname = ?, modified = ? WHERE app_key = ? AND username = ?',
      ),
      setValue: db.prepare<[string, string, string, string]>(
        `INSERT INTO user_metadata (app_key, username, key, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (app_key, username, key) DO UPDATE SET value = excluded.value`,
      ),
      deleteValue: db.prepare<[string, string, string]>(
        'DELETE FROM user_metadata WHERE app_key = ? AND username = ? AND key = ?',
      ),
      saveAppToken: db.prepare<[string, string, number]>(
        'INSERT INTO app_tokens (hash, app_key, expires_at) VALUES (?, ?, ?)',
      ),
      appToken: db.prepare<[string], { app_key: string; expires_at: number }>(
        'SELECT app_key, expires_at FROM app_tokens WHERE hash = ?',
      ),
      deleteExpiredAppTokens: db.prepare<[number]>('DELETE FROM app_tokens WHERE expires_at < ?'),
      idleGuests: db.prepare<
        [{ app: string; idle: number; now: number; limit: number }],
        { username: string }
      >(idleGuestsQuery),
      guestFiles: db.prepare<[{ app: string; guest: string }], { uuid: string }>(guestFilesQuery),
      removedFiles: db.prepare<[{ app: string }], { uuid: string }>(removedFilesQuery),
      forgetRemovedFile: db.prepare<[string, string]>(
        `DELETE FROM chatfiles WHERE app_key = ? AND uuid = ? AND uploader = ''`,
      ),
      removal: guestRemovalSteps.map((sql) => db.prepare<[{ app: string; guest: string }]>(sql)),
    };
    this.#q = q;

    const insertUser = prepareInsertUser(db);
    this.#createGuest = db.transaction((user: UserRecord, maxUsers: number | null) => {
      const result = insertUser(user, maxUsers);
      if (result === 'created') q.insertGuest.run(user.appKey, user.username, user.created);
      return result;
    });

    this.#setMetadata = db.transaction(
      (appKey: string, username: string, values: Record<string, string>, at: number) => {
        if (!q.userExists.get(appKey, username)) return false;
        for (const [key, value] of Object.entries(values)) {
          if (key === 'nickname')
            q.setNickname.run(value === '' ? null : value, at, appKey, username);
          else if (value === '') q.deleteValue.run(appKey, username, key);
          else q.setValue.run(appKey, username, key, value);
        }
        return true;
      },
    );

    this.#forget = db.transaction((appKey: string, uuids: string[]) => {
      for (const uuid of uuids) q.forgetRemovedFile.run(appKey, uuid);
    });

    this.#remove = db.transaction(
      (appKey: string, idleBefore: number, now: number, limit: number) =>
        q.idleGuests.all({ app: appKey, idle: idleBefore, now, limit }).map(({ username }) => {
          const params = { app: appKey, guest: username };
          const files = q.guestFiles.all(params).map((row) => row.uuid);
          for (const step of q.removal) step.run(params);
          return { username, files };
        }),
    );
  }

  async appSettings(appKey: string): Promise<AppVisitorSettings> {
    const row = this.#q.settings.get(appKey);
    return { guests: row?.guests === 1, guestRetentionDays: row?.guest_retention_days ?? null };
  }

  async setAppSettings(appKey: string, settings: AppVisitorSettings): Promise<void> {
    this.#q.setSettings.run(appKey, settings.guests ? 1 : 0, settings.guestRetentionDays);
  }

  async credentials(appKey: string): Promise<AppCredentials | undefined> {
    const row = this.#q.credentials.get(appKey);
    if (!row?.client_id || !row.client_secret_hash) return undefined;
    return { clientId: row.client_id, secretHash: row.client_secret_hash };
  }

  async setCredentials(appKey: string, credentials: AppCredentials): Promise<void> {
    this.#q.setCredentials.run(appKey, credentials.clientId, credentials.secretHash);
  }

  async createGuest(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult> {
    return this.#createGuest(user, maxUsers);
  }

  async isGuest(appKey: string, username: string): Promise<boolean> {
    return this.#q.isGuest.get(appKey, username) !== undefined;
  }

  async touchGuest(appKey: string, username: string, at: number): Promise<void> {
    this.#q.touchGuest.run(at, appKey, username);
  }

  async removeIdleGuests(appKey: string, idleBefore: number, now: number, limit: number) {
    return this.#remove(appKey, idleBefore, now, limit);
  }

  async hasConversation(appKey: string, username: string, peer: string): Promise<boolean> {
    return this.#q.hasConversation.get(appKey, username, peer) !== undefined;
  }

  async metadata(appKey: string, usernames: string[]) {
    const result: Record<string, Record<string, string>> = {};
    for (const username of new Set(usernames)) {
      const user = this.#q.nickname.get(appKey, username);
      if (!user) continue;
      const values: Record<string, string> = {};
      if (user.nickname !== null) values.nickname = user.nickname;
      for (const row of this.#q.metadata.all(appKey, username)) values[row.key] = row.value;
      result[username] = values;
    }
    return result;
  }

  async setMetadata(
    appKey: string,
    username: string,
    values: Record<string, string>,
    at: number,
  ): Promise<boolean> {
    return this.#setMetadata(appKey, username, values, at);
  }

  async removedFiles(appKey: string): Promise<string[]> {
    return this.#q.removedFiles.all({ app: appKey }).map((row) => row.uuid);
  }

  async forgetRemovedFiles(appKey: string, uuids: string[]): Promise<void> {
    this.#forget(appKey, uuids);
  }

  async saveAppToken(hash: string, token: AppTokenRecord): Promise<void> {
    this.#q.saveAppToken.run(hash, token.appKey, token.expiresAt);
  }

  async appToken(hash: string): Promise<AppTokenRecord | undefined> {
    const row = this.#q.appToken.get(hash);
    return row && { appKey: row.app_key, expiresAt: row.expires_at };
  }

  async deleteAppTokensExpiredBefore(time: number): Promise<void> {
    this.#q.deleteExpiredAppTokens.run(time);
  }
}
