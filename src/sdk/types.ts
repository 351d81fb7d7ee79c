/** The public shapes of the SDK: options, callbacks, and what they receive. */
import type {
  ChatType,
  RoamingDeleteEvent,
  EntitiesResponse,
  Ext,
  GroupIdResponse,
  GroupOperation,
  MessageConfig,
  ModifiedInfo,
  ReactionFrame,
  RoomEventFrame,
  ServerConversation,
  TokenResponse,
  UserEntity,
} from '../protocol/index.js';
import type { AjaxError } from './rest-client.js';

export type { AjaxError };

/** What `onError`, `fail` and rejections receive. `type` is a `WebIM.statusCode` value. */
export interface ErrorEvent {
  type: number;
  message?: string;
  /** For a failed REST call: `{type: 17, data: responseText}`. */
  data?: AjaxError;
}

export interface ConnectionOptions {
  appKey?: string;
  /** Read hosts from `{dnsUrl}/easemob/server.json` (default false). */
  isHttpDNS?: boolean;
  /** Keep other sessions of the same user open (default false: a login closes the older one). */
  isMultiLoginSessions?: boolean;
  /** Turns scheme-less URLs (`//host`) into https/wss. */
  https?: boolean;
  /** Reconnection attempts before giving up (default 5). */
  autoReconnectNumMax?: number;
  /** Base of the reconnection backoff, in seconds (default 1). */
  autoReconnectInterval?: number;
  /** Upper bound of the ping interval, in ms (the server's `heartbeatMs` otherwise). */
  heartBeatWait?: number;
  /** REST base (default: `WebIM.defaults.apiUrl`, else `location.origin`). */
  apiUrl?: string;
  /** Socket URL (default: `apiUrl` with ws(s) and path `/websocket`). */
  url?: string;
  /** DNS server for `isHttpDNS` (default `apiUrl`). */
  dnsUrl?: string;
  /** This browser's id (default: kept in localStorage). */
  deviceId?: string;
  /** Acknowledge each received 1:1 message to its sender (`onDeliveredMessage` there). */
  delivery?: boolean;
  isDebug?: boolean;
  /** Options of other SDK versions are accepted and ignored. */
  [option: string]: unknown;
}

/** Fields every received message has: the 3.x shape plus the 4.x `chatType`. */
export interface ReceivedBase {
  /** The server id (the 4.x `mid`). */
  id: string;
  /** 3.x: the kind of conversation (4.x names it `chatType`). */
  type: 'chat' | 'groupchat' | 'chatroom';
  chatType: ChatType;
  from: string;
  to: string;
  ext: Ext;
  /** Server time, ms since the epoch. */
  time: number;
  error: false;
  errorText: '';
  errorCode: '';
  /** The sender's client id. */
  localMsgId: string;
  /** The receiving user's sequence number (0 in history, which is not per device, and in rooms). */
  seq: number;
  /** As the sender set it (`allowGroupAck`). */
  msgConfig?: MessageConfig;
  /** History only, on my own 1:1 messages: how far the recipient got (absent: sent). */
  receipt?: 'delivered' | 'read';
  /** Once the sender edited the text (4.x): who, how many times, when. */
  modifiedInfo?: ModifiedInfo;
}

/** A text message as `onTextMessage` and `onMessage` receive it. */
export interface TextMessage extends ReceivedBase {
  contentsType: 'TEXT';
  /** The text (3.x). */
  data: string;
  /** The text (4.x). */
  msg: string;
  sourceMsg: string;
}

/** A piece of a text with `WebIM.Emoji` codes: text, or the emoji's image (`path` + file). */
export interface EmojiSegment {
  type: 'txt' | 'emoji';
  data: string;
}

/** `onEmojiMessage` (3.x): a text holding codes of the configured `WebIM.Emoji` map. */
export interface EmojiMessage extends ReceivedBase {
  contentsType: 'EMOJI';
  data: EmojiSegment[];
  msg: string;
  sourceMsg: string;
}

/** An attachment: `url` is absolute, on this connection's REST host; download it with `secret`. */
export interface FileMessageFields {
  url: string;
  secret: string;
  filename: string;
  file_length: number;
  /** MIME type. */
  filetype: string;
  /** The token to download with (this connection's). */
  accessToken: string;
}

export interface ImageMessage extends ReceivedBase, FileMessageFields {
  contentsType: 'IMAGE';
  width?: number;
  height?: number;
  thumb?: string;
  thumb_secret?: string;
}

export interface AudioMessage extends ReceivedBase, FileMessageFields {
  contentsType: 'VOICE';
  /** Seconds. */
  length: number;
}

export interface VideoMessage extends ReceivedBase, FileMessageFields {
  contentsType: 'VIDEO';
  /** Seconds. */
  length: number;
  width?: number;
  height?: number;
  thumb?: string;
  thumb_secret?: string;
}

export interface FileMessage extends ReceivedBase, FileMessageFields {
  contentsType: 'FILE';
}

export interface LocationMessage extends ReceivedBase {
  contentsType: 'LOCATION';
  addr: string;
  lat: number;
  lng: number;
  buildingName?: string;
}

export interface CommandMessage extends ReceivedBase {
  contentsType: 'COMMAND';
  action: string;
}

export interface CustomMessage extends ReceivedBase {
  contentsType: 'CUSTOM';
  customEvent: string;
  /** 3.x name of `customExts`. */
  params: Record<string, string>;
  customExts: Record<string, string>;
}

/** Any message as `onMessage` receives it (and as history returns it). */
export type ReceivedMessage =
  | TextMessage
  | EmojiMessage
  | ImageMessage
  | AudioMessage
  | VideoMessage
  | FileMessage
  | LocationMessage
  | CommandMessage
  | CustomMessage;

/** `onReceivedMessage`: the server stored my message `id` as `mid`. */
export interface ReceivedReceipt {
  id: string;
  mid: string;
  to: string;
  time: number;
}

/**
 * `onDeliveredMessage`, `onReadMessage`, `onChannelMessage` (no `mid`) and `onRecallMessage`:
 * `from` did it to the message `mid` of the conversation with `to`. When `from` is the current user
 * the event came from another device of theirs (a read there, a recall there): apps that keep
 * unread counts or copies of messages apply it too.
 */
export interface ReceiptEvent {
  from: string;
  to: string;
  mid?: string;
  chatType: ChatType;
  time: number;
  /** This user's sequence number of the event. */
  seq: number;
  /** `onReadMessage` of my group message sent with `allowGroupAck`: how many members read it. */
  groupReadCount?: number;
}

/** `getRoster()` and `onRoster`: my contacts, the 3.x shape plus `nickname` and `online`. */
export interface RosterItem {
  name: string;
  subscription: 'both';
  /** `{appKey}_{name}@easemob.com` */
  jid: string;
  nickname?: string;
  online: boolean;
}

/** `onBlacklistUpdate`: the blocklist keyed by username (3.x). */
export type BlacklistMap = Record<string, { name: string }>;

/**
 * 3.x `onPresence` (and `onContact*` for contacts): `type` is `subscribe`, `subscribed`,
 * `unsubscribed` for contacts; `invite`, `invite_accept`, `removedFromGroup`, `deleteGroupChat`…
 * for groups (with `gid`), and for rooms (with `chatroom: true`).
 */
export interface PresenceEvent {
  type: string;
  from: string;
  to: string;
  /** A friend request's or invitation's message, a refusal's reason. */
  status?: string;
  gid?: string;
  /** `changeOwner`: the new owner. */
  owner?: string;
  chatroom?: true;
  time: number;
}

/** 3.x `onInviteMessage`: `from` invites me (`to`) into the group `roomid`. */
export interface InviteMessage {
  type: 'invite';
  from: string;
  to: string;
  roomid: string;
  reason: string;
  time: number;
}

/** 4.x `onGroupEvent`, with the group's `name` and a mute's end (`muteUntil`, ms, -1 forever). */
export interface GroupEventPayload {
  operation: GroupOperation;
  /** The group id. */
  id: string;
  name: string;
  from: string;
  userId?: string;
  reason?: string;
  /** `muteMember`: muted until then, ms since the epoch (`-1`: until unmuted). */
  muteUntil?: number;
  /** `updateAnnouncement`: the new announcement (`''`: removed). */
  announcement?: string;
  /** `removeMember`: banned too (cannot rejoin until `unblockMember`). */
  blocked?: boolean;
  time: number;
  /** The event's place in my inbox. */
  seq?: number;
}

/** 4.x `onChatroomEvent`. */
export interface ChatroomEventPayload {
  operation: RoomEventFrame['operation'];
  /** The room id. */
  id: string;
  name: string;
  from: string;
  userId?: string;
  /** `muteMember`: muted until then, ms since the epoch (`-1`: until unmuted). */
  muteUntil?: number;
  /** `updateAnnouncement`: the new announcement (`''`: removed). */
  announcement?: string;
  /** `removeMember`: banned too (cannot join again until `unblockMember`). */
  blocked?: boolean;
  time: number;
}

/** 4.x `onPresenceStatusChange`: a contact came online (`status` 1) or went offline (0). */
export interface PresenceStatus {
  userId: string;
  description: '';
  expire: 0;
  /** Seconds since the epoch. */
  last_time: number;
  statusDetails: { device: 'web'; status: 0 | 1 }[];
}

/** 4.x `onMultiDeviceEvent`: a contact change I made (on this or another device). */
export interface MultiDeviceEvent {
  operation:
    | 'contactAdd'
    | 'contactAccept'
    | 'contactDecline'
    | 'contactRemove'
    | 'contactBan'
    | 'contactAllow';
  /** The other user. */
  target: string;
  /** A request's message. */
  data?: string;
  time: number;
}

export interface SendResult {
  localMsgId: string;
  /** Empty for receipts (`read`, `delivery`, `channel`), which the server does not acknowledge. */
  serverMsgId: string;
  /** Not in other SDKs: the sender's seq of the message, to advance a stored sync cursor. */
  seq?: number;
  /** 4.x: the message as its recipients receive it (with the uploaded file's `url`, `secret`). */
  message?: ReceivedMessage;
}

export interface LoginResult {
  accessToken: string;
  /** Lifetime of the token from the password login, in seconds. */
  duration?: number;
  /** When the token expires, ms since the epoch. */
  expireTimestamp: number;
  /** Not in other SDKs: the user entity of a password login (for the nickname). */
  user?: UserEntity;
}

export interface RenewResult {
  status: true;
  token: string;
  expire: number;
}

export interface OpenOptions {
  user: string;
  pwd?: string;
  accessToken?: string;
  appKey?: string;
  /** Password login: the raw REST body (`access_token`, `expires_in`, `user`); token login: the result. */
  success?: (res: TokenResponse & LoginResult) => void;
  error?: (error: ErrorEvent) => void;
}

export interface RegisterOptions {
  username: string;
  password: string;
  nickname?: string;
  appKey?: string;
  apiUrl?: string;
  success?: (res: EntitiesResponse<UserEntity>) => void;
  error?: (error: AjaxError) => void;
}

export interface UploadTokenOptions {
  deviceId: string;
  deviceToken: string;
  notifierName: string;
  success?: (res: EntitiesResponse<UserEntity>) => void;
  error?: (error: AjaxError) => void;
}

/** A callback this version does not emit yet, with what its payload carries in other versions. */
type LaterCallback = (message: Record<string, unknown>) => void;

/** Every callback `listen` and `addEventHandler` accept; any other `on*` function is kept too. */
export interface ConnectionEventHandlers {
  // 1.x passed a message to these two; listeners written for it take one argument.
  onOpened?: (message?: unknown) => void;
  onConnected?: () => void;
  onClosed?: (message?: unknown) => void;
  onDisconnected?: (error?: ErrorEvent) => void;
  onReconnecting?: () => void;
  onOnline?: () => void;
  onOffline?: () => void;
  onError?: (error: ErrorEvent) => void;
  onTextMessage?: (message: TextMessage) => void;
  onEmojiMessage?: (message: EmojiMessage) => void;
  onPictureMessage?: (message: ImageMessage) => void;
  onImageMessage?: (message: ImageMessage) => void;
  onAudioMessage?: (message: AudioMessage) => void;
  onVideoMessage?: (message: VideoMessage) => void;
  onFileMessage?: (message: FileMessage) => void;
  onLocationMessage?: (message: LocationMessage) => void;
  onCmdMessage?: (message: CommandMessage) => void;
  onCustomMessage?: (message: CustomMessage) => void;
  onMessage?: (messages: ReceivedMessage[]) => void;
  onReceivedMessage?: (receipt: ReceivedReceipt) => void;
  onDeliveredMessage?: (receipt: ReceiptEvent) => void;
  onReadMessage?: (receipt: ReceiptEvent) => void;
  onChannelMessage?: (receipt: ReceiptEvent) => void;
  onRecallMessage?: (receipt: ReceiptEvent) => void;
  /** A text message was edited (4.x): the message as it now reads, with `modifiedInfo`. */
  onModifiedMessage?: (message: ReceivedMessage) => void;
  onTokenWillExpire?: () => void;
  onTokenExpired?: () => void;
  onPresence?: (event: PresenceEvent) => void;
  onRoster?: (list: RosterItem[]) => void;
  onInviteMessage?: (invite: InviteMessage) => void;
  onBlacklistUpdate?: (list: BlacklistMap) => void;
  onCreateGroup?: (response: GroupIdResponse) => void;
  /** A send refused because I am muted in the group (507); `mid` is the message's local id. */
  onMutedMessage?: (message: { mid: string }) => void;
  onContactInvited?: (event: PresenceEvent) => void;
  onContactAgreed?: (event: PresenceEvent) => void;
  onContactRefuse?: (event: PresenceEvent) => void;
  onContactDeleted?: (event: PresenceEvent) => void;
  onContactAdded?: (event: PresenceEvent) => void;
  onGroupEvent?: (event: GroupEventPayload) => void;
  onChatroomEvent?: (event: ChatroomEventPayload) => void;
  /** 4.x: a reaction to a message of one of my conversations changed (also my own, on every device). */
  onReactionChange?: (change: ReactionFrame) => void;
  onPresenceStatusChange?: (list: PresenceStatus[]) => void;
  /** A contact change, or a deletion (delete for me, `deleteConversation`), I made on any device. */
  onMultiDeviceEvent?: (event: MultiDeviceEvent | RoamingDeleteEvent) => void;
  [name: `on${string}`]: LaterCallback | ((...args: never[]) => void) | undefined;
}

export interface RecallOptions {
  /** The server id of my message. */
  mid: string;
  /** The peer of the conversation. */
  to: string;
  chatType?: ChatType;
  /** 3.x: `'chat' | 'groupchat' | 'chatroom'`. */
  type?: string;
  success?: (result: RecallResult) => void;
  fail?: (error: ErrorEvent) => void;
}

export interface RecallResult {
  mid: string;
  to: string;
}

export interface HistoryOptions {
  /** The peer of the conversation. */
  targetId: string;
  chatType?: ChatType;
  /** The `cursor` of the previous page; omit (or -1) for the newest messages. */
  cursor?: string | number | null;
  /** Messages per page, at most `Limits.historyPageMax` (default 20). */
  pageSize?: number;
  /** Only `'up'` (older messages, newest first) is supported. */
  searchDirection?: 'up' | 'down';
}

export interface HistoryResult {
  /** Pass it as the next page's `cursor`; `null` when `isLast`. */
  cursor: string | null;
  /** Newest first, in the shape `onMessage` receives. */
  messages: ReceivedMessage[];
  isLast: boolean;
}

/** 3.x `fetchHistoryMessages`: pages backwards through one conversation, keeping its own cursor. */
export interface FetchHistoryOptions {
  /** The peer. */
  queue: string;
  count?: number;
  isGroup?: boolean;
  /** Receives the page, newest first; `[]` once everything has been read. */
  success?: (messages: ReceivedMessage[]) => void;
  fail?: (error: ErrorEvent | AjaxError) => void;
}

/** One conversation in the 3.x/4.x `getSessionList` shape. */
export interface SessionInfo {
  /** `{org}#{app}_{peer}@easemob.com`. */
  channel_id: string;
  meta: {
    from: string;
    to: string;
    /** The last message's server id. */
    id: string;
    /** The last message: `{bodies: [its body], ext, from, to}`, as Agora's payload. */
    payload: { bodies: Record<string, unknown>[]; ext: Ext; from: string; to: string };
    /** ms since the epoch. */
    timestamp: number;
  };
  unread_num: number;
  /** Not in other SDKs: the last message in the shape `onMessage` receives. */
  lastMessage: ReceivedMessage;
}

export interface SessionListResult {
  data: { channel_infos: SessionInfo[] };
  /** Not in other SDKs: the server's plain conversations, newest activity first. */
  entities: ServerConversation[];
  /** Not in other SDKs: the inbox seq the unread counts are as of (`ConversationsResponse`). */
  seq?: number;
}
