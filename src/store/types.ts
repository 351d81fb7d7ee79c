/**
 * The store's public shapes: what elements render and what they call. The store turns the SDK's
 * callbacks into these observables and persists everything to IndexedDB (see `chat-store.ts`).
 */
import type { Observable } from 'rxjs';
import type { ChatType, Ext } from '../protocol/index.js';

/**
 * Where the store's connection stands.
 * - `signed-out`: no user (show the login form).
 * - `connecting`: a login or a token resume is under way.
 * - `online`: the socket is open and authenticated.
 * - `reconnecting`: the socket dropped; the SDK is trying again (sends go to the outbox).
 * - `offline`: the browser says it is offline, or reconnection gave up (sends go to the outbox).
 */
export type ConnectionStatus = 'signed-out' | 'connecting' | 'online' | 'reconnecting' | 'offline';

/**
 * The life of a message, from the sender's side for own messages:
 * `pending` (in the outbox) → `sent` (acked by the server) | `failed` (refused, retry possible);
 * messages from others are `received`.
 */
export type MessageStatus = 'pending' | 'sent' | 'failed' | 'received';

export interface ChatMessage {
  /** The sender's client id: the key of the message everywhere, stable from send to receipt. */
  id: string;
  /** The server id, once the server has stored it. */
  mid?: string;
  /** The conversation it belongs to: the peer's username for a 1:1 chat. */
  conversationId: string;
  chatType: ChatType;
  type: 'txt';
  from: string;
  to: string;
  text: string;
  ext?: Ext;
  /** ms since the epoch: server time once known, local time while pending. */
  time: number;
  status: MessageStatus;
  /** Why a `failed` message failed, in plain words. */
  error?: string;
  /** The current user's sequence number for the message, once known. */
  seq?: number;
}

export interface Conversation {
  /** The peer's username for a 1:1 chat. */
  id: string;
  chatType: ChatType;
  /** What to show: the peer's nickname when known, else the id. */
  name: string;
  lastMessage?: ChatMessage;
  unread: number;
  /** ms since the epoch of the last activity, for sorting (newest first). */
  updatedAt: number;
}

export interface CurrentUser {
  username: string;
  nickname?: string;
}

/** An error in the SDK's shape plus a sentence a person can read. */
export interface ChatError {
  /** A `WebIM.statusCode` value. */
  type: number;
  /** The REST `error` field when the server answered one (e.g. `duplicate_unique_property_exists`). */
  error?: string;
  /** The REST `error_description` when present. */
  description?: string;
  /** Plain words for the UI. */
  message: string;
}

export interface LoginInput {
  username: string;
  password: string;
}

export interface TokenLoginInput {
  username: string;
  accessToken: string;
}

export interface RegisterInput {
  username: string;
  password: string;
  nickname?: string;
}

/** What elements see of a store. One store per app key; it holds at most one signed-in user. */
export interface ChatStoreApi {
  readonly appKey: string;
  readonly status$: Observable<ConnectionStatus>;
  readonly user$: Observable<CurrentUser | null>;
  /** Conversations, newest activity first. */
  readonly conversations$: Observable<Conversation[]>;
  /** Sum of unread counts. */
  readonly totalUnread$: Observable<number>;
  /** The conversation the user has open, if any. */
  readonly activeConversation$: Observable<string | null>;
  /**
   * Failures no action is waiting for: the session ended on the server's side (token expired,
   * signed in elsewhere, user removed; the store is then `signed-out`), or the connection was lost
   * after every reconnection attempt (the store keeps trying).
   */
  readonly error$: Observable<ChatError>;
  /**
   * Resolves once the saved session, if any, has been restored from IndexedDB (its data showing,
   * the socket perhaps not yet open); status is `connecting` until then, so no login form flashes.
   */
  readonly ready: Promise<void>;
  /** Messages of one conversation, oldest first, exactly as stored in IndexedDB. */
  messages$(conversationId: string): Observable<ChatMessage[]>;

  /** Logs in with a password. Rejects with a {@link ChatError}. */
  login(input: LoginInput): Promise<void>;
  /** Logs in with a token issued elsewhere (the widget's `user` + `access-token`). */
  loginWithToken(input: TokenLoginInput): Promise<void>;
  /** Registers a user (does not log in). Rejects with a {@link ChatError}. */
  register(input: RegisterInput): Promise<void>;
  /** Closes the connection; `wipe` also deletes this user's local database. */
  logout(options?: { wipe?: boolean }): Promise<void>;
  /**
   * Queues a text message (it shows at once as `pending`) and sends it when online. Resolves with
   * the stored message once it is in IndexedDB; rejects (storing nothing) for an empty or too long
   * draft. The outcome shows on the message: `sent`, or `failed` with `error`.
   */
  send(conversationId: string, text: string): Promise<ChatMessage>;
  /** Sends a `failed` message again, under the same id. */
  retry(messageId: string): Promise<void>;
  /**
   * Makes a conversation the active one (creating it if new) and marks it read. The id is a username
   * as typed: it is trimmed and lowercased. Rejects when the server says there is no such user.
   */
  openConversation(conversationId: string | null): Promise<void>;
  /** Sets a conversation's unread count to zero. */
  markRead(conversationId: string): Promise<void>;
}
