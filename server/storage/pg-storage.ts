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
import type { GroupStorage, RoomStorage } from './group-storage.js';
import { all, one, PgDatabase, run } from './pg-database.js';
import { PgContacts } from './pg-contacts.js';
import { PgConversations } from './pg-conversations.js';
import { PgDeletions } from './pg-deletions.js';
import { PgGroupStorage, appendUserEvent } from './pg-groups.js';
import { PgMessages } from './pg-messages.js';
import { PgReactionStorage } from './pg-reactions.js';
import { PgRoomStorage } from './pg-rooms.js';
import { appValues, insertUser } from './pg-rows.js';
import { migrate } from './pg-schema.js';
import { PgVisitorStorage } from './pg-visitors.js';
import type { DeletionStorage } from './deletion-storage.js';
import type { ReactionStorage } from './reaction-storage.js';
import type { VisitorStorage } from './visitor-storage.js';
import {
  toApp,
  toChatfile,
  toReport,
  toUser,
  type AppRow,
  type ChatfileRow,
  type ReportRow,
  type UserRow,
} from './rows.js';
import type {
  AppendedEvent,
  AppRecord,
  ChatfileRecord,
  CreateUserResult,
  NewUserEvent,
  PushTokenRecord,
  ReportRecord,
  Storage,
  TokenRecord,
  UserRecord,
} from './storage.js';

const appColumns = `key, org, name, uuid, max_users, closed_registration, origins, token_ttl,
  max_message_bytes, max_file_bytes, recall_seconds, max_group_members, room_admins, created,
  max_sessions_per_user, user_upload_quota_bytes, app_upload_quota_bytes, chatfile_ttl_days`;

/**
 * The storage of pg-*.ts behind one {@link Storage}: apps, users, tokens, reports and chat files
 * here; messages and their events (pg-messages.ts), what users read back (pg-conversations.ts) and
 * contacts (pg-contacts.ts) by delegation; groups, rooms, visitors, reactions and deletions as
 * their own stores.
 */
export class PgStorage implements Storage {
  readonly groups: GroupStorage;
  readonly rooms: RoomStorage;
  readonly visitors: VisitorStorage;
  readonly reactions: ReactionStorage;
  readonly deletions: DeletionStorage;
  /** Batched writes sharing a user or group keep their calls' order (`PgDatabase.batched`). */
  readonly ordersWrites = true;
  readonly #db: PgDatabase;
  readonly #messages: PgMessages;
  readonly #conversations: PgConversations;
  readonly #contacts: PgContacts;

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
    const deletions = new PgDeletions(this.#db);
    this.deletions = deletions;
    this.#messages = new PgMessages(this.#db);
    this.#conversations = new PgConversations(this.#db, deletions);
    this.#contacts = new PgContacts(this.#db);
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

  storeMessage(...args: Parameters<Storage['storeMessage']>) {
    return this.#messages.storeMessage(...args);
  }

  getMessage(...args: Parameters<Storage['getMessage']>) {
    return this.#messages.getMessage(...args);
  }

  storeEvent(...args: Parameters<Storage['storeEvent']>) {
    return this.#messages.storeEvent(...args);
  }

  editMessage(...args: Parameters<Storage['editMessage']>) {
    return this.#messages.editMessage(...args);
  }

  recallMessage(...args: Parameters<Storage['recallMessage']>) {
    return this.#messages.recallMessage(...args);
  }

  readInbox(...args: Parameters<Storage['readInbox']>) {
    return this.#conversations.readInbox(...args);
  }

  history(...args: Parameters<Storage['history']>) {
    return this.#conversations.history(...args);
  }

  conversations(...args: Parameters<Storage['conversations']>) {
    return this.#conversations.conversations(...args);
  }

  lastSeq(...args: Parameters<Storage['lastSeq']>) {
    return this.#conversations.lastSeq(...args);
  }

  getDeviceCursor(...args: Parameters<Storage['getDeviceCursor']>) {
    return this.#conversations.getDeviceCursor(...args);
  }

  getUserCursor(...args: Parameters<Storage['getUserCursor']>) {
    return this.#conversations.getUserCursor(...args);
  }

  raiseCursor(...args: Parameters<Storage['raiseCursor']>) {
    return this.#conversations.raiseCursor(...args);
  }

  requestContact(...args: Parameters<Storage['requestContact']>) {
    return this.#contacts.requestContact(...args);
  }

  answerContactRequest(...args: Parameters<Storage['answerContactRequest']>) {
    return this.#contacts.answerContactRequest(...args);
  }

  removeContact(...args: Parameters<Storage['removeContact']>) {
    return this.#contacts.removeContact(...args);
  }

  listContacts(...args: Parameters<Storage['listContacts']>) {
    return this.#contacts.listContacts(...args);
  }

  listContactRequests(...args: Parameters<Storage['listContactRequests']>) {
    return this.#contacts.listContactRequests(...args);
  }

  block(...args: Parameters<Storage['block']>) {
    return this.#contacts.block(...args);
  }

  unblock(...args: Parameters<Storage['unblock']>) {
    return this.#contacts.unblock(...args);
  }

  listBlocked(...args: Parameters<Storage['listBlocked']>) {
    return this.#contacts.listBlocked(...args);
  }

  isBlocked(...args: Parameters<Storage['isBlocked']>) {
    return this.#contacts.isBlocked(...args);
  }

  blockersOf(...args: Parameters<Storage['blockersOf']>) {
    return this.#contacts.blockersOf(...args);
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
