/**
 * The store's public shapes: what elements render and what they call. The store turns the SDK's
 * callbacks into these observables and persists everything to IndexedDB (see `chat-store.ts`).
 */
import type { Observable } from 'rxjs';
import type { AppLimits, ChatType, Ext, UserMetadata } from '../protocol/index.js';

/**
 * Where the store's connection stands.
 * - `signed-out`: no user (show the login form).
 * - `connecting`: a login or a token resume is under way.
 * - `online`: the socket is open and authenticated.
 * - `reconnecting`: the socket dropped; the SDK is trying again (sends go to the outbox).
 * - `offline`: the browser says it is offline, or reconnection gave up (sends go to the outbox).
 */
export type ConnectionStatus = 'signed-out' | 'connecting' | 'online' | 'reconnecting' | 'offline';

/**
 * The life of a message, from the sender's side for own messages:
 * `pending` (in the outbox; an attachment uploads first) → `sent` (acked by the server) | `failed`
 * (refused, retry possible); messages from others are `received`.
 */
export type MessageStatus = 'pending' | 'sent' | 'failed' | 'received';

/**
 * What the peer has done with an own message, once it is `sent`; only ever moves forward:
 * `sent` (on the server) → `delivered` (reached one of the peer's devices) → `read`.
 */
export type ReceiptState = 'sent' | 'delivered' | 'read';

/**
 * Kinds of message the store keeps as chat bubbles. `cmd` messages are never stored: they are
 * handed to the app on {@link ChatStoreApi.commands$}.
 */
export type StoredMessageKind = 'txt' | 'img' | 'audio' | 'video' | 'file' | 'loc' | 'custom';

/** Kinds of attachment `sendFile` can send. */
export type AttachmentKind = 'img' | 'audio' | 'video' | 'file';

/**
 * The file of an `img`, `audio`, `video` or `file` message. `url` and `secret` are absent while the
 * file is still uploading (status `pending`); fetch the bytes with {@link ChatStoreApi.fetchFile},
 * which sends the token and the secret the server asks for.
 */
export interface Attachment {
  /** `{apiUrl}/{org}/{app}/chatfiles/{uuid}` once uploaded. */
  url?: string;
  /** The share secret that goes with `url`. */
  secret?: string;
  filename: string;
  /** Size in bytes. */
  size: number;
  /** MIME type when known, e.g. `image/png`. */
  mime?: string;
  /** Pixels, for `img` and `video`, when known. */
  width?: number;
  height?: number;
  /** Seconds, for `audio` and `video`. */
  duration?: number;
  /** A small preview uploaded beside the original (`img`, `video`), fetched with `fetchFile(m, {thumbnail: true})`. */
  thumbUrl?: string;
  thumbSecret?: string;
}

export interface Location {
  addr: string;
  lat: number;
  lng: number;
  buildingName?: string;
}

/** A `custom` message: an app-defined event name and string parameters. */
export interface CustomContent {
  event: string;
  exts: Record<string, string>;
}

export interface ChatMessage {
  /**
   * The key of the message everywhere: for my own messages the client id my device picked (stable
   * from send to receipt, before the server answers); for everyone else's the server id, which no
   * sender picks (a client id is seen by every member of a group, so keying others' messages by it
   * let one member's message land on another's: issue 11).
   */
  id: string;
  /** The server id, once the server has stored it (always set for others' messages). */
  mid?: string;
  /** The conversation it belongs to: the peer's username for a 1:1 chat. */
  conversationId: string;
  chatType: ChatType;
  /** What to render: `txt` uses `text`, attachments `attachment`, `loc` `location`, `custom` `custom`. */
  type: StoredMessageKind;
  from: string;
  to: string;
  /** The text of a `txt` message; `''` for every other kind and for a recalled message. */
  text: string;
  /** Set for `img`, `audio`, `video` and `file` (unless recalled). */
  attachment?: Attachment;
  /** Set for `loc` (unless recalled). */
  location?: Location;
  /** Set for `custom` (unless recalled). */
  custom?: CustomContent;
  ext?: Ext;
  /** ms since the epoch: server time once known, local time while pending. */
  time: number;
  status: MessageStatus;
  /**
   * Own messages once `sent`: how far the peer got with it. In a group: `read` once a member has
   * read it (the store sends group messages with `msgConfig.allowGroupAck`); never `delivered`.
   */
  receipt?: ReceiptState;
  /**
   * The sender recalled it: the row stays (so the conversation shows "message recalled" in its
   * place) but its content (`text`, `attachment`, `location`, `custom`, `ext`) is gone.
   */
  recalled?: true;
  /** The sender edited the text (4.x `modifyMessage`): who, when, and how many times so far. */
  edited?: MessageEdit;
  /**
   * Its reactions, in the order they were first added (absent: none). Kept by the live changes of
   * every member, refreshed from the server when its conversation is shown, and by history pages.
   */
  reactions?: MessageReaction[];
  /** Why a `failed` message failed, in plain words (English). */
  error?: string;
  /** The key of `error` in the store's `ChatErrorMessages`, for saying it in the reader's language. */
  errorKey?: string;
  /** The current user's sequence number for the message, once known. */
  seq?: number;
}

/** The message a reply quotes (the 4.x UI kit's `ext.msgQuote`); read with the store's `quoteOf`. */
export interface MessageQuote {
  /** The quoted message's server id. */
  mid: string;
  /** Its text (or file name) as the reply was written, at most 200 characters. */
  preview: string;
  sender: string;
  /** Its kind (`txt`, `img`…). */
  type: string;
}

/** Options of {@link ChatStoreApi.send}. */
export interface SendOptions {
  /** The id of a message of the same conversation this one replies to (quoted above it). */
  replyTo?: string;
  /** Keys for the message's ext (a visitor's messages carry their page, `VisitorExt`). */
  ext?: Ext;
}

/** One kind of reaction (any emoji, or a short name) of a message. */
export interface MessageReaction {
  reaction: string;
  /** How many users added it. */
  count: number;
  /** I am one of them. */
  mine: boolean;
  /** The first of them, earliest first (the server names at most 20). */
  users: string[];
}

export interface MessageEdit {
  by: string;
  /** ms since the epoch */
  at: number;
  count: number;
}

/** A `cmd` message: for the app, never shown as a chat bubble nor stored. */
export interface ChatCommand {
  id: string;
  mid?: string;
  conversationId: string;
  chatType: ChatType;
  from: string;
  to: string;
  action: string;
  ext?: Ext;
  time: number;
}

/** Upload progress of a pending attachment, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Options of {@link ChatStoreApi.sendFile}. */
export interface SendFileOptions {
  /** Default: from the MIME type (`image/*` → `img`, `audio/*` → `audio`, `video/*` → `video`), else `file`. */
  kind?: AttachmentKind;
  /** A small preview made in the browser (`img`, `video`), uploaded beside the file. */
  thumbnail?: Blob;
  width?: number;
  height?: number;
  /** Seconds (`audio`, `video`). */
  duration?: number;
  ext?: Ext;
}

/** Where paging back through a conversation stands. */
export interface HistoryState {
  /** A `loadOlder` is running. */
  loading: boolean;
  /** Nothing older exists, here or on the server. */
  exhausted: boolean;
}

export interface Conversation {
  /** The peer's username for a 1:1 chat. */
  id: string;
  chatType: ChatType;
  /** What to show: the peer's nickname when known, else the id. */
  name: string;
  lastMessage?: ChatMessage;
  unread: number;
  /** ms since the epoch of the last activity, for sorting (newest first). */
  updatedAt: number;
  /**
   * Group and room conversations only: I am no longer a member (`left` on my own, `removed` by an
   * owner or admin, `disbanded`: the group or room is gone). The messages stay; the UI says why no
   * more come. Absent while I am a member (and always for 1:1 chats); joining again clears it.
   */
  membership?: 'left' | 'removed' | 'disbanded';
}

/** Someone on my contact list. */
export interface Contact {
  username: string;
  nickname?: string;
  /** Has a session open now (live, from the server's presence). */
  online: boolean;
}

/** A friend request waiting for an answer: one I received (`incoming`) or sent (`outgoing`). */
export interface ContactRequest {
  direction: 'incoming' | 'outgoing';
  /** The other user. */
  username: string;
  message: string;
  time: number;
}

export type GroupRole = 'owner' | 'admin' | 'member';

/** A group (`groupChat`) or a chat room (`chatRoom`), for the actions both have. */
export type ModeratedType = 'groupChat' | 'chatRoom';

/** A group I am in. */
export interface Group {
  id: string;
  name: string;
  description: string;
  owner: string;
  admins: string[];
  /** Members, owner included. */
  memberCount: number;
  maxMembers: number;
  public: boolean;
  /** Applications to join need the owner's or an admin's approval. */
  approval: boolean;
  /** Members (not only owner and admins) may invite. */
  allowInvites: boolean;
  /** My role in it. */
  role: GroupRole;
  /** I am muted here until then, ms since the epoch (`-1`: until unmuted). */
  mutedUntil?: number;
  /** What the owner and admins pinned for everyone (`''`: none). */
  announcement: string;
  /** Everyone but the owner and the admins is muted. */
  allMuted: boolean;
}

export interface GroupMember {
  username: string;
  nickname?: string;
  role: GroupRole;
  mutedUntil?: number;
}

/** A public group anyone may apply to. */
export interface PublicGroup {
  id: string;
  name: string;
  owner: string;
  memberCount: number;
}

/** Someone invited me to a group. */
export interface GroupInvitation {
  groupId: string;
  groupName: string;
  /** Who invited me. */
  from: string;
  reason: string;
  time: number;
}

/** Someone asked to join a group where I am owner or admin. */
export interface JoinRequest {
  groupId: string;
  groupName: string;
  /** The applicant. */
  username: string;
  reason: string;
  time: number;
}

export interface ChatRoom {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  maxMembers: number;
  /** I am a member (I get its messages while connected). */
  joined: boolean;
  /** Who made it; with the app's room admins, its managers. */
  owner: string;
  /** Members its managers made admin. */
  admins: string[];
  /** What its managers and admins pinned for everyone (`''`: none). */
  announcement: string;
  /** Everyone but its managers and admins is muted. */
  allMuted: boolean;
  /** Mine here: `owner` for its managers (its owner, the app's room admins), `admin`, `member`. */
  role: GroupRole;
  /**
   * I am muted here until then (`-1`: until unmuted), as the room's live events said this session
   * (rooms keep nothing for later, so a mute made while I was away shows on my first send).
   */
  mutedUntil?: number;
}

/**
 * Something that happened to me that no action of mine is waiting for, in plain words for the UI
 * (e.g. "alice removed you from Friends", "Friends was disbanded", "bob accepted your request").
 */
export interface ChatNotice {
  kind: 'contact' | 'group' | 'room';
  /** In English; the elements say it from `key` and `params` in the reader's language. */
  message: string;
  /** Which notice, a key of the store's `ChatNoticeSentences` (`groupRemoved`, `madeAdmin`…). */
  key?: string;
  /** The values of its placeholders: `from`, `group`, `room`, `until` (ms since the epoch). */
  params?: Record<string, string | number>;
  /** The conversation concerned, if any (the group or room id, the username). */
  conversationId?: string;
  time: number;
}

export interface CreateGroupInput {
  name: string;
  description?: string;
  members?: string[];
  /** Default false. */
  public?: boolean;
  /** Default false. */
  approval?: boolean;
  /** Default false. */
  allowInvites?: boolean;
}

export interface CurrentUser {
  username: string;
  nickname?: string;
}

/** A user's attributes (`mail`, `nickname`…) and whether they are online now. */
export interface UserDetails extends UserMetadata {
  online: boolean;
}

/** What the site's team sees of a visitor beside the conversation (see `visitor$`). */
export interface VisitorInfo {
  /** The display name the visitor set, if any. */
  nickname?: string;
  /** The e-mail the visitor left, if any. */
  mail?: string;
  /** The page the visitor wrote from first (its URL without query or fragment), and its title. */
  page?: string;
  pageTitle?: string;
}

export interface GuestInput {
  /** The guest's display name (may be set later with `updateOwnInfo`). */
  nickname?: string;
}

/** An error in the SDK's shape plus a sentence a person can read. */
export interface ChatError {
  /** A `WebIM.statusCode` value. */
  type: number;
  /** The REST `error` field when the server answered one (e.g. `duplicate_unique_property_exists`). */
  error?: string;
  /** The REST `error_description` when present. */
  description?: string;
  /** Plain words, in English: for logs, and for code without the elements. */
  message: string;
  /**
   * What went wrong, as a key of the store's `ChatErrorMessages` (`duplicateUser`,
   * `networkDown`…): the elements say it in the reader's language from it.
   */
  key?: string;
  /** The values of the message's `{placeholders}`, e.g. the server's `detail` of a limit. */
  params?: Record<string, string>;
}

export interface LoginInput {
  username: string;
  password: string;
}

export interface ChangePasswordInput {
  oldPassword: string;
  newPassword: string;
}

export interface TokenLoginInput {
  username: string;
  accessToken: string;
}

export interface RegisterInput {
  username: string;
  password: string;
  nickname?: string;
}

/** What elements see of a store. One store per app key; it holds at most one signed-in user. */
export interface ChatStoreApi {
  readonly appKey: string;
  /** The chat server it was made for; undefined: the SDK's default (the script's server, else the page's). */
  readonly apiUrl: string | undefined;
  readonly status$: Observable<ConnectionStatus>;
  readonly user$: Observable<CurrentUser | null>;
  /** Conversations, newest activity first. */
  readonly conversations$: Observable<Conversation[]>;
  /** Sum of unread counts. */
  readonly totalUnread$: Observable<number>;
  /** The conversation the user has open, if any. */
  readonly activeConversation$: Observable<string | null>;
  /**
   * Failures no action is waiting for: the session ended on the server's side (token expired,
   * signed in elsewhere, user removed; the store is then `signed-out`), or the connection was lost
   * after every reconnection attempt (the store keeps trying).
   */
  readonly error$: Observable<ChatError>;
  /**
   * Resolves once the saved session, if any, has been restored from IndexedDB (its data showing,
   * the socket perhaps not yet open); status is `connecting` until then, so no login form flashes.
   */
  readonly ready: Promise<void>;
  /**
   * Messages of one conversation, oldest first, exactly as stored in IndexedDB: the most recent ones,
   * and as far back as {@link loadOlder} has paged.
   */
  messages$(conversationId: string): Observable<ChatMessage[]>;
  /** Paging state of one conversation (see {@link loadOlder}). */
  history$(conversationId: string): Observable<HistoryState>;
  /**
   * Progress of a pending attachment's upload (sampled, not every browser event); `null` when the
   * message is not uploading (not yet started, done, failed or cancelled).
   */
  uploadProgress$(messageId: string): Observable<UploadProgress | null>;
  /** `cmd` messages as they arrive (from peers and from my other devices); never stored. */
  readonly commands$: Observable<ChatCommand>;
  /**
   * Each message from someone else as it arrives and is stored here for the first time (not my
   * own from other devices, not history pages, not a replay of what was stored already): what
   * attention cues (title, sound, notification) react to.
   */
  readonly incoming$: Observable<ChatMessage>;
  /**
   * The app's limits (text size, file size, recall window) as the server last said, kept in
   * IndexedDB; the protocol's defaults while no one is signed in. `send` and `sendFile` check them.
   */
  readonly limits$: Observable<AppLimits>;

  /**
   * Contacts, by username, with live presence. Like everything below, kept in IndexedDB (shown at
   * once after a reload), refreshed from the server on every connect, and updated by the server's
   * events from then on (including what I do on my other devices).
   */
  readonly contacts$: Observable<Contact[]>;
  /** Pending friend requests, both ways, newest first. */
  readonly contactRequests$: Observable<ContactRequest[]>;
  /** Usernames I blocked, sorted. */
  readonly blocklist$: Observable<string[]>;
  /** Groups I am in, by name. */
  readonly groups$: Observable<Group[]>;
  /** Invitations to groups waiting for my answer, newest first. */
  readonly groupInvitations$: Observable<GroupInvitation[]>;
  /** Applications to groups I own or administer, waiting for an answer, newest first. */
  readonly joinRequests$: Observable<JoinRequest[]>;
  /** Chat rooms of the app (joined or not), by name; refreshed on connect and by {@link refreshRooms}. */
  readonly rooms$: Observable<ChatRoom[]>;
  /** Things that happened to me (removed from a group, a request accepted…); never stored. */
  readonly notices$: Observable<ChatNotice>;
  /** Members of a group I am in (fetched when first asked for, then kept up to date by events). */
  groupMembers$(groupId: string): Observable<GroupMember[]>;
  /** Display name of a user: their nickname when known, else the username. */
  displayName$(username: string): Observable<string>;
  /**
   * What the site's team sees of a visitor they talk to (issue 9): the display name and e-mail the
   * visitor set (read from the server when first asked for, again as their messages come), and the
   * page of their first message here that carried one. `{}` while no one is signed in.
   */
  visitor$(username: string): Observable<VisitorInfo>;

  /** Logs in with a password. Rejects with a {@link ChatError}. */
  login(input: LoginInput): Promise<void>;
  /** Logs in with a token issued elsewhere (the widget's `user` + `access-token`). */
  loginWithToken(input: TokenLoginInput): Promise<void>;
  /**
   * Signs in as this browser's guest of the app (openwebim's, when the app allows guests): the one
   * minted here before, whose username and password are kept in IndexedDB (so a reload or a return
   * is the same guest and conversation), else a new one (`POST /guests`). A kept guest the server
   * no longer knows (removed after the app's retention) is replaced by a new one. Rejects with a
   * {@link ChatError}: guests off, an origin the app does not allow, too many guests from here.
   */
  loginAsGuest(input?: GuestInput): Promise<void>;
  /** Whether this browser has a guest of the app to sign in as (without minting one). */
  hasGuest(): Promise<boolean>;
  /** Attributes of users, with who is online now; unknown users are absent. */
  userInfo(usernames: string[]): Promise<Record<string, UserDetails>>;
  /** Sets my attributes (`mail`, `nickname`…); a nickname shows at once as my name. */
  updateOwnInfo(info: UserMetadata): Promise<void>;
  /** Registers a user (does not log in). Rejects with a {@link ChatError}. */
  register(input: RegisterInput): Promise<void>;
  /**
   * Signs out: revokes the token on the server (when it answers within 3 s), closes the
   * connection; `wipe` also deletes this user's local database.
   */
  logout(options?: { wipe?: boolean }): Promise<void>;
  /**
   * Changes the password. Every other session of the user (other devices and tabs) is signed out;
   * this one stays signed in. Rejects with a {@link ChatError} (`invalidPassword` for a wrong old
   * password, `emptyPassword`, `rateLimited`…) and changes nothing then.
   */
  changePassword(input: ChangePasswordInput): Promise<void>;
  /**
   * Queues a text message (it shows at once as `pending`) and sends it when online. Resolves with
   * the stored message once it is in IndexedDB; rejects (storing nothing) for an empty or too long
   * draft. The outcome shows on the message: `sent`, or `failed` with `error`.
   */
  send(conversationId: string, text: string, options?: SendOptions): Promise<ChatMessage>;
  /**
   * Replaces the text of an own sent text message (4.x `modifyMessage`): it reads the new text,
   * marked edited, here, on my other devices and at the peer's (every member of a group), also after
   * a reload. Rejects with a {@link ChatError} in plain words (not mine, not text, recalled, not
   * sent yet, offline, empty or too long) and then changes nothing.
   */
  edit(messageId: string, text: string): Promise<void>;
  /**
   * Adds my `reaction` (any emoji, or a short name) to a sent message of a 1:1 chat or a group
   * (4.x `addReaction`), or (`add: false`) takes it away (`deleteReaction`). It shows at once,
   * here and in my other tabs; every member sees it live. When the server refuses (not a member any
   * more, the message recalled, too many kinds on it) it is undone and this rejects with a
   * {@link ChatError}. Adding one I added already, or taking one away I did not add, does nothing.
   */
  react(messageId: string, reaction: string, add?: boolean): Promise<void>;
  /**
   * Queues an attachment (it shows at once as `pending` with {@link uploadProgress$}), uploads it and
   * sends it. The file is kept in IndexedDB until sent, so a reload still sends it (once). Rejects,
   * storing nothing, for an empty file, one larger than the app's limit, or a `kind` the file's type
   * does not fit (`img` needs `image/*`, `audio` `audio/*`, `video` `video/*`).
   */
  sendFile(conversationId: string, file: File, options?: SendFileOptions): Promise<ChatMessage>;
  /** Queues a location message. Rejects for an empty address or coordinates out of range. */
  sendLocation(conversationId: string, location: Location): Promise<ChatMessage>;
  /** Queues a `custom` message. */
  sendCustom(conversationId: string, custom: CustomContent, ext?: Ext): Promise<ChatMessage>;
  /** Sends a `cmd` message (not stored; resolves once the server acked it). */
  sendCommand(conversationId: string, action: string, ext?: Ext): Promise<void>;
  /**
   * Stops a pending attachment: the upload is aborted and the message removed (it never reached
   * anyone). Resolves `false` when it was too late (already sent) or there is no such message.
   */
  cancelUpload(messageId: string): Promise<boolean>;
  /**
   * Delete for me (4.x `removeHistoryMessages`): messages of one conversation, by id, leave this
   * device and my other devices and tabs (also those offline now, when they come back); the others
   * keep theirs. Unread counts and the conversation's last message follow. A message never sent
   * (pending or failed) is only removed here. Rejects with a {@link ChatError} in plain words (not
   * here, offline, a group I left) and then deletes nothing.
   */
  deleteMessages(messageIds: string[]): Promise<void>;
  /**
   * Takes a conversation off my list (4.x `deleteConversation`), with its messages unless
   * `withMessages` is false (they then come back with the conversation, as on the server), here and
   * on my other devices; a new message brings it back. A room's, which the server keeps no history
   * of, only leaves this device. Rejects like {@link deleteMessages}.
   */
  deleteConversation(conversationId: string, withMessages?: boolean): Promise<void>;
  /** Sends a `failed` message again, under the same id. */
  retry(messageId: string): Promise<void>;
  /**
   * Recalls an own sent message for everyone (within the app's window, 2 minutes by default): it
   * becomes a "recalled" notice here, on my other devices and at the peer's. Rejects with a
   * {@link ChatError} in plain words (too late, not mine, not sent yet, offline).
   */
  recall(messageId: string): Promise<void>;
  /**
   * Extends {@link messages$} of a conversation by one page of older messages: from IndexedDB first,
   * then from the server's history, merged by id so nothing shows twice and nothing is skipped.
   * Resolves with how many messages were added and whether the start of the conversation is reached.
   */
  loadOlder(conversationId: string): Promise<{ added: number; exhausted: boolean }>;
  /**
   * Fetches an attachment's bytes (with the token and the share secret) and resolves with an object
   * URL for `<img src>` and friends; cached per message, revoked on logout. `thumbnail: true` fetches
   * the preview instead (falling back to the original when there is none).
   */
  fetchFile(message: ChatMessage, options?: { thumbnail?: boolean }): Promise<string>;
  /**
   * Makes a conversation the active one (creating it if new) and marks it read. For `singleChat` (the
   * default) the id is a username as typed: it is trimmed and lowercased; rejects when the server
   * says there is no such user. For `groupChat` / `chatRoom` the id is the group's / room's, and I
   * must be a member. `send`, `sendFile` and the others use the conversation's chat type.
   */
  openConversation(conversationId: string | null, chatType?: ChatType): Promise<void>;

  // Every action below rejects with a ChatError in plain words when the server refuses, and then
  // changes nothing in the store; on success the store changes when the server's event arrives
  // (or at once from the answer, whichever comes first, never twice).

  /** Sends a friend request (accepts theirs when they already asked me). */
  addContact(username: string, message?: string): Promise<void>;
  acceptContact(username: string): Promise<void>;
  declineContact(username: string): Promise<void>;
  /** Deletes a contact on both sides; the conversation and its messages stay. */
  removeContact(username: string): Promise<void>;
  block(username: string): Promise<void>;
  unblock(username: string): Promise<void>;

  /** Creates a group with me as owner; resolves with it. */
  createGroup(input: CreateGroupInput): Promise<Group>;
  inviteToGroup(groupId: string, usernames: string[], reason?: string): Promise<void>;
  acceptGroupInvitation(groupId: string): Promise<void>;
  declineGroupInvitation(groupId: string, reason?: string): Promise<void>;
  /** Public groups, a page at a time (`cursor` from the previous page). */
  listPublicGroups(cursor?: string): Promise<{ groups: PublicGroup[]; cursor?: string }>;
  /** Joins a public group: `joined` at once, or `requested` when it needs approval. */
  joinGroup(groupId: string, message?: string): Promise<'joined' | 'requested'>;
  acceptJoinRequest(groupId: string, username: string): Promise<void>;
  declineJoinRequest(groupId: string, username: string, reason?: string): Promise<void>;
  leaveGroup(groupId: string): Promise<void>;
  removeGroupMember(groupId: string, username: string): Promise<void>;
  /** `durationMs` -1: until unmuted. */
  muteGroupMember(groupId: string, username: string, durationMs: number): Promise<void>;
  unmuteGroupMember(groupId: string, username: string): Promise<void>;
  setGroupAdmin(groupId: string, username: string): Promise<void>;
  removeGroupAdmin(groupId: string, username: string): Promise<void>;
  changeGroupOwner(groupId: string, username: string): Promise<void>;
  updateGroup(groupId: string, changes: { name?: string; description?: string }): Promise<void>;
  /** Owner only: the group is gone for everyone. */
  disbandGroup(groupId: string): Promise<void>;

  /** Reads the room list from the server again. */
  refreshRooms(): Promise<void>;
  /** Joins a room; its recent messages become the conversation's first page. */
  joinRoom(roomId: string): Promise<void>;
  leaveRoom(roomId: string): Promise<void>;
  /** Whether I may create rooms (a room admin of the app), as the last room read said. */
  readonly canCreateRooms$: Observable<boolean>;
  /** Creates a room (the app's room admins) and joins it; resolves with its id. */
  createRoom(name: string, description?: string): Promise<string>;

  // Moderation: a refusal (not allowed, unknown user…) rejects and leaves every list as it was.
  /** Sets a group's or room's announcement (`''` removes it): owner and admins. */
  updateAnnouncement(chatType: ModeratedType, id: string, text: string): Promise<void>;
  /** Mutes everyone but the owner (a room's managers) and the admins; `false` lifts it. */
  muteEveryone(chatType: ModeratedType, id: string, muted: boolean): Promise<void>;
  /** Bans a user (removed, and cannot come back); `false` lifts the ban. */
  banMember(chatType: ModeratedType, id: string, username: string, banned: boolean): Promise<void>;
  /** Who is banned, for those who may see it (read when first asked, then kept by the events). */
  bans$(chatType: ModeratedType, id: string): Observable<string[]>;
  /** Makes a room's member its admin, or with `false` takes it back (its managers). */
  setRoomAdmin(roomId: string, username: string, admin: boolean): Promise<void>;
  /**
   * A room's members (for its members), with their role (`owner`: its owner) and mute: read when
   * asked, and again when the room or, by my actions, its members change.
   */
  roomMembers$(roomId: string): Observable<GroupMember[]>;
  /** Removes a member from a room (its managers and admins). */
  removeRoomMember(roomId: string, username: string): Promise<void>;
  /** Mutes a room's member for `durationMs` (`-1`: until unmuted); `0` unmutes. */
  muteRoomMember(roomId: string, username: string, durationMs: number): Promise<void>;
  /**
   * Reports a message (by its server id) to the app's moderators: `reportType` a category such as
   * `spam`, `reason` the reporter's words. A refusal (not a message of mine to see) rejects.
   */
  reportMessage(mid: string, reportType: string, reason: string): Promise<void>;
  /**
   * The person has seen the whole conversation: unread goes to zero, and the peer gets a read receipt
   * for their newest message (plus a conversation-level `channel` ack), so my other devices and the
   * server agree. Call it only when the newest messages are actually on screen. The store calls it
   * itself for the active conversation when the page becomes visible and when a message arrives in
   * the active conversation while the page is visible.
   */
  markRead(conversationId: string): Promise<void>;
  /**
   * The person has seen the conversation up to `messageId` (e.g. the last bubble scrolled into view):
   * unread drops to the peer's messages after it, and the peer gets a read receipt for it. Acks never
   * move backwards; an id that is not a peer's message acks the newest peer message before it.
   */
  markSeen(conversationId: string, messageId: string): Promise<void>;
}
