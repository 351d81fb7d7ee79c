/**
 * Chat rooms over REST (rest.ts). Room changes reach members live as `room` frames
 * (user-events.ts); room messages go through `send` with `chatType: 'chatRoom'`.
 */
import type {
  CreateRoomRequest,
  OkResponse,
  RoomIdResponse,
  RoomInfoResponse,
  RoomsResponse,
  UsernamesResponse,
} from '../protocol/index.js';
import type { Call, Get, Route } from './rest-routes.js';

type Room = { chatRoomId: string };
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
    Call<Room, UsernamesResponse>
  > &
  Record<
    'removeSingleChatRoomMember' | 'removeChatRoomMember',
    Call<Room & { username: string }, OkResponse>
  >;

const ROOM_PATH = '/chatrooms/';
const ROOM = `${ROOM_PATH}{chatRoomId}`;

export const ROOM_ROUTES: Route[] = [
  ['getChatRooms', 'GET /chatrooms?pagenum&pagesize'],
  [
    'createChatRoom',
    'POST /chatrooms',
    ({ name, description, maxusers }) => ({ name, description, maxusers }),
  ],
  ['destroyChatRoom', `DELETE ${ROOM}`],
  ['getChatRoomDetails', `GET ${ROOM}`],
  ['joinChatRoom', `POST ${ROOM_PATH}{roomId}/apply`],
  ['quitChatRoom leaveChatRoom', `DELETE ${ROOM_PATH}{roomId}/quit`],
  ['getJoinedChatRooms', 'GET /users/{me}/joined_chatrooms'],
  ['listChatRoomMember listChatRoomMembers getChatRoomMembers', `GET ${ROOM}/users`],
  ['removeSingleChatRoomMember removeChatRoomMember', `DELETE ${ROOM}/users/{username}`],
];
