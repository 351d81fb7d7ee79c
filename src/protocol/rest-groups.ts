/**
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
 */

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
