/**
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
 */
import type { RoomRole } from './room-roles.js';

/**
 * A room's members in the 4.x SDK's `listChatRoomMembers` shape, one `{member}` each, with its role
 * there (openwebim's addition, a `RoomRole`).
 */
export interface RoomMembersResponse {
  data: { member: string; role: RoomRole }[];
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

export interface RoomInfoResponse {
  data: RoomInfo[];
}
