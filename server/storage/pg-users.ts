/**
 * Users, their tokens and push tokens in PostgreSQL ({@link PgStorage} hands their methods here, as
 * SQLite's sqlite-users.ts). A password change signs every session out in the same transaction.
 */
import { all, one, type PgDatabase } from './pg-database.js';
import { insertUser } from './pg-rows.js';
import { toUser, type UserRow } from './rows.js';
import type { CreateUserResult, PushTokenRecord, TokenRecord, UserRecord } from './storage.js';

export class PgUsers {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  createUser(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult> {
    return this.#db.tx((db) => insertUser(db, user, maxUsers));
  }

  async getUser(appKey: string, username: string): Promise<UserRecord | undefined> {
    const row = await one<UserRow>(
      this.#db,
      'SELECT * FROM users WHERE app_key = $1 AND username = $2',
      [appKey, username],
    );
    return row && toUser(row);
  }

  async updateNickname(appKey: string, username: string, nickname: string, at: number) {
    await this.#db.query(
      'UPDATE users SET nickname = $1, modified = $2 WHERE app_key = $3 AND username = $4',
      [nickname, at, appKey, username],
    );
  }

  savePushToken(appKey: string, username: string, token: PushTokenRecord, at: number) {
    return this.#db.tx(async (db) => {
      await db.query(
        `INSERT INTO push_tokens (app_key, username, device_id, device_token, notifier_name,
           modified)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (app_key, username, device_id) DO UPDATE SET
           device_token = excluded.device_token,
           notifier_name = excluded.notifier_name,
           modified = excluded.modified`,
        [appKey, username, token.deviceId, token.deviceToken, token.notifierName, at],
      );
      await db.query('UPDATE users SET modified = $1 WHERE app_key = $2 AND username = $3', [
        at,
        appKey,
        username,
      ]);
    });
  }

  async listPushTokens(appKey: string, username: string): Promise<PushTokenRecord[]> {
    const rows = await all<{ device_id: string; device_token: string; notifier_name: string }>(
      this.#db,
      `SELECT device_id, device_token, notifier_name FROM push_tokens
       WHERE app_key = $1 AND username = $2 ORDER BY device_id`,
      [appKey, username],
    );
    return rows.map((row) => ({
      deviceId: row.device_id,
      deviceToken: row.device_token,
      notifierName: row.notifier_name,
    }));
  }

  async saveToken(hash: string, token: TokenRecord): Promise<void> {
    await this.#db.query(
      'INSERT INTO tokens (hash, app_key, username, expires_at) VALUES ($1, $2, $3, $4)',
      [hash, token.appKey, token.username, token.expiresAt],
    );
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const row = await one<{ app_key: string; username: string; expires_at: number }>(
      this.#db,
      'SELECT app_key, username, expires_at FROM tokens WHERE hash = $1',
      [hash],
    );
    return row && { appKey: row.app_key, username: row.username, expiresAt: row.expires_at };
  }

  async revokeToken(hash: string): Promise<void> {
    await this.#db.query('DELETE FROM tokens WHERE hash = $1', [hash]);
  }

  changePassword(appKey: string, username: string, passwordHash: string, at: number) {
    return this.#db.tx(async (db) => {
      await db.query(
        'UPDATE users SET password_hash = $1, modified = $2 WHERE app_key = $3 AND username = $4',
        [passwordHash, at, appKey, username],
      );
      await db.query('DELETE FROM tokens WHERE app_key = $1 AND username = $2', [appKey, username]);
    });
  }

  async deleteTokensExpiredBefore(time: number): Promise<void> {
    await this.#db.query('DELETE FROM tokens WHERE expires_at < $1', [time]);
  }
}
