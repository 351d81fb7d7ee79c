/**
 * Users in the embedded SQLite file: registration, nicknames, push tokens, login tokens (stored as
 * their SHA-256, revoked on logout and, all of them, on a password change).
 *
 * {@link prepareInsertUser} is shared by registration and guest minting (sqlite-visitors.ts): a
 * name already taken is `duplicate` before the app's user limit is checked, as on PostgreSQL
 * (pg-rows.ts `insertUser`). Call it inside the caller's transaction.
 */
import type Database from 'better-sqlite3';
import { toUser, type UserRow } from './rows.js';
import type { CreateUserResult, PushTokenRecord, TokenRecord, UserRecord } from './storage.js';

export type InsertUser = (user: UserRecord, maxUsers: number | null) => CreateUserResult;

export function prepareInsertUser(db: Database.Database): InsertUser {
  const exists = db.prepare<[string, string], { n: number }>(
    'SELECT 1 AS n FROM users WHERE app_key = ? AND username = ?',
  );
  const count = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM users WHERE app_key = ?',
  );
  const insert = db.prepare(
    `INSERT INTO users (app_key, username, uuid, password_hash, nickname, created, modified)
     VALUES (@appKey, @username, @uuid, @passwordHash, @nickname, @created, @modified)`,
  );
  return (user, maxUsers) => {
    if (exists.get(user.appKey, user.username)) return 'duplicate';
    if (maxUsers !== null && (count.get(user.appKey)?.n ?? 0) >= maxUsers) return 'limit-reached';
    insert.run(user);
    return 'created';
  };
}

export class SqliteUsers {
  readonly #db: Database.Database;
  readonly #q;
  readonly #createUser: InsertUser;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#createUser = db.transaction(prepareInsertUser(db));
    this.#q = {
      getUser: db.prepare<[string, string], UserRow>(
        'SELECT * FROM users WHERE app_key = ? AND username = ?',
      ),
      updateNickname: db.prepare<[string, number, string, string]>(
        'UPDATE users SET nickname = ?, modified = ? WHERE app_key = ? AND username = ?',
      ),
      touchUser: db.prepare<[number, string, string]>(
        'UPDATE users SET modified = ? WHERE app_key = ? AND username = ?',
      ),
      setPassword: db.prepare<[string, number, string, string]>(
        'UPDATE users SET password_hash = ?, modified = ? WHERE app_key = ? AND username = ?',
      ),
      savePushToken: db.prepare(
        `INSERT INTO push_tokens (app_key, username, device_id, device_token, notifier_name, modified)
         VALUES (@appKey, @username, @deviceId, @deviceToken, @notifierName, @modified)
         ON CONFLICT (app_key, username, device_id) DO UPDATE SET
           device_token = excluded.device_token,
           notifier_name = excluded.notifier_name,
           modified = excluded.modified`,
      ),
      listPushTokens: db.prepare<
        [string, string],
        { device_id: string; device_token: string; notifier_name: string }
      >(
        `SELECT device_id, device_token, notifier_name FROM push_tokens
         WHERE app_key = ? AND username = ? ORDER BY device_id`,
      ),
      saveToken: db.prepare<[string, string, string, number]>(
        'INSERT INTO tokens (hash, app_key, username, expires_at) VALUES (?, ?, ?, ?)',
      ),
      getToken: db.prepare<[string], { app_key: string; username: string; expires_at: number }>(
        'SELECT app_key, username, expires_at FROM tokens WHERE hash = ?',
      ),
      revokeToken: db.prepare<[string]>('DELETE FROM tokens WHERE hash = ?'),
      revokeUserTokens: db.prepare<[string, string]>(
        'DELETE FROM tokens WHERE app_key = ? AND username = ?',
      ),
      deleteExpiredTokens: db.prepare<[number]>('DELETE FROM tokens WHERE expires_at < ?'),
    };
  }

  async createUser(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult> {
    return this.#createUser(user, maxUsers);
  }

  async getUser(appKey: string, username: string): Promise<UserRecord | undefined> {
    return this.findUser(appKey, username);
  }

  /** {@link getUser} in the caller's turn (the lookup cache reads through it). */
  findUser(appKey: string, username: string): UserRecord | undefined {
    const row = this.#q.getUser.get(appKey, username);
    return row && toUser(row);
  }

  async updateNickname(appKey: string, username: string, nickname: string, at: number) {
    this.#q.updateNickname.run(nickname, at, appKey, username);
  }

  async savePushToken(appKey: string, username: string, token: PushTokenRecord, at: number) {
    this.#db.transaction(() => {
      this.#q.savePushToken.run({ appKey, username, ...token, modified: at });
      this.#q.touchUser.run(at, appKey, username);
    })();
  }

  async listPushTokens(appKey: string, username: string): Promise<PushTokenRecord[]> {
    return this.#q.listPushTokens.all(appKey, username).map((row) => ({
      deviceId: row.device_id,
      deviceToken: row.device_token,
      notifierName: row.notifier_name,
    }));
  }

  async saveToken(hash: string, token: TokenRecord): Promise<void> {
    this.#q.saveToken.run(hash, token.appKey, token.username, token.expiresAt);
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.#q.getToken.get(hash);
    return row && { appKey: row.app_key, username: row.username, expiresAt: row.expires_at };
  }

  async revokeToken(hash: string): Promise<void> {
    this.#q.revokeToken.run(hash);
  }

  async changePassword(appKey: string, username: string, passwordHash: string, at: number) {
    this.#db.transaction(() => {
      this.#q.setPassword.run(passwordHash, at, appKey, username);
      this.#q.revokeUserTokens.run(appKey, username);
    })();
  }

  async deleteTokensExpiredBefore(time: number): Promise<void> {
    this.#q.deleteExpiredTokens.run(time);
  }
}
