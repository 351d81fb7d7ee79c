/**
 * Chat rooms: open rooms anyone may join (up to `maxusers`), made by the app's room admins. Nothing
 * of a room goes into an inbox: changes and messages reach the members' sessions live only, and a
 * short window of recent messages is kept for members who join later.
 */
import type { RoomEventFrame } from '../../src/protocol/frames.js';
import { Limits, type RoomInfo } from '../../src/protocol/rest.js';
import type { RoomMessageRecord, RoomRecord } from '../storage/group-storage.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { MessageRejected, invalid, forbidden, notFound } from './errors.js';
import { newNumericId } from './groups.js';
import { StatusCodes } from './status-codes.js';

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

const toInfo = (room: RoomRecord & { members: number }): RoomInfo => ({
  id: room.id,
  name: room.name,
  description: room.description,
  owner: room.owner,
  maxusers: room.maxUsers,
  affiliations_count: room.members,
  created: room.created,
});

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
    return (await this.#storage.rooms.listRooms(app.key, (page - 1) * size, size)).map(toInfo);
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
    return this.#add(app, { name: input.name, description, owner: user, maxUsers });
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
    return toInfo(await this.#room(app, id));
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

  async members(app: AppRecord, user: string, id: string): Promise<string[]> {
    await this.#room(app, id);
    await this.#requireMember(app, user, id);
    return this.#storage.rooms.roomMembers(app.key, id);
  }

  async kick(app: AppRecord, user: string, id: string, target: string): Promise<RoomResult> {
    const room = await this.#room(app, id);
    this.#manager(app, room, user, 'remove members from');
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
    return (await this.#storage.rooms.joinedRooms(app.key, user)).map(toInfo);
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

  #notice(
    usernames: string[],
    operation: RoomEventFrame['operation'],
    room: RoomRecord,
    from: string,
    userId?: string,
  ): RoomNotice {
    const frame: RoomEventFrame = {
      t: 'room',
      operation,
      roomId: room.id,
      name: room.name,
      from,
      time: Date.now(),
    };
    if (userId !== undefined) frame.userId = userId;
    return { usernames: [...new Set(usernames)], frame };
  }
}
