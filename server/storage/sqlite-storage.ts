/**
 * The embedded default storage: one SQLite file, opened with better-sqlite3 (synchronous, so each
 * transaction below runs without interleaving). WAL mode lets the CLI (`app add`) write while a
 * server process reads. Every statement is prepared once; no SQL is ever built from input.
 *
 * This file opens the connection, migrates it (sqlite-schema.ts), runs the group commit and its WAL
 * fsync, and hands each {@link Storage} method to the part that owns its tables: apps
 * (sqlite-apps.ts), users and tokens (sqlite-users.ts), messages, receipts, history and the
 * conversation list (sqlite-messages.ts), inboxes and device cursors (sqlite-inbox.ts), contacts
 * and blocklists (sqlite-contacts.ts), chat files (sqlite-chatfiles.ts); groups, rooms, guests,
 * reactions and deletions are stores of their own beside them.
 */
import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { GroupStorage, RoomStorage } from './group-storage.js';
import type { MemberAttributeStorage } from './member-attribute-storage.js';
import type { DeletionStorage } from './deletion-storage.js';
import type { ReactionStorage } from './reaction-storage.js';
import type { VisitorStorage } from './visitor-storage.js';
import { SqliteApps } from './sqlite-apps.js';
import { SqliteChatfiles } from './sqlite-chatfiles.js';
import { type CheckpointOptions, Checkpoints, type WalCounts } from './sqlite-checkpoints.js';
import { LookupCache, SeqHeads, WriteWatch } from './sqlite-caches.js';
import { type CommitSpacing, GroupCommit } from './sqlite-commit.js';
import { SqliteContacts } from './sqlite-contacts.js';
import { SqliteDeletions } from './sqlite-deletions.js';
import { SqliteMemberAttributes } from './sqlite-member-attributes.js';
import { SqliteGroupStorage } from './sqlite-groups.js';
import { inboxStatements, inboxWriters, SqliteInbox } from './sqlite-inbox.js';
import { SqliteMessages } from './sqlite-messages.js';
import { SqliteReactionStorage } from './sqlite-reactions.js';
import { SqliteRoomStorage } from './sqlite-rooms.js';
import { migrate } from './sqlite-schema.js';
import { SqliteUsers } from './sqlite-users.js';
import { SqliteVisitorStorage } from './sqlite-visitors.js';
import type {
  AppRecord,
  ChatfileRecord,
  ContactRequestRecord,
  MessageEdit,
  NewMessage,
  NewUserEvent,
  PushTokenRecord,
  ReadCursorMove,
  ReportRecord,
  Storage,
  StoredEvent,
  TokenRecord,
  UserRecord,
} from './storage.js';

/** How long a statement waits for another connection's lock (the CLI, the checkpointer). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Under load (a batch of 8 writes or more), the next batch that waits for an fsync commits no
 * sooner than 3 ms after it (sqlite-commit.ts): fewer, larger transactions cost the event loop less
 * per message, and with that margin the ack p99 at half the bench's maximum rate went down (issue
 * 11). After a smaller batch the next commits at once.
 */
const COMMIT_SPACING: CommitSpacing = { intervalMs: 3, minWrites: 8 };

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

export class SqliteStorage implements Storage {
  readonly groups: GroupStorage;
  readonly rooms: RoomStorage;
  readonly visitors: VisitorStorage;
  readonly reactions: ReactionStorage;
  readonly deletions: DeletionStorage;
  readonly memberAttributes: MemberAttributeStorage;
  /** One group-commit queue for every message write: they apply in call order. */
  readonly ordersWrites = true;
  readonly #db: Database.Database;
  readonly #commits: GroupCommit;
  readonly #checkpoints: Checkpoints;
  /** The WAL file group commit fsyncs (none in memory or with `synchronous: 'normal'`). */
  readonly #walPath: string | undefined;
  #walFd: number | undefined;
  readonly #apps: SqliteApps;
  readonly #users: SqliteUsers;
  readonly #messages: SqliteMessages;
  readonly #inbox: SqliteInbox;
  readonly #contacts: SqliteContacts;
  readonly #chatfiles: SqliteChatfiles;
  readonly #lookups: LookupCache;

  /**
   * Opens (and creates or migrates) the database file at `path`. `synchronous: 'normal'` gives up
   * durability across a power loss for speed (OPENWEBIM_SQLITE_SYNCHRONOUS; the bench compares).
   * `commitSpacing: null` commits every batch as soon as the last sync lets it (a test's load
   * that must never pause).
   */
  constructor(
    path: string,
    options: {
      synchronous?: 'full' | 'normal';
      checkpoints?: CheckpointOptions;
      commitSpacing?: CommitSpacing | null;
    } = {},
  ) {
    // Created 0600 before SQLite opens it: its -wal and -shm files take the same mode.
    if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
    const db = new Database(path);
    this.#db = db;
    db.pragma('journal_mode = WAL');
    // The CLI and the server may write at the same moment; wait instead of failing.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    // FULL: every commit is fsynced before it returns, so an ack (sent after the commit) survives
    // a power loss, not only a crash. Group commit (sqlite-commit.ts) keeps that to one fsync per
    // turn of the event loop, run on the thread pool (the WAL file, below), and checkpoints run
    // in a worker (sqlite-checkpoints.ts).
    const durable = options.synchronous !== 'normal';
    db.pragma(durable ? 'synchronous = FULL' : 'synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    this.#walPath = path === ':memory:' || !durable ? undefined : `${path}-wal`;
    migrate(db);
    // Users, blocklists and seq heads in memory, forgotten on any write they did not see.
    const watch = new WriteWatch(db);
    this.#lookups = new LookupCache(watch);
    const heads = new SeqHeads(db, watch);
    const commits = new GroupCommit(db, {
      sync:
        this.#walPath === undefined
          ? undefined
          : (done, recover) => (recover ? this.#recover(done) : this.#syncWal(done)),
      batch: heads,
      // Without an fsync to wait for (synchronous = normal), an ack would only wait longer.
      spacing:
        this.#walPath === undefined || options.commitSpacing === null
          ? undefined
          : (options.commitSpacing ?? COMMIT_SPACING),
    });
    this.#commits = commits;
    this.#checkpoints = new Checkpoints(
      path,
      (mode) => {
        // Between two writes of this connection, and without waiting: a busy lock (the
        // checkpointer's round, another process's reader) is tried at the next round.
        try {
          return this.#walCheckpoint(mode, 0);
        } catch {
          return { log: -1, checkpointed: -1, busy: true };
        }
      },
      options.checkpoints,
    );

    const statements = inboxStatements(db);
    const { nextSeq, appendUserEvent } = inboxWriters(db, statements, heads);
    const deletions = new SqliteDeletions(db, appendUserEvent);
    this.memberAttributes = new SqliteMemberAttributes(db, appendUserEvent);
    this.#apps = new SqliteApps(db);
    this.#users = new SqliteUsers(db);
    this.#messages = new SqliteMessages(db, {
      statements,
      nextSeq,
      appendUserEvent,
      commits,
      deletions,
    });
    this.#inbox = new SqliteInbox(db, appendUserEvent, commits);
    this.#contacts = new SqliteContacts(db, appendUserEvent);
    this.#chatfiles = new SqliteChatfiles(db);
    this.groups = new SqliteGroupStorage(db, { appendUserEvent, nextSeq, statements, commits });
    this.rooms = new SqliteRoomStorage(db);
    this.visitors = new SqliteVisitorStorage(db);
    this.reactions = new SqliteReactionStorage(db);
    this.deletions = deletions;
  }

  // Apps (sqlite-apps.ts).
  getApp(key: string) {
    return this.#apps.getApp(key);
  }
  listApps() {
    return this.#apps.listApps();
  }
  addApp(app: AppRecord) {
    return this.#apps.addApp(app);
  }
  updateApp(app: AppRecord) {
    return this.#apps.updateApp(app);
  }

  // Users and tokens (sqlite-users.ts).
  createUser(user: UserRecord, maxUsers: number | null) {
    return this.#users.createUser(user, maxUsers);
  }
  async getUser(appKey: string, username: string) {
    return this.#lookups.user(appKey, username, () => this.#users.findUser(appKey, username));
  }
  updateNickname(appKey: string, username: string, nickname: string, at: number) {
    return this.#users.updateNickname(appKey, username, nickname, at);
  }
  savePushToken(appKey: string, username: string, token: PushTokenRecord, at: number) {
    return this.#users.savePushToken(appKey, username, token, at);
  }
  listPushTokens(appKey: string, username: string) {
    return this.#users.listPushTokens(appKey, username);
  }
  saveToken(hash: string, token: TokenRecord) {
    return this.#users.saveToken(hash, token);
  }
  getToken(hash: string) {
    return this.#users.getToken(hash);
  }
  revokeToken(hash: string) {
    return this.#users.revokeToken(hash);
  }
  changePassword(appKey: string, username: string, passwordHash: string, at: number) {
    return this.#users.changePassword(appKey, username, passwordHash, at);
  }
  deleteTokensExpiredBefore(time: number) {
    return this.#users.deleteTokensExpiredBefore(time);
  }

  // Messages, receipts, recalls, edits, reports, history, conversations (sqlite-messages.ts).
  storeMessage(appKey: string, message: NewMessage) {
    return this.#messages.storeMessage(appKey, message);
  }
  getMessage(appKey: string, mid: string) {
    return this.#messages.getMessage(appKey, mid);
  }
  storeEvent(appKey: string, event: StoredEvent, inboxes: string[], read?: ReadCursorMove) {
    return this.#messages.storeEvent(appKey, event, inboxes, read);
  }
  recallMessage(appKey: string, mid: string, time: number) {
    return this.#messages.recallMessage(appKey, mid, time);
  }
  editMessage(appKey: string, edit: MessageEdit, event: NewUserEvent, inboxes: string[]) {
    return this.#messages.editMessage(appKey, edit, event, inboxes);
  }
  addReport(appKey: string, report: ReportRecord) {
    return this.#messages.addReport(appKey, report);
  }
  listReports(appKey: string, limit: number) {
    return this.#messages.listReports(appKey, limit);
  }
  history(appKey: string, me: string, peer: string, before: string | null, limit: number) {
    return this.#messages.history(appKey, me, peer, before, limit);
  }
  conversations(appKey: string, username: string) {
    return this.#messages.conversations(appKey, username);
  }

  // Inboxes and device cursors (sqlite-inbox.ts).
  readInbox(appKey: string, username: string, afterSeq: number, limit: number) {
    return this.#inbox.readInbox(appKey, username, afterSeq, limit);
  }
  lastSeq(appKey: string, username: string) {
    return this.#inbox.lastSeq(appKey, username);
  }
  getDeviceCursor(appKey: string, username: string, deviceId: string) {
    return this.#inbox.getDeviceCursor(appKey, username, deviceId);
  }
  getUserCursor(appKey: string, username: string) {
    return this.#inbox.getUserCursor(appKey, username);
  }
  raiseCursor(appKey: string, username: string, deviceId: string, seq: number) {
    return this.#inbox.raiseCursor(appKey, username, deviceId, seq);
  }
  appendUserEvent(appKey: string, event: NewUserEvent, inboxes: string[]) {
    return this.#inbox.appendUserEvent(appKey, event, inboxes);
  }

  // Chat files (sqlite-chatfiles.ts).
  addChatfile(file: ChatfileRecord) {
    return this.#chatfiles.addChatfile(file);
  }
  getChatfile(appKey: string, uuid: string) {
    return this.#chatfiles.getChatfile(appKey, uuid);
  }
  chatfileBytes(appKey: string, uploader: string | null, since: number) {
    return this.#chatfiles.chatfileBytes(appKey, uploader, since);
  }
  chatfilesCreatedBetween(appKey: string, after: number, before: number) {
    return this.#chatfiles.chatfilesCreatedBetween(appKey, after, before);
  }
  hasChatfileGrant(appKey: string, uuid: string, username: string) {
    return this.#chatfiles.hasChatfileGrant(appKey, uuid, username);
  }

  // Contacts and blocklists (sqlite-contacts.ts).
  requestContact(appKey: string, request: ContactRequestRecord, contactsMax: number) {
    return this.#contacts.requestContact(appKey, request, contactsMax);
  }
  answerContactRequest(
    appKey: string,
    me: string,
    from: string,
    accept: boolean,
    time: number,
    contactsMax: number,
  ) {
    return this.#contacts.answerContactRequest(appKey, me, from, accept, time, contactsMax);
  }
  removeContact(appKey: string, me: string, contact: string, time: number) {
    return this.#contacts.removeContact(appKey, me, contact, time);
  }
  listContacts(appKey: string, username: string) {
    return this.#contacts.listContacts(appKey, username);
  }
  listContactRequests(appKey: string, username: string) {
    return this.#contacts.listContactRequests(appKey, username);
  }
  block(appKey: string, blocker: string, usernames: string[], time: number, blocklistMax: number) {
    return this.#contacts.block(appKey, blocker, usernames, time, blocklistMax);
  }
  unblock(appKey: string, blocker: string, blocked: string, time: number) {
    return this.#contacts.unblock(appKey, blocker, blocked, time);
  }
  listBlocked(appKey: string, blocker: string) {
    return this.#contacts.listBlocked(appKey, blocker);
  }
  async isBlocked(appKey: string, blocker: string, blocked: string) {
    return this.#lookups.blocks(appKey, blocker, blocked, () =>
      this.#contacts.blocks(appKey, blocker, blocked),
    );
  }
  blockersOf(appKey: string, blocked: string) {
    return this.#contacts.blockersOf(appKey, blocked);
  }

  /**
   * fsyncs the WAL file on the thread pool: every commit written to it before this call is then on
   * disk (fsync is per file, whichever descriptor asks). SQLite keeps the file, and so this
   * descriptor, for as long as the connection is open; a checkpoint restarts it in place.
   *
   * With fdatasync(2), PostgreSQL's default for its own WAL on Linux (wal_sync_method): the data
   * and what reading it back needs (the file's size, as the WAL grows) reach the disk, not its
   * times. A full fsync also wrote the inode's
   * modification time, a journal commit for every sync: the slowest syncs took 57-77 ms against
   * 9-14 ms with fdatasync, at 5,000 messages a second (issue 11).
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
    fdatasync(this.#walFd, done);
  }

  /**
   * After a failed fsync of the WAL: what it covered is written again, into the database file, by
   * a full checkpoint (SQLite fsyncs the WAL, copies every frame into the file and fsyncs it).
   * Refreshing the WAL's pages would not do: the kernel may have dropped the failed writes and
   * report the next fsync as a success. The frames are read back through the page cache, which
   * still holds them unless memory ran short since; that is the risk left. It runs on the event
   * loop, only after a failure, waiting at most 100 ms for the checkpointer's round or a reader on
   * an older snapshot (another process) to finish; then it fails and group commit tries again.
   */
  #recover(done: (error: Error | null) => void): void {
    let error: Error | null = null;
    try {
      const counts = this.#walCheckpoint('FULL', 100);
      if (counts.busy || counts.checkpointed !== counts.log) {
        error = new Error('the WAL could not be checkpointed yet (busy)');
      }
    } catch (thrown) {
      error = thrown as Error;
    }
    setImmediate(done, error);
  }

  /** `PRAGMA wal_checkpoint(mode)` on this connection, waiting at most `busyMs` for a lock. */
  #walCheckpoint(mode: 'FULL' | 'RESTART' | 'TRUNCATE', busyMs: number): WalCounts {
    const db = this.#db;
    db.pragma(`busy_timeout = ${busyMs}`);
    try {
      const [result] = db.pragma(`wal_checkpoint(${mode})`) as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      if (!result) return { log: -1, checkpointed: -1, busy: true };
      return { log: result.log, checkpointed: result.checkpointed, busy: result.busy !== 0 };
    } finally {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    await this.#commits.close();
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
