/**
 * One-to-one messages in the embedded SQLite file: storing one (its row, both inboxes, both
 * conversations, its files' grants) as a write of the group commit (sqlite-commit.ts), receipts
 * and recalls, edits, reports, and the reads a client sees them through (history and the
 * conversation list). Group messages are stored by sqlite-groups.ts on the same tables.
 */
import type Database from 'better-sqlite3';
import { Limits } from '../../src/protocol/rest.js';
import { hiddenFor, joinClears } from './deletion-storage.js';
import { toMessage, toReport, type MessageRow, type ReportRow } from './rows.js';
import type { DeferredWrites, GroupCommit } from './sqlite-commit.js';
import type { SqliteDeletions } from './sqlite-deletions.js';
import type { AppendUserEvent, InboxStatements, NextSeq, Transaction } from './sqlite-inbox.js';
import { MID_ATTEMPTS, anotherMid, conversationKey } from './storage.js';
import type {
  AppendedEvent,
  ConversationRecord,
  MessageEdit,
  NewMessage,
  NewUserEvent,
  ReadCursorMove,
  ReportRecord,
  Storage,
  StoreEventResult,
  StoreMessageResult,
  StoredEvent,
  StoredMessage,
} from './storage.js';

/** What the message store shares with the others on the same connection. */
export interface MessageStoreParts {
  statements: InboxStatements;
  nextSeq: NextSeq;
  appendUserEvent: AppendUserEvent;
  commits: GroupCommit;
  deletions: SqliteDeletions;
}

type TouchArgs = [string, string, string, string, string, number | bigint];
/** app_key, mid, client_id, from_user, to_user, chat_type, type, body, ext, time, conv. */
type InsertArgs = [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
];

/**
 * The conversation rows a run of 1:1 messages in one batch moves to their newest message: each
 * row written once with the last, instead of once per message (two upserts a message were a
 * quarter of a message's statements, issue 11). The ids grow within a batch, so the last one
 * kept is the newest.
 */
class ConversationTouches implements DeferredWrites {
  readonly #touch: Database.Statement<TouchArgs>;
  readonly #pending = new Map<string, TouchArgs>();

  constructor(touch: Database.Statement<TouchArgs>) {
    this.#touch = touch;
  }

  touch(...args: TouchArgs): void {
    const [appKey, username, peer] = args;
    this.#pending.set(`${appKey}\n${username}\n${peer}`, args);
  }

  flush(): void {
    for (const args of this.#pending.values()) this.#touch.run(...args);
    this.#pending.clear();
  }

  discard(): void {
    this.#pending.clear();
  }
}

export class SqliteMessages {
  readonly #q;
  readonly #commits: GroupCommit;
  readonly #touches: ConversationTouches;
  readonly #deletions: SqliteDeletions;
  readonly #storeMessage: Transaction<Storage['storeMessage']>;
  readonly #storeEvent: Transaction<Storage['storeEvent']>;
  readonly #recallMessage: Transaction<Storage['recallMessage']>;
  readonly #editMessage: Transaction<Storage['editMessage']>;

  constructor(db: Database.Database, parts: MessageStoreParts) {
    const { nextSeq, appendUserEvent } = parts;
    this.#commits = parts.commits;
    this.#deletions = parts.deletions;
    const q = {
      ...parts.statements,
      addReport: db.prepare<[ReportRecord & { appKey: string }]>(
        `INSERT INTO reports (app_key, mid, reporter, sender, to_id, chat_type, report_type, reason, time)
         VALUES (@appKey, @mid, @reporter, @sender, @to, @chatType, @reportType, @reason, @time)
         ON CONFLICT (app_key, mid, reporter) DO UPDATE SET report_type = excluded.report_type,
           reason = excluded.reason, time = excluded.time`,
      ),
      listReports: db.prepare<[string, number], ReportRow>(
        'SELECT * FROM reports WHERE app_key = ? ORDER BY time DESC, mid LIMIT ?',
      ),
      // A resend of a client id already stored, or a mid taken (storage.ts), inserts nothing
      // (changes 0): the duplicate is looked for only then, instead of before every insert.
      // Bound by position: named parameters cost an object per message and a lookup per name.
      insertMessage: db.prepare<InsertArgs>(
        `INSERT INTO messages (app_key, mid, client_id, from_user, to_user, chat_type, type, body,
           ext, time, conv)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      touchConversation: db.prepare<TouchArgs>(
        `INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (app_key, username, peer) DO UPDATE SET last_id = excluded.last_id`,
      ),
      refreshConversationLast: db.prepare<[string, string, string, string]>(
        `UPDATE conversations SET last_id =
           (SELECT max(id) FROM messages m
            WHERE m.app_key = conversations.app_key AND m.conv = conversations.conv
              AND m.recalled = 0)
         WHERE app_key = ? AND conv = ? AND username = ? AND peer = ?`,
      ),
      // Changes a row only when the cursor moves, so a repeated "all read" is recognised.
      raiseReadToLast: db.prepare<[{ appKey: string; reader: string; peer: string }]>(
        `UPDATE conversations SET read_id = last.id
         FROM (SELECT max(m.id) AS id
               FROM conversations c JOIN messages m ON m.app_key = c.app_key AND m.conv = c.conv
               WHERE c.app_key = @appKey AND c.username = @reader AND c.peer = @peer) AS last
         WHERE conversations.app_key = @appKey AND conversations.username = @reader
           AND conversations.peer = @peer AND conversations.read_id < last.id`,
      ),
      // Without statistics SQLite would rather scan the app's events by primary key.
      findEvent: db.prepare<[string, string, string, string], { n: number }>(
        `SELECT 1 AS n FROM inbox_events INDEXED BY inbox_events_mid
         WHERE app_key = ? AND mid = ? AND kind = ? AND from_user = ? LIMIT 1`,
      ),
      historyFromNewest: db.prepare<[string, string, number], MessageRow>(
        `SELECT * FROM messages WHERE app_key = ? AND conv = ? AND recalled = 0
         ORDER BY id DESC LIMIT ?`,
      ),
      historyBefore: db.prepare<[string, string, number, number], MessageRow>(
        `SELECT * FROM messages WHERE app_key = ? AND conv = ? AND id < ? AND recalled = 0
         ORDER BY id DESC LIMIT ?`,
      ),
      readCursor: db.prepare<[string, string, string], { read_id: number }>(
        'SELECT read_id FROM conversations WHERE app_key = ? AND username = ? AND peer = ?',
      ),
      messageIdInConv: db.prepare<[string, string, string], { id: number }>(
        'SELECT id FROM messages WHERE app_key = ? AND mid = ? AND conv = ?',
      ),
      // One statement: the unread count is an indexed range scan per conversation, from the
      // read cursor on, so it costs what is unread, not the whole history.
      conversations: db.prepare<
        [string, string],
        MessageRow & { conv_peer: string; conv_chat_type: string; unread: number }
      >(
        `SELECT c.peer AS conv_peer, c.chat_type AS conv_chat_type,
           CASE WHEN c.peer = c.username THEN 0 ELSE
             (SELECT count(*) FROM messages u
              WHERE u.app_key = c.app_key AND u.conv = c.conv AND u.id > c.read_id
                AND u.from_user <> c.username AND u.recalled = 0
                -- Commands (a typing indicator's TypingBegin) are no messages to read.
                AND u.type <> 'cmd'
                -- In a group, only what reached this member (not what a blocked user said).
                AND (c.chat_type <> 'groupChat' OR EXISTS (SELECT 1 FROM inbox i
                  WHERE i.message_id = u.id AND i.app_key = c.app_key
                    AND i.username = c.username))
                AND NOT ${hiddenFor('u', 'c', 'x')})
           END AS unread,
           m.*
         FROM conversations c ${joinClears('c', 'x')}
         -- With deletions of mine, the newest message I kept (none: the conversation is not listed).
         JOIN messages m ON m.id = CASE WHEN x.username IS NULL THEN c.last_id ELSE
           (SELECT v.id FROM messages v WHERE v.app_key = c.app_key AND v.conv = c.conv
              AND v.id <= c.last_id AND v.recalled = 0 AND NOT ${hiddenFor('v', 'c', 'x')}
            ORDER BY v.id DESC LIMIT 1) END
         WHERE c.app_key = ? AND c.username = ?
           -- A conversation I deleted comes back with a newer message.
           AND (x.username IS NULL OR c.last_id > x.unlisted_id)
         ORDER BY c.last_id DESC`,
      ),
      inboxSeqOf: db.prepare<[string, string, number], { seq: number }>(
        'SELECT seq FROM inbox WHERE app_key = ? AND username = ? AND message_id = ?',
      ),
    };
    this.#q = q;
    const touches = new ConversationTouches(q.touchConversation);
    this.#touches = touches;

    const insert = (appKey: string, m: Omit<NewMessage, 'files'>, conv: string) =>
      q.insertMessage.run(
        appKey,
        m.mid,
        m.clientId,
        m.from,
        m.to,
        m.chatType,
        m.type,
        m.body,
        m.ext,
        m.time,
        conv,
      );
    /** The message `id` in the user's inbox, at its next seq. */
    const append = (appKey: string, username: string, id: number | bigint): number => {
      const seq = nextSeq(appKey, username);
      q.appendInbox.run(appKey, username, seq, id);
      return seq;
    };
    this.#storeMessage = (appKey: string, message: NewMessage) => {
      const { files, ...given } = message;
      const conv = conversationKey(message.from, message.to);
      let row = given;
      let inserted = insert(appKey, row, conv);
      const existing =
        inserted.changes === 0
          ? q.findMessage.get(appKey, message.from, message.clientId)
          : undefined;
      for (let attempt = 2; !existing && inserted.changes === 0; attempt++) {
        if (attempt > MID_ATTEMPTS) throw new Error(`no free message id for ${row.clientId}`);
        row = { ...row, mid: anotherMid() };
        inserted = insert(appKey, row, conv);
      }
      const { lastInsertRowid } = inserted;
      if (existing) {
        const senderSeq = q.inboxSeqOf.get(appKey, existing.from_user, existing.id)?.seq ?? 0;
        const recipientSeq =
          existing.to_user === existing.from_user
            ? null
            : (q.inboxSeqOf.get(appKey, existing.to_user, existing.id)?.seq ?? null);
        return { duplicate: true, message: toMessage(existing), senderSeq, recipientSeq };
      }
      if (files.length > 0) {
        const participants = [...new Set([message.from, message.to])];
        for (const uuid of files) {
          for (const username of participants) q.grantChatfile.run(appKey, uuid, username);
        }
      }
      touches.touch(appKey, message.from, message.to, message.chatType, conv, lastInsertRowid);
      if (message.to !== message.from) {
        touches.touch(appKey, message.to, message.from, message.chatType, conv, lastInsertRowid);
      }
      const senderSeq = append(appKey, message.from, lastInsertRowid);
      const recipientSeq =
        message.to === message.from ? null : append(appKey, message.to, lastInsertRowid);
      return { duplicate: false, message: { ...row, recalled: false }, senderSeq, recipientSeq };
    };

    const appendEvent = (appKey: string, event: StoredEvent, inboxes: string[]) => {
      const seqs: Record<string, number> = {};
      for (const username of new Set(inboxes)) {
        const seq = nextSeq(appKey, username);
        q.appendEvent.run({ appKey, username, seq, ...event, data: null });
        seqs[username] = seq;
      }
      return seqs;
    };

    this.#storeEvent = (
      appKey: string,
      event: StoredEvent,
      inboxes: string[],
      read?: ReadCursorMove,
    ) => {
      if (
        event.mid !== null &&
        (event.kind === 'delivered' || event.kind === 'read') &&
        q.findEvent.get(appKey, event.mid, event.kind, event.from)
      ) {
        return { duplicate: true, seqs: {} };
      }
      if (read) {
        if (read.mid === null) {
          // "All read" when all was read already tells the peer nothing new; storing it would
          // let a client fill the peer's inbox by repeating it.
          const moved =
            q.raiseReadToLast.run({ appKey, reader: read.reader, peer: read.peer }).changes > 0;
          if (!moved) return { duplicate: true, seqs: {} };
        } else {
          const id = q.getMessage.get(appKey, read.mid)?.id;
          if (id !== undefined) q.raiseReadTo.run(id, appKey, read.reader, read.peer);
        }
      }
      return { duplicate: false, seqs: appendEvent(appKey, event, inboxes) };
    };

    this.#recallMessage = (appKey: string, mid: string, time: number) => {
      const row = q.getMessage.get(appKey, mid);
      if (!row) throw new Error(`no message ${mid} in ${appKey}`);
      if (row.recalled === 1) return { duplicate: true, seqs: {} };
      q.markRecalled.run(row.id);
      const conv = conversationKey(row.from_user, row.to_user);
      q.refreshConversationLast.run(appKey, conv, row.from_user, row.to_user);
      q.refreshConversationLast.run(appKey, conv, row.to_user, row.from_user);
      const event: StoredEvent = {
        kind: 'recall',
        from: row.from_user,
        to: row.to_user,
        chatType: row.chat_type,
        mid,
        time,
      };
      return { duplicate: false, seqs: appendEvent(appKey, event, [row.from_user, row.to_user]) };
    };

    this.#editMessage = db.transaction(
      (appKey: string, edit: MessageEdit, event: NewUserEvent, inboxes: string[]) => {
        const changed = q.editMessage.run({ appKey, ...edit }).changes > 0;
        return changed ? appendUserEvent(appKey, event, inboxes) : undefined;
      },
    );
  }

  async storeMessage(appKey: string, message: NewMessage): Promise<StoreMessageResult> {
    return this.#commits.run(() => this.#storeMessage(appKey, message), this.#touches);
  }

  async addReport(appKey: string, report: ReportRecord): Promise<void> {
    this.#q.addReport.run({ appKey, ...report });
  }

  async listReports(appKey: string, limit: number): Promise<ReportRecord[]> {
    return this.#q.listReports.all(appKey, limit).map(toReport);
  }

  async getMessage(appKey: string, mid: string): Promise<StoredMessage | undefined> {
    const row = this.#q.getMessage.get(appKey, mid);
    return row && toMessage(row);
  }

  async storeEvent(
    appKey: string,
    event: StoredEvent,
    inboxes: string[],
    read?: ReadCursorMove,
  ): Promise<StoreEventResult> {
    return this.#commits.run(() => this.#storeEvent(appKey, event, inboxes, read));
  }

  async recallMessage(appKey: string, mid: string, time: number): Promise<StoreEventResult> {
    return this.#commits.run(() => this.#recallMessage(appKey, mid, time));
  }

  async editMessage(
    appKey: string,
    edit: MessageEdit,
    event: NewUserEvent,
    inboxes: string[],
  ): Promise<AppendedEvent[] | undefined> {
    return this.#editMessage(appKey, edit, event, inboxes);
  }

  async history(
    appKey: string,
    me: string,
    peer: string,
    before: string | null,
    limit: number,
  ): Promise<StoredMessage[] | undefined> {
    // A group's messages share the group id as their conv (usernames are never 15+ digits).
    const group = Limits.numericIdPattern.test(peer);
    const conv = group ? peer : conversationKey(me, peer);
    let rows: MessageRow[];
    if (before === null) {
      rows =
        this.#deletions.history(appKey, me, peer, conv, null, limit) ??
        this.#q.historyFromNewest.all(appKey, conv, limit);
    } else {
      const cursor = this.#q.messageIdInConv.get(appKey, before, conv);
      if (!cursor) return undefined;
      rows =
        this.#deletions.history(appKey, me, peer, conv, cursor.id, limit) ??
        this.#q.historyBefore.all(appKey, conv, cursor.id, limit);
    }
    // Shown once on disk: a commit whose fsync still runs may hold some (sqlite-commit.ts).
    const durable = this.#commits.settled();
    if (group) {
      await durable;
      return rows.map(toMessage);
    }
    // My messages up to the peer's read cursor are read; later ones delivered if they acked it.
    const readId = this.#q.readCursor.get(appKey, peer, me)?.read_id ?? 0;
    const messages = rows.map((row) => {
      const message = toMessage(row);
      if (row.from_user !== me) return message;
      if (row.id <= readId) message.receipt = 'read';
      else if (this.#q.findEvent.get(appKey, row.mid, 'delivered', peer))
        message.receipt = 'delivered';
      return message;
    });
    await durable;
    return messages;
  }

  async conversations(appKey: string, username: string): Promise<ConversationRecord[]> {
    const records = this.#q.conversations.all(appKey, username).map((row) => ({
      peer: row.conv_peer,
      chatType: row.conv_chat_type,
      lastMessage: toMessage(row),
      unread: row.unread,
    }));
    // Their last messages, unread counts and read cursors: shown once on disk.
    await this.#commits.settled();
    return records;
  }
}
