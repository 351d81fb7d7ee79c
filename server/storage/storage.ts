/**
 * What the server keeps, behind one interface so the embedded SQLite default and a later Postgres
 * adapter are interchangeable. Every method is async (a network database needs that) and every
 * multi-row write that must be atomic is ONE method here, so an adapter owns its own transactions.
 */
import { newMessageId } from '../domain/message-ids.js';
import type { ContactEvent, GroupEvent, UserEvent } from '../../src/protocol/frames.js';
import type { RoamingDeleteEvent } from '../../src/protocol/deletions.js';
import type { MessageEditEvent } from '../../src/protocol/message-edits.js';
import type { GroupStorage, RoomStorage } from './group-storage.js';
import type { DeletionStorage } from './deletion-storage.js';
import type { MemberAttributeStorage } from './member-attribute-storage.js';
import type { ReactionStorage } from './reaction-storage.js';
import type { VisitorStorage } from './visitor-storage.js';

export interface AppRecord {
  /** `org#app` */
  key: string;
  org: string;
  name: string;
  uuid: string;
  /** Registered-user cap; `null` = unlimited. */
  maxUsers: number | null;
  closedRegistration: boolean;
  /** Origins (`scheme://host[:port]`) allowed to embed the app; `null` = any origin. */
  origins: string[] | null;
  /** Token lifetime override in seconds; `null` = the server default. */
  tokenTtlSeconds: number | null;
  /** Largest `txt` message in UTF-8 bytes; `null` = the protocol default. */
  maxMessageBytes: number | null;
  /** Largest chatfile in bytes; `null` = the protocol default. */
  maxFileBytes: number | null;
  /** How long after sending a message may be recalled; `null` = the protocol default. */
  recallSeconds: number | null;
  /** Ceiling of a group's `maxusers`; `null` = `Limits.groupMembersMax`. */
  maxGroupMembers: number | null;
  /** Users who may create chat rooms (`--room-admins`). */
  roomAdmins: string[];
  // Schema 5 (issue 11); optional so adapters written before it keep compiling (absent = default).
  /** Open sessions per user before the oldest is kicked; `null` = `Limits.sessionsPerUser`. */
  maxSessionsPerUser?: number | null;
  /** Bytes of live chatfiles per user; `null` = `Limits.userUploadQuotaBytes`. */
  userUploadQuotaBytes?: number | null;
  /** Bytes of live chatfiles in the app; `null` = `Limits.appUploadQuotaBytes`. */
  appUploadQuotaBytes?: number | null;
  /** Days a chatfile stays downloadable; `null` = `Limits.chatfileTtlDays`. */
  chatfileTtlDays?: number | null;
  created: number;
}

export interface UserRecord {
  uuid: string;
  appKey: string;
  username: string;
  passwordHash: string;
  nickname: string | null;
  created: number;
  modified: number;
}

export interface PushTokenRecord {
  deviceId: string;
  deviceToken: string;
  notifierName: string;
}

export interface TokenRecord {
  appKey: string;
  username: string;
  /** ms since the epoch */
  expiresAt: number;
}

export interface StoredMessage {
  mid: string;
  clientId: string;
  from: string;
  to: string;
  chatType: string;
  type: string;
  /** The whole `MessageBody` (with `type`) as JSON text; file urls are canonical paths. */
  body: string;
  /** The `ext` object as JSON text. */
  ext: string;
  time: number;
  recalled: boolean;
  /** Group messages: members' read acks reach the sender (`msgConfig.allowGroupAck`). */
  allowGroupAck?: boolean;
  /** Set by `history` on `me`'s own 1:1 messages: how far the recipient got. */
  receipt?: 'delivered' | 'read';
  /** The last edit of the text (absent while never edited). */
  edit?: { by: string; at: number; count: number };
}

export interface NewMessage extends Omit<StoredMessage, 'recalled' | 'edit'> {
  /** Chatfile uuids the message names: both participants may download them from now on. */
  files: string[];
}

export type EventKind = 'delivered' | 'read' | 'channel' | 'recall';

export interface StoredEvent {
  kind: EventKind;
  from: string;
  to: string;
  chatType: string;
  mid: string | null;
  time: number;
}

/**
 * A contact or group event before it has a seq: each inbox it is appended to gives it that user's
 * next seq. Stored whole (as JSON), so replay returns exactly what live delivery pushed.
 */
export type NewUserEvent =
  | Omit<ContactEvent, 'seq'>
  | Omit<GroupEvent, 'seq'>
  | Omit<MessageEditEvent, 'seq'>
  | Omit<RoamingDeleteEvent, 'seq'>;

/** A contact or group event as the inbox of `username` holds it (with that user's seq). */
export interface AppendedEvent {
  username: string;
  event: ContactEvent | GroupEvent | MessageEditEvent | RoamingDeleteEvent;
}

/** A message reported to the app's moderators (issue 14, the 4.x SDK's `reportMessage`). */
export interface ReportRecord {
  mid: string;
  reporter: string;
  /** The reported message's sender, conversation and kind, as they were when reported. */
  sender: string;
  to: string;
  chatType: string;
  /** The reporter's category (`reportType`) and words (`reportReason`). */
  reportType: string;
  reason: string;
  time: number;
}

/** Message edits: the new text of message `mid`, its editor, time, and the edit's number (1, 2…). */
export interface MessageEdit {
  mid: string;
  /** The whole new `MessageBody` as JSON text. */
  body: string;
  by: string;
  at: number;
  count: number;
}

/** One entry of a user's inbox: a message, a receipt/recall event or a contact/group event. */
export type InboxEntry =
  | { seq: number; message: StoredMessage }
  | { seq: number; event: StoredEvent }
  /** Events kept whole: contact and group events, and a group read ack with its count. */
  | { seq: number; userEvent: UserEvent };

export interface ContactRequestRecord {
  from: string;
  to: string;
  message: string;
  time: number;
}

export interface ContactRecord {
  username: string;
  nickname: string | null;
}

/**
 * What `requestContact` did: `requested` (stored), `accepted` (`to` had asked `from` already, so
 * both are contacts now), or why nothing changed.
 */
export type RequestContactOutcome =
  'requested' | 'accepted' | 'blocked' | 'already-contacts' | 'already-requested' | 'contacts-full';

export type AnswerContactOutcome = 'answered' | 'no-request' | 'contacts-full';

export interface ContactChange<Outcome extends string> {
  outcome: Outcome;
  /** The events appended (empty when nothing changed), to push to each `username`'s sessions. */
  events: AppendedEvent[];
}

export interface BlocklistChange {
  /** `false` when the list would exceed the limit: nothing changed. */
  ok: boolean;
  /** The blocker's whole list after the change, sorted. */
  blocked: string[];
  events: AppendedEvent[];
}

export interface StoreMessageResult {
  /** `true` when the sender had already sent this client id: nothing new was stored. */
  duplicate: boolean;
  message: StoredMessage;
  senderSeq: number;
  /** The recipient's seq; `null` for a message to oneself (it has one inbox entry). */
  recipientSeq: number | null;
}

/** Where a read ack moves the reader's cursor in the conversation with `peer`. */
export interface ReadCursorMove {
  reader: string;
  peer: string;
  /** Up to this message; `null` = everything in the conversation so far. */
  mid: string | null;
}

export interface StoreEventResult {
  /** The same receipt was stored before (same kind, message and author): nothing new stored. */
  duplicate: boolean;
  /** Each inbox's seq of the event, by username. */
  seqs: Record<string, number>;
}

export interface ChatfileRecord {
  appKey: string;
  uuid: string;
  uploader: string;
  /** SHA-256 (hex) of the share secret; the secret itself is never stored. */
  secretHash: string;
  size: number;
  contentType: string;
  filename: string;
  created: number;
}

export interface ConversationRecord {
  peer: string;
  chatType: string;
  lastMessage: StoredMessage;
  unread: number;
}

/** The conversation key of two users: both names, sorted (usernames hold no spaces). */
export const conversationKey = (a: string, b: string) => (a <= b ? `${a} ${b}` : `${b} ${a}`);

/**
 * The storage cannot be reached (a network database down or unreachable): nothing was written.
 * The REST layer answers 503 and the socket an error frame; the caller may simply try again.
 */
export class StorageUnavailable extends Error {
  constructor(
    cause: unknown,
    message = 'the storage is unreachable; nothing was stored, try again shortly',
  ) {
    super(message, { cause });
    this.name = 'StorageUnavailable';
  }
}

/**
 * The disk refused to make a write durable (a failed fsync, sqlite-commit.ts): it may be stored or
 * not, so it is not acked, and reads that reach a client do not show it until a recovery made it
 * durable. Answered as {@link StorageUnavailable}; sending the same message again is safe (it is
 * stored once).
 */
export class StorageInDoubt extends StorageUnavailable {
  constructor(cause: unknown) {
    super(cause, 'the storage could not make the write durable; send it again shortly');
    this.name = 'StorageInDoubt';
  }
}

/**
 * Server message ids are made by each process apart (message-ids.ts): processes on one database
 * make the same one now and then, in the same millisecond. A message whose id is taken is stored
 * with another, in the same transaction, so it keeps its place among its sender's messages. (The
 * 3× PG+Redis run of the throughput bench met one every few thousand messages: the unique
 * violation came back as an `error` 500 frame and ended the run, issue 11.) Both engines do so.
 */
export const MID_ATTEMPTS = 3;
/** A new mid for a message whose mid was taken. */
export const anotherMid = (): string => newMessageId();

export type CreateUserResult = 'created' | 'duplicate' | 'limit-reached';

export interface Storage {
  /** Groups and their messages' fan-out, read acks and recall (schema 4). */
  readonly groups: GroupStorage;
  /** Chat rooms, their members and recent messages (schema 4). */
  readonly rooms: RoomStorage;
  /** Guests, app credentials and tokens, user attributes (schema 7; visitor-storage.ts). */
  readonly visitors: VisitorStorage;
  /** Reactions to messages (SQLite schema 10, PostgreSQL 7; reaction-storage.ts). */
  readonly reactions: ReactionStorage;
  /** Delete for me (SQLite schema 11, PostgreSQL 8; deletion-storage.ts). */
  readonly deletions: DeletionStorage;
  /** Group member attributes (SQLite schema 12, PostgreSQL 9; member-attribute-storage.ts). */
  readonly memberAttributes: MemberAttributeStorage;
  /**
   * Message writes take effect (seqs included) in the order their calls were made, even while
   * earlier ones still wait for their commit: sessions may then pipeline their sends (SQLite's
   * single group-commit queue; PostgreSQL's batches, which never run a write beside or before an
   * earlier one of the same user or group).
   */
  readonly ordersWrites?: boolean;

  getApp(key: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  /** `false` when an app with that key already exists. */
  addApp(app: AppRecord): Promise<boolean>;
  /** Replaces the settings of an existing app; `false` when there is no such app. */
  updateApp(app: AppRecord): Promise<boolean>;

  /** Inserts the user unless the name is taken or the app already has `maxUsers` users. */
  createUser(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult>;
  getUser(appKey: string, username: string): Promise<UserRecord | undefined>;
  updateNickname(appKey: string, username: string, nickname: string, at: number): Promise<void>;
  /** Upserts on `deviceId`. */
  savePushToken(
    appKey: string,
    username: string,
    token: PushTokenRecord,
    at: number,
  ): Promise<void>;
  listPushTokens(appKey: string, username: string): Promise<PushTokenRecord[]>;

  /** `hash` is the SHA-256 of the token; the token itself is never stored. */
  saveToken(hash: string, token: TokenRecord): Promise<void>;
  getToken(hash: string): Promise<TokenRecord | undefined>;
  deleteTokensExpiredBefore(time: number): Promise<void>;
  /** Forgets one token (logout): it is unknown from now on. */
  revokeToken(hash: string): Promise<void>;
  /** Atomically: sets the user's password hash and forgets every token of the user. */
  changePassword(appKey: string, username: string, passwordHash: string, at: number): Promise<void>;

  /**
   * Atomically: stores the message unless (app, from, clientId) exists, appends it to the
   * sender's and the recipient's inbox, each with that user's next seq, grants both of them its
   * `files`, and makes it the last message of their conversation.
   */
  storeMessage(appKey: string, message: NewMessage): Promise<StoreMessageResult>;
  getMessage(appKey: string, mid: string): Promise<StoredMessage | undefined>;
  /**
   * Atomically: appends the event to each of `inboxes` and moves the reader's read cursor. A
   * duplicate stores nothing: a `delivered`/`read` of the same kind + mid + from as before, or a
   * "read everything" (`read.mid === null`) that does not move the cursor.
   */
  storeEvent(
    appKey: string,
    event: StoredEvent,
    inboxes: string[],
    read?: ReadCursorMove,
  ): Promise<StoreEventResult>;
  /**
   * Atomically: marks the message recalled (unless it already is: `duplicate`), updates both
   * conversations' last message, and appends the `recall` event to both users' inboxes.
   */
  recallMessage(appKey: string, mid: string, time: number): Promise<StoreEventResult>;
  /** Stores a report; one per reporter and message (reporting it again replaces the first). */
  addReport(appKey: string, report: ReportRecord): Promise<void>;
  /** The app's reports, newest first, at most `limit`. */
  listReports(appKey: string, limit: number): Promise<ReportRecord[]>;
  /**
   * Message edits (issue 14). Atomically: unless the message was recalled or its edit count is no
   * longer `edit.count - 1` (another edit came first), replaces its body, records the edit and
   * appends `event` to each of `inboxes`. `undefined` when it changed nothing.
   */
  editMessage(
    appKey: string,
    edit: MessageEdit,
    event: NewUserEvent,
    inboxes: string[],
  ): Promise<AppendedEvent[] | undefined>;
  /** Inbox entries (messages and events) with seq > `afterSeq`, ascending, at most `limit`. */
  readInbox(
    appKey: string,
    username: string,
    afterSeq: number,
    limit: number,
  ): Promise<InboxEntry[]>;
  /**
   * Up to `limit` non-recalled messages between `me` and `peer`, newest first, older than the
   * message `before` (from the newest when `null`); `undefined` when `before` is not a message of
   * this conversation. In a 1:1 conversation `me`'s own messages carry their `receipt`.
   */
  history(
    appKey: string,
    me: string,
    peer: string,
    before: string | null,
    limit: number,
  ): Promise<StoredMessage[] | undefined>;
  /** The user's conversations with a non-recalled message, newest activity first. */
  conversations(appKey: string, username: string): Promise<ConversationRecord[]>;

  addChatfile(file: ChatfileRecord): Promise<void>;
  getChatfile(appKey: string, uuid: string): Promise<ChatfileRecord | undefined>;
  /**
   * Bytes of the files created at or after `since` (the app's still-live files), of one uploader
   * or (`null`) of the whole app: what the upload quotas count.
   */
  chatfileBytes(appKey: string, uploader: string | null, since: number): Promise<number>;
  /** Uuids of the app's files created in `[after, before)`: their time is up, their bytes go. */
  chatfilesCreatedBetween(appKey: string, after: number, before: number): Promise<string[]>;
  /** Whether a message naming the file was stored with `username` as a participant. */
  hasChatfileGrant(appKey: string, uuid: string, username: string): Promise<boolean>;
  /** The user's highest seq (0 when the inbox is empty). */
  lastSeq(appKey: string, username: string): Promise<number>;

  getDeviceCursor(appKey: string, username: string, deviceId: string): Promise<number | undefined>;
  /** Highest cursor any device of the user has reported (0 if none). */
  getUserCursor(appKey: string, username: string): Promise<number>;
  /** Raises (never lowers) the device's and the user's cursor to `seq`. */
  raiseCursor(appKey: string, username: string, deviceId: string, seq: number): Promise<void>;

  /**
   * Atomically appends a contact or group event to each of `inboxes` (each user's next seq). The
   * contact and group methods below do this inside their own transaction; this one is for events
   * that change nothing else.
   */
  appendUserEvent(appKey: string, event: NewUserEvent, inboxes: string[]): Promise<AppendedEvent[]>;

  /**
   * Atomically: refuses when `to` blocked `from`, they are contacts already, `from` asked before,
   * or `from` has `contactsMax` contacts and pending requests; accepts `to`'s own pending request
   * to `from` (both become contacts, `accept` from `from` in both inboxes); otherwise stores the
   * request and appends `request` (with `status` = the message) to both inboxes.
   */
  requestContact(
    appKey: string,
    request: ContactRequestRecord,
    contactsMax: number,
  ): Promise<ContactChange<RequestContactOutcome>>;
  /**
   * Atomically: removes `from`'s pending request to `me` and, when `accept`, makes both contacts
   * (refused when `me` has `contactsMax` contacts); appends `accept`/`decline` (from `me` to
   * `from`) to both inboxes.
   */
  answerContactRequest(
    appKey: string,
    me: string,
    from: string,
    accept: boolean,
    time: number,
    contactsMax: number,
  ): Promise<ContactChange<AnswerContactOutcome>>;
  /** Atomically: both lose the contact; `remove` (from `me`) in both inboxes. */
  removeContact(
    appKey: string,
    me: string,
    contact: string,
    time: number,
  ): Promise<ContactChange<'removed' | 'not-contacts'>>;
  /** The user's contacts with their nicknames, by username. */
  listContacts(appKey: string, username: string): Promise<ContactRecord[]>;
  /** Pending requests from and to the user, oldest first. */
  listContactRequests(appKey: string, username: string): Promise<ContactRequestRecord[]>;
  /**
   * Atomically adds the users to `blocker`'s blocklist (those already on it are skipped) unless
   * that would make it longer than `blocklistMax`; `block` in the blocker's inbox for each one new.
   */
  block(
    appKey: string,
    blocker: string,
    usernames: string[],
    time: number,
    blocklistMax: number,
  ): Promise<BlocklistChange>;
  /** Atomically takes `blocked` off the list (if on it: `unblock` in the blocker's inbox). */
  unblock(appKey: string, blocker: string, blocked: string, time: number): Promise<BlocklistChange>;
  /** `blocker`'s blocklist, sorted. */
  listBlocked(appKey: string, blocker: string): Promise<string[]>;
  /** Whether `blocker` has `blocked` on their blocklist (one primary-key lookup). */
  isBlocked(appKey: string, blocker: string, blocked: string): Promise<boolean>;
  /** Everyone who has `blocked` on their blocklist (for fan-out: skip them). */
  blockersOf(appKey: string, blocked: string): Promise<string[]>;

  close(): Promise<void>;
}
