/**
 * Delete for me in the embedded SQLite file (schema 11): see deletion-storage.ts. The deletion and
 * its inbox event are one transaction; history reads of a conversation with deletions go through
 * {@link SqliteDeletions.history}, the others stay on the plain statements.
 */
import type Database from 'better-sqlite3';
import { deletionTables, type DeleteForMe, type DeletionStorage } from './deletion-storage.js';
import type { MessageRow } from './rows.js';
import type { AppendedEvent, NewUserEvent } from './storage.js';

/** Schema 11 (issue 14): delete for me. `IF NOT EXISTS`, so a rolled-back data dir migrates again. */
export const migrationTo11 = deletionTables('INTEGER', true);

type AppendUserEvent = (appKey: string, event: NewUserEvent, inboxes: string[]) => AppendedEvent[];

export class SqliteDeletions implements DeletionStorage {
  readonly #deleteForMe: (
    appKey: string,
    username: string,
    change: DeleteForMe,
    event: NewUserEvent,
  ) => AppendedEvent[] | undefined;
  readonly #clearedBefore: Database.Statement<[string, string, string], { cleared_before: number }>;
  readonly #history: Database.Statement<
    [{ app: string; me: string; conv: string; cursor: number; after: number; limit: number }],
    MessageRow
  >;

  constructor(db: Database.Database, appendUserEvent: AppendUserEvent) {
    const lastId = db.prepare<[string, string, string], { last_id: number | null }>(
      'SELECT last_id FROM conversations WHERE app_key = ? AND username = ? AND peer = ?',
    );
    const clear = db.prepare<[string, string, string, number, number]>(
      `INSERT INTO conversation_clears (app_key, username, peer, cleared_before, unlisted_id)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (app_key, username, peer) DO UPDATE SET
         cleared_before = max(cleared_before, excluded.cleared_before),
         unlisted_id = max(unlisted_id, excluded.unlisted_id)`,
    );
    const hide = db.prepare<[string, string, string, string]>(
      `INSERT INTO deleted_messages (app_key, username, message_id)
       SELECT ?, ?, id FROM messages WHERE app_key = ? AND mid = ? ON CONFLICT DO NOTHING`,
    );
    const readAll = db.prepare<[string, string, string]>(
      `UPDATE conversations SET read_id = max(read_id, coalesce(last_id, 0))
       WHERE app_key = ? AND username = ? AND peer = ?`,
    );
    this.#deleteForMe = db.transaction(
      (appKey: string, username: string, change: DeleteForMe, event: NewUserEvent) => {
        const row = lastId.get(appKey, username, change.peer);
        if (change.unlist && !row) return undefined;
        const unlistedId = (change.unlist && row?.last_id) || 0;
        clear.run(appKey, username, change.peer, change.before ?? 0, unlistedId);
        for (const mid of change.mids ?? []) hide.run(appKey, username, appKey, mid);
        if (change.unlist) readAll.run(appKey, username, change.peer);
        return appendUserEvent(appKey, event, [username]);
      },
    );
    this.#clearedBefore = db.prepare(
      `SELECT cleared_before FROM conversation_clears
       WHERE app_key = ? AND username = ? AND peer = ?`,
    );
    this.#history = db.prepare(
      `SELECT * FROM messages WHERE app_key = @app AND conv = @conv AND id < @cursor
         AND recalled = 0 AND time >= @after
         AND NOT EXISTS (SELECT 1 FROM deleted_messages d
           WHERE d.app_key = @app AND d.username = @me AND d.message_id = messages.id)
       ORDER BY id DESC LIMIT @limit`,
    );
  }

  async deleteForMe(appKey: string, username: string, change: DeleteForMe, event: NewUserEvent) {
    return this.#deleteForMe(appKey, username, change, event);
  }

  /**
   * Up to `limit` messages of `conv` older than messages.id `cursor` (`null`: from the newest)
   * that `me` has not deleted; `undefined` when `me` deleted nothing in the conversation with
   * `peer` (the plain statements serve it).
   */
  history(
    app: string,
    me: string,
    peer: string,
    conv: string,
    cursor: number | null,
    limit: number,
  ): MessageRow[] | undefined {
    const clears = this.#clearedBefore.get(app, me, peer);
    if (!clears) return undefined;
    const after = clears.cleared_before;
    return this.#history.all({
      app,
      me,
      conv,
      cursor: cursor ?? Number.MAX_SAFE_INTEGER,
      after,
      limit,
    });
  }
}
