/**
 * Groups over REST (rest.ts), with the option names of the 4.x SDK under both its names and the
 * 3.x ones. Members learn of each change as a group event (user-events.ts).
 */
import {
  RestRoutes,
  type ApplyResponse,
  type CreateGroupRequest,
  type GroupAcksResponse,
  type GroupIdResponse,
  type GroupInfoResponse,
  type GroupMembersResponse,
  type GroupsResponse,
  type AnnouncementResponse,
  type AnnouncementUpdatedResponse,
  type MemberAttributesResponse,
  type MembersAttributesResponse,
  type MuteAllResponse,
  type MuteListResponse,
  type OkResponse,
  type PublicGroupsResponse,
  type UsernamesResponse,
} from '../protocol/index.js';
import type { Call, Get, Route, RouteContext } from './rest-routes.js';

type Group = { groupId: string };

/** `getJoinedGroups`: the server's list, and the 4.x SDK's `data: [{groupid, groupname}]`. */
export type JoinedGroupsResult = GroupsResponse & {
  data: { groupid: string; groupname: string }[];
};
/** `listGroupMembers`: the server's list, and the 4.x SDK's `data: [{owner} | {member}]`. */
export type GroupMembersResult = GroupMembersResponse & {
  data: ({ owner: string } | { member: string })[];
};
type Member = Group & { username: string };
type Applicant = Group & { applicant: string; reason?: string };

export type GroupMethods = Record<
  'createGroupNew' | 'createGroup',
  /** Fires `onCreateGroup({data: {groupid}})` too. */
  Call<{ data: CreateGroupRequest }, GroupIdResponse>
> & {
  getGroupInfo: Call<Group, GroupInfoResponse>;
  modifyGroup: Call<Group & { groupName?: string; description?: string }, GroupInfoResponse>;
  joinGroup: Call<Group & { message?: string }, ApplyResponse>;
  getGroupAdmin: Call<Group, UsernamesResponse>;
  /** Who has read my message `msgId`, sent with `msgConfig: {allowGroupAck: true}`. */
  getGroupMsgReadUser: Call<Group & { msgId: string }, GroupAcksResponse>;
} & Record<
    'changeOwner' | 'changeGroupOwner',
    Call<Group & { newOwner: string }, GroupInfoResponse>
  > &
  Record<
    | 'dissolveGroup'
    | 'destroyGroup'
    | 'agreeInviteIntoGroup'
    | 'acceptGroupInvite'
    | 'quitGroup'
    | 'leaveGroup',
    Call<Group, OkResponse>
  > &
  Record<'getGroup' | 'getJoinedGroups', Get<JoinedGroupsResult>> &
  Record<
    'listGroups' | 'getPublicGroups',
    Get<PublicGroupsResponse, { limit?: number; cursor?: string }>
  > &
  Record<
    'listGroupMember' | 'listGroupMembers' | 'getGroupMembers',
    Call<Group, GroupMembersResult>
  > &
  Record<
    'inviteToGroup' | 'inviteUsersToGroup',
    Call<Group & { users: string[]; reason?: string }, OkResponse>
  > &
  Record<
    'rejectInviteIntoGroup' | 'rejectGroupInvite',
    Call<Group & { reason?: string }, OkResponse>
  > &
  Record<
    'agreeJoinGroup' | 'acceptGroupJoinRequest' | 'rejectJoinGroup' | 'rejectGroupJoinRequest',
    Call<Applicant, OkResponse>
  > &
  Record<
    | 'removeSingleGroupMember'
    | 'removeGroupMember'
    | 'removeMute'
    | 'unmuteGroupMember'
    | 'setAdmin'
    | 'setGroupAdmin'
    | 'removeAdmin'
    | 'removeGroupAdmin',
    Call<Member, OkResponse>
  > &
  Record<
    'mute' | 'muteGroupMember',
    /** `muteDuration`: ms, `-1` until unmuted. */
    Call<Group & { username: string | string[]; muteDuration: number }, OkResponse>
  > &
  Record<'getMuted' | 'getGroupMuteList', Call<Group, MuteListResponse>> & {
    fetchGroupAnnouncement: Call<Group, AnnouncementResponse>;
    /** `''` removes it. */
    updateGroupAnnouncement: Call<Group & { announcement: string }, AnnouncementUpdatedResponse>;
  } & Record<'disableSendGroupMsg' | 'enableSendGroupMsg', Call<Group, MuteAllResponse>> &
  Record<'blockGroupMember' | 'unblockGroupMember', Call<Member, OkResponse>> & {
    getGroupBlocklist: Call<Group, UsernamesResponse>;
    /**
     * 4.x: sets attributes of member `userId` (mine; the owner and admins anyone's); `''`
     * removes a key. Resolves with all of theirs; members get `onGroupEvent`
     * `memberAttributesUpdate` with `userId` and the `attributes` set.
     */
    setGroupMemberAttributes: Call<
      Group & { userId: string; memberAttributes: Record<string, string> },
      MemberAttributesResponse
    >;
    /** 4.x: one member's attributes, `data: {key: value}`. */
    getGroupMemberAttributes: Call<Group & { userId: string }, MemberAttributesResponse>;
    /** 4.x: several members' (at most 10), only `keys` if given: `data: {userId: {key: value}}`. */
    getGroupMembersAttributes: Call<
      Group & { userIds: string[]; keys?: string[] },
      MembersAttributesResponse
    >;
  };

const verify =
  (accept: boolean) =>
  ({ applicant, reason }: Record<string, unknown>) => ({ applicant, accept, reason });

export const GROUP_ROUTES: Route[] = [
  [
    'createGroupNew createGroup',
    RestRoutes.createGroup,
    ({ data }) => data,
    (response: GroupIdResponse, { emit }: RouteContext) => {
      emit('onCreateGroup', response);
      return response;
    },
  ],
  ['getGroupInfo', RestRoutes.group],
  [
    'modifyGroup',
    RestRoutes.modifyGroup,
    ({ groupName, description }) => ({ groupname: groupName, description }),
  ],
  [
    'changeOwner changeGroupOwner',
    RestRoutes.modifyGroup,
    ({ newOwner }) => ({ newowner: newOwner }),
  ],
  ['dissolveGroup destroyGroup', RestRoutes.destroyGroup],
  [
    'getGroup getJoinedGroups',
    RestRoutes.joinedGroups,
    0,
    (response: GroupsResponse): JoinedGroupsResult => ({
      ...response,
      data: response.entities.map(({ id, name }) => ({ groupid: id, groupname: name })),
    }),
  ],
  ['listGroups getPublicGroups', RestRoutes.publicGroups],
  [
    'listGroupMember listGroupMembers getGroupMembers',
    RestRoutes.groupMembers,
    0,
    (response: GroupMembersResponse): GroupMembersResult => ({
      ...response,
      data: response.entities.map(({ username, role }) =>
        role === 'owner' ? { owner: username } : { member: username },
      ),
    }),
  ],
  [
    'inviteToGroup inviteUsersToGroup',
    RestRoutes.inviteToGroup,
    ({ users, reason }) => ({ usernames: users, reason }),
  ],
  [
    'agreeInviteIntoGroup acceptGroupInvite',
    RestRoutes.answerGroupInvite,
    () => ({ accept: true }),
  ],
  [
    'rejectInviteIntoGroup rejectGroupInvite',
    RestRoutes.answerGroupInvite,
    ({ reason }) => ({ accept: false, reason }),
  ],
  ['joinGroup', RestRoutes.applyToGroup, ({ message }) => ({ message })],
  ['agreeJoinGroup acceptGroupJoinRequest', RestRoutes.answerGroupApplication, verify(true)],
  ['rejectJoinGroup rejectGroupJoinRequest', RestRoutes.answerGroupApplication, verify(false)],
  ['quitGroup leaveGroup', RestRoutes.quitGroup],
  ['removeSingleGroupMember removeGroupMember', RestRoutes.removeGroupMember],
  [
    'mute muteGroupMember',
    RestRoutes.muteGroupMembers,
    ({ username, muteDuration }) => ({ usernames: [username].flat(), mute_duration: muteDuration }),
  ],
  ['removeMute unmuteGroupMember', RestRoutes.unmuteGroupMember],
  ['getMuted getGroupMuteList', RestRoutes.groupMuteList],
  ['getGroupAdmin', RestRoutes.groupAdmins],
  ['setAdmin setGroupAdmin', RestRoutes.addGroupAdmin, ({ username }) => ({ newadmin: username })],
  ['removeAdmin removeGroupAdmin', RestRoutes.removeGroupAdmin],
  ['getGroupMsgReadUser', RestRoutes.groupAcks],
  ['fetchGroupAnnouncement', RestRoutes.groupAnnouncement],
  [
    'updateGroupAnnouncement',
    RestRoutes.updateGroupAnnouncement,
    ({ announcement }) => ({ announcement }),
  ],
  ['disableSendGroupMsg', RestRoutes.muteAllInGroup],
  ['enableSendGroupMsg', RestRoutes.unmuteAllInGroup],
  ['blockGroupMember', RestRoutes.blockGroupMember],
  ['unblockGroupMember', RestRoutes.unblockGroupMember],
  ['getGroupBlocklist', RestRoutes.groupBlocklist],
  [
    'setGroupMemberAttributes',
    RestRoutes.setGroupMemberAttributes,
    ({ memberAttributes }) => ({ metaData: memberAttributes }),
  ],
  ['getGroupMemberAttributes', RestRoutes.getGroupMemberAttributes],
  [
    'getGroupMembersAttributes',
    RestRoutes.getGroupMembersAttributes,
    ({ userIds, keys }) => ({ targets: userIds, properties: keys }),
  ],
];
