/**
 * Chat rooms: open rooms anyone may join (up to `maxusers`), made by the app's room admins. Nothing
 * of a room goes into an inbox: changes and messages reach the members' sessions live only, and a
 * short window of recent messages is kept for members who join later.
 */
import type { RoomEventFrame, RoomOperation } from '../../src/protocol/frames.js';
import { Limits, type RoomInfo, type RoomMembersResponse } from '../../src/protocol/rest.js';
import { RoleRanks, type RoomRole } from '../../src/protocol/room-roles.js';
import type { RoomMessageRecord, RoomRecord, RoomRoleRecord } from '../storage/group-storage.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { MessageRejected, invalid, forbidden, notFound } from './errors.js';
import { isMuted, newNumericId } from './group-access.js';
import { StatusCodes } from './status-codes.js';
import { checkUsername } from './users.js';

/** The room every `demo#chat` server has. */
export const LOBBY = 'Lobby';

/** A room change for the sessions of `usernames`. */
export interface RoomNotice {
  usernames: string[];
  frame: RoomEventFrame;
}

export interface RoomResult<T = undefined> {
  value: T;
  notice?: RoomNotice;
}

const toInfo = (room: RoomRecord & { members: number }, roles: RoomRoleRecord[]): RoomInfo => ({
  id: room.id,
  name: room.name,
  description: room.description,
  owner: room.owner,
  maxusers: room.maxUsers,
  affiliations_count: room.members,
  created: room.created,
  admins: roles.filter((role) => role.admin).map((role) => role.username),
  mute: room.allMuted,
  announcement: room.announcement,
});

/** What a room frame says besides its operation. */
type Extra = Pick<RoomEventFrame, 'userId' | 'muteUntil' | 'announcement' | 'blocked'>;

export interface CreateRoomInput {
  name: string;
  description?: string;
  maxusers?: number;
}

export class Rooms {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  isRoomAdmin(app: AppRecord, user: string): boolean {
    return app.roomAdmins.includes(user);
  }

  async list(app: AppRecord, page: number, size: number): Promise<RoomInfo[]> {
    const rooms = await this.#storage.rooms.listRooms(app.key, (page - 1) * size, size);
    return Promise.all(rooms.map((room) => this.#info(app, room)));
  }

  async create(app: AppRecord, user: string, input: CreateRoomInput): Promise<string> {
    if (!this.isRoomAdmin(app, user)) {
      throw forbidden('only room admins of this app may create rooms');
    }
    const name = input.name.trim();
    if (name === '') throw invalid('name is required');
    if ([...input.name].length > Limits.roomNameMaxChars) {
      throw invalid(
        `name must be at most ${Limits.roomNameMaxChars} characters (roomNameMaxChars)`,
      );
    }
    const description = input.description ?? '';
    // Rooms have no description limit of their own; a group's is the same kind of text.
    if ([...description].length > Limits.groupDescriptionMaxChars) {
      throw invalid(
        `description must be at most ${Limits.groupDescriptionMaxChars} characters (groupDescriptionMaxChars)`,
      );
    }
    const maxUsers = input.maxusers ?? Limits.roomMembersMax;
    if (!Number.isSafeInteger(maxUsers) || maxUsers < 1 || maxUsers > Limits.roomMembersMax) {
      throw invalid(
        `maxusers must be an integer from 1 to ${Limits.roomMembersMax} (roomMembersMax)`,
      );
    }
    return this.#add(app, {
      name: input.name,
      description,
      owner: user,
      maxUsers,
      announcement: '',
      allMuted: false,
    });
  }

  /** Makes the room `name` unless one of that name exists (the server's own rooms). */
  async ensure(app: AppRecord, name: string): Promise<string> {
    const existing = await this.#storage.rooms.findRoomByName(app.key, name);
    if (existing) return existing.id;
    const id = await this.#add(app, {
      name,
      description: '',
      owner: '',
      maxUsers: Limits.roomMembersMax,
      announcement: '',
      allMuted: false,
    });
    // Processes starting together on one database may each have made it: the oldest stays.
    const first = await this.#storage.rooms.findRoomByName(app.key, name);
    if (first && first.id !== id) {
      await this.#storage.rooms.deleteRoom(app.key, id);
      return first.id;
    }
    return id;
  }

  async info(app: AppRecord, id: string): Promise<RoomInfo> {
    return this.#info(app, await this.#room(app, id));
  }

  async destroy(app: AppRecord, user: string, id: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    this.#manager(app, room, user, 'destroy');
    const members = (await this.#storage.rooms.deleteRoom(app.key, id)) ?? [];
    return { value: undefined, notice: this.#notice(members, 'destroy', room, user) };
  }

  async join(app: AppRecord, user: string, id: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    const joined = await this.#storage.rooms.joinRoom(app.key, id, user, Date.now());
    switch (joined) {
      case 'no-room':
        throw notFound(`room ${id} not found`);
      case 'full':
        throw forbidden(`the room is full: at most ${room.maxUsers} members (maxusers)`);
      case 'banned':
        throw forbidden(`you are banned from room ${id}`);
      case 'already':
        return { value: undefined };
      case 'joined': {
        const members = await this.#storage.rooms.roomMembers(app.key, id);
        return {
          value: undefined,
          notice: this.#notice(members, 'memberPresence', room, user, user),
        };
      }
    }
  }

  async quit(app: AppRecord, user: string, id: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    if (!(await this.#storage.rooms.leaveRoom(app.key, id, user))) {
      throw forbidden(`you are not a member of room ${id}`);
    }
    const members = await this.#storage.rooms.roomMembers(app.key, id);
    return {
      value: undefined,
      notice: this.#notice([...members, user], 'memberAbsence', room, user, user),
    };
  }

  /** Its members with their role (the app's room admins manage every room, as its owner does). */
  async members(app: AppRecord, user: string, id: string): Promise<RoomMembersResponse['data']> {
    const room = await this.#room(app, id);
    await this.#requireMember(app, user, id);
    const [members, roles] = await Promise.all([
      this.#storage.rooms.roomMembers(app.key, id),
      this.#storage.rooms.roomRoles(app.key, id),
    ]);
    const byName = new Map(roles.map((role) => [role.username, role]));
    return members.map((member) => ({
      member,
      role: this.#role(app, room, member, byName.get(member)),
    }));
  }

  async kick(app: AppRecord, user: string, id: string, target: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    const rank = await this.#moderator(app, room, user, 'remove members from');
    await this.#below(app, room, user, rank, target, 'remove');
    if (!(await this.#storage.rooms.leaveRoom(app.key, id, target))) {
      throw notFound(`${target} is not a member of room ${id}`);
    }
    const members = await this.#storage.rooms.roomMembers(app.key, id);
    return {
      value: undefined,
      notice: this.#notice([...members, target], 'removeMember', room, user, target),
    };
  }

  async recent(app: AppRecord, user: string, id: string, limit: number) {
    await this.#room(app, id);
    await this.#requireMember(app, user, id);
    return this.#storage.rooms.roomMessages(app.key, id, limit);
  }

  async joined(app: AppRecord, user: string): Promise<RoomInfo[]> {
    const rooms = await this.#storage.rooms.joinedRooms(app.key, user);
    const now = Date.now();
    return Promise.all(
      rooms.map(async (room) => {
        const info = await this.#info(app, room);
        // Whether I am muted, so a reload or another device knows it as the live event said it.
        const until = (await this.#storage.rooms.roomRole(app.key, room.id, user))?.muteUntil;
        if (until !== undefined && isMuted(until, now)) info.muteUntil = until as number;
        return info;
      }),
    );
  }

  /** The announcement: anyone may read it (`_user`: as groups are asked). */
  async announcement(app: AppRecord, _user: string, id: string): Promise<string> {
    return (await this.#room(app, id)).announcement;
  }

  /** Sets (or, with `''`, removes) the announcement: its managers and admins. */
  async announce(app: AppRecord, user: string, id: string, text: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    await this.#moderator(app, room, user, 'change the announcement of');
    if ([...text].length > Limits.announcementMaxChars) {
      throw invalid(
        `announcement must be at most ${Limits.announcementMaxChars} characters (announcementMaxChars)`,
      );
    }
    await this.#storage.rooms.updateRoom(app.key, id, { announcement: text });
    return this.#toMembers(app, room, 'updateAnnouncement', user, { announcement: text });
  }

  /** Mutes everyone but its managers and admins (`disableSendChatRoomMsg`), or lifts it. */
  async muteAll(app: AppRecord, user: string, id: string, muted: boolean): Promise<RoomResult> {
    const room = await this.#room(app, id);
    await this.#moderator(app, room, user, `${muted ? 'mute' : 'unmute'} everyone in`);
    await this.#storage.rooms.updateRoom(app.key, id, { allMuted: muted });
    return this.#toMembers(app, room, muted ? 'muteAllMembers' : 'unmuteAllMembers', user);
  }

  /** Its admins: anyone may read them (`_user`: as groups are asked). */
  async admins(app: AppRecord, _user: string, id: string): Promise<string[]> {
    await this.#room(app, id);
    return (await this.#storage.rooms.roomRoles(app.key, id))
      .filter((role) => role.admin)
      .map((role) => role.username);
  }

  /** Makes a member admin of the room, or takes it back: its managers only. */
  async setAdmin(
    app: AppRecord,
    user: string,
    id: string,
    target: string,
    admin: boolean,
  ): Promise<RoomResult> {
    const room = await this.#room(app, id);
    this.#manager(app, room, user, 'make or remove admins of');
    const role = await this.#storage.rooms.roomRole(app.key, id, target);
    if (admin) {
      if (!(await this.#storage.rooms.isRoomMember(app.key, id, target))) {
        throw notFound(`${target} is not a member of room ${id}`);
      }
      if (this.#role(app, room, target, role) !== 'member') {
        throw invalid(`${target} manages or is an admin of this room already`);
      }
    } else if (!role?.admin) {
      throw invalid(`${target} is not an admin of this room`);
    }
    await this.#storage.rooms.setRoomRole(app.key, id, target, { admin });
    return this.#toMembers(app, room, admin ? 'setAdmin' : 'removeAdmin', user, {
      userId: target,
    });
  }

  /** `durationMs`: how long, or `-1` until unmuted. Members only, by someone above them. */
  async mute(
    app: AppRecord,
    user: string,
    id: string,
    usernames: string[],
    durationMs: number,
  ): Promise<RoomResult[]> {
    const room = await this.#room(app, id);
    const rank = await this.#moderator(app, room, user, 'mute members of');
    if (durationMs !== -1 && (!Number.isSafeInteger(durationMs) || durationMs <= 0)) {
      throw invalid('mute_duration must be a positive number of milliseconds, or -1');
    }
    const targets = [...new Set(usernames)];
    if (targets.length === 0) throw invalid('usernames must name at least one member');
    for (const target of targets) {
      await this.#below(app, room, user, rank, target, 'mute');
      if (!(await this.#storage.rooms.isRoomMember(app.key, id, target))) {
        throw notFound(`${target} is not a member of room ${id}`);
      }
    }
    const until = durationMs === -1 ? -1 : Date.now() + durationMs;
    const results: RoomResult[] = [];
    for (const target of targets) {
      await this.#storage.rooms.setRoomRole(app.key, id, target, { muteUntil: until });
      results.push(
        await this.#toMembers(app, room, 'muteMember', user, { userId: target, muteUntil: until }),
      );
    }
    return results;
  }

  async unmute(app: AppRecord, user: string, id: string, target: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    await this.#moderator(app, room, user, 'unmute members of');
    const role = await this.#storage.rooms.roomRole(app.key, id, target);
    if (!role || !isMuted(role.muteUntil)) throw notFound(`${target} is not muted in room ${id}`);
    await this.#storage.rooms.setRoomRole(app.key, id, target, { muteUntil: null });
    return this.#toMembers(app, room, 'unmuteMember', user, { userId: target });
  }

  async muteList(app: AppRecord, user: string, id: string) {
    await this.#room(app, id);
    await this.#requireMember(app, user, id);
    const now = Date.now();
    return (await this.#storage.rooms.roomRoles(app.key, id))
      .filter((role) => isMuted(role.muteUntil, now))
      .map((role) => ({ user: role.username, expire: role.muteUntil as number }));
  }

  async bans(app: AppRecord, user: string, id: string): Promise<string[]> {
    const room = await this.#room(app, id);
    await this.#moderator(app, room, user, 'see who is banned from');
    return (await this.#storage.rooms.roomRoles(app.key, id))
      .filter((role) => role.banned)
      .map((role) => role.username);
  }

  /** Bans `target` (removed if a member; cannot join until unbanned), by someone above them. */
  async ban(app: AppRecord, user: string, id: string, target: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    const rank = await this.#moderator(app, room, user, 'ban members of');
    checkUsername(target);
    if (target === user) throw invalid('you cannot ban yourself');
    const role = await this.#below(app, room, user, rank, target, 'ban');
    if (role?.banned) throw invalid(`${target} is banned already`);
    await this.#storage.rooms.banFromRoom(app.key, id, target, true);
    const members = await this.#storage.rooms.roomMembers(app.key, id);
    return {
      value: undefined,
      notice: this.#notice([...members, target, user], 'removeMember', room, user, {
        userId: target,
        blocked: true,
      }),
    };
  }

  async unban(app: AppRecord, user: string, id: string, target: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    await this.#moderator(app, room, user, 'unban members of');
    if (!(await this.#storage.rooms.roomRole(app.key, id, target))?.banned) {
      throw notFound(`${target} is not banned from room ${id}`);
    }
    await this.#storage.rooms.banFromRoom(app.key, id, target, false);
    return {
      value: undefined,
      notice: this.#notice([target, user], 'unblockMember', room, user, { userId: target }),
    };
  }

  /** Whether the app's room admins may create rooms: for the widget to offer it. */
  canCreate(app: AppRecord, user: string): boolean {
    return this.isRoomAdmin(app, user);
  }

  /**
   * Whether `user` may post in room `id`; the members to deliver to (those who blocked the sender
   * left out). Refusals are nack codes: 705 no room, 702 not a member.
   */
  async checkSender(app: AppRecord, user: string, id: string): Promise<string[]> {
    const room = Limits.numericIdPattern.test(id)
      ? await this.#storage.rooms.getRoom(app.key, id)
      : undefined;
    if (!room) throw new MessageRejected(StatusCodes.CHATROOM_NOT_EXIST, `no room ${id}`);
    if (!(await this.#storage.rooms.isRoomMember(app.key, id, user))) {
      throw new MessageRejected(
        StatusCodes.CHATROOM_NOT_JOINED,
        `you are not a member of room ${id}`,
      );
    }
    const role = await this.#storage.rooms.roomRole(app.key, id, user);
    if (role && isMuted(role.muteUntil)) {
      throw new MessageRejected(
        StatusCodes.SERVICE_NOT_ALLOW_MESSAGING_MUTE,
        role.muteUntil === -1
          ? 'you are muted in this room'
          : `you are muted in this room until ${new Date(role.muteUntil as number).toISOString()}`,
      );
    }
    if (room.allMuted && this.#role(app, room, user, role) === 'member') {
      throw new MessageRejected(
        StatusCodes.SERVICE_NOT_ALLOW_MESSAGING_MUTE,
        'everyone is muted in this room: only its managers and admins may write',
      );
    }
    const blockers = new Set(await this.#storage.blockersOf(app.key, user));
    return (await this.#storage.rooms.roomMembers(app.key, id)).filter(
      (name) => !blockers.has(name),
    );
  }

  async keep(app: AppRecord, message: RoomMessageRecord): Promise<void> {
    await this.#storage.rooms.addRoomMessage(app.key, message, Limits.roomRecentMessages);
  }

  async #add(app: AppRecord, room: Omit<RoomRecord, 'id' | 'created'>): Promise<string> {
    for (;;) {
      const id = newNumericId();
      if (await this.#storage.rooms.addRoom(app.key, { ...room, id, created: Date.now() })) {
        return id;
      }
    }
  }

  async #room(app: AppRecord, id: string) {
    const room = Limits.numericIdPattern.test(id)
      ? await this.#storage.rooms.getRoom(app.key, id)
      : undefined;
    if (!room) throw notFound(`room ${id} not found`);
    return room;
  }

  async #requireMember(app: AppRecord, user: string, id: string): Promise<void> {
    if (!(await this.#storage.rooms.isRoomMember(app.key, id, user))) {
      throw forbidden(`you are not a member of room ${id}`);
    }
  }

  /** Its owner and the app's room admins manage a room. */
  #manager(app: AppRecord, room: RoomRecord, user: string, verb: string): void {
    if (room.owner !== user && !this.isRoomAdmin(app, user)) {
      throw forbidden(`only the room's owner and room admins may ${verb} it`);
    }
  }

  /**
   * Who may moderate a room: its managers (its owner and the app's room admins) above its admins
   * (members a manager made admin) above everyone else; one acts only on those below them
   * (`RoleRanks`, which Room info reads too).
   */
  #role(
    app: AppRecord,
    room: RoomRecord,
    user: string,
    role: RoomRoleRecord | undefined,
  ): RoomRole {
    if (room.owner === user) return 'owner';
    if (this.isRoomAdmin(app, user)) return 'roomAdmin';
    return role?.admin ? 'admin' : 'member';
  }

  /** The actor's rank, when they may moderate the room at all (its managers and admins). */
  async #moderator(app: AppRecord, room: RoomRecord, user: string, verb: string) {
    const rank =
      RoleRanks[
        this.#role(app, room, user, await this.#storage.rooms.roomRole(app.key, room.id, user))
      ];
    if (rank === RoleRanks.member) {
      throw forbidden(`only the room's owner, room admins and its admins may ${verb} it`);
    }
    return rank;
  }

  /** `target`'s standing, when the actor (of `rank`) outranks them. */
  async #below(
    app: AppRecord,
    room: RoomRecord,
    user: string,
    rank: number,
    target: string,
    verb: 'mute' | 'ban' | 'remove',
  ): Promise<RoomRoleRecord | undefined> {
    if (target === user) throw invalid(`you cannot ${verb} yourself`);
    const role = await this.#storage.rooms.roomRole(app.key, room.id, target);
    if (RoleRanks[this.#role(app, room, target, role)] >= rank) {
      throw forbidden(`${target} manages or is an admin of this room: you cannot ${verb} them`);
    }
    return role;
  }

  async #info(app: AppRecord, room: RoomRecord & { members: number }): Promise<RoomInfo> {
    return toInfo(room, await this.#storage.rooms.roomRoles(app.key, room.id));
  }

  /** A change every member hears of. */
  async #toMembers(
    app: AppRecord,
    room: RoomRecord,
    operation: RoomOperation,
    from: string,
    extra: Extra = {},
  ): Promise<RoomResult> {
    const members = await this.#storage.rooms.roomMembers(app.key, room.id);
    return {
      value: undefined,
      notice: this.#notice([...members, from], operation, room, from, extra),
    };
  }

  #notice(
    usernames: string[],
    operation: RoomOperation,
    room: RoomRecord,
    from: string,
    extra: Extra | string = {},
  ): RoomNotice {
    const frame: RoomEventFrame = {
      t: 'room',
      operation,
      roomId: room.id,
      name: room.name,
      from,
      time: Date.now(),
      ...(typeof extra === 'string' ? { userId: extra } : extra),
    };
    return { usernames: [...new Set(usernames)], frame };
  }
}
