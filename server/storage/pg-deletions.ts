/**
 * Delete for me in PostgreSQL (migration 8): see deletion-storage.ts. The deletion and its inbox
 * event are one transaction under the user's lock (as every inbox append).
 */
import { all, lockUsers, one, type PgDatabase, type Queryable } from './pg-database.js';
import { appendUserEvent } from './pg-groups.js';
import { deletionTables, type DeleteForMe, type DeletionStorage } from './deletion-storage.js';
import type { MessageRow } from './rows.js';
import type { NewUserEvent } from './storage.js';

/** Migration 8 (issue 14), as SQLite's schema 11. */
export const pgMigrationTo8 = deletionTables('BIGINT', false);

export class PgDeletions implements DeletionStorage {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  deleteForMe(appKey: string, username: string, change: DeleteForMe, event: NewUserEvent) {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [username]);
      const row = await one<{ last_id: string | null }>(
        db,
        'SELECT last_id FROM conversations WHERE app_key = $1 AND username = $2 AND peer = $3',
        [appKey, username, change.peer],
      );
      if (change.unlist && !row) return undefined;
      const unlistedId = (change.unlist && row?.last_id) || 0;
      await db.query(
        `INSERT INTO conversation_clears (app_key, username, peer, cleared_before, unlisted_id)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (app_key, username, peer) DO UPDATE SET
           cleared_before = greatest(conversation_clears.cleared_before, excluded.cleared_before),
           unlisted_id = greatest(conversation_clears.unlisted_id, excluded.unlisted_id)`,
        [appKey, username, change.peer, change.before ?? 0, unlistedId],
      );
      if (change.mids?.length) {
        await db.query(
          `INSERT INTO deleted_messages (app_key, username, message_id)
           SELECT $1, $2, id FROM messages WHERE app_key = $1 AND mid = ANY($3::text[])
           ON CONFLICT DO NOTHING`,
          [appKey, username, change.mids],
        );
      }
      if (change.unlist) {
        await db.query(
          `UPDATE conversations SET read_id = greatest(read_id, coalesce(last_id, 0))
           WHERE app_key = $1 AND username = $2 AND peer = $3`,
          [appKey, username, change.peer],
        );
      }
      return appendUserEvent(db, appKey, event, [username]);
    });
  }

  /**
   * Up to `limit` messages of `conv` older than messages.id `cursor` (`null`: from the newest)
   * that `me` has not deleted; `undefined` when `me` deleted nothing in the conversation with
   * `peer` (the plain queries serve it).
   */
  async history(
    db: Queryable,
    app: string,
    me: string,
    peer: string,
    conv: string,
    cursor: number | null,
    limit: number,
  ): Promise<MessageRow[] | undefined> {
    const clears = await one<{ cleared_before: string }>(
      db,
      `SELECT cleared_before FROM conversation_clears
       WHERE app_key = $1 AND username = $2 AND peer = $3`,
      [app, me, peer],
    );
    if (!clears) return undefined;
    return all<MessageRow>(
      db,
      `SELECT * FROM messages m WHERE app_key = $1 AND conv = $2 AND id < $3 AND NOT recalled
         AND time >= $4 AND NOT EXISTS (SELECT 1 FROM deleted_messages d
           WHERE d.app_key = $1 AND d.username = $5 AND d.message_id = m.id)
       ORDER BY id DESC LIMIT $6`,
      [app, conv, cursor ?? Number.MAX_SAFE_INTEGER, clears.cleared_before, me, limit],
    );
  }
}
