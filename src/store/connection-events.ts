/**
 * The part of the SDK connection the store uses, and its callbacks as one observable of events.
 *
 * The interface is structural on purpose: the store depends on this surface of `WebIM.connection`,
 * not on the SDK's internals; `sdk-connection.ts` checks that the real `Connection` fits it.
 */
import { Observable } from 'rxjs';
import type {
  AppLimits,
  ApplyResponse,
  BlocklistResponse,
  ChatType,
  ContactRequestsResponse,
  CreateGroupRequest,
  Ext,
  GroupIdResponse,
  GroupInfoResponse,
  GroupMembersResponse,
  GroupsResponse,
  MemberAttributesResponse,
  MembersAttributesResponse,
  RoomIdResponse,
  UsernamesResponse,
  MuteListResponse,
  RoomMembersResponse,
  MessageBody,
  MessageConfig,
  PublicGroupsResponse,
  ReactionDetailResponse,
  ReactionListResponse,
  RoomsResponse,
  UserMetadata,
} from '../protocol/index.js';
import type { ConnectionEventHandlers } from '../sdk/index.js';
import type { StatusEvent } from './status.js';

/**
 * A message as the SDK hands it to `onTextMessage`, `onPictureMessage`, … and history pages: the
 * 3.x shape plus the 4.x fields. Only the common fields are named; the kind's fields (`url`,
 * `secret`, `addr`, `action`, …) are read defensively by `messages.ts`, since the socket is a trust
 * boundary.
 */
export interface ReceivedMessage {
  /** Server id (`mid`). */
  id: string;
  /** The sender's client id. */
  localMsgId?: string;
  /** 4.x: the message kind; 3.x: `chat` (then `contentsType` says the kind). */
  type?: string;
  contentsType?: string;
  chatType?: ChatType;
  from: string;
  to: string;
  /** 3.x text field. */
  data?: unknown;
  /** 4.x text field. */
  msg?: string;
  ext?: Ext;
  /** ms since the epoch (some SDK versions send a string). */
  time?: number | string;
  /** This user's sequence number of the message. */
  seq?: number;
  /** History only, on my own 1:1 messages: how far the recipient got. */
  receipt?: string;
  /** Set once the sender edited the text (4.x). */
  modifiedInfo?: { operatorId: string; operationCount: number; operationTime: number };
}

/** The text-only shape of issue 2, still accepted. */
export type ReceivedText = ReceivedMessage;

/** A receipt or recall event (`onDeliveredMessage`, `onReadMessage`, `onChannelMessage`, `onRecallMessage`). */
export interface ReceiptEvent {
  from: string;
  to: string;
  mid?: string;
  chatType?: ChatType;
  seq?: number;
}

/** The error objects of `onError` and of rejected promises. */
export interface SdkError {
  type: number;
  message?: string;
  data?: unknown;
}

/** What `open` resolves with: the 4.x `LoginResult`, plus the raw REST fields on a password login. */
export interface OpenResult {
  accessToken?: string;
  access_token?: string;
  /** When the token expires, ms since the epoch. */
  expireTimestamp?: number;
  /** Token lifetime in seconds (REST). */
  expires_in?: number;
  user?: { username?: string; nickname?: string };
}

export interface SendResult {
  localMsgId?: string;
  serverMsgId?: string;
  time?: number;
  seq?: number;
}

/** A message to send (any kind; attachments already uploaded); `id` is its client id. */
export type OutgoingMessage = {
  id: string;
  to: string;
  chatType: ChatType;
  ext?: Ext;
  msgConfig?: MessageConfig;
  /** To the sessions open now only, stored nowhere (frames.ts). */
  deliverOnlineOnly?: boolean;
} & MessageBody;

/** An uploaded chatfile: what an attachment message carries. */
export interface UploadedFile {
  url: string;
  secret: string;
}

/** An upload in flight: resolves with the chatfile, rejects with an {@link SdkError}; abortable. */
export type UploadTask = Promise<UploadedFile> & { abort(): void };

/** A page of a conversation's history, newest first. */
export interface HistoryPage {
  messages: ReceivedMessage[];
  /** The next (older) page's cursor; `null` when `isLast`. */
  cursor: string | null;
  isLast: boolean;
}

/** A conversation as the server sees it (`getSessionList`). */
export interface ServerConversationInfo {
  peer: string;
  chatType: ChatType;
  unread: number;
  lastMessage?: ReceivedMessage;
  /** My inbox seq `unread` is as of, when the server says (`ConversationsResponse.seq`). */
  seq?: number;
}

/** A user as the REST API describes them. */
export interface UserProfile {
  username: string;
  nickname?: string;
}

/** A contact as `getRoster` gives it (`nickname` and `online` are this server's extras). */
export interface RosterItem {
  name: string;
  nickname?: string;
  online?: boolean;
}

type GroupRef = { groupId: string };
type GroupUser = GroupRef & { username: string };

/**
 * The SDK's contact, blocklist, group, room and user-attribute methods the store calls (4.x names, the parameters
 * of the 4.x SDK; results are the REST bodies of `protocol/rest.ts`). Each rejects with an
 * {@link SdkError} (`{type: 17, data: responseText}` for a REST refusal).
 */
export interface SocialApi {
  getRoster(): Promise<RosterItem[]>;
  getContactRequests(): Promise<ContactRequestsResponse>;
  addContact(to: string, message?: string): Promise<unknown>;
  deleteContact(to: string): Promise<unknown>;
  acceptContactInvite(to: string): Promise<unknown>;
  declineContactInvite(to: string): Promise<unknown>;
  getBlocklist(): Promise<BlocklistResponse>;
  addUsersToBlocklist(options: { name: string[] }): Promise<BlocklistResponse>;
  removeUserFromBlocklist(options: { name: string }): Promise<BlocklistResponse>;

  createGroup(options: { data: CreateGroupRequest }): Promise<GroupIdResponse>;
  getGroupInfo(options: GroupRef): Promise<GroupInfoResponse>;
  modifyGroup(
    options: GroupRef & { groupName?: string; description?: string },
  ): Promise<GroupInfoResponse>;
  changeGroupOwner(options: GroupRef & { newOwner: string }): Promise<unknown>;
  destroyGroup(options: GroupRef): Promise<unknown>;
  getJoinedGroups(): Promise<GroupsResponse>;
  getPublicGroups(options: { limit?: number; cursor?: string }): Promise<PublicGroupsResponse>;
  getGroupMembers(options: GroupRef): Promise<GroupMembersResponse>;
  inviteUsersToGroup(options: GroupRef & { users: string[]; reason?: string }): Promise<unknown>;
  acceptGroupInvite(options: GroupRef): Promise<unknown>;
  rejectGroupInvite(options: GroupRef & { reason?: string }): Promise<unknown>;
  joinGroup(options: GroupRef & { message?: string }): Promise<ApplyResponse>;
  acceptGroupJoinRequest(options: GroupRef & { applicant: string }): Promise<unknown>;
  rejectGroupJoinRequest(
    options: GroupRef & { applicant: string; reason?: string },
  ): Promise<unknown>;
  leaveGroup(options: GroupRef): Promise<unknown>;
  removeGroupMember(options: GroupUser): Promise<unknown>;
  muteGroupMember(options: GroupUser & { muteDuration: number }): Promise<unknown>;
  unmuteGroupMember(options: GroupUser): Promise<unknown>;
  setGroupAdmin(options: GroupUser): Promise<unknown>;
  removeGroupAdmin(options: GroupUser): Promise<unknown>;

  getChatRooms(options: { pagenum: number; pagesize: number }): Promise<RoomsResponse>;
  getJoinedChatRooms(): Promise<RoomsResponse>;
  joinChatRoom(options: { roomId: string }): Promise<unknown>;
  leaveChatRoom(options: { roomId: string }): Promise<unknown>;
  /**
   * A method of {@link ModerationApi}, by its name: one entry point, so the bundle (and the tabs'
   * channel) names each of them only once, in the code that calls it.
   */
  moderate<K extends keyof ModerationApi>(
    method: K,
    options: Parameters<ModerationApi[K]>[0],
  ): ReturnType<ModerationApi[K]>;

  /** Sets my attributes; resolves with all of them. */
  updateOwnUserInfo(info: UserMetadata): Promise<{ data: UserMetadata }>;
  /** Attributes of users (unknown ones absent) and whether each is online. */
  fetchUserInfoById(
    usernames: string[],
  ): Promise<{ data: Record<string, UserMetadata>; online: Record<string, boolean> }>;
}

/**
 * Moderating a group or room (issue 14), creating a room, reporting a message, deleting for me; the
 * SDK's 4.x methods.
 */
export interface ModerationApi {
  /** A message reported to the app's moderators (4.x `reportMessage`). */
  reportMessage(options: {
    messageId: string;
    reportType: string;
    reportReason: string;
  }): Promise<unknown>;
  createChatRoom(options: { name: string; description?: string }): Promise<RoomIdResponse>;

  updateGroupAnnouncement(options: GroupRef & { announcement: string }): Promise<unknown>;
  disableSendGroupMsg(options: GroupRef): Promise<unknown>;
  enableSendGroupMsg(options: GroupRef): Promise<unknown>;
  blockGroupMember(options: GroupUser): Promise<unknown>;
  unblockGroupMember(options: GroupUser): Promise<unknown>;
  getGroupBlocklist(options: GroupRef): Promise<UsernamesResponse>;
  /** Sets member `userId`'s attributes (`''` removes one); resolves with all of theirs. */
  setGroupMemberAttributes(
    options: GroupRef & { userId: string; memberAttributes: Record<string, string> },
  ): Promise<MemberAttributesResponse>;
  /** Attributes (only `keys`) of members `userIds`, at most 10. */
  getGroupMembersAttributes(
    options: GroupRef & { userIds: string[]; keys: string[] },
  ): Promise<MembersAttributesResponse>;
  updateChatRoomAnnouncement(options: { roomId: string; announcement: string }): Promise<unknown>;
  disableSendChatRoomMsg(options: RoomRef): Promise<unknown>;
  enableSendChatRoomMsg(options: RoomRef): Promise<unknown>;
  blockChatRoomMember(options: RoomUser): Promise<unknown>;
  unblockChatRoomMember(options: RoomUser): Promise<unknown>;
  getChatRoomBlocklist(options: RoomRef): Promise<UsernamesResponse>;
  /** Delete for me (4.x): messages by server id, or every one sent before a time. */
  removeHistoryMessages(options: RemoveMessagesOptions): Promise<unknown>;
  /** Delete for me (4.x): a conversation off my list, with its messages when `deleteRoam`. */
  deleteConversation(options: {
    channel: string;
    chatType: ChatType;
    deleteRoam: boolean;
  }): Promise<unknown>;
  setChatRoomAdmin(options: RoomUser): Promise<unknown>;
  removeChatRoomAdmin(options: RoomUser): Promise<unknown>;
  muteChatRoomMember(options: RoomUser & { muteDuration: number }): Promise<unknown>;
  unmuteChatRoomMember(options: RoomUser): Promise<unknown>;
  listChatRoomMember(options: RoomRef): Promise<RoomMembersResponse>;
  getChatRoomMuted(options: RoomRef): Promise<MuteListResponse>;
  removeChatRoomMember(options: RoomUser): Promise<unknown>;
}

type RoomRef = { chatRoomId: string };
type RoomUser = RoomRef & { username: string };

/** The names of {@link SocialApi}, for the adapter that binds them. */
export const socialMethods = [
  'getRoster',
  'getContactRequests',
  'addContact',
  'deleteContact',
  'acceptContactInvite',
  'declineContactInvite',
  'getBlocklist',
  'addUsersToBlocklist',
  'removeUserFromBlocklist',
  'createGroup',
  'getGroupInfo',
  'modifyGroup',
  'changeGroupOwner',
  'destroyGroup',
  'getJoinedGroups',
  'getPublicGroups',
  'getGroupMembers',
  'inviteUsersToGroup',
  'acceptGroupInvite',
  'rejectGroupInvite',
  'joinGroup',
  'acceptGroupJoinRequest',
  'rejectGroupJoinRequest',
  'leaveGroup',
  'removeGroupMember',
  'muteGroupMember',
  'unmuteGroupMember',
  'setGroupAdmin',
  'removeGroupAdmin',
  'getChatRooms',
  'getJoinedChatRooms',
  'joinChatRoom',
  'leaveChatRoom',
  'updateOwnUserInfo',
  'fetchUserInfoById',
] as const satisfies readonly (keyof SocialApi)[];

/**
 * The SDK's callbacks for contacts, the blocklist, groups, rooms and presence (issue 4). Their
 * payloads come off the socket, so the store reads them as `unknown` and checks every field.
 */
export interface SocialHandlers {
  onContactInvited?: (event: unknown) => void;
  onContactAgreed?: (event: unknown) => void;
  onContactRefuse?: (event: unknown) => void;
  onContactDeleted?: (event: unknown) => void;
  onMultiDeviceEvent?: (event: unknown) => void;
  onBlacklistUpdate?: (list: unknown) => void;
  onGroupEvent?: (event: unknown) => void;
  onChatroomEvent?: (event: unknown) => void;
  onPresenceStatusChange?: (list: unknown) => void;
}

export type StoreEventHandlers = ConnectionEventHandlers & SocialHandlers;

/** Where a {@link SocialEvent} came from. */
export type SocialSource =
  | 'invited'
  | 'agreed'
  | 'refused'
  | 'deleted'
  | 'multi-device'
  | 'blocklist'
  | 'group'
  | 'room'
  | 'presence';

/** A social callback, unchecked: `contacts.ts`, `groups.ts` and `chat-rooms.ts` read it. */
export interface SocialEvent {
  type: 'social';
  source: SocialSource;
  payload: unknown;
}

/**
 * What the store calls on a connection: the SDK's `Connection` methods, plus two conveniences the
 * adapter in `sdk-connection.ts` builds on it (sending a text by id, looking a user up over REST).
 */
export interface StoreConnection extends SocialApi {
  addEventHandler(id: string, handlers: StoreEventHandlers): void;
  removeEventHandler(id: string): void;
  registerUser(options: {
    username: string;
    password: string;
    nickname?: string;
  }): Promise<unknown>;
  open(
    options: { user: string; pwd: string } | { user: string; accessToken: string },
  ): Promise<unknown>;
  close(): void;
  /** Revokes the token the connection signed in with, on the server (sign-out everywhere it is used). */
  revokeToken(): Promise<unknown>;
  /** Checks `oldPassword`, stores `newPassword`; the server then revokes every token of the user. */
  changePassword(options: { oldPassword: string; newPassword: string }): Promise<unknown>;
  isOpened(): boolean;
  getUniqueId(): string;
  /** Highest seq stored locally; the server replays only what comes after it. */
  syncCursor?: number | undefined;
  /** The app's limits, from the server at each login (the SDK's `appLimits`). */
  readonly appLimits?: AppLimits;
  /** Sends a message; resolves with the server's ack, rejects with an {@link SdkError}. */
  sendMessage(message: OutgoingMessage): Promise<SendResult>;
  /** Uploads a chatfile, reporting progress. */
  upload(
    file: Blob,
    filename: string,
    onProgress: (loaded: number, total: number) => void,
  ): UploadTask;
  /** Downloads a chatfile with the session's token and the share secret. */
  download(url: string, secret: string | undefined): Promise<Blob>;
  /** Read receipt for the message `mid` of a 1:1 chat or a group (and everything before it). */
  sendRead(to: string, mid: string, chatType: ChatType): Promise<void>;
  /** Conversation-level read ack. */
  sendChannel(to: string, chatType: ChatType): Promise<void>;
  /** Recalls my message `mid`; rejects with an {@link SdkError} (504 past the window, 603 not mine). */
  recall(options: { mid: string; to: string; chatType: ChatType }): Promise<void>;
  /**
   * Replaces the text of my message `mid` (4.x `modifyMessage`); resolves with the message as it now
   * reads. Rejects with an {@link SdkError} (603 not mine, 1302 recalled or unknown, 1303 not text).
   */
  modify(options: {
    mid: string;
    to: string;
    chatType: ChatType;
    text: string;
  }): Promise<ReceivedMessage>;
  /**
   * The SDK's reaction methods, by their 4.x names (one entry, so the tabs' channel and the bundle
   * list them once). A refusal rejects `{type: 17, data}` with the server's body.
   */
  reaction(
    method: 'addReaction' | 'deleteReaction',
    options: { messageId: string; reaction: string },
  ): Promise<unknown>;
  reaction(
    method: 'getReactionList',
    options: { messageId: string[] },
  ): Promise<ReactionListResponse>;
  reaction(
    method: 'getReactionDetail',
    options: { messageId: string; reaction: string; cursor?: string; pageSize: number },
  ): Promise<ReactionDetailResponse>;
  /** One page of a conversation's history, older than `cursor` (newest when `null`). */
  history(options: {
    peer: string;
    chatType: ChatType;
    cursor: string | null;
    pageSize: number;
  }): Promise<HistoryPage>;
  /** The user's conversations with the server's unread counts. */
  conversations(): Promise<ServerConversationInfo[]>;
  /**
   * `GET /{org}/{app}/users/{username}` with the session's token: the user, or `null` when there is
   * no such user. Rejects (with an {@link SdkError} or a `TypeError`) when the server cannot tell.
   */
  lookupUser(username: string): Promise<UserProfile | null>;
}

/** Messages to delete for me: by server id, or every one sent before a time. */
export interface RemoveMessagesOptions {
  targetId: string;
  chatType: ChatType;
  messageIds?: string[];
  beforeTimeStamp?: number;
}

/** The kind a callback implies (3.x shapes say `type: 'chat'`). */
export type MessageKindHint = 'txt' | 'img' | 'audio' | 'video' | 'file' | 'loc' | 'cmd' | 'custom';

/** Everything the store hears from one connection. */
export type ConnectionEvent =
  | Exclude<StatusEvent, { type: 'login' } | { type: 'signed-out' }>
  | { type: 'message'; message: ReceivedMessage; kind: MessageKindHint }
  | { type: 'receipt'; kind: 'delivered' | 'read' | 'channel' | 'recall'; event: ReceiptEvent }
  | { type: 'ack'; id: string; mid: string; time?: number }
  /** `onModifiedMessage`: the message as it now reads. */
  | { type: 'edit'; message: ReceivedMessage }
  /** `onReactionChange`: a message's reactions after someone's change (read with care). */
  | { type: 'reaction'; change: unknown }
  | { type: 'error'; error: SdkError }
  | { type: 'token-expired' }
  | SocialEvent;

let handlerCount = 0;

/**
 * The connection's callbacks as an observable. Subscribing registers a handler set under a fresh
 * id; unsubscribing removes it, so a disposed store leaves nothing behind on the connection.
 */
export function connectionEvents(connection: StoreConnection): Observable<ConnectionEvent> {
  return new Observable<ConnectionEvent>((subscriber) => {
    const id = `openwebim-store-${++handlerCount}`;
    const emit = (event: ConnectionEvent) => subscriber.next(event);
    const social =
      (source: SocialSource) =>
      (payload: unknown): void =>
        emit({ type: 'social', source, payload });
    connection.addEventHandler(id, {
      // 4.x also fires onConnected right after onOpened; listening to both would flush twice.
      onOpened: () => emit({ type: 'opened' }),
      onClosed: () => emit({ type: 'closed' }),
      onDisconnected: () => emit({ type: 'disconnected' }),
      onReconnecting: () => emit({ type: 'reconnecting' }),
      onOnline: () => emit({ type: 'online', opened: connection.isOpened() }),
      onOffline: () => emit({ type: 'offline' }),
      onTextMessage: (message) => emit({ type: 'message', message, kind: 'txt' }),
      onEmojiMessage: (message) => emit({ type: 'message', message, kind: 'txt' }),
      // The SDK calls both names of the picture callback with one handler set; one is enough.
      onPictureMessage: (message) => emit({ type: 'message', message, kind: 'img' }),
      onAudioMessage: (message) => emit({ type: 'message', message, kind: 'audio' }),
      onVideoMessage: (message) => emit({ type: 'message', message, kind: 'video' }),
      onFileMessage: (message) => emit({ type: 'message', message, kind: 'file' }),
      onLocationMessage: (message) => emit({ type: 'message', message, kind: 'loc' }),
      onCmdMessage: (message) => emit({ type: 'message', message, kind: 'cmd' }),
      onCustomMessage: (message) => emit({ type: 'message', message, kind: 'custom' }),
      onDeliveredMessage: (event) => emit({ type: 'receipt', kind: 'delivered', event }),
      onReadMessage: (event) => emit({ type: 'receipt', kind: 'read', event }),
      onChannelMessage: (event) => emit({ type: 'receipt', kind: 'channel', event }),
      onRecallMessage: (event) => emit({ type: 'receipt', kind: 'recall', event }),
      onModifiedMessage: (message) => emit({ type: 'edit', message }),
      onReactionChange: (change) => emit({ type: 'reaction', change }),
      onReceivedMessage: (ack) => emit({ type: 'ack', id: ack.id, mid: ack.mid, time: ack.time }),
      onError: (error) => emit({ type: 'error', error }),
      onTokenExpired: () => emit({ type: 'token-expired' }),
      // The 3.x onPresence / onInviteMessage repeat these; one of each is enough.
      onContactInvited: social('invited'),
      onContactAgreed: social('agreed'),
      onContactRefuse: social('refused'),
      onContactDeleted: social('deleted'),
      onMultiDeviceEvent: social('multi-device'),
      onBlacklistUpdate: social('blocklist'),
      onGroupEvent: social('group'),
      onChatroomEvent: social('room'),
      onPresenceStatusChange: social('presence'),
    });
    return () => connection.removeEventHandler(id);
  });
}
