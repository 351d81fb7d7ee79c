/**
 * Groups over REST (rest.ts), with the option names of the 4.x SDK under both its names and the
 * 3.x ones. Members learn of each change as a group event (user-events.ts).
 */
import type {
  ApplyResponse,
  CreateGroupRequest,
  GroupAcksResponse,
  GroupIdResponse,
  GroupInfoResponse,
  GroupMembersResponse,
  GroupsResponse,
  MuteListResponse,
  OkResponse,
  PublicGroupsResponse,
  UsernamesResponse,
} from '../protocol/index.js';
import type { Call, Get, Route, RouteContext } from './rest-routes.js';

type Group = { groupId: string };
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
  Record<'getGroup' | 'getJoinedGroups', Get<GroupsResponse>> &
  Record<
    'listGroups' | 'getPublicGroups',
    Get<PublicGroupsResponse, { limit?: number; cursor?: string }>
  > &
  Record<
    'listGroupMember' | 'listGroupMembers' | 'getGroupMembers',
    Call<Group, GroupMembersResponse>
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
  Record<'getMuted' | 'getGroupMuteList', Call<Group, MuteListResponse>>;

const GROUP = '/chatgroups/{groupId}';
const verify =
  (accept: boolean) =>
  ({ applicant, reason }: Record<string, unknown>) => ({ applicant, accept, reason });

export const GROUP_ROUTES: Route[] = [
  [
    'createGroupNew createGroup',
    'POST /chatgroups',
    ({ data }) => data,
    (response: GroupIdResponse, { emit }: RouteContext) => {
      emit('onCreateGroup', response);
      return response;
    },
  ],
  ['getGroupInfo', `GET ${GROUP}`],
  [
    'modifyGroup',
    `PUT ${GROUP}`,
    ({ groupName, description }) => ({ groupname: groupName, description }),
  ],
  ['changeOwner changeGroupOwner', `PUT ${GROUP}`, ({ newOwner }) => ({ newowner: newOwner })],
  ['dissolveGroup destroyGroup', `DELETE ${GROUP}`],
  ['getGroup getJoinedGroups', 'GET /users/{me}/joined_chatgroups'],
  ['listGroups getPublicGroups', 'GET /publicchatgroups?limit&cursor'],
  ['listGroupMember listGroupMembers getGroupMembers', `GET ${GROUP}/users`],
  [
    'inviteToGroup inviteUsersToGroup',
    `POST ${GROUP}/invite`,
    ({ users, reason }) => ({ usernames: users, reason }),
  ],
  [
    'agreeInviteIntoGroup acceptGroupInvite',
    `POST ${GROUP}/invite_verify`,
    () => ({ accept: true }),
  ],
  [
    'rejectInviteIntoGroup rejectGroupInvite',
    `POST ${GROUP}/invite_verify`,
    ({ reason }) => ({ accept: false, reason }),
  ],
  ['joinGroup', `POST ${GROUP}/apply`, ({ message }) => ({ message })],
  ['agreeJoinGroup acceptGroupJoinRequest', `POST ${GROUP}/apply_verify`, verify(true)],
  ['rejectJoinGroup rejectGroupJoinRequest', `POST ${GROUP}/apply_verify`, verify(false)],
  ['quitGroup leaveGroup', `DELETE ${GROUP}/quit`],
  ['removeSingleGroupMember removeGroupMember', `DELETE ${GROUP}/users/{username}`],
  [
    'mute muteGroupMember',
    `POST ${GROUP}/mute`,
    ({ username, muteDuration }) => ({ usernames: [username].flat(), mute_duration: muteDuration }),
  ],
  ['removeMute unmuteGroupMember', `DELETE ${GROUP}/mute/{username}`],
  ['getMuted getGroupMuteList', `GET ${GROUP}/mute`],
  ['getGroupAdmin', `GET ${GROUP}/admin`],
  ['setAdmin setGroupAdmin', `POST ${GROUP}/admin`, ({ username }) => ({ newadmin: username })],
  ['removeAdmin removeGroupAdmin', `DELETE ${GROUP}/admin/{username}`],
  ['getGroupMsgReadUser', `GET ${GROUP}/acks/{msgId}`],
];
