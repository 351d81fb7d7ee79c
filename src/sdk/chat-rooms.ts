/**
 * Chat rooms over REST (rest.ts). Room changes reach members live as `room` frames
 * (user-events.ts); room messages go through `send` with `chatType: 'chatRoom'`.
 */
import {
  RestRoutes,
  type CreateRoomRequest,
  type OkResponse,
  type RoomIdResponse,
  type RoomInfoResponse,
  type RoomsResponse,
  type UsernamesResponse,
} from '../protocol/index.js';
import { named, type Call, type Get, type Route } from './rest-routes.js';

type Room = { chatRoomId: string };

/** `listChatRoomMembers`, as the 4.x SDK gives it (the server answers a list of usernames). */
export interface RoomMembersResult {
  data: { member: string }[];
}
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
    'removeSingleChatRoomMember' | 'removeChatRoomMember',
    Call<Room & { username: string }, OkResponse>
  >;

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
    0,
    ({ data }: UsernamesResponse): RoomMembersResult => ({
      data: data.map((member) => ({ member })),
    }),
  ],
  ['removeSingleChatRoomMember removeChatRoomMember', named(RestRoutes.removeRoomMember, ROOM)],
];
