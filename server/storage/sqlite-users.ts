/**
 * Adding a user to the embedded SQLite file, shared by registration (sqlite-storage.ts) and guest
 * minting (sqlite-visitors.ts): a name already taken is `duplicate` before the app's user limit is
 * checked, as on PostgreSQL (pg-rows.ts `insertUser`). Call it inside the caller's transaction.
 */
import type Database from 'better-sqlite3';
import type { CreateUserResult, UserRecord } from './storage.js';

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
