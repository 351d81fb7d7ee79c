/**
 * What the server keeps about groups and chat rooms (schema 4), as part of {@link Storage}.
 *
 * A group change and the `GroupEvent`s it causes are written in ONE call ({@link GroupStorage.change}),
 * so no member can miss an event or get one for a change that did not happen; who receives an
 * event is worked out inside that call, from the members as they are after the change. The domain
 * checks who may act beforehand; what two requests could race past is checked again inside the
 * call: the limits (members per group, groups per user) and the roles the domain's check relied
 * on ({@link RoleCheck}).
 */
import type { GroupEvent } from '../../src/protocol/frames.js';
import type { GroupRole } from '../../src/protocol/rest.js';
import type { NewMessage, StoredMessage } from './storage.js';

export type { GroupRole };

export interface GroupRecord {
  /** 15 or more digits, unique in the app. */
  id: string;
  name: string;
  description: string;
  owner: string;
  public: boolean;
  approval: boolean;
  allowInvites: boolean;
  inviteNeedConfirm: boolean;
  /** Most members, owner included. */
  maxUsers: number;
  created: number;
  /** `''` when none (schema 8). */
  announcement: string;
  /** Everyone but the owner and the admins is muted (schema 8). */
  allMuted: boolean;
}

export interface GroupMemberRecord {
  username: string;
  role: GroupRole;
  /** Muted until then (ms); `-1` until unmuted; `null` when not muted. May lie in the past. */
  muteUntil: number | null;
  joined: number;
}

/** A group I am in, with my place in it. */
export interface MembershipRecord {
  group: GroupRecord;
  role: GroupRole;
  muteUntil: number | null;
  members: number;
  admins: string[];
}

export interface PendingRecord {
  gid: string;
  /** The invitee, or the applicant. */
  username: string;
  /** Who invited (invitations); the applicant again (applications). */
  by: string;
  reason: string;
  time: number;
}

/** A group event before it has a seq and a name (the storage adds the name after the change). */
export type GroupEventDraft = Omit<GroupEvent, 'seq' | 'name' | 'gid'>;

/** Who an event goes to, worked out inside the change. */
export interface Audience {
  /** Every member after the change (before it, for `destroy`). */
  members?: boolean;
  /** The owner and the admins after the change. */
  admins?: boolean;
  /** These users too, members or not. */
  users?: string[];
  /** Not these members (they get an event of their own); `users` still reach them. */
  except?: string[];
}

/**
 * A member's role that the domain's "who may" check relied on, read again inside the change. Without
 * it a check made before the write could be undone by a change landing in between: an owner who
 * hands the group over and disbands it at once, an admin demoted or a member removed meanwhile, a
 * new owner who quit before the hand-over was written (the group would be left without an owner).
 */
export interface RoleCheck {
  username: string;
  /** The roles that still allow the change; not a member any more fails too. */
  roles: readonly GroupRole[];
}

export interface EventSpec {
  event: GroupEventDraft;
  to: Audience;
}

export type GroupChange =
  | { kind: 'create'; group: GroupRecord; members: string[]; invitations: PendingRecord[] }
  | { kind: 'destroy' }
  /** Adds members (dropping their pending invitation or application). */
  | { kind: 'add-members'; usernames: string[] }
  | { kind: 'invite'; invitations: PendingRecord[] }
  | { kind: 'drop-invitation'; username: string }
  | { kind: 'apply'; application: PendingRecord }
  | { kind: 'drop-application'; username: string }
  | { kind: 'remove-member'; username: string }
  | { kind: 'update-info'; name?: string; description?: string }
  | { kind: 'set-role'; username: string; role: 'admin' | 'member' }
  | { kind: 'change-owner'; to: string }
  | { kind: 'mute'; usernames: string[]; until: number }
  | { kind: 'unmute'; usernames: string[] }
  | { kind: 'announce'; text: string }
  | { kind: 'mute-all'; muted: boolean }
  /** Bans: removes them (members or not), drops their invitation or application. */
  | { kind: 'ban'; usernames: string[]; by: string; time: number }
  | { kind: 'unban'; usernames: string[] };

/** One event as the inbox of `username` holds it. */
export interface GroupDelivery {
  username: string;
  event: GroupEvent;
}

export type GroupChangeResult =
  | { outcome: 'done'; deliveries: GroupDelivery[] }
  | { outcome: 'no-group' }
  /** The group would pass its `maxusers`. */
  | { outcome: 'group-full'; maxUsers: number }
  /** `username` would be in more than the allowed number of groups. */
  | { outcome: 'user-full'; username: string }
  /** A {@link RoleCheck} failed: `username` no longer has the role the change relied on. */
  | { outcome: 'role-changed'; username: string }
  /** `username`, to be added, invited or an applicant, is banned from the group. */
  | { outcome: 'banned'; username: string };

export interface GroupMessageResult {
  duplicate: boolean;
  message: StoredMessage;
  /** Each recipient's seq (the sender's included), by username. */
  seqs: Record<string, number>;
}

/** A group read ack and where it was stored. */
export interface GroupReadResult {
  duplicate: boolean;
  /** The reader's seq of their own `read` event. */
  readerSeq: number;
  /** The sender's seq of their `read` event (only for `allowGroupAck` messages). */
  senderSeq: number | null;
  /** Readers of the message so far. */
  readCount: number;
}

export interface GroupStorage {
  getGroup(appKey: string, gid: string): Promise<GroupRecord | undefined>;
  getMember(appKey: string, gid: string, username: string): Promise<GroupMemberRecord | undefined>;
  /** Owner first, then admins, then members, each by join time. */
  members(appKey: string, gid: string): Promise<GroupMemberRecord[]>;
  /** Groups `username` is in, newest first. */
  memberships(appKey: string, username: string): Promise<MembershipRecord[]>;
  /** Public groups with an id below `beforeId` (all when `null`), newest first. */
  publicGroups(
    appKey: string,
    beforeId: string | null,
    limit: number,
  ): Promise<(GroupRecord & { members: number })[]>;
  getInvitation(appKey: string, gid: string, invitee: string): Promise<PendingRecord | undefined>;
  /** Users banned from the group, oldest ban first. */
  bans(appKey: string, gid: string): Promise<string[]>;
  isBanned(appKey: string, gid: string, username: string): Promise<boolean>;
  getApplication(
    appKey: string,
    gid: string,
    applicant: string,
  ): Promise<PendingRecord | undefined>;
  /**
   * Makes the change and appends its events, atomically (see {@link GroupChange}), unless one of
   * `roles` no longer holds.
   */
  change(
    appKey: string,
    gid: string,
    change: GroupChange,
    events: EventSpec[],
    limits: { groupsPerUser: number },
    roles?: RoleCheck[],
  ): Promise<GroupChangeResult>;

  /**
   * Atomically: stores the group message unless (app, from, clientId) exists, appends it to the
   * inbox of every member except `skip` (members who blocked the sender), grants them its files
   * and makes it the last message of their conversation with the group.
   */
  storeGroupMessage(
    appKey: string,
    message: NewMessage & { allowGroupAck: boolean },
    skip: string[],
  ): Promise<GroupMessageResult>;
  /**
   * Atomically: records that `reader` read `mid` (unless they had: `duplicate`), moves their read
   * cursor of the group, appends a `read` event to their inbox, and to the sender's with the
   * count of readers when the message allows group acks.
   */
  storeGroupRead(
    appKey: string,
    message: StoredMessage,
    reader: string,
    time: number,
  ): Promise<GroupReadResult>;
  /** Who read `mid`, oldest first. */
  groupReads(appKey: string, mid: string): Promise<{ username: string; time: number }[]>;
  /**
   * Atomically: marks the group message recalled (unless it was: `duplicate`), refreshes the
   * members' conversation, appends the `recall` event to every member's inbox and the sender's.
   */
  recallGroupMessage(
    appKey: string,
    mid: string,
    time: number,
  ): Promise<{ duplicate: boolean; seqs: Record<string, number> }>;
}

export interface RoomRecord {
  id: string;
  name: string;
  description: string;
  /** The room admin who made it; `''` for rooms the server made (Lobby). */
  owner: string;
  maxUsers: number;
  created: number;
  /** `''` when none (schema 8). */
  announcement: string;
  /** Everyone but its managers and admins is muted (schema 8). */
  allMuted: boolean;
}

/**
 * A user's standing in a room, kept apart from its members so that leaving and joining again
 * neither undoes a mute or a ban nor takes an admin's role away.
 */
export interface RoomRoleRecord {
  username: string;
  admin: boolean;
  /** As {@link GroupMemberRecord.muteUntil}. */
  muteUntil: number | null;
  banned: boolean;
}

/** A change of one user's standing; absent fields stay as they are. */
export interface RoomRoleChange {
  admin?: boolean;
  muteUntil?: number | null;
}

export interface RoomMessageRecord extends Omit<StoredMessage, 'recalled'> {
  roomId: string;
}

export type JoinRoomResult = 'joined' | 'already' | 'full' | 'no-room' | 'banned';

export interface RoomStorage {
  /** `false` when the id is taken. */
  addRoom(appKey: string, room: RoomRecord): Promise<boolean>;
  getRoom(appKey: string, id: string): Promise<(RoomRecord & { members: number }) | undefined>;
  findRoomByName(appKey: string, name: string): Promise<RoomRecord | undefined>;
  /** Rooms by creation, `offset` and `limit` for pages. */
  listRooms(
    appKey: string,
    offset: number,
    limit: number,
  ): Promise<(RoomRecord & { members: number })[]>;
  /** Removes the room, its members and messages; the members it had (empty: no such room). */
  deleteRoom(appKey: string, id: string): Promise<string[] | undefined>;
  /** Joins unless the room is full or the user banned from it (checked atomically). */
  joinRoom(appKey: string, id: string, username: string, time: number): Promise<JoinRoomResult>;
  /** `false` when `username` was not a member. */
  leaveRoom(appKey: string, id: string, username: string): Promise<boolean>;
  isRoomMember(appKey: string, id: string, username: string): Promise<boolean>;
  roomMembers(appKey: string, id: string): Promise<string[]>;
  joinedRooms(appKey: string, username: string): Promise<(RoomRecord & { members: number })[]>;
  /** Stores the message and drops the room's messages beyond the newest `keep`. */
  addRoomMessage(appKey: string, message: RoomMessageRecord, keep: number): Promise<void>;
  /** The newest `limit` messages, newest first. */
  roomMessages(appKey: string, id: string, limit: number): Promise<RoomMessageRecord[]>;
  /** `false` when there is no such room. */
  updateRoom(
    appKey: string,
    id: string,
    change: { announcement?: string; allMuted?: boolean },
  ): Promise<boolean>;
  /** Everyone with a standing in the room (admin, muted or banned, even if it lapsed). */
  roomRoles(appKey: string, id: string): Promise<RoomRoleRecord[]>;
  roomRole(appKey: string, id: string, username: string): Promise<RoomRoleRecord | undefined>;
  setRoomRole(appKey: string, id: string, username: string, change: RoomRoleChange): Promise<void>;
  /**
   * Atomically: bans `username` (`true`) and removes them from the room, or lifts the ban
   * (`false`). Returns whether they were a member before.
   */
  banFromRoom(appKey: string, id: string, username: string, banned: boolean): Promise<boolean>;
}
