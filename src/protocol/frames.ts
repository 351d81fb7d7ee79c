/**
 * The openwebim WebSocket protocol: every frame the client and the server exchange, in one file.
 *
 * Transport: one WebSocket at `ws(s)://{host}/websocket?app_key={org#app, URL-encoded}`. Each frame
 * is one JSON text message, an object whose `t` names its kind. Binary frames are refused. A frame
 * larger than {@link MAX_FRAME_BYTES} closes the socket with {@link CloseCode.TooLarge}.
 *
 * ## Session
 * 1. The client opens the socket and sends `auth` first; anything else before `auth` is refused
 *    with `error` and the socket is closed ({@link CloseCode.AuthFailed}).
 * 2. The server answers `auth-ok` (then delivers, in order, every stored message after the sync
 *    cursor, ending with `sync-done`) or `auth-error` followed by a close.
 * 3. The client sends `ping` every `heartbeatMs` (from `auth-ok`); the server answers `pong`. A
 *    server that hears nothing for three intervals closes the socket; a client that gets no `pong`
 *    within one interval treats the socket as dead and reconnects.
 * 4. Messages: the client sends `msg` with its own id; the server validates and stores it (once per
 *    sender + client id: a resend gets the same `ack` and is not delivered twice), answers `ack` (or
 *    `nack`), and pushes `msg` frames to every session of the recipient and to the sender's other
 *    sessions. Every pushed message carries the receiving user's sequence number `seq`.
 * 5. The client reports how far it has processed with `recv` (batched); the server keeps that as the
 *    device's cursor, so a client that reconnects without a cursor of its own still resumes there.
 *    A client that closes sends its last `recv` first. The server takes a `recv` it reads after it
 *    ended the session (a kick crossing it: a sign-out revokes the token as the client closes).
 * 6. The server may end a session with `kicked` (another login, token expired) before closing it; the
 *    client must not reconnect after `kicked`.
 * 7. Receipts, recall and edits (message-edits.ts): `delivery`, `read` and `channel` acks and `recall` requests travel as their
 *    own frames; the server stores each as an {@link InboxEvent} in the inbox of every user it concerns
 *    (so they survive being offline, like messages) and pushes it as `event`. A recall is answered
 *    `recalled` (or `nack`, e.g. 504 past the app's recall window, 603 not the sender).
 * 8. Contacts, blocklist and groups change over REST (see rest.ts); each change is stored as a
 *    {@link ContactEvent} or {@link GroupEvent} in the inbox of every user it concerns and pushed as
 *    `event`, so a friend request or a group invitation made while someone is offline reaches them
 *    when they connect, and the actor's other devices learn what this device did.
 * 9. Presence: when a user's first session opens or last session closes, the sessions of each of
 *    their contacts get `presence` (live only, never replayed; the roster over REST says who is
 *    online at the time it is read).
 * 10. Chat rooms: a room message is pushed live, with `seq` 0, to the sessions of the room's members
 *    and is kept in the room's recent window (`GET /{org}/{app}/chatrooms/{id}/messages`), never in
 *    an inbox: a member who was not connected does not get it later. Room changes (join, leave,
 *    kick, destroy) are pushed live as `room`. Clients must not report seq 0 with `recv`.
 * 11. Online only: a `msg` with `deliverOnlineOnly: true` (the 4.x SDK's option, meant for typing
 *    indicators and other signals that are stale a moment later) is checked as any message (the
 *    same refusals, the same rate limit), then pushed live, with `seq` 0 and `deliverOnlineOnly`,
 *    to the recipients' sessions open now and to the sender's other sessions, and stored nowhere:
 *    no inbox, no history, no unread count, no replay, no room window. Its `ack` has `seq` 0 and
 *    a `mid` that names nothing stored (no receipt, recall or edit can refer to it). A resend of
 *    the same id is delivered again (nothing remembers the first). Attachments cannot go this way
 *    (a recipient may only download a file a stored message gives them).
 *
 * ## Groups and rooms on the wire
 * A group message is a `msg` with `chatType: 'groupChat'` and `to` = the group id; the server stores
 * it once and puts it in the inbox of every member (each with their own seq), the sender's included.
 * Refusals (as `nack`): 605 no such group, 602 not a member (a banned user is not one), 507 muted in
 * this group, or everyone muted (`disableSendGroupMsg`) and the sender neither owner nor admin; the
 * nack's reason says which. Room messages use `chatType: 'chatRoom'`, `to` = the room id: 705 no
 * such room, 702 not a member, 507 muted as in groups. A 1:1 message to someone who blocked the
 * sender: 603.
 * Group and room ids are numeric strings of 15 or more digits (like Agora's); a username of only
 * digits, 15 or more of them, is refused at registration, so ids and usernames never collide.
 *
 * ## Sequence numbers and the sync cursor
 * Each user has one ordered inbox: every message they send or receive gets the next `seq` of that
 * user (1, 2, 3…). `auth.since` is the highest seq the client has safely stored; the server then
 * replays every message with a higher seq. Without `since`, the server uses the cursor last reported
 * by this `deviceId`, or, for a device it has never seen, the highest seq any device of the user has
 * reported (so a new device gets the offline messages no device has had yet, not the whole history).
 * Inbox events (receipts, recalls) share the same sequence: replay interleaves them with messages in
 * seq order. Older history is read over REST (`GET /{org}/{app}/users/{me}/messages`, see rest.ts).
 *
 * ## Files
 * Attachments are uploaded first over REST (`POST /{org}/{app}/chatfiles`, see rest.ts); the message
 * then carries the file's `url` (`{apiUrl}/{org}/{app}/chatfiles/{uuid}`) and `secret`. The server only
 * accepts a url naming a chatfile the sender uploaded, and from then on lets every participant of the
 * conversation download it. Pictures and videos may carry a thumbnail made in the browser, uploaded as
 * a chatfile of its own (`thumb`, `thumb_secret`).
 */
import type { RoamingDeleteEvent } from './deletions.js';
import type {
  MessageEditEvent,
  ModifiedFrame,
  ModifiedInfo,
  ModifyFrame,
} from './message-edits.js';

/** Kinds of conversation, as the 4.x SDK names them. */
export const ChatTypes = ['singleChat', 'groupChat', 'chatRoom'] as const;
export type ChatType = (typeof ChatTypes)[number];

/** Message kinds that travel as chat messages (the SDKs' `type`). */
export const MessageTypes = [
  'txt',
  'img',
  'audio',
  'video',
  'file',
  'loc',
  'cmd',
  'custom',
] as const;
export type MessageType = (typeof MessageTypes)[number];

/** The fields of an uploaded attachment, as the SDKs name them. */
export interface FileFields {
  /** `{apiUrl}/{org}/{app}/chatfiles/{uuid}` of a chatfile the sender uploaded. */
  url: string;
  /** The chatfile's share secret (sent as the `share-secret` header when downloading). */
  secret: string;
  filename: string;
  /** Size in bytes. */
  file_length: number;
  /** MIME type, e.g. `image/png`. */
  filetype?: string;
}

/** A thumbnail made by the sender's browser and uploaded as a chatfile of its own. */
export interface ThumbnailFields {
  thumb?: string;
  thumb_secret?: string;
}

export interface TextBody {
  type: 'txt';
  msg: string;
}
export interface ImageBody extends FileFields, ThumbnailFields {
  type: 'img';
  width?: number;
  height?: number;
}
export interface AudioBody extends FileFields {
  type: 'audio';
  /** Duration in seconds. */
  length: number;
}
export interface VideoBody extends FileFields, ThumbnailFields {
  type: 'video';
  /** Duration in seconds. */
  length: number;
  width?: number;
  height?: number;
}
export interface FileBody extends FileFields {
  type: 'file';
}
export interface LocationBody {
  type: 'loc';
  addr: string;
  lat: number;
  lng: number;
  buildingName?: string;
}
/** A command: delivered to the app (`onCmdMessage`), never shown as a chat bubble. */
export interface CommandBody {
  type: 'cmd';
  action: string;
}
export interface CustomBody {
  type: 'custom';
  customEvent: string;
  customExts: Record<string, string>;
}

/** What a message says, by kind. Limits: see `MessageLimits`. */
export type MessageBody =
  TextBody | ImageBody | AudioBody | VideoBody | FileBody | LocationBody | CommandBody | CustomBody;

/** Bounds the server enforces on message bodies (and the SDK checks before sending). */
export const MessageLimits = {
  /** `txt` text: per app, `--max-message-bytes` (default `Limits.messageMaxBytes`). */
  filenameMaxChars: 255,
  addrMaxChars: 512,
  actionMaxChars: 256,
  customEventMaxChars: 64,
  customExtsMaxEntries: 32,
  /** JSON of `ext` (and of `customExts`), in UTF-8 bytes. */
  extMaxBytes: 8 * 1024,
  /** Objects and arrays nested in `ext`, counting `ext` itself as 1. */
  extMaxDepth: 16,
  /** Keys of every object plus items of every array anywhere in `ext`. */
  extMaxEntries: 512,
} as const;

/**
 * Why `ext` is too deep or too wide for `MessageLimits` (a 4,000-deep array fits in 8 KiB and
 * breaks stores and JSON tools downstream), or `undefined` when it is within them. Walks without
 * recursion and stops at the first excess.
 */
export function extShapeProblem(ext: unknown): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value: ext, depth: 1 }];
  let entries = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MessageLimits.extMaxDepth) {
      return `ext is nested deeper than ${MessageLimits.extMaxDepth} levels`;
    }
    const children = Array.isArray(value) ? value : Object.values(value);
    entries += children.length;
    if (entries > MessageLimits.extMaxEntries) {
      return `ext has more than ${MessageLimits.extMaxEntries} keys and items in all`;
    }
    for (const child of children) pending.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

/** A JSON object carried untouched from sender to recipients. */
export type Ext = Record<string, unknown>;

/** Largest frame either side accepts, in bytes of UTF-8. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** WebSocket close codes the server uses (4000–4999 is the application range). */
export const CloseCode = {
  Normal: 1000,
  TooLarge: 1009,
  AuthFailed: 4001,
  Kicked: 4002,
  TokenExpired: 4003,
  Idle: 4004,
  OriginRefused: 4005,
  /** Too many unusable frames, or far too many over the rate limit. */
  PolicyViolation: 1008,
  /** The client did not read its frames; what was not sent waits in its inbox (reconnect). */
  TooSlow: 4006,
} as const;

// ---------------------------------------------------------------------------------------------
// Client → server
// ---------------------------------------------------------------------------------------------

/** First frame of every session. */
export interface AuthFrame {
  t: 'auth';
  /** The username the token was issued to. */
  user: string;
  /** An access token from `POST /{org}/{app}/token`. */
  token: string;
  /** A stable id of this browser/device (the SDK keeps one per origin). */
  deviceId: string;
  /**
   * `false` (the default of the seed's `isMultiLoginSessions: false`): this session replaces the
   * user's other single-login sessions, which are sent `kicked` (code 206) and closed.
   * `true`: this session lives beside every other session of the user.
   */
  multi: boolean;
  /** Highest seq this client has stored; omit to resume from the device's server-side cursor. */
  since?: number;
}

/** Heartbeat. */
export interface PingFrame {
  t: 'ping';
}

/** A message to send. `id` is the client's id for it, unique per sender. */
export type SendFrame = {
  t: 'msg';
  id: string;
  /** A username (singleChat), a group id (groupChat) or a room id (chatRoom). */
  to: string;
  chatType: ChatType;
  ext?: Ext;
  msgConfig?: MessageConfig;
  /** Pushed to the sessions open now, stored nowhere (item 11 above). */
  deliverOnlineOnly?: boolean;
} & MessageBody;

/** Per-message options of the 4.x SDK that the server honours. */
export interface MessageConfig {
  /** Group messages only: members' read acks reach the sender (`onReadMessage` with a count). */
  allowGroupAck?: boolean;
}

/** "The message `mid` from `to` reached this device" (sent by the recipient's SDK with `delivery: true`). */
export interface DeliveryFrame {
  t: 'delivery';
  mid: string;
  /** The message's sender. */
  to: string;
}

/**
 * "I have read the message `mid` from `to`" (and, for unread counts, everything before it).
 * In a group (`chatType: 'groupChat'`, `to` = the group id) the sender of `mid` is told only when
 * the message was sent with `msgConfig.allowGroupAck`; my own devices are always told.
 */
export interface ReadFrame {
  t: 'read';
  mid: string;
  to: string;
  /** Default `singleChat`. */
  chatType?: ChatType;
}

/** "I have read the whole conversation with `to`." */
export interface ChannelFrame {
  t: 'channel';
  to: string;
  chatType: ChatType;
}

/** Recall (unsend) my message `mid` to `to`; answered `recalled` or `nack` under the same `id`. */
export interface RecallFrame {
  t: 'recall';
  id: string;
  mid: string;
  to: string;
  chatType: ChatType;
}

/** "I have stored everything up to and including `seq`." */
export interface RecvFrame {
  t: 'recv';
  seq: number;
}

/** Replace the session's token by a renewed one (the session then expires with the new token). */
export interface RenewFrame {
  t: 'renew';
  token: string;
}

export type ClientFrame =
  | AuthFrame
  | PingFrame
  | SendFrame
  | RecvFrame
  | RenewFrame
  | DeliveryFrame
  | ReadFrame
  | ChannelFrame
  | RecallFrame
  | ModifyFrame;

// ---------------------------------------------------------------------------------------------
// Server → client
// ---------------------------------------------------------------------------------------------

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

/** What clients check before sending, so they refuse exactly what the server would. */
export interface AppLimits {
  /** Largest `txt` text, in UTF-8 bytes. */
  messageMaxBytes: number;
  /** Largest chatfile, in bytes. */
  fileMaxBytes: number;
  /** How long after sending a message may be recalled, in seconds. */
  recallSeconds: number;
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
  /** Sent online only: live, stored nowhere, `seq` 0 (item 11 above). */
  deliverOnlineOnly?: true;
} & MessageBody;

/**
 * A receipt or recall, stored in the inbox of each user it concerns and replayed like messages.
 * - `delivered`: `from` (the recipient) got the message `mid` that `to` (its sender) sent.
 * - `read`: `from` read the message `mid` from `to` and everything before it. Stored for the sender
 *   (`onReadMessage`) and for the reader's other devices (their unread count drops).
 * - `channel`: `from` read the whole conversation with `to` (`onChannelMessage`; reader's devices too).
 * - `recall`: `from` recalled their message `mid` to `to`; every copy becomes a "recalled" notice.
 */
export interface InboxEvent {
  kind: 'delivered' | 'read' | 'channel' | 'recall';
  /** This user's sequence number for the event; 0 for a repeated `channel`, told live, stored nowhere. */
  seq: number;
  from: string;
  to: string;
  chatType: ChatType;
  /** The message concerned (absent for `channel`). */
  mid?: string;
  /** `read` of a group message with `allowGroupAck`, for its sender: how many members have read it. */
  groupReadCount?: number;
  time: number;
}

/**
 * What happens between two users. Stored in the inbox of both (`from` and `to`), except `block` and
 * `unblock`, which only the blocker's devices learn (the blocked user is never told).
 * - `request`: `from` asks `to` to be contacts, with a message (`status`).
 * - `accept` / `decline`: `from` answers the request `to` made.
 * - `remove`: `from` deleted the contact `to` (both sides lose it).
 * - `block` / `unblock`: `from` put `to` on, or took them off, their blocklist.
 */
export const ContactOperations = [
  'request',
  'accept',
  'decline',
  'remove',
  'block',
  'unblock',
] as const;
export type ContactOperation = (typeof ContactOperations)[number];

export interface ContactEvent {
  kind: 'contact';
  operation: ContactOperation;
  seq: number;
  from: string;
  to: string;
  /** The request's message (`request`); absent otherwise. */
  status?: string;
  time: number;
}

/**
 * What happens in a group, named as the 4.x SDK's `onGroupEvent` operations. Who gets each one:
 * - `inviteToJoin`: the invitee only (while the group's `inviteNeedConfirm` is set; otherwise the
 *   invitee is added at once and gets `directJoined`, members `memberPresence`).
 * - `requestToJoin`: the owner and the admins only.
 * - `rejectInvite`, `joinPublicGroupDeclined`: the user who invited / the applicant, and the actor.
 * - `unblockMember` (a ban lifted): the owner, the admins and the user unbanned.
 * - every other operation: every member after the change, plus `userId` when they are not one
 *   (a removed or banned member, an applicant let in), plus the actor's other devices.
 *   A ban is a `removeMember` with `blocked: true`, as the 4.x SDK has no operation of its own.
 * `destroy` also reaches users with a pending invitation to, or application for, the group.
 * `create` goes to the owner's devices; members added at creation get `directJoined` (or
 * `inviteToJoin` when the group was created with `inviteNeedConfirm`).
 */
export const GroupOperations = [
  'create',
  'destroy',
  'inviteToJoin',
  'acceptInvite',
  'rejectInvite',
  'directJoined',
  'requestToJoin',
  'acceptRequest',
  'joinPublicGroupDeclined',
  'memberPresence',
  'memberAbsence',
  'removeMember',
  'updateInfo',
  'changeOwner',
  'setAdmin',
  'removeAdmin',
  'muteMember',
  'unmuteMember',
  'updateAnnouncement',
  'muteAllMembers',
  'unmuteAllMembers',
  'unblockMember',
] as const;
/**
 * Also `memberAttributesUpdate` (a member's attributes set, to every member), which the store
 * does not act on: kept out of the list above, which the signed-in page carries.
 */
export type GroupOperation = (typeof GroupOperations)[number] | 'memberAttributesUpdate';

export interface GroupEvent {
  kind: 'group';
  operation: GroupOperation;
  seq: number;
  /** The group id. */
  gid: string;
  /** The group's name after the change. */
  name: string;
  /** Who did it (the inviter, the applicant, the owner or admin acting, the member leaving). */
  from: string;
  /**
   * The member it is about, when not `from`: the invitee, the applicant, the member removed, muted
   * or made admin, the new owner; for `memberPresence` / `memberAbsence`, who joined or left.
   */
  userId?: string;
  /** An invitation's or application's message, or a refusal's reason. */
  reason?: string;
  /** `muteMember`: muted until then, ms since the epoch (`-1`: until unmuted). */
  muteUntil?: number;
  /** `updateAnnouncement`: the new announcement (`''`: removed). */
  announcement?: string;
  /** `removeMember`: the member was banned too (cannot rejoin until `unblockMember`). */
  blocked?: boolean;
  /**
   * `memberAttributesUpdate`: the attributes set for member `userId` (`''`: a key removed), as
   * asked; `from` set them.
   */
  attributes?: Record<string, string>;
  time: number;
}

/** Everything an inbox holds besides messages, replayed with them in seq order. */
export type UserEvent =
  InboxEvent | ContactEvent | GroupEvent | MessageEditEvent | RoamingDeleteEvent;

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
