/** The public shapes of the SDK: options, callbacks, and what they receive. */
import type {
  ChatType,
  EntitiesResponse,
  Ext,
  TokenResponse,
  UserEntity,
} from '../protocol/index.js';
import type { AjaxError } from './rest-client.js';

export type { AjaxError };

/** What `onError`, `fail` and rejections receive. `type` is a `WebIM.statusCode` value. */
export interface ErrorEvent {
  type: number;
  message?: string;
  /** For a failed REST call: `{type: 17, data: responseText}`. */
  data?: AjaxError;
}

export interface ConnectionOptions {
  appKey?: string;
  /** Read hosts from `{dnsUrl}/easemob/server.json` (default false). */
  isHttpDNS?: boolean;
  /** Keep other sessions of the same user open (default false: a login closes the older one). */
  isMultiLoginSessions?: boolean;
  /** Turns scheme-less URLs (`//host`) into https/wss. */
  https?: boolean;
  /** Reconnection attempts before giving up (default 5). */
  autoReconnectNumMax?: number;
  /** Base of the reconnection backoff, in seconds (default 1). */
  autoReconnectInterval?: number;
  /** Upper bound of the ping interval, in ms (the server's `heartbeatMs` otherwise). */
  heartBeatWait?: number;
  /** REST base (default: `WebIM.defaults.apiUrl`, else `location.origin`). */
  apiUrl?: string;
  /** Socket URL (default: `apiUrl` with ws(s) and path `/websocket`). */
  url?: string;
  /** DNS server for `isHttpDNS` (default `apiUrl`). */
  dnsUrl?: string;
  /** This browser's id (default: kept in localStorage). */
  deviceId?: string;
  delivery?: boolean;
  isDebug?: boolean;
  /** Options of other SDK versions are accepted and ignored. */
  [option: string]: unknown;
}

/** A text message as `onTextMessage` and `onMessage` receive it: the 3.x shape plus 4.x fields. */
export interface TextMessage {
  /** The server id. */
  id: string;
  type: 'chat' | 'groupchat' | 'chatroom';
  chatType: ChatType;
  contentsType: 'TEXT';
  from: string;
  to: string;
  /** The text (3.x). */
  data: string;
  /** The text (4.x). */
  msg: string;
  ext: Ext;
  /** Server time, ms since the epoch. */
  time: number;
  error: false;
  errorText: '';
  errorCode: '';
  /** The sender's client id. */
  localMsgId: string;
  /** The receiving user's sequence number. */
  seq: number;
}

/** `onReceivedMessage`: the server stored my message `id` as `mid`. */
export interface ReceivedReceipt {
  id: string;
  mid: string;
  to: string;
  time: number;
}

export interface SendResult {
  localMsgId: string;
  serverMsgId: string;
}

export interface LoginResult {
  accessToken: string;
  /** Lifetime of the token from the password login, in seconds. */
  duration?: number;
  /** When the token expires, ms since the epoch. */
  expireTimestamp: number;
}

export interface RenewResult {
  status: true;
  token: string;
  expire: number;
}

export interface OpenOptions {
  user: string;
  pwd?: string;
  accessToken?: string;
  appKey?: string;
  /** Password login: the raw REST body (`access_token`, `expires_in`, `user`); token login: the result. */
  success?: (res: TokenResponse & LoginResult) => void;
  error?: (error: ErrorEvent) => void;
}

export interface RegisterOptions {
  username: string;
  password: string;
  nickname?: string;
  appKey?: string;
  apiUrl?: string;
  success?: (res: EntitiesResponse<UserEntity>) => void;
  error?: (error: AjaxError) => void;
}

export interface UploadTokenOptions {
  deviceId: string;
  deviceToken: string;
  notifierName: string;
  success?: (res: EntitiesResponse<UserEntity>) => void;
  error?: (error: AjaxError) => void;
}

/** A callback this version does not emit yet, with what its payload carries in other versions. */
type LaterCallback = (message: Record<string, unknown>) => void;

/** Every callback `listen` and `addEventHandler` accept; any other `on*` function is kept too. */
export interface ConnectionEventHandlers {
  // 1.x passed a message to these two; listeners written for it take one argument.
  onOpened?: (message?: unknown) => void;
  onConnected?: () => void;
  onClosed?: (message?: unknown) => void;
  onDisconnected?: (error?: ErrorEvent) => void;
  onReconnecting?: () => void;
  onOnline?: () => void;
  onOffline?: () => void;
  onError?: (error: ErrorEvent) => void;
  onTextMessage?: (message: TextMessage) => void;
  onMessage?: (messages: TextMessage[]) => void;
  onReceivedMessage?: (receipt: ReceivedReceipt) => void;
  onTokenWillExpire?: () => void;
  onTokenExpired?: () => void;
  [name: `on${string}`]: LaterCallback | ((...args: never[]) => void) | undefined;
}
