/**
 * The one table of REST routes: the SDK makes its requests from it (src/sdk/rest-routes.ts) and the
 * server registers its handlers on it (server/http/rest-route.ts), so a path is spelled once.
 *
 * Each route is `'VERB /path?query'`, the path relative to `/{org}/{app}`. `{x}` is a path
 * parameter: `{me}` is the token's own user (the server refuses any other, 403), the others name
 * what they hold. The query lists the names a request may carry; bodies and answers are in rest.ts.
 */
export const RestRoutes = {
  register: 'POST /users',
  token: 'POST /token',
  user: 'GET /users/{username}',
  updateMe: 'PUT /users/{me}',
  tokenExpires: 'GET /sdk/users/{me}/token/expires',
  revokeToken: 'DELETE /sdk/users/{me}/token',
  changePassword: 'PUT /users/{me}/password',
  upload: 'POST /chatfiles',
  chatfile: 'GET /chatfiles/{uuid}',
  history: 'GET /users/{me}/messages?peer&chatType&limit&cursor',
  conversations: 'GET /users/{me}/user_channels',
  // Delete for me (deletions.ts): the SDK's option names in the query, so its rows need no body.
  removeHistoryMessages: 'DELETE /users/{me}/messages?targetId&chatType&messageIds&beforeTimeStamp',
  deleteConversation: 'DELETE /users/{me}/user_channels?channel&chatType&deleteRoam',

  contacts: 'GET /users/{me}/contacts/users',
  deleteContact: 'DELETE /users/{me}/contacts/users/{username}',
  contactRequests: 'GET /users/{me}/contacts/requests',
  requestContact: 'POST /users/{me}/contacts/requests',
  acceptContact: 'POST /users/{me}/contacts/requests/{username}/accept',
  declineContact: 'POST /users/{me}/contacts/requests/{username}/decline',
  blocklist: 'GET /users/{me}/blocks/users',
  block: 'POST /users/{me}/blocks/users',
  unblock: 'DELETE /users/{me}/blocks/users/{username}',

  createGroup: 'POST /chatgroups',
  group: 'GET /chatgroups/{groupId}',
  modifyGroup: 'PUT /chatgroups/{groupId}',
  destroyGroup: 'DELETE /chatgroups/{groupId}',
  joinedGroups: 'GET /users/{me}/joined_chatgroups',
  publicGroups: 'GET /publicchatgroups?limit&cursor',
  groupMembers: 'GET /chatgroups/{groupId}/users',
  inviteToGroup: 'POST /chatgroups/{groupId}/invite',
  answerGroupInvite: 'POST /chatgroups/{groupId}/invite_verify',
  applyToGroup: 'POST /chatgroups/{groupId}/apply',
  answerGroupApplication: 'POST /chatgroups/{groupId}/apply_verify',
  quitGroup: 'DELETE /chatgroups/{groupId}/quit',
  removeGroupMember: 'DELETE /chatgroups/{groupId}/users/{username}',
  groupAdmins: 'GET /chatgroups/{groupId}/admin',
  addGroupAdmin: 'POST /chatgroups/{groupId}/admin',
  removeGroupAdmin: 'DELETE /chatgroups/{groupId}/admin/{username}',
  muteGroupMembers: 'POST /chatgroups/{groupId}/mute',
  unmuteGroupMember: 'DELETE /chatgroups/{groupId}/mute/{username}',
  groupMuteList: 'GET /chatgroups/{groupId}/mute',
  groupAcks: 'GET /chatgroups/{groupId}/acks/{msgId}',
  groupAnnouncement: 'GET /chatgroups/{groupId}/announcement',
  updateGroupAnnouncement: 'POST /chatgroups/{groupId}/announcement',
  muteAllInGroup: 'POST /chatgroups/{groupId}/ban',
  unmuteAllInGroup: 'DELETE /chatgroups/{groupId}/ban',
  groupBlocklist: 'GET /chatgroups/{groupId}/blocks/users',
  blockGroupMember: 'POST /chatgroups/{groupId}/blocks/users/{username}',
  unblockGroupMember: 'DELETE /chatgroups/{groupId}/blocks/users/{username}',
  setGroupMemberAttributes: 'PUT /metadata/chatgroup/{groupId}/user/{userId}',
  getGroupMemberAttributes: 'GET /metadata/chatgroup/{groupId}/user/{userId}',
  getGroupMembersAttributes: 'POST /metadata/chatgroup/{groupId}/get',

  rooms: 'GET /chatrooms?pagenum&pagesize',
  createRoom: 'POST /chatrooms',
  room: 'GET /chatrooms/{roomId}',
  destroyRoom: 'DELETE /chatrooms/{roomId}',
  joinRoom: 'POST /chatrooms/{roomId}/apply',
  quitRoom: 'DELETE /chatrooms/{roomId}/quit',
  roomMembers: 'GET /chatrooms/{roomId}/users',
  removeRoomMember: 'DELETE /chatrooms/{roomId}/users/{username}',
  roomHistory: 'GET /chatrooms/{roomId}/messages?limit',
  joinedRooms: 'GET /users/{me}/joined_chatrooms',
  roomAnnouncement: 'GET /chatrooms/{roomId}/announcement',
  updateRoomAnnouncement: 'POST /chatrooms/{roomId}/announcement',
  roomAdmins: 'GET /chatrooms/{roomId}/admin',
  addRoomAdmin: 'POST /chatrooms/{roomId}/admin',
  removeRoomAdmin: 'DELETE /chatrooms/{roomId}/admin/{username}',
  muteRoomMembers: 'POST /chatrooms/{roomId}/mute',
  unmuteRoomMember: 'DELETE /chatrooms/{roomId}/mute/{username}',
  roomMuteList: 'GET /chatrooms/{roomId}/mute',
  muteAllInRoom: 'POST /chatrooms/{roomId}/ban',
  unmuteAllInRoom: 'DELETE /chatrooms/{roomId}/ban',
  roomBlocklist: 'GET /chatrooms/{roomId}/blocks/users',
  blockRoomMember: 'POST /chatrooms/{roomId}/blocks/users/{username}',
  unblockRoomMember: 'DELETE /chatrooms/{roomId}/blocks/users/{username}',

  reportMessage: 'POST /user/{me}/moderation/report',

  addReaction: 'POST /reaction/user/{me}?messageId&reaction',
  deleteReaction: 'DELETE /reaction/user/{me}?messageId&reaction',
  reactionList: 'GET /reaction/user/{me}?messageId',
  reactionDetail: 'GET /reaction/user/{me}/detail?messageId&reaction&cursor&pageSize',

  guest: 'POST /guests',
  updateMyMetadata: 'PUT /metadata/user/{me}',
  usersMetadata: 'POST /metadata/user/get',
} as const satisfies Record<string, `${'GET' | 'POST' | 'PUT' | 'DELETE'} /${string}`>;

/** The DNS list (`isHttpDNS: true`), the one route outside `/{org}/{app}`: `?app_key=org%23app`. */
export const DnsRoute = 'GET /easemob/server.json?app_key';

export type RestRoute = (typeof RestRoutes)[keyof typeof RestRoutes];

/** A route's verb and path, without its query. */
export function routeParts(route: string): [verb: string, path: string] {
  const [verb, target] = route.split(' ') as [string, string];
  return [verb, target.split('?')[0]!];
}

/** The path of a route, without its verb and query. */
export type RoutePath<R extends string> = R extends `${string} ${infer P}`
  ? P extends `${infer Path}?${string}`
    ? Path
    : P
  : never;

/** The path parameters of a path: `{groupId}` → `{groupId: string}`. */
export type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name]: string } & PathParams<Rest>
  : unknown;
