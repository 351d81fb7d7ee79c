/**
 * Each user's inbox in the embedded SQLite file: one sequence per user (`users.last_seq`) that
 * orders the user's messages and events, which devices replay from their cursor.
 *
 * {@link inboxStatements} are what every SQLite store (messages, groups) reads and writes of the
 * shared tables: message rows, inbox entries, inbox events, chatfile grants and read cursors. One
 * statement each, so a 1:1 and a group message are stored the same way (and read back with
 * rows.ts, as on PostgreSQL). {@link inboxWriters} take the next seq and append contact and group
 * events; {@link SqliteInbox} reads the inbox and keeps the devices' cursors.
 */
import type Database from 'better-sqlite3';
import type { SeqHeads } from './sqlite-caches.js';
import type { GroupCommit } from './sqlite-commit.js';
import { toInboxEntry, toMessage, withSeq, type EventRow, type MessageRow } from './rows.js';
import type { AppendedEvent, InboxEntry, MessageEdit, NewUserEvent, Storage } from './storage.js';

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

export type NextSeq = (appKey: string, username: string) => number;

/** Appends a contact or group event to each inbox (call inside a transaction). */
export type AppendUserEvent = (
  appKey: string,
  event: NewUserEvent,
  inboxes: string[],
) => AppendedEvent[];

/**
 * The inbox writes the other stores share (call inside a transaction). In a group commit's batch
 * the seqs come from `heads` (kept in memory, written once per batch), else from the database.
 */
export function inboxWriters(
  db: Database.Database,
  statements: InboxStatements,
  heads?: SeqHeads,
): { nextSeq: NextSeq; appendUserEvent: AppendUserEvent } {
  const takeSeq = db.prepare<[string, string], { last_seq: number }>(
    `UPDATE users SET last_seq = last_seq + 1 WHERE app_key = ? AND username = ?
     RETURNING last_seq`,
  );
  const nextSeq: NextSeq = (appKey, username) => {
    if (heads?.inBatch) return heads.take(appKey, username);
    const row = takeSeq.get(appKey, username);
    if (!row) throw new Error(`no user ${username} in ${appKey}`);
    return row.last_seq;
  };
  /** Each inbox's next seq; for every contact and group event. */
  const appendUserEvent: AppendUserEvent = (appKey, event, inboxes) => {
    const to = 'gid' in event ? event.gid : event.to;
    const data = JSON.stringify(event);
    return [...new Set(inboxes)].map((username) => {
      const seq = nextSeq(appKey, username);
      statements.appendEvent.run({
        appKey,
        username,
        seq,
        kind: event.kind,
        from: event.from,
        to,
        chatType: '',
        mid: null,
        time: event.time,
        data,
      });
      return { username, event: withSeq(event, seq) };
    });
  };
  return { nextSeq, appendUserEvent };
}

export class SqliteInbox {
  readonly #q;
  readonly #commits: GroupCommit;
  readonly #appendUserEvent: Transaction<Storage['appendUserEvent']>;
  readonly #raiseCursor: Transaction<Storage['raiseCursor']>;

  constructor(db: Database.Database, appendUserEvent: AppendUserEvent, commits: GroupCommit) {
    this.#commits = commits;
    const q = {
      readInbox: db.prepare<[string, string, number, number], MessageRow & { seq: number }>(
        `SELECT i.seq, m.* FROM inbox i JOIN messages m ON m.id = i.message_id
         WHERE i.app_key = ? AND i.username = ? AND i.seq > ?
         ORDER BY i.seq LIMIT ?`,
      ),
      readEvents: db.prepare<[string, string, number, number], EventRow>(
        `SELECT seq, kind, from_user, to_user, chat_type, mid, time, data FROM inbox_events
         WHERE app_key = ? AND username = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      lastSeq: db.prepare<[string, string], { last_seq: number }>(
        'SELECT last_seq FROM users WHERE app_key = ? AND username = ?',
      ),
      getDeviceCursor: db.prepare<[string, string, string], { seq: number }>(
        'SELECT seq FROM device_cursors WHERE app_key = ? AND username = ? AND device_id = ?',
      ),
      getUserCursor: db.prepare<[string, string], { cursor: number }>(
        'SELECT cursor FROM users WHERE app_key = ? AND username = ?',
      ),
      raiseDeviceCursor: db.prepare<[string, string, string, number]>(
        `INSERT INTO device_cursors (app_key, username, device_id, seq) VALUES (?, ?, ?, ?)
         ON CONFLICT (app_key, username, device_id) DO UPDATE SET seq = max(seq, excluded.seq)`,
      ),
      raiseUserCursor: db.prepare<[number, string, string]>(
        'UPDATE users SET cursor = max(cursor, ?) WHERE app_key = ? AND username = ?',
      ),
    };
    this.#q = q;
    this.#appendUserEvent = db.transaction(appendUserEvent);
    this.#raiseCursor = (appKey: string, username: string, deviceId: string, seq: number) => {
      q.raiseDeviceCursor.run(appKey, username, deviceId, seq);
      q.raiseUserCursor.run(seq, appKey, username);
    };
  }

  async readInbox(
    appKey: string,
    username: string,
    afterSeq: number,
    limit: number,
  ): Promise<InboxEntry[]> {
    // Two ordered streams, each cut at `limit`: the first `limit` of their merge are exact.
    const messages: InboxEntry[] = this.#q.readInbox
      .all(appKey, username, afterSeq, limit)
      .map((row) => ({ seq: row.seq, message: toMessage(row) }));
    const events: InboxEntry[] = this.#q.readEvents
      .all(appKey, username, afterSeq, limit)
      .map(toInboxEntry);
    // Sent to no device before it is on disk: a commit whose fsync still runs may hold some.
    await this.#commits.settled();
    return [...messages, ...events].sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  async lastSeq(appKey: string, username: string): Promise<number> {
    return this.#q.lastSeq.get(appKey, username)?.last_seq ?? 0;
  }

  async getDeviceCursor(appKey: string, username: string, deviceId: string) {
    return this.#q.getDeviceCursor.get(appKey, username, deviceId)?.seq;
  }

  async getUserCursor(appKey: string, username: string): Promise<number> {
    return this.#q.getUserCursor.get(appKey, username)?.cursor ?? 0;
  }

  async raiseCursor(appKey: string, username: string, deviceId: string, seq: number) {
    await this.#commits.run(() => this.#raiseCursor(appKey, username, deviceId, seq));
  }

  async appendUserEvent(
    appKey: string,
    event: NewUserEvent,
    inboxes: string[],
  ): Promise<AppendedEvent[]> {
    return this.#appendUserEvent(appKey, event, inboxes);
  }
}
