/**
 * Reactions in the embedded SQLite file (schema 10): see reaction-storage.ts. Each method is one
 * synchronous statement or transaction, so the kinds-per-message check and the insert cannot be
 * split by another request.
 */
import type Database from 'better-sqlite3';
import {
  reactionsTable,
  type AddReactionOutcome,
  type ReactionRecord,
  type ReactionStorage,
} from './reaction-storage.js';

/** Schema 10 (issue 14): reactions. `IF NOT EXISTS`, so a rolled-back data dir migrates again. */
export const migrationTo10 = reactionsTable('INTEGER', true);

/** How many ids one `IN (…)` list binds at most (SQLite's default limit is 32,766 variables). */
const CHUNK = 500;

export class SqliteReactionStorage implements ReactionStorage {
  readonly #db: Database.Database;
  readonly #add: (appKey: string, record: ReactionRecord, maxKinds: number) => AddReactionOutcome;
  readonly #remove: Database.Statement<[string, string, string, string]>;

  constructor(db: Database.Database) {
    this.#db = db;
    const has = db.prepare<[string, string, string, string], { n: number }>(
      'SELECT 1 AS n FROM reactions WHERE app_key = ? AND mid = ? AND reaction = ? AND username = ?',
    );
    const kinds = db.prepare<[string, string, string], { kinds: number; known: number }>(
      `SELECT count(DISTINCT reaction) AS kinds, coalesce(max(reaction = ?), 0) AS known
       FROM reactions WHERE app_key = ? AND mid = ?`,
    );
    const insert = db.prepare<[string, string, string, string, number]>(
      'INSERT INTO reactions (app_key, mid, reaction, username, time) VALUES (?, ?, ?, ?, ?)',
    );
    const add = db.transaction(
      (appKey: string, r: ReactionRecord, maxKinds: number): AddReactionOutcome => {
        if (has.get(appKey, r.mid, r.reaction, r.username)) return 'present';
        const { kinds: n, known } = kinds.get(r.reaction, appKey, r.mid)!;
        if (!known && n >= maxKinds) return 'full';
        insert.run(appKey, r.mid, r.reaction, r.username, r.time);
        return 'added';
      },
    );
    this.#add = (appKey, record, maxKinds) => add.immediate(appKey, record, maxKinds);
    this.#remove = db.prepare(
      'DELETE FROM reactions WHERE app_key = ? AND mid = ? AND reaction = ? AND username = ?',
    );
  }

  async add(appKey: string, record: ReactionRecord, maxKinds: number) {
    return this.#add(appKey, record, maxKinds);
  }

  async remove(appKey: string, mid: string, reaction: string, username: string) {
    return this.#remove.run(appKey, mid, reaction, username).changes > 0;
  }

  async of(appKey: string, mids: readonly string[]): Promise<ReactionRecord[]> {
    const records: ReactionRecord[] = [];
    for (let i = 0; i < mids.length; i += CHUNK) {
      const chunk = mids.slice(i, i + CHUNK);
      const rows = this.#db
        .prepare<unknown[], ReactionRecord>(
          `SELECT mid, reaction, username, time FROM reactions
           WHERE app_key = ? AND mid IN (${chunk.map(() => '?').join(', ')})
           ORDER BY time, reaction, username`,
        )
        .all(appKey, ...chunk);
      records.push(...rows);
    }
    return records.sort((a, b) => a.time - b.time);
  }
}
