/**
 * PostgreSQL storage (`OPENWEBIM_DATABASE_URL`), for several server processes on one database.
 * The same contract as the SQLite file (storage.ts); what SQLite gets from running one transaction
 * at a time, this gets from row locks taken at the start of each transaction, always in the same
 * order (the users concerned, sorted; a group's or room's row before its members' users):
 *
 * - A user's inbox seqs are handed out by `UPDATE users SET last_seq = last_seq + 1` in the
 *   transaction that writes the row, under that user's lock: gap-free and in commit order, whichever
 *   process writes.
 * - A group change locks the group's row first (FOR UPDATE), so role checks, member counts and the
 *   change itself cannot interleave with another change of that group; group messages take the same
 *   row FOR SHARE, so they land wholly before or after a change of the members.
 * - A deadlock or serialization failure that slips through reruns the transaction (pg-database.ts).
 */
import { Limits } from '../../src/protocol/rest.js';
import type { GroupStorage, RoomStorage } from './group-storage.js';
import { all, lockUsers, nextSeq, one, PgDatabase, run, type Queryable } from './pg-database.js';
import { PgGroupStorage, appendUserEvent } from './pg-groups.js';
import { PgRoomStorage } from './pg-rooms.js';
import {
  appendToInbox,
  appValues,
  eventValues,
  findSent,
  grantChatfile,
  insertEventSql,
  insertMessage,
  insertUser,
} from './pg-rows.js';
import {
  toApp,
  toChatfile,
  toInboxEntry,
  toMessage,
  toReport,
  toUser,
  type AppRow,
  type ChatfileRow,
  type EventRow,
  type MessageRow,
  type ReportRow,
  type UserRow,
} from './rows.js';
import { migrate } from './pg-schema.js';
import { PgReactionStorage } from './pg-reactions.js';
import { PgDeletions } from './pg-deletions.js';
import { hiddenFor, joinClears, type DeletionStorage } from './deletion-storage.js';
import { PgVisitorStorage } from './pg-visitors.js';
import type { ReactionStorage } from './reaction-storage.js';
import type { VisitorStorage } from './visitor-storage.js';
import {
  conversationKey,
  type AnswerContactOutcome,
  type AppendedEvent,
  type AppRecord,
  type BlocklistChange,
  type ChatfileRecord,
  type ContactChange,
  type ContactRecord,
  type ContactRequestRecord,
  type ConversationRecord,
  type CreateUserResult,
  type InboxEntry,
  type MessageEdit,
  type NewMessage,
  type NewUserEvent,
  type PushTokenRecord,
  type ReportRecord,
  type ReadCursorMove,
  type RequestContactOutcome,
  type Storage,
  type StoreEventResult,
  type StoreMessageResult,
  type StoredEvent,
  type StoredMessage,
  type TokenRecord,
  type UserRecord,
} from './storage.js';

const appColumns = `key, org, name, uuid, max_users, closed_registration, origins, token_ttl,
  max_message_bytes, max_file_bytes, recall_seconds, max_group_members, room_admins, created,
  max_sessions_per_user, user_upload_quota_bytes, app_upload_quota_bytes, chatfile_ttl_days`;

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

const isContact = async (db: Queryable, appKey: string, a: string, b: string) =>
  (await one(db, 'SELECT 1 FROM contacts WHERE app_key = $1 AND username = $2 AND contact = $3', [
    appKey,
    a,
    b,
  ])) !== undefined;

const hasRequest = async (db: Queryable, appKey: string, from: string, to: string) =>
  (await one(
    db,
    'SELECT 1 FROM contact_requests WHERE app_key = $1 AND from_user = $2 AND to_user = $3',
    [appKey, from, to],
  )) !== undefined;

const count = async (db: Queryable, sql: string, values: unknown[]) =>
  (await one<{ n: number }>(db, sql, values))?.n ?? 0;

const contactsOf = (db: Queryable, appKey: string, username: string) =>
  count(db, 'SELECT count(*) AS n FROM contacts WHERE app_key = $1 AND username = $2', [
    appKey,
    username,
  ]);

async function makeContacts(db: Queryable, appKey: string, a: string, b: string, time: number) {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    await db.query(
      `INSERT INTO contacts (app_key, username, contact, since) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [appKey, x, y, time],
    );
  }
}

const blockedBy = async (db: Queryable, appKey: string, blocker: string) =>
  (
    await all<{ blocked: string }>(
      db,
      'SELECT blocked FROM blocks WHERE app_key = $1 AND blocker = $2 ORDER BY blocked',
      [appKey, blocker],
    )
  ).map((row) => row.blocked);

export class PgStorage implements Storage {
  readonly groups: GroupStorage;
  readonly rooms: RoomStorage;
  readonly visitors: VisitorStorage;
  readonly reactions: ReactionStorage;
  readonly deletions: DeletionStorage;
  readonly #deletions: PgDeletions;
  readonly #db: PgDatabase;

  /**
   * Connects lazily: the schema is created or migrated before the first statement (under an
   * advisory lock, so processes starting together do it once), and retried while it fails.
   */
  constructor(url: string, options: { poolSize?: number } = {}) {
    this.#db = new PgDatabase(url, migrate, { max: options.poolSize ?? 10 });
    this.groups = new PgGroupStorage(this.#db);
    this.rooms = new PgRoomStorage(this.#db);
    this.visitors = new PgVisitorStorage(this.#db);
    this.reactions = new PgReactionStorage(this.#db);
    this.deletions = this.#deletions = new PgDeletions(this.#db);
  }

  /** Resolves once the database answers and the schema is current. */
  ready(): Promise<void> {
    return this.#db.ready();
  }

  async getApp(key: string): Promise<AppRecord | undefined> {
    const row = await one<AppRow>(this.#db, 'SELECT * FROM apps WHERE key = $1', [key]);
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    return (await all<AppRow>(this.#db, 'SELECT * FROM apps ORDER BY created, key', [])).map(toApp);
  }

  async addApp(app: AppRecord): Promise<boolean> {
    const changed = await run(
      this.#db,
      `INSERT INTO apps (${appColumns})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (key) DO NOTHING`,
      appValues(app),
    );
    return changed === 1;
  }

  async updateApp(app: AppRecord): Promise<boolean> {
    const values = appValues(app);
    const changed = await run(
      this.#db,
      `UPDATE apps SET max_users = $2, closed_registration = $3, origins = $4, token_ttl = $5,
         max_message_bytes = $6, max_file_bytes = $7, recall_seconds = $8,
         max_group_members = $9, room_admins = $10, max_sessions_per_user = $11,
         user_upload_quota_bytes = $12, app_upload_quota_bytes = $13, chatfile_ttl_days = $14
       WHERE key = $1`,
      [values[0], ...values.slice(4, 13), ...values.slice(14, 18)],
    );
    return changed === 1;
  }

  createUser(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult> {
    return this.#db.tx((db) => insertUser(db, user, maxUsers));
  }

  async getUser(appKey: string, username: string): Promise<UserRecord | undefined> {
    const row = await one<UserRow>(
      this.#db,
      'SELECT * FROM users WHERE app_key = $1 AND username = $2',
      [appKey, username],
    );
    return row && toUser(row);
  }

  async updateNickname(appKey: string, username: string, nickname: string, at: number) {
    await this.#db.query(
      'UPDATE users SET nickname = $1, modified = $2 WHERE app_key = $3 AND username = $4',
      [nickname, at, appKey, username],
    );
  }

  savePushToken(appKey: string, username: string, token: PushTokenRecord, at: number) {
    return this.#db.tx(async (db) => {
      await db.query(
        `INSERT INTO push_tokens (app_key, username, device_id, device_token, notifier_name,
           modified)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (app_key, username, device_id) DO UPDATE SET
           device_token = excluded.device_token,
           notifier_name = excluded.notifier_name,
           modified = excluded.modified`,
        [appKey, username, token.deviceId, token.deviceToken, token.notifierName, at],
      );
      await db.query('UPDATE users SET modified = $1 WHERE app_key = $2 AND username = $3', [
        at,
        appKey,
        username,
      ]);
    });
  }

  async listPushTokens(appKey: string, username: string): Promise<PushTokenRecord[]> {
    const rows = await all<{ device_id: string; device_token: string; notifier_name: string }>(
      this.#db,
      `SELECT device_id, device_token, notifier_name FROM push_tokens
       WHERE app_key = $1 AND username = $2 ORDER BY device_id`,
      [appKey, username],
    );
    return rows.map((row) => ({
      deviceId: row.device_id,
      deviceToken: row.device_token,
      notifierName: row.notifier_name,
    }));
  }

  async saveToken(hash: string, token: TokenRecord): Promise<void> {
    await this.#db.query(
      'INSERT INTO tokens (hash, app_key, username, expires_at) VALUES ($1, $2, $3, $4)',
      [hash, token.appKey, token.username, token.expiresAt],
    );
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const row = await one<{ app_key: string; username: string; expires_at: number }>(
      this.#db,
      'SELECT app_key, username, expires_at FROM tokens WHERE hash = $1',
      [hash],
    );
    return row && { appKey: row.app_key, username: row.username, expiresAt: row.expires_at };
  }

  async revokeToken(hash: string): Promise<void> {
    await this.#db.query('DELETE FROM tokens WHERE hash = $1', [hash]);
  }

  changePassword(appKey: string, username: string, passwordHash: string, at: number) {
    return this.#db.tx(async (db) => {
      await db.query(
        'UPDATE users SET password_hash = $1, modified = $2 WHERE app_key = $3 AND username = $4',
        [passwordHash, at, appKey, username],
      );
      await db.query('DELETE FROM tokens WHERE app_key = $1 AND username = $2', [appKey, username]);
    });
  }

  async deleteTokensExpiredBefore(time: number): Promise<void> {
    await this.#db.query('DELETE FROM tokens WHERE expires_at < $1', [time]);
  }

  storeMessage(appKey: string, message: NewMessage): Promise<StoreMessageResult> {
    // Writes that arrive together share one transaction and one flush (group commit); each is
    // answered once the commit that holds it is done.
    const locks = { appKey, usernames: [message.from, message.to] };
    return this.#db.batched(locks, async (db) => {
      // The sender's lock also keeps a resend on another process from storing the id twice.
      await lockUsers(db, appKey, [message.from, message.to]);
      const existing = await findSent(db, appKey, message.from, message.clientId);
      if (existing) {
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
          existing.to_user === existing.from_user
            ? null
            : ((await seqOf(existing.to_user)) ?? null);
        return { duplicate: true, message: toMessage(existing), senderSeq, recipientSeq };
      }
      const { files, ...row } = message;
      const conv = conversationKey(message.from, message.to);
      const id = await insertMessage(db, appKey, row, conv);
      for (const uuid of files) {
        for (const username of new Set([message.from, message.to])) {
          await grantChatfile(db, appKey, uuid, username);
        }
      }
      const sides =
        message.to === message.from
          ? [[message.from, message.to]]
          : [
              [message.from, message.to],
              [message.to, message.from],
            ];
      for (const [me, peer] of sides) {
        await db.query(
          `INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (app_key, username, peer) DO UPDATE SET last_id = excluded.last_id`,
          [appKey, me, peer, message.chatType, conv, id],
        );
      }
      const senderSeq = await appendToInbox(db, appKey, message.from, id);
      const recipientSeq =
        message.to === message.from ? null : await appendToInbox(db, appKey, message.to, id);
      return { duplicate: false, message: { ...row, recalled: false }, senderSeq, recipientSeq };
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
    return this.#db.batched({ appKey, usernames: users }, async (db) => {
      // Locked first, so the same receipt sent twice at once is found as a duplicate the second time.
      await lockUsers(db, appKey, users);
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

  async addChatfile(file: ChatfileRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO chatfiles (app_key, uuid, uploader, secret_hash, size, content_type, filename,
         created)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        file.appKey,
        file.uuid,
        file.uploader,
        file.secretHash,
        file.size,
        file.contentType,
        file.filename,
        file.created,
      ],
    );
  }

  async getChatfile(appKey: string, uuid: string): Promise<ChatfileRecord | undefined> {
    const row = await one<ChatfileRow>(
      this.#db,
      'SELECT * FROM chatfiles WHERE app_key = $1 AND uuid = $2',
      [appKey, uuid],
    );
    return row && toChatfile(row);
  }

  async chatfileBytes(appKey: string, uploader: string | null, since: number): Promise<number> {
    const row = await one<{ n: string }>(
      this.#db,
      `SELECT coalesce(sum(size), 0) AS n FROM chatfiles
       WHERE app_key = $1 AND ($2::text IS NULL OR uploader = $2) AND created >= $3`,
      [appKey, uploader, since],
    );
    return Number(row?.n ?? 0);
  }

  async chatfilesCreatedBetween(appKey: string, after: number, before: number) {
    const result = await this.#db.query<{ uuid: string }>(
      'SELECT uuid FROM chatfiles WHERE app_key = $1 AND created >= $2 AND created < $3',
      [appKey, after, before],
    );
    return result.rows.map((row) => row.uuid);
  }

  async hasChatfileGrant(appKey: string, uuid: string, username: string): Promise<boolean> {
    const row = await one(
      this.#db,
      'SELECT 1 FROM chatfile_grants WHERE app_key = $1 AND uuid = $2 AND username = $3',
      [appKey, uuid, username],
    );
    return row !== undefined;
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
    return this.#db.batched({ appKey, usernames: inboxes }, async (db) => {
      await lockUsers(db, appKey, inboxes);
      return appendUserEvent(db, appKey, event, inboxes);
    });
  }

  requestContact(
    appKey: string,
    request: ContactRequestRecord,
    contactsMax: number,
  ): Promise<ContactChange<RequestContactOutcome>> {
    return this.#db.tx(async (db) => {
      const { from, to, message, time } = request;
      // Both locked: two users asking each other at once must end as contacts, not two requests.
      await lockUsers(db, appKey, [from, to]);
      const unchanged = (outcome: RequestContactOutcome) => ({ outcome, events: [] });
      if (
        await one(db, 'SELECT 1 FROM blocks WHERE app_key = $1 AND blocker = $2 AND blocked = $3', [
          appKey,
          to,
          from,
        ])
      ) {
        return unchanged('blocked');
      }
      if (await isContact(db, appKey, from, to)) return unchanged('already-contacts');
      if (await hasRequest(db, appKey, from, to)) return unchanged('already-requested');
      if (await hasRequest(db, appKey, to, from)) {
        // They asked first: asking back is saying yes.
        if ((await contactsOf(db, appKey, from)) >= contactsMax) return unchanged('contacts-full');
        await db.query(
          'DELETE FROM contact_requests WHERE app_key = $1 AND from_user = $2 AND to_user = $3',
          [appKey, to, from],
        );
        await makeContacts(db, appKey, from, to, time);
        const event: NewUserEvent = { kind: 'contact', operation: 'accept', from, to, time };
        return {
          outcome: 'accepted' as const,
          events: await appendUserEvent(db, appKey, event, [from, to]),
        };
      }
      // Pending requests count too, or one user could keep thousands of them open.
      const used =
        (await contactsOf(db, appKey, from)) +
        (await count(
          db,
          'SELECT count(*) AS n FROM contact_requests WHERE app_key = $1 AND from_user = $2',
          [appKey, from],
        ));
      if (used >= contactsMax) return unchanged('contacts-full');
      await db.query(
        `INSERT INTO contact_requests (app_key, from_user, to_user, message, time)
         VALUES ($1, $2, $3, $4, $5)`,
        [appKey, from, to, message, time],
      );
      const event: NewUserEvent = {
        kind: 'contact',
        operation: 'request',
        from,
        to,
        status: message,
        time,
      };
      return {
        outcome: 'requested' as const,
        events: await appendUserEvent(db, appKey, event, [from, to]),
      };
    });
  }

  answerContactRequest(
    appKey: string,
    me: string,
    from: string,
    accept: boolean,
    time: number,
    contactsMax: number,
  ): Promise<ContactChange<AnswerContactOutcome>> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [me, from]);
      if (!(await hasRequest(db, appKey, from, me))) {
        return { outcome: 'no-request' as const, events: [] };
      }
      if (accept && (await contactsOf(db, appKey, me)) >= contactsMax) {
        return { outcome: 'contacts-full' as const, events: [] };
      }
      await db.query(
        'DELETE FROM contact_requests WHERE app_key = $1 AND from_user = $2 AND to_user = $3',
        [appKey, from, me],
      );
      if (accept) await makeContacts(db, appKey, me, from, time);
      const event: NewUserEvent = {
        kind: 'contact',
        operation: accept ? 'accept' : 'decline',
        from: me,
        to: from,
        time,
      };
      return {
        outcome: 'answered' as const,
        events: await appendUserEvent(db, appKey, event, [me, from]),
      };
    });
  }

  removeContact(
    appKey: string,
    me: string,
    contact: string,
    time: number,
  ): Promise<ContactChange<'removed' | 'not-contacts'>> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [me, contact]);
      if (!(await isContact(db, appKey, me, contact))) {
        return { outcome: 'not-contacts' as const, events: [] };
      }
      await db.query(
        `DELETE FROM contacts WHERE app_key = $1
           AND ((username = $2 AND contact = $3) OR (username = $3 AND contact = $2))`,
        [appKey, me, contact],
      );
      const event: NewUserEvent = {
        kind: 'contact',
        operation: 'remove',
        from: me,
        to: contact,
        time,
      };
      return {
        outcome: 'removed' as const,
        events: await appendUserEvent(db, appKey, event, [me, contact]),
      };
    });
  }

  async listContacts(appKey: string, username: string): Promise<ContactRecord[]> {
    const rows = await all<{ contact: string; nickname: string | null }>(
      this.#db,
      `SELECT c.contact, u.nickname FROM contacts c
       LEFT JOIN users u ON u.app_key = c.app_key AND u.username = c.contact
       WHERE c.app_key = $1 AND c.username = $2 ORDER BY c.contact`,
      [appKey, username],
    );
    return rows.map((row) => ({ username: row.contact, nickname: row.nickname }));
  }

  async listContactRequests(appKey: string, username: string): Promise<ContactRequestRecord[]> {
    const rows = await all<{ from_user: string; to_user: string; message: string; time: number }>(
      this.#db,
      `SELECT from_user, to_user, message, time FROM contact_requests
       WHERE app_key = $1 AND (from_user = $2 OR to_user = $2)
       ORDER BY time, from_user, to_user`,
      [appKey, username],
    );
    return rows.map((row) => ({
      from: row.from_user,
      to: row.to_user,
      message: row.message,
      time: row.time,
    }));
  }

  block(
    appKey: string,
    blocker: string,
    usernames: string[],
    time: number,
    blocklistMax: number,
  ): Promise<BlocklistChange> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [blocker]);
      const current = await blockedBy(db, appKey, blocker);
      const added = [...new Set(usernames)].filter((name) => !current.includes(name));
      if (current.length + added.length > blocklistMax) {
        return { ok: false, blocked: current, events: [] };
      }
      const events: AppendedEvent[] = [];
      for (const blocked of added) {
        await db.query(
          'INSERT INTO blocks (app_key, blocker, blocked, time) VALUES ($1, $2, $3, $4)',
          [appKey, blocker, blocked, time],
        );
        // Only the blocker's devices learn of it; the blocked user is never told.
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'block',
          from: blocker,
          to: blocked,
          time,
        };
        events.push(...(await appendUserEvent(db, appKey, event, [blocker])));
      }
      return { ok: true, blocked: await blockedBy(db, appKey, blocker), events };
    });
  }

  unblock(
    appKey: string,
    blocker: string,
    blocked: string,
    time: number,
  ): Promise<BlocklistChange> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [blocker]);
      const deleted = await run(
        db,
        'DELETE FROM blocks WHERE app_key = $1 AND blocker = $2 AND blocked = $3',
        [appKey, blocker, blocked],
      );
      if (deleted === 0)
        return { ok: true, blocked: await blockedBy(db, appKey, blocker), events: [] };
      const event: NewUserEvent = {
        kind: 'contact',
        operation: 'unblock',
        from: blocker,
        to: blocked,
        time,
      };
      const events = await appendUserEvent(db, appKey, event, [blocker]);
      return { ok: true, blocked: await blockedBy(db, appKey, blocker), events };
    });
  }

  listBlocked(appKey: string, blocker: string): Promise<string[]> {
    return blockedBy(this.#db, appKey, blocker);
  }

  async isBlocked(appKey: string, blocker: string, blocked: string): Promise<boolean> {
    const row = await one(
      this.#db,
      'SELECT 1 FROM blocks WHERE app_key = $1 AND blocker = $2 AND blocked = $3',
      [appKey, blocker, blocked],
    );
    return row !== undefined;
  }

  async blockersOf(appKey: string, blocked: string): Promise<string[]> {
    const rows = await all<{ blocker: string }>(
      this.#db,
      'SELECT blocker FROM blocks WHERE app_key = $1 AND blocked = $2 ORDER BY blocker',
      [appKey, blocked],
    );
    return rows.map((row) => row.blocker);
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
