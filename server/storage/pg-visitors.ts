/**
 * Issue 9's tables in PostgreSQL (schema 4): see visitor-storage.ts. The retention sweep runs
 * under a transaction-scoped advisory lock taken with `pg_try_advisory_xact_lock`, so when several
 * processes sweep at the same moment one of them does it and the others return at once.
 */
import { all, lockUsers, one, type PgDatabase } from './pg-database.js';
import { insertUser } from './pg-rows.js';
import type { CreateUserResult, UserRecord } from './storage.js';
import {
  guestFilesQuery,
  guestRemovalSteps,
  idleGuestsQuery,
  removedFilesQuery,
  numbered,
  type AppCredentials,
  type AppTokenRecord,
  type AppVisitorSettings,
  type RemovedGuest,
  type VisitorStorage,
} from './visitor-storage.js';

/** Schema 4 (issue 9), as SQLite's schema 7. */
export const pgMigrationTo4 = `
CREATE TABLE app_visitors (
  app_key TEXT PRIMARY KEY,
  guests BOOLEAN NOT NULL DEFAULT false,
  guest_retention_days BIGINT,
  client_id TEXT UNIQUE,
  client_secret_hash TEXT
);
CREATE TABLE guests (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  last_active BIGINT NOT NULL,
  PRIMARY KEY (app_key, username)
);
CREATE INDEX guests_idle ON guests (app_key, last_active);
CREATE TABLE user_metadata (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (app_key, username, key)
);
CREATE TABLE app_tokens (
  hash TEXT PRIMARY KEY,
  app_key TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX app_tokens_expiry ON app_tokens (expires_at);
`;

/** "guest" in hex: the advisory lock of the retention sweep. */
const SWEEP_LOCK = 0x6775657374;

const idleGuests = numbered(idleGuestsQuery, ['app', 'idle', 'now', 'limit']);
const guestFiles = numbered(guestFilesQuery, ['app', 'guest']);
const removal = guestRemovalSteps.map((sql) => numbered(sql, ['app', 'guest']));
const removedFiles = numbered(removedFilesQuery, ['app']);

export class PgVisitorStorage implements VisitorStorage {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async appSettings(appKey: string): Promise<AppVisitorSettings> {
    const row = await one<{ guests: boolean; guest_retention_days: number | null }>(
      this.#db,
      'SELECT guests, guest_retention_days FROM app_visitors WHERE app_key = $1',
      [appKey],
    );
    return { guests: row?.guests === true, guestRetentionDays: row?.guest_retention_days ?? null };
  }

  async setAppSettings(appKey: string, settings: AppVisitorSettings): Promise<void> {
    await this.#db.query(
      `INSERT INTO app_visitors (app_key, guests, guest_retention_days) VALUES ($1, $2, $3)
       ON CONFLICT (app_key) DO UPDATE SET guests = excluded.guests,
         guest_retention_days = excluded.guest_retention_days`,
      [appKey, settings.guests, settings.guestRetentionDays],
    );
  }

  async credentials(appKey: string): Promise<AppCredentials | undefined> {
    const row = await one<{ client_id: string | null; client_secret_hash: string | null }>(
      this.#db,
      'SELECT client_id, client_secret_hash FROM app_visitors WHERE app_key = $1',
      [appKey],
    );
    if (!row?.client_id || !row.client_secret_hash) return undefined;
    return { clientId: row.client_id, secretHash: row.client_secret_hash };
  }

  async setCredentials(appKey: string, credentials: AppCredentials): Promise<void> {
    await this.#db.query(
      `INSERT INTO app_visitors (app_key, client_id, client_secret_hash) VALUES ($1, $2, $3)
       ON CONFLICT (app_key) DO UPDATE SET client_id = excluded.client_id,
         client_secret_hash = excluded.client_secret_hash`,
      [appKey, credentials.clientId, credentials.secretHash],
    );
  }

  createGuest(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult> {
    return this.#db.tx(async (db) => {
      const result = await insertUser(db, user, maxUsers);
      if (result !== 'created') return result;
      await db.query('INSERT INTO guests (app_key, username, last_active) VALUES ($1, $2, $3)', [
        user.appKey,
        user.username,
        user.created,
      ]);
      return 'created';
    });
  }

  async isGuest(appKey: string, username: string): Promise<boolean> {
    const row = await one(this.#db, 'SELECT 1 FROM guests WHERE app_key = $1 AND username = $2', [
      appKey,
      username,
    ]);
    return row !== undefined;
  }

  async touchGuest(appKey: string, username: string, at: number): Promise<void> {
    await this.#db.query(
      `UPDATE guests SET last_active = GREATEST(last_active, $1)
       WHERE app_key = $2 AND username = $3`,
      [at, appKey, username],
    );
  }

  removeIdleGuests(
    appKey: string,
    idleBefore: number,
    now: number,
    limit: number,
  ): Promise<RemovedGuest[]> {
    return this.#db.tx(async (db) => {
      const lock = await one<{ locked: boolean }>(
        db,
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [SWEEP_LOCK],
      );
      if (!lock?.locked) return [];
      const candidates = await all<{ username: string }>(db, idleGuests, [
        appKey,
        idleBefore,
        now,
        limit,
      ]);
      if (candidates.length === 0) return [];
      // Under their locks a message to or from them waits, then finds them gone (or they stay:
      // the idle check runs again below, after anything that committed first).
      await lockUsers(
        db,
        appKey,
        candidates.map((row) => row.username),
      );
      const still = new Set(
        (await all<{ username: string }>(db, idleGuests, [appKey, idleBefore, now, limit])).map(
          (row) => row.username,
        ),
      );
      const removed: RemovedGuest[] = [];
      for (const { username } of candidates) {
        if (!still.has(username)) continue;
        const params = [appKey, username];
        const files = (await all<{ uuid: string }>(db, guestFiles, params)).map((row) => row.uuid);
        for (const step of removal) await db.query(step, params);
        removed.push({ username, files });
      }
      return removed;
    });
  }

  async hasConversation(appKey: string, username: string, peer: string): Promise<boolean> {
    const row = await one(
      this.#db,
      'SELECT 1 FROM conversations WHERE app_key = $1 AND username = $2 AND peer = $3',
      [appKey, username, peer],
    );
    return row !== undefined;
  }

  async metadata(appKey: string, usernames: string[]) {
    const names = [...new Set(usernames)];
    const result: Record<string, Record<string, string>> = {};
    if (names.length === 0) return result;
    const users = await all<{ username: string; nickname: string | null }>(
      this.#db,
      'SELECT username, nickname FROM users WHERE app_key = $1 AND username = ANY($2)',
      [appKey, names],
    );
    for (const user of users) {
      result[user.username] = user.nickname === null ? {} : { nickname: user.nickname };
    }
    const rows = await all<{ username: string; key: string; value: string }>(
      this.#db,
      `SELECT username, key, value FROM user_metadata
       WHERE app_key = $1 AND username = ANY($2) ORDER BY username, key`,
      [appKey, names],
    );
    for (const row of rows) {
      const values = result[row.username];
      if (values) values[row.key] = row.value;
    }
    return result;
  }

  setMetadata(
    appKey: string,
    username: string,
    values: Record<string, string>,
    at: number,
  ): Promise<boolean> {
    return this.#db.tx(async (db) => {
      const user = await one(
        db,
        'SELECT 1 FROM users WHERE app_key = $1 AND username = $2 FOR UPDATE',
        [appKey, username],
      );
      if (!user) return false;
      for (const [key, value] of Object.entries(values)) {
        if (key === 'nickname') {
          await db.query(
            'UPDATE users SET nickname = $1, modified = $2 WHERE app_key = $3 AND username = $4',
            [value === '' ? null : value, at, appKey, username],
          );
        } else if (value === '') {
          await db.query(
            'DELETE FROM user_metadata WHERE app_key = $1 AND username = $2 AND key = $3',
            [appKey, username, key],
          );
        } else {
          await db.query(
            `INSERT INTO user_metadata (app_key, username, key, value) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_key, username, key) DO UPDATE SET value = excluded.value`,
            [appKey, username, key, value],
          );
        }
      }
      return true;
    });
  }

  async saveAppToken(hash: string, token: AppTokenRecord): Promise<void> {
    await this.#db.query('INSERT INTO app_tokens (hash, app_key, expires_at) VALUES ($1, $2, $3)', [
      hash,
      token.appKey,
      token.expiresAt,
    ]);
  }

  async appToken(hash: string): Promise<AppTokenRecord | undefined> {
    const row = await one<{ app_key: string; expires_at: number }>(
      this.#db,
      'SELECT app_key, expires_at FROM app_tokens WHERE hash = $1',
      [hash],
    );
    return row && { appKey: row.app_key, expiresAt: row.expires_at };
  }

  async removedFiles(appKey: string): Promise<string[]> {
    return (await all<{ uuid: string }>(this.#db, removedFiles, [appKey])).map((row) => row.uuid);
  }

  async forgetRemovedFiles(appKey: string, uuids: string[]): Promise<void> {
    if (uuids.length === 0) return;
    await this.#db.query(
      `DELETE FROM chatfiles WHERE app_key = $1 AND uuid = ANY($2::text[]) AND uploader = ''`,
      [appKey, uuids],
    );
  }

  async deleteAppTokensExpiredBefore(time: number): Promise<void> {
    await this.#db.query('DELETE FROM app_tokens WHERE expires_at < $1', [time]);
  }
}
