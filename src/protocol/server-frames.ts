/** The frames the server sends (frames.ts tells the session they make up). */
import type { MessageConfig } from './client-frames.js';
import type { UserEvent } from './inbox-events.js';
import type { AppLimits } from './frame-limits.js';
import type { ChatType, Ext, MessageBody } from './message-bodies.js';
import type { ModifiedFrame, ModifiedInfo } from './message-edits.js';

export interface AuthOkFrame {
  t: 'auth-ok';
  user: string;
  /** When the token expires, ms since the epoch. */
  expiresAt: number;
  /** How often the client must ping, in ms. */
  heartbeatMs: number;
  /** The user's highest seq at the time of login. */
  seq: number;
  /** The app's limits (its `openwebim-server app set` options, else the protocol defaults). */
  limits: AppLimits;
}

export interface AuthErrorFrame {
  t: 'auth-error';
  /** A `WebIM.statusCode` value: 56 token expired, 28 bad token, 204 user not found, 2 other. */
  code: number;
  reason: string;
}

export interface PongFrame {
  t: 'pong';
}

/** A message as stored by the server, pushed to a recipient (or to the sender's other sessions). */
export type ServerMessage = {
  /** Server id of the message (the SDKs' `mid`). */
  mid: string;
  /** The sender's client id. */
  id: string;
  /**
   * This user's sequence number for the message (0 in REST history, for chat-room messages and for
   * messages delivered online only).
   */
  seq: number;
  from: string;
  to: string;
  chatType: ChatType;
  ext: Ext;
  /** Server time of storage, ms since the epoch. */
  time: number;
  msgConfig?: MessageConfig;
  /**
   * REST history only, on a message of mine in a 1:1 conversation: how far its recipient got
   * (`read` covers every message of mine up to their read cursor). Absent: only sent.
   */
  receipt?: 'delivered' | 'read';
  /** Set once the sender edited the text (message-edits.ts). */
  modifiedInfo?: ModifiedInfo;
  /** REST history only: the message's reactions as the reader sees them (absent: none). */
  reactions?: ReactionListItem[];
  /** Sent online only: live, stored nowhere, `seq` 0 (item 11 of frames.ts). */
  deliverOnlineOnly?: true;
} & MessageBody;

export interface EventFrame {
  t: 'event';
  event: UserEvent;
}

/** A contact's first session opened (`online`) or last session closed. Live only. */
export interface PresenceFrame {
  t: 'presence';
  user: string;
  online: boolean;
  time: number;
}

export const RoomOperations = [
  'memberPresence',
  'memberAbsence',
  'removeMember',
  'destroy',
  'updateInfo',
  'setAdmin',
  'removeAdmin',
  'muteMember',
  'unmuteMember',
  'updateAnnouncement',
  'muteAllMembers',
  'unmuteAllMembers',
  'unblockMember',
] as const;
export type RoomOperation = (typeof RoomOperations)[number];

/**
 * A change in a chat room, pushed live to the sessions of its members (and of the member removed
 * or unbanned), named as the 4.x SDK's `onChatroomEvent` operations. `memberPresence` /
 * `memberAbsence`: `userId` joined / left; `removeMember`: `from` removed (`blocked`: and banned)
 * `userId`; `destroy`: the room is gone (every member gets it); `updateInfo`: name or description;
 * `setAdmin` / `removeAdmin` / `muteMember` / `unmuteMember`: about `userId`;
 * `updateAnnouncement`: `announcement` is the new one; `muteAllMembers` / `unmuteAllMembers`:
 * everyone but its managers and admins is muted / not; `unblockMember`: `userId` may join again.
 */
export interface RoomEventFrame {
  t: 'room';
  operation: RoomOperation;
  roomId: string;
  name: string;
  from: string;
  userId?: string;
  /** `muteMember`: muted until then (`-1`: until unmuted). */
  muteUntil?: number;
  announcement?: string;
  blocked?: boolean;
  time: number;
}

/**
 * One reaction (any emoji, or a short name) of a message, as the 4.x SDK's `getReactionList` item:
 * how many users added it, the first of them ({@link ReactionUsersListed} at most, earliest first;
 * `getReactionDetail` pages through all), and whether the reader is one.
 */
export interface ReactionListItem {
  reaction: string;
  userCount: number;
  isAddedBySelf: boolean;
  userList: string[];
}

/** Users named in a reaction's `userList` outside `getReactionDetail`. */
export const ReactionUsersListed = 20;

/**
 * Someone added (`create`) or removed (`delete`) a reaction: pushed live, through the bus, to every
 * session of every member of the conversation (both users of a 1:1, each member of a group), the
 * reactor's own included, and never stored (history and `getReactionList` give the state). Shaped
 * as the 4.x SDK's `onReactionChange` payload, which is this frame without `t`:
 * - `from`: the reactor; `to`: the other user of the 1:1 seen from the reactor, or the group id;
 * - `reactions`: every reaction of the message after the change, as the receiving user sees it
 *   (`isAddedBySelf`), the changed one with its `op` (at `count` 0 when its last user removed it).
 */
export interface ReactionFrame {
  t: 'reaction';
  from: string;
  to: string;
  chatType: 'singleChat' | 'groupChat';
  messageId: string;
  reactions: ReactionChange[];
  /** Time of the change, ms since the epoch. */
  ts: number;
}

/** A reaction in {@link ReactionFrame}: the 4.x SDK's `Reaction`. */
export interface ReactionChange {
  reaction: string;
  count: number;
  userList: string[];
  isAddedBySelf: boolean;
  op?: { operator: string; reactionType: 'create' | 'delete' }[];
}

/** The recall `id` succeeded; the `recall` event follows for every session concerned. */
export interface RecalledFrame {
  t: 'recalled';
  id: string;
  mid: string;
}

export interface DeliverFrame {
  t: 'msg';
  message: ServerMessage;
}

/**
 * The server stored the client's message `id` as `mid` (sent again, identically, for a resend), or
 * delivered it online only (item 11).
 */
export interface AckFrame {
  t: 'ack';
  id: string;
  mid: string;
  to: string;
  time: number;
  /** The sender's seq of the message; 0 when it is in no inbox (a room's, or online only). */
  seq: number;
}

/** The server refused the client's message `id`; nothing was stored. */
export interface NackFrame {
  t: 'nack';
  id: string;
  /** A `WebIM.statusCode` value, e.g. 511 size limit, 205 bad parameter, 204 no such user. */
  code: number;
  reason: string;
}

/** Replay after `auth` is complete: every stored message after the cursor has been sent. */
export interface SyncDoneFrame {
  t: 'sync-done';
  seq: number;
}

/** The session's token was renewed; it now expires at `expiresAt`. */
export interface RenewedFrame {
  t: 'renewed';
  expiresAt: number;
}

/** The server is ending this session; the client must not reconnect on its own. */
export interface KickedFrame {
  t: 'kicked';
  /** 206 logged in on another device, 56 token expired, 207 user removed. */
  code: number;
  reason: string;
}

/** A frame the server could not process. The socket stays open unless said otherwise. */
export interface ErrorFrame {
  t: 'error';
  code: number;
  reason: string;
}

export type ServerFrame =
  | AuthOkFrame
  | AuthErrorFrame
  | PongFrame
  | DeliverFrame
  | AckFrame
  | NackFrame
  | SyncDoneFrame
  | RenewedFrame
  | KickedFrame
  | ErrorFrame
  | EventFrame
  | RecalledFrame
  | ModifiedFrame
  | PresenceFrame
  | RoomEventFrame
  | ReactionFrame;
