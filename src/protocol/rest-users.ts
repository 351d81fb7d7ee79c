/**
 * REST bodies of users and tokens, chatfiles and history (base `{apiUrl}/{org}/{app}`; rest.ts).
 *
 * | request | body | success |
 * | --- | --- | --- |
 * | `POST /{org}/{app}/users` | {@link RegisterRequest} | {@link EntitiesResponse} of {@link UserEntity} |
 * | `POST /{org}/{app}/token` | {@link TokenRequest} (other grants: visitors.ts) | {@link TokenResponse} |
 * | `GET /{org}/{app}/users/{username}` (Bearer) | – | {@link EntitiesResponse} of {@link UserEntity} |
 * | `PUT /{org}/{app}/users/{me}` (Bearer) | {@link UpdateUserRequest} | {@link EntitiesResponse} of {@link UserEntity} |
 * | `GET /{org}/{app}/sdk/users/{me}/token/expires` (Bearer) | – | {@link TokenExpiresResponse} |
 * | `DELETE /{org}/{app}/sdk/users/{me}/token` (Bearer: the token to revoke; logout) | – | {@link OkResponse} |
 * | `PUT /{org}/{app}/users/{me}/password` (Bearer) | {@link ChangePasswordRequest} | {@link OkResponse}; every token of the user is revoked |
 * | `GET /easemob/server.json?app_key=org%23app` | – | {@link DnsResponse} |
 * | `POST /{org}/{app}/chatfiles` (Bearer, multipart field `file`) | – | {@link EntitiesResponse} of {@link ChatfileEntity} |
 * | `GET /{org}/{app}/chatfiles/{uuid}` (Bearer + `share-secret` header) | – | the file's bytes |
 * | `GET /{org}/{app}/users/{me}/messages?peer&chatType&cursor&limit` (Bearer) | – | {@link HistoryResponse} |
 * | `GET /{org}/{app}/users/{me}/user_channels` (Bearer) | – | {@link ConversationsResponse} |
 * | `DELETE /{org}/{app}/users/{me}/messages?targetId&chatType&messageIds&beforeTimeStamp` (Bearer) | – | {@link OkResponse}: delete for me (deletions.ts) |
 * | `DELETE /{org}/{app}/users/{me}/user_channels?channel&chatType&deleteRoam` (Bearer) | – | {@link OkResponse}: my conversation deleted (deletions.ts) |
 *
 * Chatfiles: only the uploader, and participants of a conversation holding a message that names the
 * file, may download it (403 `forbidden_op` "chatfile no permission" otherwise, 401 without a token,
 * 404 `service_resource_not_found` for an unknown uuid). Wrong `share-secret` → 403 too. The app's
 * `--max-file-bytes` (default 10 MB) → 413. Files are streamed to disk, never held whole in memory.
 */
import type { ChatType } from './message-bodies.js';
import type { ServerMessage } from './server-frames.js';

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
  /** A guest user, minted by `POST /guests` (visitors.ts). */
  guest?: true;
  /** Push tokens, one per device (only in your own user's entity). */
  pushInfo?: { device_id: string; device_token: string; notifier_name: string }[];
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
  /**
   * The user's inbox seq the unread counts are as of: they reflect every inbox event up to it (a
   * deletion for me among them) and none after. Absent when the inbox kept moving as it was read.
   */
  seq?: number;
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

/**
 * `reportMessage` (4.x): a message of a conversation or group of mine, reported to the app's
 * moderators (listed by `openwebim-server reports list <org#app>`). `reportType` is the reporter's
 * category (at most {@link Limits.reportTypeMaxChars}), `reportReason` their words (at most
 * {@link Limits.reportReasonMaxChars}). Answered {@link OkResponse}; 404 for a message that is not
 * there (or recalled), 403 for one of a conversation I am not part of.
 */
export interface ReportMessageRequest {
  reportType: string;
  reportReason: string;
  reportMsgId: string;
}

/** Easemob's field names. A wrong `oldpassword` is 400 `invalid_grant` "invalid password". */
export interface ChangePasswordRequest {
  oldpassword: string;
  newpassword: string;
}
