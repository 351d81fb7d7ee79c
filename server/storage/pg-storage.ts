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
import type { MemberAttributeStorage } from './member-attribute-storage.js';
import type { DeletionStorage } from './deletion-storage.js';
import { PgApps } from './pg-apps.js';
import { PgChatfiles } from './pg-chatfiles.js';
import { PgContacts } from './pg-contacts.js';
import { PgDatabase } from './pg-database.js';
import { PgDeletions } from './pg-deletions.js';
import { PgMemberAttributes } from './pg-member-attributes.js';
import { PgGroupStorage } from './pg-groups.js';
import { PgInbox } from './pg-inbox.js';
import { PgMessages } from './pg-messages.js';
import { PgReactionStorage } from './pg-reactions.js';
import { PgRoomStorage } from './pg-rooms.js';
import { PgUsers } from './pg-users.js';
import { migrate } from './pg-schema.js';
import { PgVisitorStorage } from './pg-visitors.js';
import type { ReactionStorage } from './reaction-storage.js';
import type { Storage } from './storage.js';
import type { VisitorStorage } from './visitor-storage.js';

/**
 * The pool and its schema, and each {@link Storage} method handed to the part owning its tables
 * (as sqlite-storage.ts does); groups, rooms, visitors, reactions and deletions are stores of their own.
 */
export class PgStorage implements Storage {
  readonly groups: GroupStorage;
  readonly rooms: RoomStorage;
  readonly visitors: VisitorStorage;
  readonly reactions: ReactionStorage;
  readonly deletions: DeletionStorage;
  readonly memberAttributes: MemberAttributeStorage;
  /** Batched writes sharing a user or group keep their calls' order (`PgDatabase.batched`). */
  readonly ordersWrites = true;
  readonly #db: PgDatabase;
  readonly #apps: PgApps;
  readonly #users: PgUsers;
  readonly #messages: PgMessages;
  readonly #inbox: PgInbox;
  readonly #contacts: PgContacts;
  readonly #chatfiles: PgChatfiles;

  /**
   * Connects lazily: the schema is created or migrated before the first statement (under an
   * advisory lock, so processes starting together do it once), and retried while it fails.
   */
  constructor(url: string, options: { poolSize?: number } = {}) {
    this.#db = new PgDatabase(url, migrate, { max: options.poolSize ?? 10 });
    const deletions = new PgDeletions(this.#db);
    this.#apps = new PgApps(this.#db);
    this.#users = new PgUsers(this.#db);
    this.#messages = new PgMessages(this.#db, deletions);
    this.#inbox = new PgInbox(this.#db);
    this.#contacts = new PgContacts(this.#db);
    this.#chatfiles = new PgChatfiles(this.#db);
    this.groups = new PgGroupStorage(this.#db);
    this.rooms = new PgRoomStorage(this.#db);
    this.visitors = new PgVisitorStorage(this.#db);
    this.reactions = new PgReactionStorage(this.#db);
    this.deletions = deletions;
    this.memberAttributes = new PgMemberAttributes(this.#db);
  }

  /** Resolves once the database answers and the schema is current. */
  ready(): Promise<void> {
    return this.#db.ready();
  }

  // Apps (pg-apps.ts).
  getApp(...args: Parameters<Storage['getApp']>) {
    return this.#apps.getApp(...args);
  }
  listApps(...args: Parameters<Storage['listApps']>) {
    return this.#apps.listApps(...args);
  }
  addApp(...args: Parameters<Storage['addApp']>) {
    return this.#apps.addApp(...args);
  }
  updateApp(...args: Parameters<Storage['updateApp']>) {
    return this.#apps.updateApp(...args);
  }

  // Users, tokens, push tokens (pg-users.ts).
  createUser(...args: Parameters<Storage['createUser']>) {
    return this.#users.createUser(...args);
  }
  getUser(...args: Parameters<Storage['getUser']>) {
    return this.#users.getUser(...args);
  }
  updateNickname(...args: Parameters<Storage['updateNickname']>) {
    return this.#users.updateNickname(...args);
  }
  savePushToken(...args: Parameters<Storage['savePushToken']>) {
    return this.#users.savePushToken(...args);
  }
  listPushTokens(...args: Parameters<Storage['listPushTokens']>) {
    return this.#users.listPushTokens(...args);
  }
  saveToken(...args: Parameters<Storage['saveToken']>) {
    return this.#users.saveToken(...args);
  }
  getToken(...args: Parameters<Storage['getToken']>) {
    return this.#users.getToken(...args);
  }
  revokeToken(...args: Parameters<Storage['revokeToken']>) {
    return this.#users.revokeToken(...args);
  }
  changePassword(...args: Parameters<Storage['changePassword']>) {
    return this.#users.changePassword(...args);
  }
  deleteTokensExpiredBefore(...args: Parameters<Storage['deleteTokensExpiredBefore']>) {
    return this.#users.deleteTokensExpiredBefore(...args);
  }

  // Messages, receipts, recalls, edits, reports, history, conversation list (pg-messages.ts).
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
  addReport(...args: Parameters<Storage['addReport']>) {
    return this.#messages.addReport(...args);
  }
  listReports(...args: Parameters<Storage['listReports']>) {
    return this.#messages.listReports(...args);
  }
  history(...args: Parameters<Storage['history']>) {
    return this.#messages.history(...args);
  }
  conversations(...args: Parameters<Storage['conversations']>) {
    return this.#messages.conversations(...args);
  }

  // Inboxes: replay, seqs, cursors, user events (pg-inbox.ts).
  readInbox(...args: Parameters<Storage['readInbox']>) {
    return this.#inbox.readInbox(...args);
  }
  lastSeq(...args: Parameters<Storage['lastSeq']>) {
    return this.#inbox.lastSeq(...args);
  }
  getDeviceCursor(...args: Parameters<Storage['getDeviceCursor']>) {
    return this.#inbox.getDeviceCursor(...args);
  }
  getUserCursor(...args: Parameters<Storage['getUserCursor']>) {
    return this.#inbox.getUserCursor(...args);
  }
  raiseCursor(...args: Parameters<Storage['raiseCursor']>) {
    return this.#inbox.raiseCursor(...args);
  }
  appendUserEvent(...args: Parameters<Storage['appendUserEvent']>) {
    return this.#inbox.appendUserEvent(...args);
  }

  // Contacts and blocklists (pg-contacts.ts).
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

  // Chat files (pg-chatfiles.ts).
  addChatfile(...args: Parameters<Storage['addChatfile']>) {
    return this.#chatfiles.addChatfile(...args);
  }
  getChatfile(...args: Parameters<Storage['getChatfile']>) {
    return this.#chatfiles.getChatfile(...args);
  }
  chatfileBytes(...args: Parameters<Storage['chatfileBytes']>) {
    return this.#chatfiles.chatfileBytes(...args);
  }
  chatfilesCreatedBetween(...args: Parameters<Storage['chatfilesCreatedBetween']>) {
    return this.#chatfiles.chatfilesCreatedBetween(...args);
  }
  hasChatfileGrant(...args: Parameters<Storage['hasChatfileGrant']>) {
    return this.#chatfiles.hasChatfileGrant(...args);
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
