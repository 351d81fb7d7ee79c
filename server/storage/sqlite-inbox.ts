/**
 * What both SQLite stores ({@link SqliteStorage} and the group store beside it) read and write of
 * the shared tables: message rows, inbox entries, inbox events, chatfile grants and read cursors.
 * One statement each, so a 1:1 and a group message are stored the same way (and read back with
 * rows.ts, as on PostgreSQL).
 */
import type Database from 'better-sqlite3';
import type { MessageRow } from './rows.js';
import type { MessageEdit } from './storage.js';

/** The synchronous transaction behind an async storage method (same arguments, same result). */
export type Transaction<F extends (...args: never[]) => Promise<unknown>> = (
  ...args: Parameters<F>
) => Awaited<ReturnType<F>>;

/** One row of `inbox_events`; `data` is the whole event as JSON when its columns cannot hold it. */
export interface InboxEventParams {
  appKey: string;
  username: string;
  seq: number;
  kind: string;
  from: string;
  to: string;
  chatType: string;
  mid: string | null;
  time: number;
  data: string | null;
}

export type InboxStatements = ReturnType<typeof inboxStatements>;

/** The statements on the shared tables, prepared on `db` (once: the group store borrows them). */
export function inboxStatements(db: Database.Database) {
  return {
    findMessage: db.prepare<[string, string, string], MessageRow>(
      'SELECT * FROM messages WHERE app_key = ? AND from_user = ? AND client_id = ?',
    ),
    getMessage: db.prepare<[string, string], MessageRow>(
      'SELECT * FROM messages WHERE app_key = ? AND mid = ?',
    ),
    markRecalled: db.prepare<[number]>('UPDATE messages SET recalled = 1 WHERE id = ?'),
    editMessage: db.prepare<[MessageEdit & { appKey: string }]>(
      `UPDATE messages SET body = @body, edit_count = @count, edited_by = @by, edited_at = @at
       WHERE app_key = @appKey AND mid = @mid AND recalled = 0 AND edit_count = @count - 1`,
    ),
    appendInbox: db.prepare<[string, string, number, number | bigint]>(
      'INSERT INTO inbox (app_key, username, seq, message_id) VALUES (?, ?, ?, ?)',
    ),
    appendEvent: db.prepare<[InboxEventParams]>(
      `INSERT INTO inbox_events (app_key, username, seq, kind, from_user, to_user, chat_type, mid,
         time, data)
       VALUES (@appKey, @username, @seq, @kind, @from, @to, @chatType, @mid, @time, @data)`,
    ),
    grantChatfile: db.prepare<[string, string, string]>(
      'INSERT INTO chatfile_grants (app_key, uuid, username) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    raiseReadTo: db.prepare<[number, string, string, string]>(
      `UPDATE conversations SET read_id = max(read_id, ?)
       WHERE app_key = ? AND username = ? AND peer = ?`,
    ),
  };
}
