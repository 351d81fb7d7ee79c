/**
 * Chat rooms over REST (rest.ts). Room changes reach members live as `room` frames
 * (user-events.ts); room messages go through `send` with `chatType: 'chatRoom'`.
 */
import {
  RestRoutes,
  type AnnouncementResponse,
  type AnnouncementUpdatedResponse,
  type MuteAllResponse,
  type MuteListResponse,
  type CreateRoomRequest,
  type OkResponse,
  type RoomIdResponse,
  type RoomInfoResponse,
  type RoomMembersResponse,
  type RoomsResponse,
  type UsernamesResponse,
} from '../protocol/index.js';
import { named, type Call, type Get, type Route } from './rest-routes.js';

type Room = { chatRoomId: string };

/**
 * `listChatRoomMembers`, as the 4.x SDK gives it (`{data: [{member}]}`), each with its `role` in
 * the room (`owner`, `admin`, `member`; the app's room admins are admins of every room).
 */
export type RoomMembersResult = RoomMembersResponse;
type Joined = { roomId: string };

export type ChatRoomMethods = {
  getChatRooms: Get<RoomsResponse, { pagenum?: number; pagesize?: number }>;
  /** Needs a room admin of the app. */
  createChatRoom: Call<CreateRoomRequest, RoomIdResponse>;
  destroyChatRoom: Call<Room, OkResponse>;
  getChatRoomDetails: Call<Room, RoomInfoResponse>;
  joinChatRoom: Call<Joined, OkResponse>;
  getJoinedChatRooms: Get<RoomsResponse>;
} & Record<'quitChatRoom' | 'leaveChatRoom', Call<Joined, OkResponse>> &
  Record<
    'listChatRoomMember' | 'listChatRoomMembers' | 'getChatRoomMembers',
    Call<Room, RoomMembersResult>
  > &
  Record<
    | 'removeSingleChatRoomMember'
    | 'removeChatRoomMember'
    | 'setChatRoomAdmin'
    | 'removeChatRoomAdmin'
    | 'unmuteChatRoomMember'
    | 'blockChatRoomMember'
    | 'unblockChatRoomMember',
    Call<Room & { username: string }, OkResponse>
  > & {
    /** `muteDuration`: ms, `-1` until unmuted. */
    muteChatRoomMember: Call<Room & { username: string; muteDuration: number }, OkResponse>;
    getChatRoomAdmin: Call<Room, UsernamesResponse>;
    fetchChatRoomAnnouncement: Call<Joined, AnnouncementResponse>;
    /** `''` removes it. */
    updateChatRoomAnnouncement: Call<
      Joined & { announcement: string },
      AnnouncementUpdatedResponse
    >;
    getChatRoomBlocklist: Call<Room, UsernamesResponse>;
  } & Record<'disableSendChatRoomMsg' | 'enableSendChatRoomMsg', Call<Room, MuteAllResponse>> &
  Record<'getChatRoomMuted' | 'getChatRoomMuteList', Call<Room, MuteListResponse>>;

const ROOM = { roomId: 'chatRoomId' };

export const ROOM_ROUTES: Route[] = [
  ['getChatRooms', RestRoutes.rooms],
  [
    'createChatRoom',
    RestRoutes.createRoom,
    ({ name, description, maxusers }) => ({ name, description, maxusers }),
  ],
  ['destroyChatRoom', named(RestRoutes.destroyRoom, ROOM)],
  ['getChatRoomDetails', named(RestRoutes.room, ROOM)],
  ['joinChatRoom', RestRoutes.joinRoom],
  ['quitChatRoom leaveChatRoom', RestRoutes.quitRoom],
  ['getJoinedChatRooms', RestRoutes.joinedRooms],
  [
    'listChatRoomMember listChatRoomMembers getChatRoomMembers',
    named(RestRoutes.roomMembers, ROOM),
  ],
  ['removeSingleChatRoomMember removeChatRoomMember', named(RestRoutes.removeRoomMember, ROOM)],
  ['fetchChatRoomAnnouncement', RestRoutes.roomAnnouncement],
  [
    'updateChatRoomAnnouncement',
    RestRoutes.updateRoomAnnouncement,
    ({ announcement }) => ({ announcement }),
  ],
  ['getChatRoomAdmin', named(RestRoutes.roomAdmins, ROOM)],
  [
    'setChatRoomAdmin',
    named(RestRoutes.addRoomAdmin, ROOM),
    ({ username }) => ({ newadmin: username }),
  ],
  ['removeChatRoomAdmin', named(RestRoutes.removeRoomAdmin, ROOM)],
  [
    'muteChatRoomMember',
    named(RestRoutes.muteRoomMembers, ROOM),
    ({ username, muteDuration }) => ({ usernames: [username].flat(), mute_duration: muteDuration }),
  ],
  ['removeMuteChatRoomMember unmuteChatRoomMember', named(RestRoutes.unmuteRoomMember, ROOM)],
  [
    'getChatRoomMuted getChatRoomMuteList getChatRoomMutelist',
    named(RestRoutes.roomMuteList, ROOM),
  ],
  ['disableSendChatRoomMsg', named(RestRoutes.muteAllInRoom, ROOM)],
  ['enableSendChatRoomMsg', named(RestRoutes.unmuteAllInRoom, ROOM)],
  ['blockChatRoomMember', named(RestRoutes.blockRoomMember, ROOM)],
  ['unblockChatRoomMember', named(RestRoutes.unblockRoomMember, ROOM)],
  ['getChatRoomBlocklist', named(RestRoutes.roomBlocklist, ROOM)],
];
