/**
 * Users' inboxes in PostgreSQL ({@link PgStorage} hands their methods here, as SQLite's
 * sqlite-inbox.ts): the replay after a seq, the last seq, device and user read cursors, and contact
 * and group events appended to inboxes (group commit, as messages).
 */
import { all, one, type PgDatabase } from './pg-database.js';
import { appendUserEvent } from './pg-groups.js';
import { toInboxEntry, toMessage, type EventRow, type MessageRow } from './rows.js';
import type { AppendedEvent, InboxEntry, NewUserEvent } from './storage.js';

export class PgInbox {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async readInbox(
    appKey: string,
    username: string,
    afterSeq: number,
    limit: number,
  ): Promise<InboxEntry[]> {
    // Two ordered streams, each cut at `limit`: the first `limit` of their merge are exact.
    const [messages, events] = await Promise.all([
      all<MessageRow & { seq: number }>(
        this.#db,
        `SELECT i.seq, m.* FROM inbox i JOIN messages m ON m.id = i.message_id
         WHERE i.app_key = $1 AND i.username = $2 AND i.seq > $3
         ORDER BY i.seq LIMIT $4`,
        [appKey, username, afterSeq, limit],
      ),
      all<EventRow>(
        this.#db,
        `SELECT seq, kind, from_user, to_user, chat_type, mid, time, data FROM inbox_events
         WHERE app_key = $1 AND username = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
        [appKey, username, afterSeq, limit],
      ),
    ]);
    const entries: InboxEntry[] = [
      ...messages.map((row) => ({ seq: row.seq, message: toMessage(row) })),
      ...events.map(toInboxEntry),
    ];
    return entries.sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  async lastSeq(appKey: string, username: string): Promise<number> {
    const row = await one<{ last_seq: number }>(
      this.#db,
      'SELECT last_seq FROM users WHERE app_key = $1 AND username = $2',
      [appKey, username],
    );
    return row?.last_seq ?? 0;
  }

  async getDeviceCursor(appKey: string, username: string, deviceId: string) {
    const row = await one<{ seq: number }>(
      this.#db,
      'SELECT seq FROM device_cursors WHERE app_key = $1 AND username = $2 AND device_id = $3',
      [appKey, username, deviceId],
    );
    return row?.seq;
  }

  async getUserCursor(appKey: string, username: string): Promise<number> {
    const row = await one<{ cursor: number }>(
      this.#db,
      'SELECT cursor FROM users WHERE app_key = $1 AND username = $2',
      [appKey, username],
    );
    return row?.cursor ?? 0;
  }

  raiseCursor(appKey: string, username: string, deviceId: string, seq: number): Promise<void> {
    // Receivers' cursors come with every `recv`: batched with the messages (the UPDATE below takes
    // the user's row lock, which the batch already holds).
    return this.#db.batched({ appKey, usernames: [username] }, async (db) => {
      await db.query(
        `INSERT INTO device_cursors (app_key, username, device_id, seq) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_key, username, device_id)
           DO UPDATE SET seq = GREATEST(device_cursors.seq, excluded.seq)`,
        [appKey, username, deviceId, seq],
      );
      await db.query(
        'UPDATE users SET cursor = GREATEST(cursor, $1) WHERE app_key = $2 AND username = $3',
        [seq, appKey, username],
      );
    });
  }

  appendUserEvent(
    appKey: string,
    event: NewUserEvent,
    inboxes: string[],
  ): Promise<AppendedEvent[]> {
    // Contact and group events that arrive together share one commit (group commit).
    // The batch holds the inboxes' locks.
    return this.#db.batched({ appKey, usernames: inboxes }, (db) =>
      appendUserEvent(db, appKey, event, inboxes),
    );
  }
}
