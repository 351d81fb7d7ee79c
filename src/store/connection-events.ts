/**
 * The part of the SDK connection the store uses, and its callbacks as one observable of events.
 *
 * The interface is structural on purpose: the store depends on this surface of `WebIM.connection`,
 * not on the SDK's internals; `sdk-connection.ts` checks that the real `Connection` fits it.
 */
import { Observable } from 'rxjs';
import type { ChatType, Ext } from '../protocol/index.js';
import type { ConnectionEventHandlers } from '../sdk/index.js';
import type { StatusEvent } from './status.js';

/** A text message as the SDK hands it to `onTextMessage` (3.x shape plus the 4.x fields). */
export interface ReceivedText {
  /** Server id (`mid`). */
  id: string;
  /** The sender's client id. */
  localMsgId?: string;
  type?: string;
  chatType?: ChatType;
  from: string;
  to: string;
  /** 3.x text field. */
  data?: string;
  /** 4.x text field. */
  msg?: string;
  ext?: Ext;
  /** ms since the epoch (some SDK versions send a string). */
  time?: number | string;
  /** This user's sequence number of the message. */
  seq?: number;
}

/** The error objects of `onError` and of rejected promises. */
export interface SdkError {
  type: number;
  message?: string;
  data?: unknown;
}

/** What `open` resolves with: the 4.x `LoginResult`, plus the raw REST fields on a password login. */
export interface OpenResult {
  accessToken?: string;
  access_token?: string;
  /** When the token expires, ms since the epoch. */
  expireTimestamp?: number;
  /** Token lifetime in seconds (REST). */
  expires_in?: number;
  user?: { username?: string; nickname?: string };
}

export interface SendResult {
  localMsgId?: string;
  serverMsgId?: string;
  time?: number;
  seq?: number;
}

/** A text message to send; `id` is its client id (the same id on every resend). */
export interface OutgoingText {
  id: string;
  to: string;
  chatType: ChatType;
  text: string;
  ext?: Ext;
}

/** A user as the REST API describes them. */
export interface UserProfile {
  username: string;
  nickname?: string;
}

/**
 * What the store calls on a connection: the SDK's `Connection` methods, plus two conveniences the
 * adapter in `sdk-connection.ts` builds on it (sending a text by id, looking a user up over REST).
 */
export interface StoreConnection {
  addEventHandler(id: string, handlers: ConnectionEventHandlers): void;
  removeEventHandler(id: string): void;
  registerUser(options: {
    username: string;
    password: string;
    nickname?: string;
  }): Promise<unknown>;
  open(
    options: { user: string; pwd: string } | { user: string; accessToken: string },
  ): Promise<unknown>;
  close(): void;
  isOpened(): boolean;
  getUniqueId(): string;
  /** Highest seq stored locally; the server replays only what comes after it. */
  syncCursor?: number | undefined;
  /** Sends a text message; resolves with the server's ack, rejects with an {@link SdkError}. */
  sendText(message: OutgoingText): Promise<SendResult>;
  /**
   * `GET /{org}/{app}/users/{username}` with the session's token: the user, or `null` when there is
   * no such user. Rejects (with an {@link SdkError} or a `TypeError`) when the server cannot tell.
   */
  lookupUser(username: string): Promise<UserProfile | null>;
}

/** Everything the store hears from one connection. */
export type ConnectionEvent =
  | Exclude<StatusEvent, { type: 'login' } | { type: 'signed-out' }>
  | { type: 'text'; message: ReceivedText }
  | { type: 'ack'; id: string; mid: string; time?: number }
  | { type: 'error'; error: SdkError }
  | { type: 'token-expired' };

let handlerCount = 0;

/**
 * The connection's callbacks as an observable. Subscribing registers a handler set under a fresh
 * id; unsubscribing removes it, so a disposed store leaves nothing behind on the connection.
 */
export function connectionEvents(connection: StoreConnection): Observable<ConnectionEvent> {
  return new Observable<ConnectionEvent>((subscriber) => {
    const id = `openwebim-store-${++handlerCount}`;
    const emit = (event: ConnectionEvent) => subscriber.next(event);
    connection.addEventHandler(id, {
      // 4.x also fires onConnected right after onOpened; listening to both would flush twice.
      onOpened: () => emit({ type: 'opened' }),
      onClosed: () => emit({ type: 'closed' }),
      onDisconnected: () => emit({ type: 'disconnected' }),
      onReconnecting: () => emit({ type: 'reconnecting' }),
      onOnline: () => emit({ type: 'online', opened: connection.isOpened() }),
      onOffline: () => emit({ type: 'offline' }),
      onTextMessage: (message) => emit({ type: 'text', message }),
      onReceivedMessage: (ack) => emit({ type: 'ack', id: ack.id, mid: ack.mid, time: ack.time }),
      onError: (error) => emit({ type: 'error', error }),
      onTokenExpired: () => emit({ type: 'token-expired' }),
    });
    return () => connection.removeEventHandler(id);
  });
}
