/**
 * What a user reads back in PostgreSQL ({@link PgStorage} delegates to it): the inbox after a seq
 * (the replay), a conversation's history with my receipts, the conversation list with unread
 * counts, and the read cursors of devices and users.
 */
import { Limits } from '../../src/protocol/rest.js';
import { hiddenFor, joinClears } from './deletion-storage.js';
import { all, one, type PgDatabase } from './pg-database.js';
import type { PgDeletions } from './pg-deletions.js';
import { toInboxEntry, toMessage, type EventRow, type MessageRow } from './rows.js';
import {
  conversationKey,
  type ConversationRecord,
  type InboxEntry,
  type StoredMessage,
} from './storage.js';

export class PgConversations {
  readonly #db: PgDatabase;
  readonly #deletions: PgDeletions;

  constructor(db: PgDatabase, deletions: PgDeletions) {
    this.#db = db;
    this.#deletions = deletions;
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

  async history(
    appKey: string,
    me: string,
    peer: string,
    before: string | null,
    limit: number,
  ): Promise<StoredMessage[] | undefined> {
    // A group's messages share the group id as their conv (usernames are never 15+ digits).
    const conv = Limits.numericIdPattern.test(peer) ? peer : conversationKey(me, peer);
    if (before === null) {
      const rows =
        (await this.#deletions.history(this.#db, appKey, me, peer, conv, null, limit)) ??
        (await all<MessageRow>(
          this.#db,
          `SELECT * FROM messages WHERE app_key = $1 AND conv = $2 AND NOT recalled
           ORDER BY id DESC LIMIT $3`,
          [appKey, conv, limit],
        ));
      return this.#withReceipts(appKey, me, peer, rows);
    }
    const cursor = await one<{ id: number }>(
      this.#db,
      'SELECT id FROM messages WHERE app_key = $1 AND mid = $2 AND conv = $3',
      [appKey, before, conv],
    );
    if (!cursor) return undefined;
    const rows =
      (await this.#deletions.history(this.#db, appKey, me, peer, conv, cursor.id, limit)) ??
      (await all<MessageRow>(
        this.#db,
        `SELECT * FROM messages WHERE app_key = $1 AND conv = $2 AND id < $3 AND NOT recalled
         ORDER BY id DESC LIMIT $4`,
        [appKey, conv, cursor.id, limit],
      ));
    return this.#withReceipts(appKey, me, peer, rows);
  }

  /** In a 1:1 history, `me`'s messages up to the peer's read cursor are read, later ones delivered if acked. */
  async #withReceipts(
    appKey: string,
    me: string,
    peer: string,
    rows: MessageRow[],
  ): Promise<StoredMessage[]> {
    const messages = rows.map(toMessage);
    const mine = rows.filter((row) => row.from_user === me);
    if (Limits.numericIdPattern.test(peer) || mine.length === 0) return messages;
    const cursor = await one<{ read_id: number | string }>(
      this.#db,
      'SELECT read_id FROM conversations WHERE app_key = $1 AND username = $2 AND peer = $3',
      [appKey, peer, me],
    );
    const readId = Number(cursor?.read_id ?? 0);
    const acked = await all<{ mid: string }>(
      this.#db,
      `SELECT mid FROM inbox_events
       WHERE app_key = $1 AND mid = ANY($2) AND kind = 'delivered' AND from_user = $3`,
      [appKey, mine.map((row) => row.mid), peer],
    );
    const delivered = new Set(acked.map((row) => row.mid));
    rows.forEach((row, i) => {
      if (row.from_user !== me) return;
      const message = messages[i]!;
      if (Number(row.id) <= readId) message.receipt = 'read';
      else if (delivered.has(row.mid)) message.receipt = 'delivered';
    });
    return messages;
  }

  async conversations(appKey: string, username: string): Promise<ConversationRecord[]> {
    // The unread count is an indexed range scan per conversation, from the read cursor on.
    const rows = await all<
      MessageRow & { conv_peer: string; conv_chat_type: string; unread: number }
    >(
      this.#db,
      `SELECT c.peer AS conv_peer, c.chat_type AS conv_chat_type,
         CASE WHEN c.peer = c.username THEN 0 ELSE
           (SELECT count(*) FROM messages u
            WHERE u.app_key = c.app_key AND u.conv = c.conv AND u.id > c.read_id
              AND u.from_user <> c.username AND NOT u.recalled
              -- Commands (a typing indicator's TypingBegin) are no messages to read.
              AND u.type <> 'cmd'
              -- In a group, only what reached this member (not what a blocked user said).
              AND (c.chat_type <> 'groupChat' OR EXISTS (SELECT 1 FROM inbox i
                WHERE i.message_id = u.id AND i.app_key = c.app_key AND i.username = c.username))
              AND NOT ${hiddenFor('u', 'c', 'x')})
         END AS unread,
         m.*
       FROM conversations c ${joinClears('c', 'x')}
       -- With deletions of mine, the newest message I kept (none: the conversation is not listed).
       JOIN messages m ON m.id = CASE WHEN x.username IS NULL THEN c.last_id ELSE
         (SELECT v.id FROM messages v WHERE v.app_key = c.app_key AND v.conv = c.conv
            AND v.id <= c.last_id AND NOT v.recalled AND NOT ${hiddenFor('v', 'c', 'x')}
          ORDER BY v.id DESC LIMIT 1) END
       WHERE c.app_key = $1 AND c.username = $2
         -- A conversation I deleted comes back with a newer message.
         AND (x.username IS NULL OR c.last_id > x.unlisted_id)
       ORDER BY c.last_id DESC`,
      [appKey, username],
    );
    return rows.map((row) => ({
      peer: row.conv_peer,
      chatType: row.conv_chat_type,
      lastMessage: toMessage(row),
      unread: row.unread,
    }));
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
}
