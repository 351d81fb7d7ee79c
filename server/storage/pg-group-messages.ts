/**
 * A group's messages in PostgreSQL, for {@link PgGroupStorage}: a message to a group (fanned out
 * to every member's inbox), its read acks and its recall. Each takes the group's row FOR SHARE (a
 * change of the members takes it FOR UPDATE), so none runs across a change of the members.
 */
import type { InboxEvent } from '../../src/protocol/frames.js';
import type { GroupMessageResult } from './group-storage.js';
import {
  all,
  lockUsers,
  nextSeq,
  one,
  run,
  type PgDatabase,
  type Queryable,
} from './pg-database.js';
import {
  appendToInbox,
  eventValues,
  findSent,
  grantChatfile,
  insertEventSql,
  insertMessage,
} from './pg-rows.js';
import { receiptColumns, toMessage, type MessageRow } from './rows.js';
import type { NewMessage, StoredMessage } from './storage.js';

/** A group's members' usernames (`db` holds the group's row). */
export type MembersOf = (db: Queryable, appKey: string, gid: string) => Promise<string[]>;

export class PgGroupMessages {
  readonly #db: PgDatabase;
  readonly #membersOf: MembersOf;

  constructor(db: PgDatabase, membersOf: MembersOf) {
    this.#db = db;
    this.#membersOf = membersOf;
  }

  store(
    appKey: string,
    message: NewMessage & { allowGroupAck: boolean },
    skip: string[],
  ): Promise<GroupMessageResult> {
    // Group commit: the batch holds the group FOR SHARE and its members' locks before any work.
    const locks = { appKey, usernames: [message.from], groups: [message.to] };
    return this.#db.batched(locks, async (db) => {
      // No change of the members while the message is fanned out (changes take it FOR UPDATE).
      await db.query('SELECT 1 FROM chat_groups WHERE app_key = $1 AND id = $2 FOR SHARE', [
        appKey,
        message.to,
      ]);
      const recipients = (await this.#membersOf(db, appKey, message.to)).filter(
        (name) => name === message.from || !skip.includes(name),
      );
      await lockUsers(db, appKey, [message.from, ...recipients]);
      const existing = await findSent(db, appKey, message.from, message.clientId);
      if (existing) {
        const rows = await all<{ username: string; seq: number }>(
          db,
          'SELECT username, seq FROM inbox WHERE app_key = $1 AND message_id = $2',
          [appKey, existing.id],
        );
        const seqs = Object.fromEntries(rows.map((row) => [row.username, row.seq]));
        return { duplicate: true, message: toMessage(existing), seqs };
      }
      const { files, allowGroupAck, ...given } = message;
      const { id, mid } = await insertMessage(db, appKey, message, message.to);
      const row = { ...given, mid };
      const seqs: Record<string, number> = {};
      for (const username of recipients) {
        seqs[username] = await appendToInbox(db, appKey, username, id);
        // A new conversation row starts read up to the message before this one: what was said
        // before the member got anything is not unread for them.
        await db.query(
          `INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id, read_id)
           VALUES ($1, $2, $3, 'groupChat', $3, $4, $5)
           ON CONFLICT (app_key, username, peer) DO UPDATE SET last_id = excluded.last_id`,
          [appKey, username, message.to, id, id - 1],
        );
        for (const uuid of files) await grantChatfile(db, appKey, uuid, username);
      }
      const stored: StoredMessage = {
        ...row,
        recalled: false,
        ...(allowGroupAck ? { allowGroupAck: true } : {}),
      };
      return { duplicate: false, message: stored, seqs };
    });
  }

  storeRead(appKey: string, message: StoredMessage, reader: string, time: number) {
    const users = [reader, ...(message.allowGroupAck ? [message.from] : [])];
    return this.#db.batched({ appKey, usernames: users }, async (db) => {
      await lockUsers(db, appKey, users);
      const target = await one<{ id: number }>(
        db,
        'SELECT id FROM messages WHERE app_key = $1 AND mid = $2',
        [appKey, message.mid],
      );
      const added =
        target &&
        (await run(
          db,
          `INSERT INTO group_reads (app_key, mid, reader, time) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`,
          [appKey, message.mid, reader, time],
        ));
      if (!target || !added) {
        return { duplicate: true, readerSeq: 0, senderSeq: null, readCount: 0 };
      }
      await db.query(
        `UPDATE conversations SET read_id = GREATEST(read_id, $1)
         WHERE app_key = $2 AND username = $3 AND peer = $4`,
        [target.id, appKey, reader, message.to],
      );
      const base = {
        kind: 'read' as const,
        from: reader,
        to: message.to,
        chatType: 'groupChat' as const,
        mid: message.mid,
        time,
      };
      const readerSeq = await appendInboxEvent(db, appKey, reader, base, false);
      const readCount =
        (
          await one<{ n: number }>(
            db,
            'SELECT count(*) AS n FROM group_reads WHERE app_key = $1 AND mid = $2',
            [appKey, message.mid],
          )
        )?.n ?? 0;
      const senderSeq = message.allowGroupAck
        ? await appendInboxEvent(
            db,
            appKey,
            message.from,
            { ...base, groupReadCount: readCount },
            true,
          )
        : null;
      return { duplicate: false, readerSeq, senderSeq, readCount };
    });
  }

  async reads(appKey: string, mid: string) {
    const rows = await all<{ reader: string; time: number }>(
      this.#db,
      'SELECT reader, time FROM group_reads WHERE app_key = $1 AND mid = $2 ORDER BY time, reader',
      [appKey, mid],
    );
    return rows.map((row) => ({ username: row.reader, time: row.time }));
  }

  recall(appKey: string, mid: string, time: number) {
    return this.#db.tx(async (db) => {
      const row = await one<MessageRow>(
        db,
        'SELECT * FROM messages WHERE app_key = $1 AND mid = $2',
        [appKey, mid],
      );
      if (!row) throw new Error(`no message ${mid} in ${appKey}`);
      await db.query('SELECT 1 FROM chat_groups WHERE app_key = $1 AND id = $2 FOR SHARE', [
        appKey,
        row.to_user,
      ]);
      const members = await this.#membersOf(db, appKey, row.to_user);
      const inboxes = [...new Set([row.from_user, ...members])];
      await lockUsers(db, appKey, inboxes);
      const marked = await run(
        db,
        'UPDATE messages SET recalled = true WHERE id = $1 AND NOT recalled',
        [row.id],
      );
      if (marked === 0) return { duplicate: true, seqs: {} };
      await db.query(
        `UPDATE conversations SET last_id =
           (SELECT max(id) FROM messages m
            WHERE m.app_key = conversations.app_key AND m.conv = conversations.conv
              AND NOT m.recalled)
         WHERE app_key = $1 AND peer = $2 AND conv = $2 AND last_id = $3`,
        [appKey, row.to_user, row.id],
      );
      const event = {
        kind: 'recall' as const,
        from: row.from_user,
        to: row.to_user,
        chatType: 'groupChat' as const,
        mid,
        time,
      };
      const seqs: Record<string, number> = {};
      for (const username of inboxes) {
        seqs[username] = await appendInboxEvent(db, appKey, username, event, false);
      }
      return { duplicate: false, seqs };
    });
  }
}

async function appendInboxEvent(
  db: Queryable,
  appKey: string,
  username: string,
  event: Omit<InboxEvent, 'seq'>,
  withData: boolean,
): Promise<number> {
  const seq = await nextSeq(db, appKey, username);
  await db.query(
    insertEventSql,
    eventValues(appKey, username, seq, receiptColumns(event, withData)),
  );
  return seq;
}
