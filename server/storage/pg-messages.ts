/**
 * Messages in PostgreSQL ({@link PgStorage} hands their methods here, as SQLite's
 * sqlite-messages.ts): storing them with their receipts, recalls, edits and reports, and reading
 * them back (a conversation's history with my receipts, the conversation list with unread counts).
 * The writes Each takes the users' row locks first, in the order pg-database.ts keeps, and
 * allocates their inbox seqs in the same transaction as the row; sends, receipts and read moves
 * that arrive together share one commit (`PgDatabase.batched`, group commit).
 */
import {
  all,
  lockUsers,
  nextSeq,
  one,
  run,
  type PgDatabase,
  type Queryable,
} from './pg-database.js';
import { appendUserEvent } from './pg-groups.js';
import { eventValues, findSent, grantChatfile, insertEventSql } from './pg-rows.js';
import { Limits } from '../../src/protocol/rest.js';
import { hiddenFor, joinClears } from './deletion-storage.js';
import type { PgDeletions } from './pg-deletions.js';
import { toMessage, toReport, type MessageRow, type ReportRow } from './rows.js';
import {
  MID_ATTEMPTS,
  anotherMid,
  conversationKey,
  type AppendedEvent,
  type ConversationRecord,
  type ReportRecord,
  type MessageEdit,
  type NewMessage,
  type NewUserEvent,
  type ReadCursorMove,
  type StoreEventResult,
  type StoreMessageResult,
  type StoredEvent,
  type StoredMessage,
} from './storage.js';

/** Appends a receipt or recall event to each inbox (the caller holds their locks). */
async function appendEvent(db: Queryable, appKey: string, event: StoredEvent, inboxes: string[]) {
  const seqs: Record<string, number> = {};
  for (const username of new Set(inboxes)) {
    const seq = await nextSeq(db, appKey, username);
    await db.query(insertEventSql, eventValues(appKey, username, seq, { ...event, data: null }));
    seqs[username] = seq;
  }
  return seqs;
}

const refreshConversationLast = (
  db: Queryable,
  appKey: string,
  conv: string,
  a: string,
  b: string,
) =>
  db.query(
    `UPDATE conversations SET last_id =
       (SELECT max(id) FROM messages m
        WHERE m.app_key = conversations.app_key AND m.conv = conversations.conv
          AND NOT m.recalled)
     WHERE app_key = $1 AND conv = $2 AND username = $3 AND peer = $4`,
    [appKey, conv, a, b],
  );

export class PgMessages {
  readonly #db: PgDatabase;
  readonly #deletions: PgDeletions;

  constructor(db: PgDatabase, deletions: PgDeletions) {
    this.#db = db;
    this.#deletions = deletions;
  }

  storeMessage(appKey: string, message: NewMessage): Promise<StoreMessageResult> {
    // Writes that arrive together share one transaction and one flush (group commit); each is
    // answered once the commit that holds it is done. The batch holds both users' locks first
    // (the sender's also keeps a resend on another process from storing the id twice).
    const locks = { appKey, usernames: [message.from, message.to] };
    return this.#db.batched(locks, async (db) => {
      const { files, ...given } = message;
      const conv = conversationKey(message.from, message.to);
      let row = given;
      let stored: { id: number | null; seqs: Record<string, number> | null } | undefined;
      for (let attempt = 1; ; attempt++) {
        stored = await this.#insert(db, appKey, row, conv);
        if (stored?.id != null) break;
        // Nothing inserted: a resend of the client id, or the mid taken (pg-rows.ts).
        if (await findSent(db, appKey, message.from, message.clientId)) break;
        if (attempt === MID_ATTEMPTS) throw new Error(`no free message id for ${row.clientId}`);
        row = { ...row, mid: anotherMid() };
      }
      if (stored?.id == null || !stored.seqs) return this.#resent(db, appKey, message);
      for (const uuid of files) {
        for (const username of new Set([message.from, message.to])) {
          await grantChatfile(db, appKey, uuid, username);
        }
      }
      const { seqs } = stored;
      for (const username of [message.from, message.to]) {
        if (seqs[username] === undefined) throw new Error(`no user ${username} in ${appKey}`);
      }
      return {
        duplicate: false,
        message: { ...row, recalled: false },
        senderSeq: seqs[message.from] ?? 0,
        recipientSeq: message.to === message.from ? null : (seqs[message.to] ?? null),
      };
    });
  }

  /**
   * One statement, one round trip: the row (unless its client id, or its mid, is stored already),
   * both users' next seqs, their inbox entries and their conversations' last message.
   */
  #insert(db: Queryable, appKey: string, row: Omit<NewMessage, 'files'>, conv: string) {
    return one<{ id: number | null; seqs: Record<string, number> | null }>(
      db,
      `WITH ins AS (
           INSERT INTO messages (app_key, mid, client_id, from_user, to_user, chat_type, type,
             body, ext, time, conv, allow_group_ack)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false)
           ON CONFLICT DO NOTHING RETURNING id
         ), seqs AS (
           UPDATE users SET last_seq = last_seq + 1
           WHERE app_key = $1 AND username IN ($4, $5) AND EXISTS (SELECT 1 FROM ins)
           RETURNING username, last_seq
         ), entries AS (
           INSERT INTO inbox (app_key, username, seq, message_id)
           SELECT $1, seqs.username, seqs.last_seq, ins.id FROM seqs, ins
         ), sides AS (
           INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id)
           SELECT DISTINCT $1, side.me, side.peer, $6, $11, ins.id
           FROM ins, (VALUES ($4, $5), ($5, $4)) AS side (me, peer)
           ON CONFLICT (app_key, username, peer) DO UPDATE SET last_id = excluded.last_id
         )
         SELECT (SELECT id FROM ins) AS id,
           (SELECT json_object_agg(username, last_seq) FROM seqs) AS seqs`,
      [
        appKey,
        row.mid,
        row.clientId,
        row.from,
        row.to,
        row.chatType,
        row.type,
        row.body,
        row.ext,
        row.time,
        conv,
      ],
    );
  }

  /** The message `message.from` sent already with this client id, and the seqs it got then. */
  async #resent(db: Queryable, appKey: string, message: NewMessage): Promise<StoreMessageResult> {
    const existing = await findSent(db, appKey, message.from, message.clientId);
    if (!existing) throw new Error(`message ${message.clientId} of ${message.from} not stored`);
    const seqOf = async (username: string) =>
      (
        await one<{ seq: number }>(
          db,
          'SELECT seq FROM inbox WHERE app_key = $1 AND username = $2 AND message_id = $3',
          [appKey, username, existing.id],
        )
      )?.seq;
    const senderSeq = (await seqOf(existing.from_user)) ?? 0;
    const recipientSeq =
      existing.to_user === existing.from_user ? null : ((await seqOf(existing.to_user)) ?? null);
    return { duplicate: true, message: toMessage(existing), senderSeq, recipientSeq };
  }

  async getMessage(appKey: string, mid: string): Promise<StoredMessage | undefined> {
    const row = await one<MessageRow>(
      this.#db,
      'SELECT * FROM messages WHERE app_key = $1 AND mid = $2',
      [appKey, mid],
    );
    return row && toMessage(row);
  }

  storeEvent(
    appKey: string,
    event: StoredEvent,
    inboxes: string[],
    read?: ReadCursorMove,
  ): Promise<StoreEventResult> {
    // Receipts and events that arrive together share one commit (group commit, as storeMessage).
    const users = [...inboxes, event.from];
    // The batch locks the users first, so the same receipt sent twice at once is found as a
    // duplicate the second time.
    return this.#db.batched({ appKey, usernames: users }, async (db) => {
      if (
        event.mid !== null &&
        (event.kind === 'delivered' || event.kind === 'read') &&
        (await one(
          db,
          `SELECT 1 FROM inbox_events
           WHERE app_key = $1 AND mid = $2 AND kind = $3 AND from_user = $4 LIMIT 1`,
          [appKey, event.mid, event.kind, event.from],
        ))
      ) {
        return { duplicate: true, seqs: {} };
      }
      if (read) {
        if (read.mid === null) {
          // "All read" when all was read already tells the peer nothing new; storing it would let
          // a client fill the peer's inbox by repeating it.
          const moved = await run(
            db,
            `UPDATE conversations SET read_id = last.id
             FROM (SELECT max(m.id) AS id
                   FROM conversations c JOIN messages m ON m.app_key = c.app_key AND m.conv = c.conv
                   WHERE c.app_key = $1 AND c.username = $2 AND c.peer = $3) AS last
             WHERE conversations.app_key = $1 AND conversations.username = $2
               AND conversations.peer = $3 AND conversations.read_id < last.id`,
            [appKey, read.reader, read.peer],
          );
          if (moved === 0) return { duplicate: true, seqs: {} };
        } else {
          const target = await one<{ id: number }>(
            db,
            'SELECT id FROM messages WHERE app_key = $1 AND mid = $2',
            [appKey, read.mid],
          );
          if (target) {
            await db.query(
              `UPDATE conversations SET read_id = GREATEST(read_id, $1)
               WHERE app_key = $2 AND username = $3 AND peer = $4`,
              [target.id, appKey, read.reader, read.peer],
            );
          }
        }
      }
      return { duplicate: false, seqs: await appendEvent(db, appKey, event, inboxes) };
    });
  }

  editMessage(
    appKey: string,
    edit: MessageEdit,
    event: NewUserEvent,
    inboxes: string[],
  ): Promise<AppendedEvent[] | undefined> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, inboxes);
      const changed = await run(
        db,
        `UPDATE messages SET body = $1, edit_count = $2, edited_by = $3, edited_at = $4
         WHERE app_key = $5 AND mid = $6 AND NOT recalled AND edit_count = $2 - 1`,
        [edit.body, edit.count, edit.by, edit.at, appKey, edit.mid],
      );
      return changed > 0 ? appendUserEvent(db, appKey, event, inboxes) : undefined;
    });
  }

  recallMessage(appKey: string, mid: string, time: number): Promise<StoreEventResult> {
    return this.#db.tx(async (db) => {
      const row = await one<MessageRow>(
        db,
        'SELECT * FROM messages WHERE app_key = $1 AND mid = $2',
        [appKey, mid],
      );
      if (!row) throw new Error(`no message ${mid} in ${appKey}`);
      await lockUsers(db, appKey, [row.from_user, row.to_user]);
      // Under the users' locks: a second recall of the same message sees the first one's mark.
      const marked = await run(
        db,
        'UPDATE messages SET recalled = true WHERE id = $1 AND NOT recalled',
        [row.id],
      );
      if (marked === 0) return { duplicate: true, seqs: {} };
      const conv = conversationKey(row.from_user, row.to_user);
      await refreshConversationLast(db, appKey, conv, row.from_user, row.to_user);
      await refreshConversationLast(db, appKey, conv, row.to_user, row.from_user);
      const event: StoredEvent = {
        kind: 'recall',
        from: row.from_user,
        to: row.to_user,
        chatType: row.chat_type,
        mid,
        time,
      };
      return {
        duplicate: false,
        seqs: await appendEvent(db, appKey, event, [row.from_user, row.to_user]),
      };
    });
  }

  async addReport(appKey: string, report: ReportRecord): Promise<void> {
    const { mid, reporter, sender, to, chatType, reportType, reason, time } = report;
    await run(
      this.#db,
      `INSERT INTO reports (app_key, mid, reporter, sender, to_id, chat_type, report_type, reason, time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (app_key, mid, reporter) DO UPDATE SET report_type = excluded.report_type,
         reason = excluded.reason, time = excluded.time`,
      [appKey, mid, reporter, sender, to, chatType, reportType, reason, time],
    );
  }

  async listReports(appKey: string, limit: number): Promise<ReportRecord[]> {
    const rows = await all<ReportRow>(
      this.#db,
      'SELECT * FROM reports WHERE app_key = $1 ORDER BY time DESC, mid LIMIT $2',
      [appKey, limit],
    );
    return rows.map(toReport);
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
}
