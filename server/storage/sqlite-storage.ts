/**
 * The embedded default storage: one SQLite file, opened with better-sqlite3 (synchronous, so each
 * transaction below runs without interleaving). WAL mode lets the CLI (`app add`) write while a
 * server process reads. Every statement is prepared once; no SQL is ever built from input.
 */
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Limits } from '../../src/protocol/rest.js';
import type { GroupStorage, RoomStorage } from './group-storage.js';
import { migrationTo4, SqliteGroupStorage } from './sqlite-groups.js';
import { SqliteRoomStorage } from './sqlite-rooms.js';
import { Checkpoints } from './sqlite-checkpoints.js';
import { migrationTo10, SqliteReactionStorage } from './sqlite-reactions.js';
import { migrationTo11, SqliteDeletions } from './sqlite-deletions.js';
import { hiddenFor, joinClears, type DeletionStorage } from './deletion-storage.js';
import { migrationTo7, SqliteVisitorStorage } from './sqlite-visitors.js';
import { prepareInsertUser } from './sqlite-users.js';
import type { ReactionStorage } from './reaction-storage.js';
import type { VisitorStorage } from './visitor-storage.js';
import { GroupCommit } from './sqlite-commit.js';
import {
  toApp,
  toChatfile,
  toInboxEntry,
  toMessage,
  toReport,
  toUser,
  withSeq,
  type AppRow,
  type ChatfileRow,
  type EventRow,
  type MessageRow,
  type ReportRow,
  type UserRow,
} from './rows.js';
import { inboxStatements, type Transaction } from './sqlite-inbox.js';
import { conversationKey } from './storage.js';
import type {
  AnswerContactOutcome,
  AppendedEvent,
  AppRecord,
  BlocklistChange,
  ContactChange,
  ContactRecord,
  ContactRequestRecord,
  ChatfileRecord,
  ConversationRecord,
  CreateUserResult,
  InboxEntry,
  MessageEdit,
  NewMessage,
  NewUserEvent,
  PushTokenRecord,
  ReportRecord,
  ReadCursorMove,
  RequestContactOutcome,
  Storage,
  StoreEventResult,
  StoreMessageResult,
  StoredEvent,
  StoredMessage,
  TokenRecord,
  UserRecord,
} from './storage.js';

const SCHEMA_VERSION = 11;

/** The tables as schema 1 made them; later versions migrate from here (also for fresh files). */
export const schemaVersion1 = `
CREATE TABLE IF NOT EXISTS apps (
  key TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  name TEXT NOT NULL,
  uuid TEXT NOT NULL,
  max_users INTEGER,
  closed_registration INTEGER NOT NULL DEFAULT 0,
  origins TEXT,
  token_ttl INTEGER,
  max_message_bytes INTEGER,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  uuid TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  nickname TEXT,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  cursor INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, username)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS push_tokens (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  device_id TEXT NOT NULL,
  device_token TEXT NOT NULL,
  notifier_name TEXT NOT NULL,
  modified INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, device_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_expiry ON tokens (expires_at);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  ext TEXT NOT NULL,
  time INTEGER NOT NULL,
  UNIQUE (app_key, from_user, client_id)
);
CREATE TABLE IF NOT EXISTS inbox (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages (id),
  PRIMARY KEY (app_key, username, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inbox_message ON inbox (message_id);
CREATE TABLE IF NOT EXISTS device_cursors (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, device_id)
) WITHOUT ROWID;
`;

/**
 * Schema 2 (issue 3): every message kind (the body becomes the whole MessageBody as JSON),
 * recall, receipts as inbox events, chatfiles, and per-user conversations with a read cursor.
 * `conv` is the two participants, sorted and space-separated, so one index serves history.
 */
export const migrationTo2 = `
ALTER TABLE apps ADD COLUMN max_file_bytes INTEGER;
ALTER TABLE apps ADD COLUMN recall_seconds INTEGER;
ALTER TABLE messages ADD COLUMN conv TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN recalled INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET
  body = json_object('type', 'txt', 'msg', body),
  conv = CASE WHEN from_user <= to_user THEN from_user || ' ' || to_user
              ELSE to_user || ' ' || from_user END;
CREATE INDEX messages_conv ON messages (app_key, conv, id);
CREATE TABLE inbox_events (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  mid TEXT,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, seq)
) WITHOUT ROWID;
CREATE INDEX inbox_events_mid ON inbox_events (app_key, mid);
CREATE TABLE conversations (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  peer TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  conv TEXT NOT NULL,
  -- The newest non-recalled message (messages.id); NULL when every message was recalled.
  last_id INTEGER,
  -- Messages from the peer up to this messages.id count as read.
  read_id INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, username, peer)
) WITHOUT ROWID;
INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id)
  SELECT app_key, from_user, to_user, chat_type, conv, max(id) FROM messages
  GROUP BY app_key, from_user, to_user
  ON CONFLICT DO NOTHING;
INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id)
  SELECT app_key, to_user, from_user, chat_type, conv, max(id) FROM messages
  GROUP BY app_key, to_user, from_user
  ON CONFLICT (app_key, username, peer) DO UPDATE SET last_id = max(last_id, excluded.last_id);
CREATE TABLE chatfiles (
  app_key TEXT NOT NULL,
  uuid TEXT NOT NULL,
  uploader TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  filename TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (app_key, uuid)
) WITHOUT ROWID;
CREATE TABLE chatfile_grants (
  app_key TEXT NOT NULL,
  uuid TEXT NOT NULL,
  username TEXT NOT NULL,
  PRIMARY KEY (app_key, uuid, username)
) WITHOUT ROWID;
`;

/**
 * Schema 3 (issue 4): contacts, contact requests and blocklists; inbox events gain `data`, the
 * whole contact or group event as JSON (its `kind` column is 'contact' or 'group', `to_user` the
 * other user or the group id, `chat_type` ''), so they replay with messages in one seq order.
 * A contact is two rows, one per side, so either side's list is one index range.
 */
const migrationTo3 = `
ALTER TABLE inbox_events ADD COLUMN data TEXT;
CREATE TABLE contacts (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  contact TEXT NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, contact)
) WITHOUT ROWID;
CREATE TABLE contact_requests (
  app_key TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  message TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX contact_requests_to ON contact_requests (app_key, to_user);
CREATE TABLE blocks (
  app_key TEXT NOT NULL,
  blocker TEXT NOT NULL,
  blocked TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, blocker, blocked)
) WITHOUT ROWID;
CREATE INDEX blocks_blocked ON blocks (app_key, blocked);
`;

/**
 * Schema 5 (issue 11): per-app sessions cap, upload quotas and chatfile lifetime; chatfiles whose
 * time is up keep their row (so a download can say "expired") with `expired` set and no bytes on
 * disk; tokens can be revoked per user.
 */
const migrationTo5 = `
ALTER TABLE apps ADD COLUMN max_sessions_per_user INTEGER;
ALTER TABLE apps ADD COLUMN user_upload_quota_bytes INTEGER;
ALTER TABLE apps ADD COLUMN app_upload_quota_bytes INTEGER;
ALTER TABLE apps ADD COLUMN chatfile_ttl_days INTEGER;
ALTER TABLE chatfiles ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;
CREATE INDEX chatfiles_uploader ON chatfiles (app_key, uploader) WHERE expired = 0;
CREATE INDEX chatfiles_live ON chatfiles (created) WHERE expired = 0;
CREATE INDEX tokens_user ON tokens (app_key, username);
`;

/** Schema 6 (issue 14): a text message's edits (who last, when, how many). */
const migrationTo6 = `
ALTER TABLE messages ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_by TEXT;
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
`;

/**
 * Schema 8 (issue 14): moderation of groups and rooms. A group's and a room's announcement and
 * "everyone muted" flag; users banned from a group; a user's standing in a room (admin, muted,
 * banned), kept apart from its members so that leaving and joining again undoes none of it.
 */
const migrationTo8 = `
ALTER TABLE chat_groups ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_groups ADD COLUMN all_muted INTEGER NOT NULL DEFAULT 0;
CREATE TABLE group_bans (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  username TEXT NOT NULL,
  by_user TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, gid, username)
) WITHOUT ROWID;
ALTER TABLE rooms ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN all_muted INTEGER NOT NULL DEFAULT 0;
CREATE TABLE room_roles (
  app_key TEXT NOT NULL,
  room_id TEXT NOT NULL,
  username TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  mute_until INTEGER,
  banned INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, room_id, username)
) WITHOUT ROWID;
`;

/** Schema 9 (issue 14): messages reported to the app's moderators. */
const migrationTo9 = `
CREATE TABLE IF NOT EXISTS reports (
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL,
  reporter TEXT NOT NULL,
  sender TEXT NOT NULL,
  to_id TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  report_type TEXT NOT NULL,
  reason TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, mid, reporter)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reports_time ON reports (app_key, time);
`;

/**
 * The WAL file's name is on disk once its directory is fsynced (SQLite created the file). Where a
 * directory cannot be opened or fsynced (Windows), the file system needs no such step.
 */
function syncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Not a step this platform has.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const appParams = (app: AppRecord) => ({
  key: app.key,
  org: app.org,
  name: app.name,
  uuid: app.uuid,
  maxUsers: app.maxUsers,
  closedRegistration: app.closedRegistration ? 1 : 0,
  origins: app.origins === null ? null : JSON.stringify(app.origins),
  tokenTtl: app.tokenTtlSeconds,
  maxMessageBytes: app.maxMessageBytes,
  maxFileBytes: app.maxFileBytes,
  recallSeconds: app.recallSeconds,
  maxGroupMembers: app.maxGroupMembers,
  roomAdmins: app.roomAdmins.length === 0 ? null : JSON.stringify(app.roomAdmins),
  maxSessionsPerUser: app.maxSessionsPerUser ?? null,
  userUploadQuotaBytes: app.userUploadQuotaBytes ?? null,
  appUploadQuotaBytes: app.appUploadQuotaBytes ?? null,
  chatfileTtlDays: app.chatfileTtlDays ?? null,
  created: app.created,
});

export class SqliteStorage implements Storage {
  readonly groups: GroupStorage;
  readonly rooms: RoomStorage;
  readonly visitors: VisitorStorage;
  readonly reactions: ReactionStorage;
  readonly deletions: DeletionStorage;
  /** One group-commit queue for every message write: they apply in call order. */
  readonly ordersWrites = true;
  readonly #deletions: SqliteDeletions;
  readonly #db: Database.Database;
  readonly #commits: GroupCommit;
  readonly #checkpoints: Checkpoints;
  /** The WAL file group commit fsyncs (none in memory or with `synchronous: 'normal'`). */
  readonly #walPath: string | undefined;
  #walFd: number | undefined;
  readonly #q;
  readonly #storeMessage: Transaction<Storage['storeMessage']>;
  readonly #createUser: Transaction<Storage['createUser']>;
  readonly #raiseCursor: Transaction<Storage['raiseCursor']>;
  readonly #storeEvent: Transaction<Storage['storeEvent']>;
  readonly #recallMessage: Transaction<Storage['recallMessage']>;
  readonly #appendUserEvent: Transaction<Storage['appendUserEvent']>;
  readonly #editMessage: Transaction<Storage['editMessage']>;
  readonly #requestContact: Transaction<Storage['requestContact']>;
  readonly #answerContactRequest: Transaction<Storage['answerContactRequest']>;
  readonly #removeContact: Transaction<Storage['removeContact']>;
  readonly #block: Transaction<Storage['block']>;
  readonly #unblock: Transaction<Storage['unblock']>;

  /**
   * Opens (and creates or migrates) the database file at `path`. `synchronous: 'normal'` gives up
   * durability across a power loss for speed (OPENWEBIM_SQLITE_SYNCHRONOUS; the bench compares).
   */
  constructor(path: string, options: { synchronous?: 'full' | 'normal' } = {}) {
    // Created 0600 before SQLite opens it: its -wal and -shm files take the same mode.
    if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
    const db = new Database(path);
    this.#db = db;
    db.pragma('journal_mode = WAL');
    // The CLI and the server may write at the same moment; wait instead of failing.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // FULL: every commit is fsynced before it returns, so an ack (sent after the commit) survives
    // a power loss, not only a crash. Group commit (sqlite-commit.ts) keeps that to one fsync per
    // turn of the event loop, run on the thread pool (the WAL file, below), and checkpoints run
    // in a worker (sqlite-checkpoints.ts).
    const durable = options.synchronous !== 'normal';
    db.pragma(durable ? 'synchronous = FULL' : 'synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    this.#walPath = path === ':memory:' || !durable ? undefined : `${path}-wal`;
    this.#commits = new GroupCommit(db, {
      sync: this.#walPath === undefined ? undefined : (done) => this.#syncWal(done),
    });
    this.#checkpoints = new Checkpoints(path);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `the data dir was written by a newer openwebim (schema ${version} > ${SCHEMA_VERSION})`,
      );
    }
    db.transaction(() => {
      db.exec(schemaVersion1);
      if (version < 2) db.exec(migrationTo2);
      if (version < 3) db.exec(migrationTo3);
      if (version < 4) db.exec(migrationTo4);
      if (version < 5) db.exec(migrationTo5);
      if (version < 6) db.exec(migrationTo6);
      if (version < 7) db.exec(migrationTo7);
      if (version < 8) db.exec(migrationTo8);
      if (version < 9) db.exec(migrationTo9);
      if (version < 10) db.exec(migrationTo10);
      if (version < 11) db.exec(migrationTo11);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();

    const inbox = inboxStatements(db);
    const q = {
      ...inbox,
      getApp: db.prepare<[string], AppRow>('SELECT * FROM apps WHERE key = ?'),
      addReport: db.prepare<[ReportRecord & { appKey: string }]>(
        `INSERT INTO reports (app_key, mid, reporter, sender, to_id, chat_type, report_type, reason, time)
         VALUES (@appKey, @mid, @reporter, @sender, @to, @chatType, @reportType, @reason, @time)
         ON CONFLICT (app_key, mid, reporter) DO UPDATE SET report_type = excluded.report_type,
           reason = excluded.reason, time = excluded.time`,
      ),
      listReports: db.prepare<[string, number], ReportRow>(
        'SELECT * FROM reports WHERE app_key = ? ORDER BY time DESC, mid LIMIT ?',
      ),
      listApps: db.prepare<[], AppRow>('SELECT * FROM apps ORDER BY created, key'),
      addApp: db.prepare(
        `INSERT INTO apps (key, org, name, uuid, max_users, closed_registration, origins, token_ttl,
           max_message_bytes, max_file_bytes, recall_seconds, max_group_members, room_admins,
           max_sessions_per_user, user_upload_quota_bytes, app_upload_quota_bytes,
           chatfile_ttl_days, created)
         VALUES (@key, @org, @name, @uuid, @maxUsers, @closedRegistration, @origins, @tokenTtl,
           @maxMessageBytes, @maxFileBytes, @recallSeconds, @maxGroupMembers, @roomAdmins,
           @maxSessionsPerUser, @userUploadQuotaBytes, @appUploadQuotaBytes, @chatfileTtlDays,
           @created)
         ON CONFLICT (key) DO NOTHING`,
      ),
      updateApp: db.prepare(
        `UPDATE apps SET max_users = @maxUsers, closed_registration = @closedRegistration,
           origins = @origins, token_ttl = @tokenTtl, max_message_bytes = @maxMessageBytes,
           max_file_bytes = @maxFileBytes, recall_seconds = @recallSeconds,
           max_group_members = @maxGroupMembers, room_admins = @roomAdmins,
           max_sessions_per_user = @maxSessionsPerUser,
           user_upload_quota_bytes = @userUploadQuotaBytes,
           app_upload_quota_bytes = @appUploadQuotaBytes, chatfile_ttl_days = @chatfileTtlDays
         WHERE key = @key`,
      ),
      revokeToken: db.prepare<[string]>('DELETE FROM tokens WHERE hash = ?'),
      // `expired = 0` (always so: expiry is decided by the app's lifetime) picks the indexes.
      userChatfileBytes: db.prepare<[string, string, number], { n: number }>(
        `SELECT coalesce(sum(size), 0) AS n FROM chatfiles
         WHERE app_key = ? AND uploader = ? AND created >= ? AND expired = 0`,
      ),
      appChatfileBytes: db.prepare<[string, number], { n: number }>(
        `SELECT coalesce(sum(size), 0) AS n FROM chatfiles
         WHERE app_key = ? AND created >= ? AND expired = 0`,
      ),
      chatfilesBetween: db.prepare<[string, number, number], { uuid: string }>(
        `SELECT uuid FROM chatfiles
         WHERE app_key = ? AND created >= ? AND created < ? AND expired = 0`,
      ),
      revokeUserTokens: db.prepare<[string, string]>(
        'DELETE FROM tokens WHERE app_key = ? AND username = ?',
      ),
      setPassword: db.prepare<[string, number, string, string]>(
        'UPDATE users SET password_hash = ?, modified = ? WHERE app_key = ? AND username = ?',
      ),
      getUser: db.prepare<[string, string], UserRow>(
        'SELECT * FROM users WHERE app_key = ? AND username = ?',
      ),
      updateNickname: db.prepare<[string, number, string, string]>(
        'UPDATE users SET nickname = ?, modified = ? WHERE app_key = ? AND username = ?',
      ),
      touchUser: db.prepare<[number, string, string]>(
        'UPDATE users SET modified = ? WHERE app_key = ? AND username = ?',
      ),
      savePushToken: db.prepare(
        `INSERT INTO push_tokens (app_key, username, device_id, device_token, notifier_name, modified)
         VALUES (@appKey, @username, @deviceId, @deviceToken, @notifierName, @modified)
         ON CONFLICT (app_key, username, device_id) DO UPDATE SET
           device_token = excluded.device_token,
           notifier_name = excluded.notifier_name,
           modified = excluded.modified`,
      ),
      listPushTokens: db.prepare<
        [string, string],
        { device_id: string; device_token: string; notifier_name: string }
      >(
        `SELECT device_id, device_token, notifier_name FROM push_tokens
         WHERE app_key = ? AND username = ? ORDER BY device_id`,
      ),
      saveToken: db.prepare<[string, string, string, number]>(
        'INSERT INTO tokens (hash, app_key, username, expires_at) VALUES (?, ?, ?, ?)',
      ),
      getToken: db.prepare<[string], { app_key: string; username: string; expires_at: number }>(
        'SELECT app_key, username, expires_at FROM tokens WHERE hash = ?',
      ),
      deleteExpiredTokens: db.prepare<[number]>('DELETE FROM tokens WHERE expires_at < ?'),
      insertMessage: db.prepare(
        `INSERT INTO messages (app_key, mid, client_id, from_user, to_user, chat_type, type, body,
           ext, time, conv)
         VALUES (@appKey, @mid, @clientId, @from, @to, @chatType, @type, @body, @ext, @time, @conv)`,
      ),
      touchConversation: db.prepare<[string, string, string, string, string, number | bigint]>(
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
      readEvents: db.prepare<[string, string, number, number], EventRow>(
        `SELECT seq, kind, from_user, to_user, chat_type, mid, time, data FROM inbox_events
         WHERE app_key = ? AND username = ? AND seq > ? ORDER BY seq LIMIT ?`,
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
      addChatfile: db.prepare(
        `INSERT INTO chatfiles (app_key, uuid, uploader, secret_hash, size, content_type, filename,
           created)
         VALUES (@appKey, @uuid, @uploader, @secretHash, @size, @contentType, @filename, @created)`,
      ),
      getChatfile: db.prepare<[string, string], ChatfileRow>(
        'SELECT * FROM chatfiles WHERE app_key = ? AND uuid = ?',
      ),
      hasGrant: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM chatfile_grants WHERE app_key = ? AND uuid = ? AND username = ?',
      ),
      nextSeq: db.prepare<[string, string], { last_seq: number }>(
        `UPDATE users SET last_seq = last_seq + 1 WHERE app_key = ? AND username = ?
         RETURNING last_seq`,
      ),
      inboxSeqOf: db.prepare<[string, string, number], { seq: number }>(
        'SELECT seq FROM inbox WHERE app_key = ? AND username = ? AND message_id = ?',
      ),
      readInbox: db.prepare<[string, string, number, number], MessageRow & { seq: number }>(
        `SELECT i.seq, m.* FROM inbox i JOIN messages m ON m.id = i.message_id
         WHERE i.app_key = ? AND i.username = ? AND i.seq > ?
         ORDER BY i.seq LIMIT ?`,
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
      isContact: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM contacts WHERE app_key = ? AND username = ? AND contact = ?',
      ),
      countContacts: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM contacts WHERE app_key = ? AND username = ?',
      ),
      countRequestsFrom: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM contact_requests WHERE app_key = ? AND from_user = ?',
      ),
      addContact: db.prepare<[string, string, string, number]>(
        `INSERT INTO contacts (app_key, username, contact, since) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      deleteContact: db.prepare<[string, string, string]>(
        'DELETE FROM contacts WHERE app_key = ? AND username = ? AND contact = ?',
      ),
      listContacts: db.prepare<[string, string], { contact: string; nickname: string | null }>(
        `SELECT c.contact, u.nickname FROM contacts c
         LEFT JOIN users u ON u.app_key = c.app_key AND u.username = c.contact
         WHERE c.app_key = ? AND c.username = ? ORDER BY c.contact`,
      ),
      hasRequest: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM contact_requests WHERE app_key = ? AND from_user = ? AND to_user = ?',
      ),
      addRequest: db.prepare(
        `INSERT INTO contact_requests (app_key, from_user, to_user, message, time)
         VALUES (@appKey, @from, @to, @message, @time)`,
      ),
      deleteRequest: db.prepare<[string, string, string]>(
        'DELETE FROM contact_requests WHERE app_key = ? AND from_user = ? AND to_user = ?',
      ),
      listRequests: db.prepare<
        [string, string, string, string],
        { from_user: string; to_user: string; message: string; time: number }
      >(
        `SELECT from_user, to_user, message, time FROM contact_requests
         WHERE app_key = ? AND from_user = ?
         UNION ALL
         SELECT from_user, to_user, message, time FROM contact_requests
         WHERE app_key = ? AND to_user = ?
         ORDER BY time, from_user, to_user`,
      ),
      isBlocked: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM blocks WHERE app_key = ? AND blocker = ? AND blocked = ?',
      ),
      addBlock: db.prepare<[string, string, string, number]>(
        'INSERT INTO blocks (app_key, blocker, blocked, time) VALUES (?, ?, ?, ?)',
      ),
      deleteBlock: db.prepare<[string, string, string]>(
        'DELETE FROM blocks WHERE app_key = ? AND blocker = ? AND blocked = ?',
      ),
      listBlocked: db.prepare<[string, string], { blocked: string }>(
        'SELECT blocked FROM blocks WHERE app_key = ? AND blocker = ? ORDER BY blocked',
      ),
      blockersOf: db.prepare<[string, string], { blocker: string }>(
        'SELECT blocker FROM blocks WHERE app_key = ? AND blocked = ? ORDER BY blocker',
      ),
    };
    this.#q = q;

    this.#createUser = db.transaction(prepareInsertUser(db));

    const nextSeq = (appKey: string, username: string): number => {
      const row = q.nextSeq.get(appKey, username);
      if (!row) throw new Error(`no user ${username} in ${appKey}`);
      return row.last_seq;
    };

    this.#storeMessage = (appKey: string, message: NewMessage) => {
      const existing = q.findMessage.get(appKey, message.from, message.clientId);
      if (existing) {
        const senderSeq = q.inboxSeqOf.get(appKey, existing.from_user, existing.id)?.seq ?? 0;
        const recipientSeq =
          existing.to_user === existing.from_user
            ? null
            : (q.inboxSeqOf.get(appKey, existing.to_user, existing.id)?.seq ?? null);
        return { duplicate: true, message: toMessage(existing), senderSeq, recipientSeq };
      }
      const { files, ...row } = message;
      const conv = conversationKey(message.from, message.to);
      const { lastInsertRowid } = q.insertMessage.run({ appKey, ...row, conv });
      const append = (username: string): number => {
        const seq = nextSeq(appKey, username);
        q.appendInbox.run(appKey, username, seq, lastInsertRowid);
        return seq;
      };
      const participants = [...new Set([message.from, message.to])];
      for (const uuid of files) {
        for (const username of participants) q.grantChatfile.run(appKey, uuid, username);
      }
      q.touchConversation.run(
        appKey,
        message.from,
        message.to,
        message.chatType,
        conv,
        lastInsertRowid,
      );
      if (message.to !== message.from) {
        q.touchConversation.run(
          appKey,
          message.to,
          message.from,
          message.chatType,
          conv,
          lastInsertRowid,
        );
      }
      const senderSeq = append(message.from);
      const recipientSeq = message.to === message.from ? null : append(message.to);
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

    this.#raiseCursor = (appKey: string, username: string, deviceId: string, seq: number) => {
      q.raiseDeviceCursor.run(appKey, username, deviceId, seq);
      q.raiseUserCursor.run(seq, appKey, username);
    };

    /** Call inside a transaction: each inbox's next seq; for every contact and group event. */
    const appendUserEvent = (
      appKey: string,
      event: NewUserEvent,
      inboxes: string[],
    ): AppendedEvent[] => {
      const to = 'gid' in event ? event.gid : event.to;
      const data = JSON.stringify(event);
      return [...new Set(inboxes)].map((username) => {
        const seq = nextSeq(appKey, username);
        q.appendEvent.run({
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
    this.#appendUserEvent = db.transaction(appendUserEvent);
    this.#editMessage = db.transaction(
      (appKey: string, edit: MessageEdit, event: NewUserEvent, inboxes: string[]) => {
        const changed = q.editMessage.run({ appKey, ...edit }).changes > 0;
        return changed ? appendUserEvent(appKey, event, inboxes) : undefined;
      },
    );

    const makeContacts = (appKey: string, a: string, b: string, time: number) => {
      q.addContact.run(appKey, a, b, time);
      q.addContact.run(appKey, b, a, time);
    };
    const contactsOf = (appKey: string, username: string) =>
      q.countContacts.get(appKey, username)?.n ?? 0;

    this.#requestContact = db.transaction(
      (
        appKey: string,
        request: ContactRequestRecord,
        contactsMax: number,
      ): ContactChange<RequestContactOutcome> => {
        const { from, to, message, time } = request;
        const unchanged = (outcome: RequestContactOutcome) => ({ outcome, events: [] });
        if (q.isBlocked.get(appKey, to, from)) return unchanged('blocked');
        if (q.isContact.get(appKey, from, to)) return unchanged('already-contacts');
        if (q.hasRequest.get(appKey, from, to)) return unchanged('already-requested');
        if (q.hasRequest.get(appKey, to, from)) {
          // They asked first: asking back is saying yes.
          if (contactsOf(appKey, from) >= contactsMax) return unchanged('contacts-full');
          q.deleteRequest.run(appKey, to, from);
          makeContacts(appKey, from, to, time);
          const event: NewUserEvent = { kind: 'contact', operation: 'accept', from, to, time };
          return { outcome: 'accepted', events: appendUserEvent(appKey, event, [from, to]) };
        }
        // Pending requests count too, or one user could keep thousands of them open.
        const used = contactsOf(appKey, from) + (q.countRequestsFrom.get(appKey, from)?.n ?? 0);
        if (used >= contactsMax) return unchanged('contacts-full');
        q.addRequest.run({ appKey, from, to, message, time });
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'request',
          from,
          to,
          status: message,
          time,
        };
        return { outcome: 'requested', events: appendUserEvent(appKey, event, [from, to]) };
      },
    );

    this.#answerContactRequest = db.transaction(
      (
        appKey: string,
        me: string,
        from: string,
        accept: boolean,
        time: number,
        contactsMax: number,
      ): ContactChange<AnswerContactOutcome> => {
        if (!q.hasRequest.get(appKey, from, me)) return { outcome: 'no-request', events: [] };
        if (accept && contactsOf(appKey, me) >= contactsMax) {
          return { outcome: 'contacts-full', events: [] };
        }
        q.deleteRequest.run(appKey, from, me);
        if (accept) makeContacts(appKey, me, from, time);
        const event: NewUserEvent = {
          kind: 'contact',
          operation: accept ? 'accept' : 'decline',
          from: me,
          to: from,
          time,
        };
        return { outcome: 'answered', events: appendUserEvent(appKey, event, [me, from]) };
      },
    );

    this.#removeContact = db.transaction(
      (appKey: string, me: string, contact: string, time: number) => {
        if (!q.isContact.get(appKey, me, contact)) {
          return { outcome: 'not-contacts' as const, events: [] };
        }
        q.deleteContact.run(appKey, me, contact);
        q.deleteContact.run(appKey, contact, me);
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'remove',
          from: me,
          to: contact,
          time,
        };
        return {
          outcome: 'removed' as const,
          events: appendUserEvent(appKey, event, [me, contact]),
        };
      },
    );

    const blockedBy = (appKey: string, blocker: string) =>
      q.listBlocked.all(appKey, blocker).map((row) => row.blocked);

    this.#block = db.transaction(
      (
        appKey: string,
        blocker: string,
        usernames: string[],
        time: number,
        blocklistMax: number,
      ): BlocklistChange => {
        const current = blockedBy(appKey, blocker);
        const added = [...new Set(usernames)].filter((name) => !current.includes(name));
        if (current.length + added.length > blocklistMax) {
          return { ok: false, blocked: current, events: [] };
        }
        const events = added.flatMap((blocked) => {
          q.addBlock.run(appKey, blocker, blocked, time);
          // Only the blocker's devices learn of it; the blocked user is never told.
          const event: NewUserEvent = {
            kind: 'contact',
            operation: 'block',
            from: blocker,
            to: blocked,
            time,
          };
          return appendUserEvent(appKey, event, [blocker]);
        });
        return { ok: true, blocked: blockedBy(appKey, blocker), events };
      },
    );

    this.#unblock = db.transaction(
      (appKey: string, blocker: string, blocked: string, time: number): BlocklistChange => {
        if (q.deleteBlock.run(appKey, blocker, blocked).changes === 0) {
          return { ok: true, blocked: blockedBy(appKey, blocker), events: [] };
        }
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'unblock',
          from: blocker,
          to: blocked,
          time,
        };
        const events = appendUserEvent(appKey, event, [blocker]);
        return { ok: true, blocked: blockedBy(appKey, blocker), events };
      },
    );

    this.groups = new SqliteGroupStorage(db, {
      appendUserEvent,
      nextSeq,
      statements: inbox,
      commits: this.#commits,
    });
    this.rooms = new SqliteRoomStorage(db);
    this.visitors = new SqliteVisitorStorage(db);
    this.reactions = new SqliteReactionStorage(db);
    this.deletions = this.#deletions = new SqliteDeletions(db, appendUserEvent);
  }

  async getApp(key: string): Promise<AppRecord | undefined> {
    const row = this.#q.getApp.get(key);
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    return this.#q.listApps.all().map(toApp);
  }

  async addApp(app: AppRecord): Promise<boolean> {
    return this.#q.addApp.run(appParams(app)).changes === 1;
  }

  async updateApp(app: AppRecord): Promise<boolean> {
    return this.#q.updateApp.run(appParams(app)).changes === 1;
  }

  async createUser(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult> {
    return this.#createUser(user, maxUsers);
  }

  async getUser(appKey: string, username: string): Promise<UserRecord | undefined> {
    const row = this.#q.getUser.get(appKey, username);
    return row && toUser(row);
  }

  async updateNickname(appKey: string, username: string, nickname: string, at: number) {
    this.#q.updateNickname.run(nickname, at, appKey, username);
  }

  async savePushToken(appKey: string, username: string, token: PushTokenRecord, at: number) {
    this.#db.transaction(() => {
      this.#q.savePushToken.run({ appKey, username, ...token, modified: at });
      this.#q.touchUser.run(at, appKey, username);
    })();
  }

  async listPushTokens(appKey: string, username: string): Promise<PushTokenRecord[]> {
    return this.#q.listPushTokens.all(appKey, username).map((row) => ({
      deviceId: row.device_id,
      deviceToken: row.device_token,
      notifierName: row.notifier_name,
    }));
  }

  async saveToken(hash: string, token: TokenRecord): Promise<void> {
    this.#q.saveToken.run(hash, token.appKey, token.username, token.expiresAt);
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.#q.getToken.get(hash);
    return row && { appKey: row.app_key, username: row.username, expiresAt: row.expires_at };
  }

  async revokeToken(hash: string): Promise<void> {
    this.#q.revokeToken.run(hash);
  }

  async changePassword(appKey: string, username: string, passwordHash: string, at: number) {
    this.#db.transaction(() => {
      this.#q.setPassword.run(passwordHash, at, appKey, username);
      this.#q.revokeUserTokens.run(appKey, username);
    })();
  }

  async deleteTokensExpiredBefore(time: number): Promise<void> {
    this.#q.deleteExpiredTokens.run(time);
  }

  async storeMessage(appKey: string, message: NewMessage): Promise<StoreMessageResult> {
    return this.#commits.run(() => this.#storeMessage(appKey, message));
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
    if (group) return rows.map(toMessage);
    // My messages up to the peer's read cursor are read; later ones delivered if they acked it.
    const readId = this.#q.readCursor.get(appKey, peer, me)?.read_id ?? 0;
    return rows.map((row) => {
      const message = toMessage(row);
      if (row.from_user !== me) return message;
      if (row.id <= readId) message.receipt = 'read';
      else if (this.#q.findEvent.get(appKey, row.mid, 'delivered', peer))
        message.receipt = 'delivered';
      return message;
    });
  }

  async conversations(appKey: string, username: string): Promise<ConversationRecord[]> {
    return this.#q.conversations.all(appKey, username).map((row) => ({
      peer: row.conv_peer,
      chatType: row.conv_chat_type,
      lastMessage: toMessage(row),
      unread: row.unread,
    }));
  }

  async addChatfile(file: ChatfileRecord): Promise<void> {
    this.#q.addChatfile.run(file);
  }

  async getChatfile(appKey: string, uuid: string): Promise<ChatfileRecord | undefined> {
    const row = this.#q.getChatfile.get(appKey, uuid);
    return row && toChatfile(row);
  }

  async chatfileBytes(appKey: string, uploader: string | null, since: number): Promise<number> {
    const row =
      uploader === null
        ? this.#q.appChatfileBytes.get(appKey, since)
        : this.#q.userChatfileBytes.get(appKey, uploader, since);
    return row?.n ?? 0;
  }

  async chatfilesCreatedBetween(appKey: string, after: number, before: number) {
    return this.#q.chatfilesBetween.all(appKey, after, before).map((row) => row.uuid);
  }

  async hasChatfileGrant(appKey: string, uuid: string, username: string): Promise<boolean> {
    return this.#q.hasGrant.get(appKey, uuid, username) !== undefined;
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

  async requestContact(appKey: string, request: ContactRequestRecord, contactsMax: number) {
    return this.#requestContact(appKey, request, contactsMax);
  }

  async answerContactRequest(
    appKey: string,
    me: string,
    from: string,
    accept: boolean,
    time: number,
    contactsMax: number,
  ) {
    return this.#answerContactRequest(appKey, me, from, accept, time, contactsMax);
  }

  async removeContact(appKey: string, me: string, contact: string, time: number) {
    return this.#removeContact(appKey, me, contact, time);
  }

  async listContacts(appKey: string, username: string): Promise<ContactRecord[]> {
    return this.#q.listContacts
      .all(appKey, username)
      .map((row) => ({ username: row.contact, nickname: row.nickname }));
  }

  async listContactRequests(appKey: string, username: string): Promise<ContactRequestRecord[]> {
    return this.#q.listRequests.all(appKey, username, appKey, username).map((row) => ({
      from: row.from_user,
      to: row.to_user,
      message: row.message,
      time: row.time,
    }));
  }

  async block(
    appKey: string,
    blocker: string,
    usernames: string[],
    time: number,
    blocklistMax: number,
  ): Promise<BlocklistChange> {
    return this.#block(appKey, blocker, usernames, time, blocklistMax);
  }

  async unblock(
    appKey: string,
    blocker: string,
    blocked: string,
    time: number,
  ): Promise<BlocklistChange> {
    return this.#unblock(appKey, blocker, blocked, time);
  }

  async listBlocked(appKey: string, blocker: string): Promise<string[]> {
    return this.#q.listBlocked.all(appKey, blocker).map((row) => row.blocked);
  }

  async isBlocked(appKey: string, blocker: string, blocked: string): Promise<boolean> {
    return this.#q.isBlocked.get(appKey, blocker, blocked) !== undefined;
  }

  async blockersOf(appKey: string, blocked: string): Promise<string[]> {
    return this.#q.blockersOf.all(appKey, blocked).map((row) => row.blocker);
  }

  /**
   * fsyncs the WAL file on the thread pool: every commit written to it before this call is then on
   * disk (fsync is per file, whichever descriptor asks). SQLite keeps the file, and so this
   * descriptor, for as long as the connection is open; a checkpoint restarts it in place.
   */
  #syncWal(done: (error: Error | null) => void): void {
    if (this.#walFd === undefined) {
      try {
        this.#walFd = openSync(this.#walPath as string, 'r+');
      } catch (error) {
        done(error as Error);
        return;
      }
      syncDirectory(dirname(this.#walPath as string));
    }
    fsync(this.#walFd, done);
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    this.#commits.flush();
    await this.#commits.settled();
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    await this.#checkpoints.close();
    // What the checkpointer did not copy yet goes into the file now, and the WAL is emptied.
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    this.#db.close();
  }

  /** Commits, writes and WAL fsyncs so far (one commit per batch, one fsync per batches). */
  get commitStats(): { commits: number; writes: number; syncs: number } {
    return { ...this.#commits.stats };
  }
}
