/**
 * Reactions in PostgreSQL (migration 7): see reaction-storage.ts. Adding one runs in a transaction
 * under an advisory lock named after the message, so two new kinds added at once cannot both pass
 * the kinds-per-message check.
 */
import { all, one, run, type PgDatabase } from './pg-database.js';
import {
  reactionsTable,
  type AddReactionOutcome,
  type ReactionRecord,
  type ReactionStorage,
} from './reaction-storage.js';

/** Migration 7 (issue 14), as SQLite's schema 10. */
export const pgMigrationTo7 = reactionsTable('BIGINT', false);

export class PgReactionStorage implements ReactionStorage {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  add(appKey: string, r: ReactionRecord, maxKinds: number): Promise<AddReactionOutcome> {
    return this.#db.tx(async (db) => {
      await db.query("SELECT pg_advisory_xact_lock(hashtext('reactions ' || $1 || ' ' || $2))", [
        appKey,
        r.mid,
      ]);
      const row = await one<{ kinds: string; known: boolean; mine: boolean }>(
        db,
        `SELECT count(DISTINCT reaction) AS kinds, coalesce(bool_or(reaction = $3), false) AS known,
           coalesce(bool_or(reaction = $3 AND username = $4), false) AS mine
         FROM reactions WHERE app_key = $1 AND mid = $2`,
        [appKey, r.mid, r.reaction, r.username],
      );
      if (row?.mine) return 'present';
      if (!row?.known && Number(row?.kinds ?? 0) >= maxKinds) return 'full';
      await db.query(
        'INSERT INTO reactions (app_key, mid, reaction, username, time) VALUES ($1, $2, $3, $4, $5)',
        [appKey, r.mid, r.reaction, r.username, r.time],
      );
      return 'added';
    });
  }

  async remove(appKey: string, mid: string, reaction: string, username: string) {
    const removed = await run(
      this.#db,
      'DELETE FROM reactions WHERE app_key = $1 AND mid = $2 AND reaction = $3 AND username = $4',
      [appKey, mid, reaction, username],
    );
    return removed > 0;
  }

  async of(appKey: string, mids: readonly string[]): Promise<ReactionRecord[]> {
    if (mids.length === 0) return [];
    const rows = await all<{ mid: string; reaction: string; username: string; time: string }>(
      this.#db,
      `SELECT mid, reaction, username, time FROM reactions
       WHERE app_key = $1 AND mid = ANY($2::text[]) ORDER BY time, reaction, username`,
      [appKey, [...mids]],
    );
    return rows.map((row) => ({ ...row, time: Number(row.time) }));
  }
}
