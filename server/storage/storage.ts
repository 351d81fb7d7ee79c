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

export interface NewMessage {
  mid: string;
  clientId: string;
  from: string;
  to: string;
  chatType: string;
  type: string;
  body: string;
  /** The `ext` object as JSON text. */
  ext: string;
  time: number;
}

export type StoredMessage = NewMessage;

/** A message as one user's inbox holds it. */
export interface InboxEntry extends StoredMessage {
  seq: number;
}

export interface StoreMessageResult {
  /** `true` when the sender had already sent this client id: nothing new was stored. */
  duplicate: boolean;
  message: StoredMessage;
  senderSeq: number;
  /** The recipient's seq; `null` for a message to oneself (it has one inbox entry). */
  recipientSeq: number | null;
}

export type CreateUserResult = 'created' | 'duplicate' | 'limit-reached';

export interface Storage {
  getApp(key: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  /** `false` when an app with that key already exists. */
  addApp(app: AppRecord): Promise<boolean>;

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
   * Atomically: stores the message unless (app, from, clientId) exists, then appends it to the
   * sender's and the recipient's inbox, each with that user's next seq.
   */
  storeMessage(appKey: string, message: NewMessage): Promise<StoreMessageResult>;
  /** Inbox entries with seq > `afterSeq`, ascending, at most `limit`. */
  readInbox(
    appKey: string,
    username: string,
    afterSeq: number,
    limit: number,
  ): Promise<InboxEntry[]>;
  /** The user's highest seq (0 when the inbox is empty). */
  lastSeq(appKey: string, username: string): Promise<number>;

  getDeviceCursor(appKey: string, username: string, deviceId: string): Promise<number | undefined>;
  /** Highest cursor any device of the user has reported (0 if none). */
  getUserCursor(appKey: string, username: string): Promise<number>;
  /** Raises (never lowers) the device's and the user's cursor to `seq`. */
  raiseCursor(appKey: string, username: string, deviceId: string, seq: number): Promise<void>;

  close(): Promise<void>;
}
