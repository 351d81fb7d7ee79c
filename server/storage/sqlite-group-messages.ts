/**
 * A group's messages in the embedded SQLite file, for {@link SqliteGroupStorage}: a message to a
 * group (fanned out to every member's inbox), its read acks and its recall. Message and read ack
 * join the store's group commit (one fsync per batch); a recall is a transaction of its own.
 */
import type Database from 'better-sqlite3';
import type { InboxEvent } from '../../src/protocol/frames.js';
import type { GroupStorage } from './group-storage.js';
import type { GroupCommit } from './sqlite-commit.js';
import type { InboxWriters } from './sqlite-groups.js';
import type { Transaction } from './sqlite-inbox.js';
import { receiptColumns, toMessage } from './rows.js';
import type { NewMessage, StoredMessage } from './storage.js';

export class SqliteGroupMessages {
  readonly #q;
  readonly #store: Transaction<GroupStorage['storeGroupMessage']>;
  readonly #storeRead: Transaction<GroupStorage['storeGroupRead']>;
  readonly #recall: Transaction<GroupStorage['recallGroupMessage']>;
  readonly #commits: GroupCommit;

  constructor(
    db: Database.Database,
    writers: InboxWriters,
    membersOf: (appKey: string, gid: string) => string[],
  ) {
    this.#commits = writers.commits;
    const q = {
      ...writers.statements,
      insertMessage: db.prepare(
        `INSERT INTO messages (app_key, mid, client_id, from_user, to_user, chat_type, type, body,
           ext, time, conv, allow_group_ack)
         VALUES (@appKey, @mid, @clientId, @from, @to, @chatType, @type, @body, @ext, @time, @to,
           @allowGroupAck)`,
      ),
      inboxSeqs: db.prepare<[string, number], { username: string; seq: number }>(
        'SELECT username, seq FROM inbox WHERE app_key = ? AND message_id = ?',
      ),
      // A new conversation row starts read up to the message before this one: what was said in
      // the group before the member got anything is not unread for them.
      touchConversation: db.prepare<
        [{ appKey: string; username: string; gid: string; id: number; readId: number }]
      >(
        `INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id, read_id)
         VALUES (@appKey, @username, @gid, 'groupChat', @gid, @id, @readId)
         ON CONFLICT (app_key, username, peer) DO UPDATE SET last_id = excluded.last_id`,
      ),
      addRead: db.prepare<[string, string, string, number]>(
        `INSERT INTO group_reads (app_key, mid, reader, time) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      countReads: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM group_reads WHERE app_key = ? AND mid = ?',
      ),
      reads: db.prepare<[string, string], { reader: string; time: number }>(
        'SELECT reader, time FROM group_reads WHERE app_key = ? AND mid = ? ORDER BY time, reader',
      ),
      refreshLast: db.prepare<[string, string, string, number]>(
        `UPDATE conversations SET last_id =
           (SELECT max(id) FROM messages m
            WHERE m.app_key = conversations.app_key AND m.conv = conversations.conv
              AND m.recalled = 0)
         WHERE app_key = ? AND peer = ? AND conv = ? AND last_id = ?`,
      ),
    };
    this.#q = q;

    this.#store = (
      appKey: string,
      message: NewMessage & { allowGroupAck: boolean },
      skip: string[],
    ) => {
      const existing = q.findMessage.get(appKey, message.from, message.clientId);
      if (existing) {
        const seqs = Object.fromEntries(
          q.inboxSeqs.all(appKey, existing.id).map((row) => [row.username, row.seq]),
        );
        return { duplicate: true, message: toMessage(existing), seqs };
      }
      const { files, allowGroupAck, ...row } = message;
      const { lastInsertRowid } = q.insertMessage.run({
        appKey,
        ...row,
        allowGroupAck: allowGroupAck ? 1 : 0,
      });
      const id = Number(lastInsertRowid);
      const seqs: Record<string, number> = {};
      const recipients = membersOf(appKey, message.to).filter(
        (name) => name === message.from || !skip.includes(name),
      );
      for (const username of recipients) {
        const seq = writers.nextSeq(appKey, username);
        q.appendInbox.run(appKey, username, seq, id);
        q.touchConversation.run({ appKey, username, gid: message.to, id, readId: id - 1 });
        for (const uuid of files) q.grantChatfile.run(appKey, uuid, username);
        seqs[username] = seq;
      }
      const stored: StoredMessage = {
        ...row,
        recalled: false,
        ...(allowGroupAck ? { allowGroupAck: true } : {}),
      };
      return { duplicate: false, message: stored, seqs };
    };

    const appendInboxEvent = (
      appKey: string,
      username: string,
      event: Omit<InboxEvent, 'seq'>,
      withData: boolean,
    ): number => {
      const seq = writers.nextSeq(appKey, username);
      q.appendEvent.run({ appKey, username, seq, ...receiptColumns(event, withData) });
      return seq;
    };

    this.#storeRead = (appKey: string, message: StoredMessage, reader: string, time: number) => {
      const id = q.getMessage.get(appKey, message.mid)?.id;
      if (id === undefined || q.addRead.run(appKey, message.mid, reader, time).changes === 0) {
        return { duplicate: true, readerSeq: 0, senderSeq: null, readCount: 0 };
      }
      q.raiseReadTo.run(id, appKey, reader, message.to);
      const base = {
        kind: 'read' as const,
        from: reader,
        to: message.to,
        chatType: 'groupChat' as const,
        mid: message.mid,
        time,
      };
      const readerSeq = appendInboxEvent(appKey, reader, base, false);
      const readCount = q.countReads.get(appKey, message.mid)?.n ?? 0;
      const senderSeq = message.allowGroupAck
        ? appendInboxEvent(appKey, message.from, { ...base, groupReadCount: readCount }, true)
        : null;
      return { duplicate: false, readerSeq, senderSeq, readCount };
    };

    this.#recall = db.transaction((appKey: string, mid: string, time: number) => {
      const row = q.getMessage.get(appKey, mid);
      if (!row) throw new Error(`no message ${mid} in ${appKey}`);
      if (row.recalled === 1) return { duplicate: true, seqs: {} };
      q.markRecalled.run(row.id);
      q.refreshLast.run(appKey, row.to_user, row.to_user, row.id);
      const seqs: Record<string, number> = {};
      const event = {
        kind: 'recall' as const,
        from: row.from_user,
        to: row.to_user,
        chatType: 'groupChat' as const,
        mid,
        time,
      };
      for (const username of new Set([row.from_user, ...membersOf(appKey, row.to_user)])) {
        seqs[username] = appendInboxEvent(appKey, username, event, false);
      }
      return { duplicate: false, seqs };
    });
  }

  store(appKey: string, message: NewMessage & { allowGroupAck: boolean }, skip: string[]) {
    return this.#commits.run(() => this.#store(appKey, message, skip));
  }

  storeRead(appKey: string, message: StoredMessage, reader: string, time: number) {
    return this.#commits.run(() => this.#storeRead(appKey, message, reader, time));
  }

  async reads(appKey: string, mid: string) {
    const reads = this.#q.reads
      .all(appKey, mid)
      .map((row) => ({ username: row.reader, time: row.time }));
    // Shown once on disk: a commit whose fsync still runs may hold some (sqlite-commit.ts).
    await this.#commits.settled();
    return reads;
  }

  recall(appKey: string, mid: string, time: number) {
    return this.#recall(appKey, mid, time);
  }
}
