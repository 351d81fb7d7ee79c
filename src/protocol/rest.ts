/**
 * REST bodies, on Agora Chat's paths (base `{apiUrl}/{org}/{app}`, app key `org#app`). The routes
 * themselves, as both sides use them, are the table of routes.ts; the tables here say what each carries.
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
 * Contacts and blocklist (Bearer; `{me}` must be the token's user). Each change is also pushed to
 * the users concerned as a `ContactEvent` (frames.ts).
 *
 * | request | body | success |
 * | --- | --- | --- |
 * | `GET /{org}/{app}/users/{me}/contacts/users` | – | {@link ContactsResponse} |
 * | `DELETE /{org}/{app}/users/{me}/contacts/users/{friend}` | – | {@link OkResponse} |
 * | `GET /{org}/{app}/users/{me}/contacts/requests` | – | {@link ContactRequestsResponse} (pending, both ways) |
 * | `POST /{org}/{app}/users/{me}/contacts/requests` | {@link ContactRequestBody} | {@link OkResponse} |
 * | `POST /{org}/{app}/users/{me}/contacts/requests/{from}/accept` | – | {@link OkResponse} |
 * | `POST /{org}/{app}/users/{me}/contacts/requests/{from}/decline` | – | {@link OkResponse} |
 * | `GET /{org}/{app}/users/{me}/blocks/users` | – | {@link BlocklistResponse} |
 * | `POST /{org}/{app}/users/{me}/blocks/users` | {@link BlockRequest} | {@link BlocklistResponse} (the whole list) |
 * | `DELETE /{org}/{app}/users/{me}/blocks/users/{user}` | – | {@link BlocklistResponse} (the whole list) |
 *
 * - A request to someone who already asked me accepts theirs (both become contacts). A request to
 *   an existing contact, to myself, or a second pending one: 400 `illegal_argument`. To an unknown
 *   user: 404 `service_resource_not_found`. From someone the recipient blocked: 403 `forbidden_op`.
 * - accept / decline without a pending request from `{from}`: 404.
 * - Blocking keeps the contact; it stops the blocked user's 1:1 messages (nack 603), contact
 *   requests and group invitations to me (403), and their group and room messages are not
 *   delivered to me.
 * - Blocking someone already blocked, or unblocking someone not blocked, changes nothing (200, the
 *   list). Limits, 400 `illegal_argument`: `message` over `Limits.requestMessageMaxChars`; my
 *   contacts plus my pending requests reaching `Limits.contactsMax`; a blocklist past
 *   `Limits.blocklistMax` (nothing is added). Requests count against
 *   `Limits.invitationsPerMinute`: 429 `reach_limit`.
 *
 * Groups (Bearer; Agora's paths). Each change is also pushed as a `GroupEvent` (frames.ts).
 *
 * | request | who may | body | success |
 * | --- | --- | --- | --- |
 * | `POST /{org}/{app}/chatgroups` | anyone | {@link CreateGroupRequest} | {@link GroupIdResponse} |
 * | `GET /{org}/{app}/chatgroups/{gid}` | members; anyone for a public group | – | {@link GroupInfoResponse} |
 * | `PUT /{org}/{app}/chatgroups/{gid}` | owner, admins (`newowner`: owner) | {@link ModifyGroupRequest} | {@link GroupInfoResponse} |
 * | `DELETE /{org}/{app}/chatgroups/{gid}` | owner | – | {@link OkResponse} (disband) |
 * | `GET /{org}/{app}/users/{me}/joined_chatgroups` | me | – | {@link GroupsResponse} |
 * | `GET /{org}/{app}/publicchatgroups?limit&cursor` | anyone | – | {@link PublicGroupsResponse} |
 * | `GET /{org}/{app}/chatgroups/{gid}/users` | members; anyone for a public group | – | {@link GroupMembersResponse} |
 * | `POST /{org}/{app}/chatgroups/{gid}/invite` | owner, admins; members if `allowinvites` | {@link UsernamesRequest} | {@link OkResponse} |
 * | `POST /{org}/{app}/chatgroups/{gid}/invite_verify` | an invitee | {@link VerifyRequest} | {@link OkResponse} |
 * | `POST /{org}/{app}/chatgroups/{gid}/apply` | anyone, public groups | {@link ApplyRequest} | {@link ApplyResponse} |
 * | `POST /{org}/{app}/chatgroups/{gid}/apply_verify` | owner, admins | {@link ApplyVerifyRequest} | {@link OkResponse} |
 * | `DELETE /{org}/{app}/chatgroups/{gid}/quit` | members but the owner | – | {@link OkResponse} |
 * | `DELETE /{org}/{app}/chatgroups/{gid}/users/{user}` | owner; admins (not the owner nor admins) | – | {@link OkResponse} |
 * | `GET /{org}/{app}/chatgroups/{gid}/admin` | members | – | {@link UsernamesResponse} |
 * | `POST /{org}/{app}/chatgroups/{gid}/admin` | owner | `{newadmin}` | {@link OkResponse} |
 * | `DELETE /{org}/{app}/chatgroups/{gid}/admin/{user}` | owner | – | {@link OkResponse} |
 * | `POST /{org}/{app}/chatgroups/{gid}/mute` | owner, admins (not the owner nor admins) | {@link MuteRequest} | {@link OkResponse} |
 * | `DELETE /{org}/{app}/chatgroups/{gid}/mute/{user}` | owner, admins | – | {@link OkResponse} |
 * | `GET /{org}/{app}/chatgroups/{gid}/mute` | members | – | {@link MuteListResponse} |
 * | `GET /{org}/{app}/chatgroups/{gid}/acks/{mid}` | the message's sender | – | {@link GroupAcksResponse} |
 * | `GET /{org}/{app}/chatgroups/{gid}/announcement` | members; anyone for a public group | – | {@link AnnouncementResponse} |
 * | `POST /{org}/{app}/chatgroups/{gid}/announcement` | owner, admins | {@link AnnouncementRequest} | {@link AnnouncementUpdatedResponse} |
 * | `POST` / `DELETE /{org}/{app}/chatgroups/{gid}/ban` | owner, admins | – | {@link MuteAllResponse} (everyone muted but the owner and admins / not) |
 * | `GET /{org}/{app}/chatgroups/{gid}/blocks/users` | owner, admins | – | {@link UsernamesResponse} (banned users) |
 * | `POST /{org}/{app}/chatgroups/{gid}/blocks/users/{user}` | owner; admins (not the owner nor admins) | – | {@link OkResponse} (ban: removed, and cannot rejoin nor be invited) |
 * | `DELETE /{org}/{app}/chatgroups/{gid}/blocks/users/{user}` | owner, admins | – | {@link OkResponse} (unban; not a member again) |
 * | `GET /{org}/{app}/users/{me}/messages?peer={gid}&chatType=groupChat…` | members | – | {@link HistoryResponse} |
 * | `PUT /{org}/{app}/metadata/chatgroup/{gid}/user/{user}` | the member themself; owner, admins | {@link MemberAttributesRequest} | {@link MemberAttributesResponse} (all of theirs now) |
 * | `GET /{org}/{app}/metadata/chatgroup/{gid}/user/{user}` | members | – | {@link MemberAttributesResponse} |
 * | `POST /{org}/{app}/metadata/chatgroup/{gid}/get` | members | {@link MembersAttributesRequest} | {@link MembersAttributesResponse} |
 *
 * Refusals: unknown group 404 `service_resource_not_found`; not a member of a private group, or not
 * allowed the operation, 403 `forbidden_op`; limits (members per group, groups per user, lengths,
 * invitations per minute) 400 `illegal_argument` / 403 `forbidden_op` with the limit named in
 * `error_description`, 429 `reach_limit` for the rate. The owner cannot quit (transfer or disband).
 *
 * Chat rooms (Bearer). Creating one needs a room admin of the app (`openwebim-server app set
 * org#app --room-admins a,b`); the reference server makes a room "Lobby" in `demo#chat`.
 *
 * | request | who may | body | success |
 * | --- | --- | --- | --- |
 * | `GET /{org}/{app}/chatrooms?pagenum&pagesize` | anyone | – | {@link RoomsResponse} |
 * | `POST /{org}/{app}/chatrooms` | room admins | {@link CreateRoomRequest} | {@link RoomIdResponse} |
 * | `GET /{org}/{app}/chatrooms/{id}` | anyone | – | {@link RoomInfoResponse} |
 * | `DELETE /{org}/{app}/chatrooms/{id}` | its owner, room admins | – | {@link OkResponse} |
 * | `POST /{org}/{app}/chatrooms/{id}/apply` | anyone (until `maxusers`) | – | {@link OkResponse} |
 * | `DELETE /{org}/{app}/chatrooms/{id}/quit` | members | – | {@link OkResponse} |
 * | `GET /{org}/{app}/chatrooms/{id}/users` | members | – | {@link RoomMembersResponse} |
 * | `DELETE /{org}/{app}/chatrooms/{id}/users/{user}` | its owner, room admins | – | {@link OkResponse} |
 * | `GET /{org}/{app}/chatrooms/{id}/messages?limit` | members | – | {@link HistoryResponse} (the recent window, newest first) |
 * | `GET /{org}/{app}/users/{me}/joined_chatrooms` | me | – | {@link RoomsResponse} |
 * | `GET /{org}/{app}/chatrooms/{id}/announcement` | anyone | – | {@link AnnouncementResponse} |
 * | `POST /{org}/{app}/chatrooms/{id}/announcement` | its managers, its admins | {@link AnnouncementRequest} | {@link AnnouncementUpdatedResponse} |
 * | `GET /{org}/{app}/chatrooms/{id}/admin` | members | – | {@link UsernamesResponse} |
 * | `POST /{org}/{app}/chatrooms/{id}/admin` | its managers | `{newadmin}` (a member) | {@link OkResponse} |
 * | `DELETE /{org}/{app}/chatrooms/{id}/admin/{user}` | its managers | – | {@link OkResponse} |
 * | `POST /{org}/{app}/chatrooms/{id}/mute` | its managers; its admins (members only) | {@link MuteRequest} | {@link OkResponse} |
 * | `DELETE /{org}/{app}/chatrooms/{id}/mute/{user}` | its managers, its admins | – | {@link OkResponse} |
 * | `GET /{org}/{app}/chatrooms/{id}/mute` | members | – | {@link MuteListResponse} |
 * | `POST` / `DELETE /{org}/{app}/chatrooms/{id}/ban` | its managers, its admins | – | {@link MuteAllResponse} |
 * | `GET /{org}/{app}/chatrooms/{id}/blocks/users` | its managers, its admins | – | {@link UsernamesResponse} |
 * | `POST` / `DELETE /{org}/{app}/chatrooms/{id}/blocks/users/{user}` | its managers; its admins (members only) | – | {@link OkResponse} (ban: removed, cannot join again / unban) |
 *
 * A room's managers are its owner and the app's room admins; its admins are members its managers
 * made admin. Only they (and, while everyone is muted, only they) may write when `mute` is set.
 * A muted member's message is refused with 507; a banned user's join with 403 `forbidden_op`.
 *
 * Chatfiles: only the uploader, and participants of a conversation holding a message that names the
 * file, may download it (403 `forbidden_op` "chatfile no permission" otherwise, 401 without a token,
 * 404 `service_resource_not_found` for an unknown uuid). Wrong `share-secret` → 403 too. The app's
 * `--max-file-bytes` (default 10 MB) → 413. Files are streamed to disk, never held whole in memory.
 *
 * Reactions (Bearer; `{me}` must be the token's user), Agora's paths with the 4.x SDK's option
 * names in the query and its result shapes, so its methods are plain rows of the route table;
 * Agora's own names (`msgId`/`msgIdList`, `message`, `limit`, and `addReaction`'s JSON body
 * {@link AddReactionRequest}) are read too. Only a member of the message's conversation may react or read them: the sender or
 * recipient of a 1:1 message, a member of the group (while a member). Each change is pushed live as
 * a `ReactionFrame` (frames.ts) to every member's sessions; REST history carries `reactions`.
 *
 * | request | body | success |
 * | --- | --- | --- |
 * | `POST /{org}/{app}/reaction/user/{me}?messageId&reaction` | – (or {@link AddReactionRequest}) | {@link OkResponse} (adding one already there changes nothing) |
 * | `DELETE /{org}/{app}/reaction/user/{me}?messageId&reaction` | – | {@link OkResponse} (removing one not there changes nothing) |
 * | `GET /{org}/{app}/reaction/user/{me}?messageId=a,b` | – | {@link ReactionListResponse} |
 * | `GET /{org}/{app}/reaction/user/{me}/detail?messageId&reaction&cursor&pageSize` | – | {@link ReactionDetailResponse} |
 *
 * Refusals: a message that is not there, or was recalled, 404 `service_resource_not_found` (the
 * list gives it no reactions instead); a message of a conversation or group I am not part of 403
 * `forbidden_op`; a chat-room message 404 too (rooms keep no messages to react to);
 * an empty reaction or one over {@link Limits.reactionMaxChars} characters, more than
 * {@link Limits.reactionListMessagesMax} ids, a `limit` out of 1–{@link Limits.reactionDetailPageMax}
 * or an unknown `cursor` 400 `illegal_argument`; a new kind of reaction on a message that has
 * {@link Limits.reactionsPerMessageMax} already 403 `forbidden_op`. The SDK rejects each with
 * `{type: 17, data}` (data: the body), as every REST method.
 *
 * Every failure answers with an {@link ErrorBody} and the HTTP status Agora uses.
 */

import type { AppLimits, ChatType, ReactionListItem, ServerMessage } from './frames.js';
import type { RoomRole } from './room-roles.js';

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

/** A change that has nothing to return. */
export interface OkResponse {
  data: { result: true };
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

/** `addReaction` as Agora's REST API sends it, a JSON body (`message` is the reaction). */
export interface AddReactionRequest {
  msgId: string;
  message: string;
}

/** `getReactionList`: one entry per id asked, in the order asked. */
export interface ReactionListResponse {
  data: { msgId: string; reactionList: ReactionListItem[] }[];
}

/**
 * `getReactionDetail`: one page of the users of a reaction, earliest first; `cursor` asks for the
 * next page (`null`: this was the last). `userCount` counts them all.
 */
export interface ReactionDetailResponse {
  data: ReactionListItem & { cursor: string | null };
}

/** Easemob's field names. A wrong `oldpassword` is 400 `invalid_grant` "invalid password". */
export interface ChangePasswordRequest {
  oldpassword: string;
  newpassword: string;
}

export interface ContactEntry {
  username: string;
  nickname?: string;
  /** Has at least one session open now. */
  online: boolean;
}

export interface ContactsResponse {
  entities: ContactEntry[];
}

export interface ContactRequestBody {
  to: string;
  /** Shown to the recipient; at most `Limits.requestMessageMaxChars`. */
  message?: string;
}

export interface ContactRequestEntry {
  from: string;
  to: string;
  message: string;
  time: number;
}

export interface ContactRequestsResponse {
  entities: ContactRequestEntry[];
}

export interface BlockRequest {
  usernames: string[];
}

export interface BlocklistResponse {
  data: string[];
}

/** `createGroupNew({data})` of the SDKs, as sent. */
export interface CreateGroupRequest {
  groupname: string;
  desc?: string;
  /** Usernames to add (or invite, with `inviteNeedConfirm`), besides the owner. */
  members?: string[];
  /** Listed in `publicchatgroups` and open to `apply`. */
  public: boolean;
  /** Applications need the owner's or an admin's approval. Default false. */
  approval?: boolean;
  /** Members (not only owner and admins) may invite. Default false. */
  allowinvites?: boolean;
  /** Invitees must accept before they join. Default true. */
  inviteNeedConfirm?: boolean;
  /** Most members, owner included. Default and ceiling `Limits.groupMembersMax`. */
  maxusers?: number;
}

export interface GroupIdResponse {
  data: { groupid: string };
}

export type GroupRole = 'owner' | 'admin' | 'member';

export interface GroupInfo {
  id: string;
  name: string;
  description: string;
  owner: string;
  public: boolean;
  approval: boolean;
  allowinvites: boolean;
  inviteNeedConfirm: boolean;
  maxusers: number;
  created: number;
  /** Members, owner included. */
  affiliations_count: number;
  admins: string[];
  /** Everyone but the owner and the admins is muted (`disableSendGroupMsg`). */
  mute: boolean;
  /** The group's announcement; `''` when none. */
  announcement: string;
}

export interface GroupInfoResponse {
  data: GroupInfo[];
}

/** A group I am in, with my place in it. */
export interface JoinedGroup extends GroupInfo {
  role: GroupRole;
  /** I am muted until then, ms since the epoch (`-1`: until unmuted); absent when not muted. */
  muteUntil?: number;
}

export interface GroupsResponse {
  entities: JoinedGroup[];
}

export interface PublicGroupsResponse {
  data: { groupid: string; groupname: string; owner: string; affiliations_count: number }[];
  /** Pass as `cursor` for the next page; absent on the last. */
  cursor?: string;
}

export interface GroupMember {
  username: string;
  nickname?: string;
  role: GroupRole;
  muteUntil?: number;
}

export interface GroupMembersResponse {
  entities: GroupMember[];
}

export interface ModifyGroupRequest {
  groupname?: string;
  description?: string;
  /** Owner only: hand the group to this member (the old owner stays as a member). */
  newowner?: string;
}

export interface UsernamesRequest {
  usernames: string[];
  /** The invitation's message. */
  reason?: string;
}

export interface UsernamesResponse {
  data: string[];
}

/**
 * A room's members in the 4.x SDK's `listChatRoomMembers` shape, one `{member}` each, with its role
 * there (openwebim's addition, a `RoomRole`).
 */
export interface RoomMembersResponse {
  data: { member: string; role: RoomRole }[];
}

/** Answer to an invitation, by the invitee. */
export interface VerifyRequest {
  accept: boolean;
  reason?: string;
}

export interface ApplyRequest {
  message?: string;
}

/** `joined`: in at once (no approval needed); `requested`: waiting for the owner or an admin. */
export interface ApplyResponse {
  data: { result: 'joined' | 'requested' };
}

export interface ApplyVerifyRequest {
  applicant: string;
  accept: boolean;
  reason?: string;
}

export interface MuteRequest {
  usernames: string[];
  /** ms; `-1` until unmuted. */
  mute_duration: number;
}

export interface MuteListResponse {
  data: { user: string; expire: number }[];
}

/** Who has read a group message sent with `allowGroupAck`. */
export interface GroupAcksResponse {
  data: { username: string; time: number }[];
}

export interface CreateRoomRequest {
  name: string;
  description?: string;
  maxusers?: number;
}

export interface RoomIdResponse {
  data: { id: string };
}

export interface RoomInfo {
  id: string;
  name: string;
  description: string;
  owner: string;
  maxusers: number;
  affiliations_count: number;
  created: number;
  /** Members made admin of this room by its managers. */
  admins: string[];
  /** Everyone but its managers and admins is muted (`disableSendChatRoomMsg`). */
  mute: boolean;
  /** The room's announcement; `''` when none. */
  announcement: string;
  /** In the rooms I joined: I am muted until then (ms), or `-1` until unmuted. */
  muteUntil?: number;
}

export interface RoomsResponse {
  data: RoomInfo[];
  /** Whether the caller is a room admin of the app, who may create rooms. */
  can_create?: boolean;
}

/** `updateGroupAnnouncement` / `updateChatRoomAnnouncement`; `''` removes it. */
export interface AnnouncementRequest {
  announcement: string;
}

/** `fetchGroupAnnouncement` / `fetchChatRoomAnnouncement`, as the 4.x SDK gives it. */
export interface AnnouncementResponse {
  data: { announcement: string };
}

/** As the 4.x SDK gives it: the group or room id and `result: true`. */
export interface AnnouncementUpdatedResponse {
  data: { id: string; result: boolean };
}

/**
 * `setGroupMemberAttributes` (4.x): the attributes to set for one member, by key; `''` removes a
 * key, keys not named stay. Limits: {@link MemberAttributeLimits}.
 */
export interface MemberAttributesRequest {
  metaData: Record<string, string>;
}

/** One member's attributes (`{}` when none). */
export interface MemberAttributesResponse {
  data: Record<string, string>;
}

/**
 * `getGroupMembersAttributes`: of whom (at most {@link MemberAttributeLimits.readMaxUsers}), and
 * which keys (all when absent or empty).
 */
export interface MembersAttributesRequest {
  targets: string[];
  properties?: string[];
}

/** Attributes by member; users who are not members are absent. */
export interface MembersAttributesResponse {
  data: Record<string, Record<string, string>>;
}

/** `disableSendGroupMsg` / `enableSendGroupMsg` (and the room ones): whether everyone is muted now. */
export interface MuteAllResponse {
  data: { mute: boolean };
}

export interface RoomInfoResponse {
  data: RoomInfo[];
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
  /** A chat file past the app's lifetime (404; the SDK's WEBIM_DOWNLOADFILE_ERROR_EXPIRED 223). */
  fileExpired: 'file_expired',
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
  /** Agora's words for a missing or empty password (registration, a new password). */
  passwordMissing: 'password or pin must provided',
  passwordTooLong: 'password must be at most 64 characters',
  /** A plain HTTP request to `/websocket` (400 `illegal_argument`). */
  websocketUpgradeRequired: 'WebSocket upgrade required: connect to /websocket with a WebSocket',
} as const;

/** Limits the server enforces on every app, and the SDK checks before sending. */
export const Limits = {
  /** Username: 1–64 bytes of `[a-z0-9_.-]`, lowercase (Agora). */
  usernameMaxBytes: 64,
  usernamePattern: /^[a-z0-9_.-]+$/,
  passwordMaxChars: 64,
  /** `reportMessage`: the category and the reason, in characters. */
  reportTypeMaxChars: 64,
  reportReasonMaxChars: 1000,
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
  /** Messages one `removeHistoryMessages` may delete by id (the 4.x SDK's limit). */
  deleteMessagesMax: 50,
  /** A contact request's or group application's message. */
  requestMessageMaxChars: 256,
  contactsMax: 3000,
  blocklistMax: 500,
  groupNameMaxChars: 128,
  groupDescriptionMaxChars: 512,
  /** A group's or room's announcement. */
  announcementMaxChars: 512,
  /** Default and ceiling of a group's `maxusers`, owner included (per app, `--max-group-members`). */
  groupMembersMax: 200,
  /** Groups a user may own or be in. */
  groupsPerUser: 100,
  /** Contact requests plus group invitations one user may send per minute. */
  invitationsPerMinute: 30,
  roomNameMaxChars: 128,
  roomMembersMax: 1000,
  /** Messages a room keeps for members who join later. */
  roomRecentMessages: 50,
  /** Default open sessions per user; past it the oldest is kicked (per app, `--max-sessions`). */
  sessionsPerUser: 10,
  /** Default bytes of live chatfiles one user may keep (per app, `--user-upload-quota`). */
  userUploadQuotaBytes: 1024 ** 3,
  /** Default bytes of live chatfiles a whole app may keep (per app, `--app-upload-quota`). */
  appUploadQuotaBytes: 50 * 1024 ** 3,
  /** Default days a chatfile stays downloadable (per app, `--file-ttl-days`). */
  chatfileTtlDays: 30,
  /** A reaction (emoji or short name), in characters (Agora's limit). */
  reactionMaxChars: 128,
  /** Kinds of reaction one message may carry (Agora's default). */
  reactionsPerMessageMax: 20,
  /** Messages one `getReactionList` may ask about. */
  reactionListMessagesMax: 100,
  /** `getReactionDetail`'s default and largest page. */
  reactionDetailPageDefault: 20,
  reactionDetailPageMax: 100,
  /** Group and room ids: 15 or more digits; usernames of that shape are refused. */
  numericIdPattern: /^[0-9]{15,}$/,
} as const;

/**
 * A group member's attributes (`setGroupMemberAttributes`, Agora's limits): a key of 1–16 bytes,
 * a value of at most 512, at most 32 keys and 4 KB of keys and values per member; a read of
 * several members names at most 10. Apart from {@link Limits}, which the widget carries: only the
 * server checks these.
 */
export const MemberAttributeLimits = {
  keyMaxBytes: 16,
  valueMaxBytes: 512,
  maxKeys: 32,
  maxBytes: 4096,
  readMaxUsers: 10,
} as const;

/** An app's limits when it sets none (what clients assume until `auth-ok` says otherwise). */
export const DefaultAppLimits: Readonly<AppLimits> = {
  messageMaxBytes: Limits.messageMaxBytes,
  fileMaxBytes: Limits.fileMaxBytes,
  recallSeconds: Limits.recallSeconds,
};
