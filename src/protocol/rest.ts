/**
 * REST bodies, on Agora Chat's paths (base `{apiUrl}/{org}/{app}`, app key `org#app`).
 *
 * | request | body | success |
 * | --- | --- | --- |
 * | `POST /{org}/{app}/users` | {@link RegisterRequest} | {@link EntitiesResponse} of {@link UserEntity} |
 * | `POST /{org}/{app}/token` | {@link TokenRequest} | {@link TokenResponse} |
 * | `GET /{org}/{app}/users/{username}` (Bearer) | – | {@link EntitiesResponse} of {@link UserEntity} |
 * | `PUT /{org}/{app}/users/{me}` (Bearer) | {@link UpdateUserRequest} | {@link EntitiesResponse} of {@link UserEntity} |
 * | `GET /{org}/{app}/sdk/users/{me}/token/expires` (Bearer) | – | {@link TokenExpiresResponse} |
 * | `GET /easemob/server.json?app_key=org%23app` | – | {@link DnsResponse} |
 * | `POST /{org}/{app}/chatfiles` (Bearer, multipart field `file`) | – | {@link EntitiesResponse} of {@link ChatfileEntity} |
 * | `GET /{org}/{app}/chatfiles/{uuid}` (Bearer + `share-secret` header) | – | the file's bytes |
 * | `GET /{org}/{app}/users/{me}/messages?peer&chatType&cursor&limit` (Bearer) | – | {@link HistoryResponse} |
 * | `GET /{org}/{app}/users/{me}/user_channels` (Bearer) | – | {@link ConversationsResponse} |
 *
 * Chatfiles: only the uploader, and participants of a conversation holding a message that names the
 * file, may download it (403 `forbidden_op` "chatfile no permission" otherwise, 401 without a token,
 * 404 `service_resource_not_found` for an unknown uuid). Wrong `share-secret` → 403 too. The app's
 * `--max-file-bytes` (default 10 MB) → 413. Files are streamed to disk, never held whole in memory.
 *
 * Every failure answers with an {@link ErrorBody} and the HTTP status Agora uses.
 */

import type { ChatType, ServerMessage } from './frames.js';

export interface RegisterRequest {
  username: string;
  password: string;
  nickname?: string;
}

export interface TokenRequest {
  grant_type: 'password';
  username: string;
  password: string;
  timestamp?: number;
}

export interface UserEntity {
  uuid: string;
  type: 'user';
  created: number;
  modified: number;
  username: string;
  activated: boolean;
  nickname?: string;
  /** Push tokens, one per device (only in your own user's entity). */
  pushInfo?: { device_id: string; device_token: string; notifier_name: string }[];
}

export interface EntitiesResponse<T> {
  action: string;
  application: string;
  path: string;
  uri: string;
  entities: T[];
  timestamp: number;
  duration: number;
  organization: string;
  applicationName: string;
}

export interface TokenResponse {
  access_token: string;
  /** Lifetime of the token in seconds. */
  expires_in: number;
  user: UserEntity;
}

export type UpdateUserRequest =
  { nickname: string } | { device_id: string; device_token: string; notifier_name: string };

export interface ChatfileEntity {
  uuid: string;
  type: 'chatfile';
  'share-secret': string;
}

/**
 * One page of a conversation's history, newest first (`cursor` = the `mid` to continue from, as
 * the next request's `cursor`; `null` with `isLast` when there is nothing older). Recalled
 * messages are not returned. `seq` is 0: history is not per device.
 */
export interface HistoryResponse {
  messages: ServerMessage[];
  cursor: string | null;
  isLast: boolean;
}

/** A conversation as the server sees it for one user, newest activity first. */
export interface ServerConversation {
  /** The peer's username (1:1). */
  peer: string;
  chatType: ChatType;
  lastMessage: ServerMessage;
  /** Messages from the peer after this user's last `read`/`channel` ack, on any device. */
  unread: number;
}

export interface ConversationsResponse {
  entities: ServerConversation[];
}

export interface TokenExpiresResponse {
  /** When the token expires, ms since the epoch. */
  expire_timestamp: number;
}

export interface DnsHost {
  protocol: 'http' | 'https' | 'ws' | 'wss';
  domain: string;
  ip: string;
  port: number;
}

export interface DnsResponse {
  rest: { hosts: DnsHost[] };
  'msync-ws': { hosts: DnsHost[] };
  /** The 4.x SDKs read the socket hosts under this key. */
  'msync-wx': { hosts: DnsHost[] };
}

/** The error codes this server answers with (Agora's `error` field). */
export const RestErrors = {
  duplicate: 'duplicate_unique_property_exists',
  illegalArgument: 'illegal_argument',
  invalidGrant: 'invalid_grant',
  unauthorized: 'unauthorized',
  badToken: 'auth_bad_access_token',
  forbidden: 'forbidden_op',
  appNotFound: 'organization_application_not_found',
  notFound: 'service_resource_not_found',
  tooLarge: 'request_entity_too_large',
  unsupportedMedia: 'web_application',
  resourceLimited: 'resource_limited',
  rateLimited: 'reach_limit',
  serverError: 'internal_server_error',
} as const;
export type RestError = (typeof RestErrors)[keyof typeof RestErrors];

export interface ErrorBody {
  error: RestError;
  error_description: string;
  exception?: string;
  timestamp: number;
  duration: number;
}

/** `error_description` values clients branch on, verbatim from Agora. */
export const ErrorDescriptions = {
  usernameTooLong: 'USERNAME_TOO_LONG',
  userNotFound: 'user not found',
  invalidPassword: 'invalid password',
  registrationClosed: 'registration is not open, please contact the app admin',
} as const;

/** Limits the server enforces on every app, and the SDK checks before sending. */
export const Limits = {
  /** Username: 1–64 bytes of `[a-z0-9_.-]`, lowercase (Agora). */
  usernameMaxBytes: 64,
  usernamePattern: /^[a-z0-9_.-]+$/,
  passwordMaxChars: 64,
  nicknameMaxChars: 100,
  /** Default largest `txt` message text, in UTF-8 bytes (per app, `--max-message-bytes`). */
  messageMaxBytes: 16 * 1024,
  /** Largest JSON body the REST API reads. */
  restBodyMaxBytes: 16 * 1024,
  /** Default largest chatfile, in bytes (per app, `--max-file-bytes`). */
  fileMaxBytes: 10 * 1024 * 1024,
  /** Default recall window, in seconds (per app, `--recall-seconds`). */
  recallSeconds: 120,
  /** Largest history page. */
  historyPageMax: 100,
} as const;
