/**
 * What the server keeps, behind one interface so the embedded SQLite default and a later Postgres
 * adapter are interchangeable. Every method is async (a network database needs that) and every
 * multi-row write that must be atomic is ONE method here, so an adapter owns its own transactions.
 */

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
}

export interface NewMessage extends Omit<StoredMessage, 'recalled'> {
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

/** One entry of a user's inbox: a message or an event, with that user's seq. */
export type InboxEntry =
  { seq: number; message: StoredMessage } | { seq: number; event: StoredEvent };

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

export type CreateUserResult = 'created' | 'duplicate' | 'limit-reached';

export interface Storage {
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
   * this conversation.
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
  /** Whether a message naming the file was stored with `username` as a participant. */
  hasChatfileGrant(appKey: string, uuid: string, username: string): Promise<boolean>;
  /** The user's highest seq (0 when the inbox is empty). */
  lastSeq(appKey: string, username: string): Promise<number>;

  getDeviceCursor(appKey: string, username: string, deviceId: string): Promise<number | undefined>;
  /** Highest cursor any device of the user has reported (0 if none). */
  getUserCursor(appKey: string, username: string): Promise<number>;
  /** Raises (never lowers) the device's and the user's cursor to `seq`. */
  raiseCursor(appKey: string, username: string, deviceId: string, seq: number): Promise<void>;

  close(): Promise<void>;
}
