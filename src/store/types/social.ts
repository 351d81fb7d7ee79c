/**
 * The store's shapes for people and places beyond one conversation: contacts and requests, groups,
 * rooms and their moderation, notices, and the part of `ChatStoreApi` that acts on them.
 * Re-exported by `../types.ts`.
 */
import type { Observable } from 'rxjs';

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

/**
 * One's standing in a room: its owner and `roomAdmin` (one of the app's room admins, who create
 * rooms and manage every room as its owner does) alike, above its `admin`s, above its members.
 */
export type RoomRole = GroupRole | 'roomAdmin';

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

/** A member of a group (`GroupRole`) or of a room (`RoomRole`). */
export interface GroupMember {
  username: string;
  nickname?: string;
  role: RoomRole;
  mutedUntil?: number;
}

/** Members' nicknames in the groups I am in ({@link ChatStoreSocialApi.groupNicknames}). */
export interface GroupNicknamesApi {
  /**
   * The nicknames in group `groupId`, by username (members without one absent): read for its
   * members when first asked (and for each new member), then kept by the group's events.
   */
  of$(groupId: string): Observable<Map<string, string>>;
  /**
   * Sets my nickname in group `groupId`, which its members see beside my username; `''` removes
   * it. Rejects in plain words when the server refuses, and then changes nothing.
   */
  setMine(groupId: string, nickname: string): Promise<void>;
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
  /** Mine here. */
  role: RoomRole;
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

/**
 * The social half of `ChatStoreApi`: the lists kept of contacts, groups and rooms, and the
 * actions on them and on their moderation.
 */
export interface ChatStoreSocialApi {
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
  /**
   * Members' nicknames in the groups I am in (their `nickName` member attribute, the 4.x UI kit's
   * key): a part loaded when first asked for.
   */
  groupNicknames(): Promise<GroupNicknamesApi>;

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
}
