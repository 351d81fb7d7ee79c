/**
 * Chat rooms in the embedded SQLite file (their tables are made by schema 4, sqlite-groups.ts).
 * better-sqlite3 is synchronous: each transaction runs without interleaving, so a join counts the
 * members and adds one with nothing in between.
 */
import type Database from 'better-sqlite3';
import type {
  RoomMessageRecord,
  RoomRecord,
  RoomRoleChange,
  RoomRoleRecord,
  RoomStorage,
} from './group-storage.js';
import {
  toRoom,
  toRoomMessage,
  toRoomRole as toRole,
  type RoomMessageRow,
  type RoomRoleRow,
  type RoomRow,
} from './rows.js';
import type { Transaction } from './sqlite-inbox.js';

export class SqliteRoomStorage implements RoomStorage {
  readonly #q;
  readonly #join: Transaction<RoomStorage['joinRoom']>;
  readonly #delete: Transaction<RoomStorage['deleteRoom']>;
  readonly #addMessage: Transaction<RoomStorage['addRoomMessage']>;
  readonly #setRole: Transaction<RoomStorage['setRoomRole']>;
  readonly #ban: Transaction<RoomStorage['banFromRoom']>;

  constructor(db: Database.Database) {
    const withCount = `SELECT r.*, (SELECT count(*) FROM room_members m
        WHERE m.app_key = r.app_key AND m.room_id = r.id) AS members FROM rooms r`;
    const q = {
      addRoom: db.prepare(
        `INSERT INTO rooms (app_key, id, name, description, owner, max_users, created,
           announcement, all_muted)
         VALUES (@appKey, @id, @name, @description, @owner, @maxUsers, @created, @announcement,
           @allMuted)
         ON CONFLICT DO NOTHING`,
      ),
      setAnnouncement: db.prepare<[string, string, string]>(
        'UPDATE rooms SET announcement = ? WHERE app_key = ? AND id = ?',
      ),
      setAllMuted: db.prepare<[number, string, string]>(
        'UPDATE rooms SET all_muted = ? WHERE app_key = ? AND id = ?',
      ),
      roles: db.prepare<[string, string], RoomRoleRow>(
        `SELECT username, admin, mute_until, banned FROM room_roles
         WHERE app_key = ? AND room_id = ? ORDER BY username`,
      ),
      role: db.prepare<[string, string, string], RoomRoleRow>(
        `SELECT username, admin, mute_until, banned FROM room_roles
         WHERE app_key = ? AND room_id = ? AND username = ?`,
      ),
      upsertRole: db.prepare(
        `INSERT INTO room_roles (app_key, room_id, username, admin, mute_until, banned)
         VALUES (@appKey, @id, @username, @admin, @muteUntil, @banned)
         ON CONFLICT (app_key, room_id, username) DO UPDATE SET admin = excluded.admin,
           mute_until = excluded.mute_until, banned = excluded.banned`,
      ),
      deleteRoles: db.prepare<[string, string]>(
        'DELETE FROM room_roles WHERE app_key = ? AND room_id = ?',
      ),
      getRoom: db.prepare<[string, string], RoomRow & { members: number }>(
        `${withCount} WHERE r.app_key = ? AND r.id = ?`,
      ),
      byName: db.prepare<[string, string], RoomRow>(
        'SELECT * FROM rooms WHERE app_key = ? AND name = ? ORDER BY created LIMIT 1',
      ),
      list: db.prepare<[string, number, number], RoomRow & { members: number }>(
        `${withCount} WHERE r.app_key = ? ORDER BY r.created, r.id LIMIT ? OFFSET ?`,
      ),
      deleteRoom: db.prepare<[string, string]>('DELETE FROM rooms WHERE app_key = ? AND id = ?'),
      deleteMembers: db.prepare<[string, string]>(
        'DELETE FROM room_members WHERE app_key = ? AND room_id = ?',
      ),
      deleteMessages: db.prepare<[string, string]>(
        'DELETE FROM room_messages WHERE app_key = ? AND room_id = ?',
      ),
      members: db.prepare<[string, string], { username: string }>(
        'SELECT username FROM room_members WHERE app_key = ? AND room_id = ? ORDER BY joined, username',
      ),
      isMember: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM room_members WHERE app_key = ? AND room_id = ? AND username = ?',
      ),
      countMembers: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM room_members WHERE app_key = ? AND room_id = ?',
      ),
      addMember: db.prepare<[string, string, string, number]>(
        'INSERT INTO room_members (app_key, room_id, username, joined) VALUES (?, ?, ?, ?)',
      ),
      removeMember: db.prepare<[string, string, string]>(
        'DELETE FROM room_members WHERE app_key = ? AND room_id = ? AND username = ?',
      ),
      joined: db.prepare<[string, string], RoomRow & { members: number }>(
        `${withCount} JOIN room_members j ON j.app_key = r.app_key AND j.room_id = r.id
         WHERE r.app_key = ? AND j.username = ? ORDER BY r.created, r.id`,
      ),
      addMessage: db.prepare(
        `INSERT INTO room_messages (app_key, room_id, mid, client_id, from_user, type, body, ext,
           time)
         VALUES (@appKey, @roomId, @mid, @clientId, @from, @type, @body, @ext, @time)`,
      ),
      trim: db.prepare<[string, string, string, string, number]>(
        `DELETE FROM room_messages WHERE app_key = ? AND room_id = ? AND id <
           coalesce((SELECT id FROM room_messages WHERE app_key = ? AND room_id = ?
                     ORDER BY id DESC LIMIT 1 OFFSET ?), 0)`,
      ),
      messages: db.prepare<[string, string, number], RoomMessageRow>(
        `SELECT * FROM room_messages WHERE app_key = ? AND room_id = ? ORDER BY id DESC LIMIT ?`,
      ),
    };
    this.#q = q;

    this.#join = db.transaction((appKey: string, id: string, username: string, time: number) => {
      const room = q.getRoom.get(appKey, id);
      if (!room) return 'no-room';
      if (q.isMember.get(appKey, id, username)) return 'already';
      if (q.role.get(appKey, id, username)?.banned) return 'banned';
      if (room.members >= room.max_users) return 'full';
      q.addMember.run(appKey, id, username, time);
      return 'joined';
    });

    this.#delete = db.transaction((appKey: string, id: string) => {
      if (!q.getRoom.get(appKey, id)) return undefined;
      const members = q.members.all(appKey, id).map((row) => row.username);
      q.deleteMembers.run(appKey, id);
      q.deleteMessages.run(appKey, id);
      q.deleteRoles.run(appKey, id);
      q.deleteRoom.run(appKey, id);
      return members;
    });

    const setRole = (appKey: string, id: string, username: string, change: RoomRoleChange) => {
      const row = q.role.get(appKey, id, username);
      const admin = change.admin ?? row?.admin === 1;
      q.upsertRole.run({
        appKey,
        id,
        username,
        admin: admin ? 1 : 0,
        muteUntil: change.muteUntil !== undefined ? change.muteUntil : (row?.mute_until ?? null),
        banned: row?.banned ?? 0,
      });
    };
    this.#setRole = db.transaction(setRole);

    this.#ban = db.transaction((appKey: string, id: string, username: string, banned: boolean) => {
      const row = q.role.get(appKey, id, username);
      // A ban ends a user's admin role and mute: a later unban starts them afresh.
      q.upsertRole.run({
        appKey,
        id,
        username,
        admin: banned ? 0 : (row?.admin ?? 0),
        muteUntil: banned ? null : (row?.mute_until ?? null),
        banned: banned ? 1 : 0,
      });
      return banned && q.removeMember.run(appKey, id, username).changes === 1;
    });

    this.#addMessage = db.transaction(
      (appKey: string, message: RoomMessageRecord, keep: number) => {
        q.addMessage.run({ appKey, ...message });
        // The window's oldest kept row is the keep-th newest; everything before it goes.
        q.trim.run(appKey, message.roomId, appKey, message.roomId, keep - 1);
      },
    );
  }

  async addRoom(appKey: string, room: RoomRecord): Promise<boolean> {
    return this.#q.addRoom.run({ appKey, ...room, allMuted: room.allMuted ? 1 : 0 }).changes === 1;
  }

  async updateRoom(
    appKey: string,
    id: string,
    change: { announcement?: string; allMuted?: boolean },
  ): Promise<boolean> {
    let changes = 0;
    if (change.announcement !== undefined) {
      changes += this.#q.setAnnouncement.run(change.announcement, appKey, id).changes;
    }
    if (change.allMuted !== undefined) {
      changes += this.#q.setAllMuted.run(change.allMuted ? 1 : 0, appKey, id).changes;
    }
    return changes > 0;
  }

  async roomRoles(appKey: string, id: string): Promise<RoomRoleRecord[]> {
    return this.#q.roles.all(appKey, id).map(toRole);
  }

  async roomRole(appKey: string, id: string, username: string) {
    const row = this.#q.role.get(appKey, id, username);
    return row && toRole(row);
  }

  async setRoomRole(appKey: string, id: string, username: string, change: RoomRoleChange) {
    this.#setRole(appKey, id, username, change);
  }

  async banFromRoom(appKey: string, id: string, username: string, banned: boolean) {
    return this.#ban(appKey, id, username, banned);
  }

  async getRoom(appKey: string, id: string) {
    const row = this.#q.getRoom.get(appKey, id);
    return row && { ...toRoom(row), members: row.members };
  }

  async findRoomByName(appKey: string, name: string) {
    const row = this.#q.byName.get(appKey, name);
    return row && toRoom(row);
  }

  async listRooms(appKey: string, offset: number, limit: number) {
    return this.#q.list
      .all(appKey, limit, offset)
      .map((row) => ({ ...toRoom(row), members: row.members }));
  }

  async deleteRoom(appKey: string, id: string) {
    return this.#delete(appKey, id);
  }

  async joinRoom(appKey: string, id: string, username: string, time: number) {
    return this.#join(appKey, id, username, time);
  }

  async leaveRoom(appKey: string, id: string, username: string): Promise<boolean> {
    return this.#q.removeMember.run(appKey, id, username).changes === 1;
  }

  async isRoomMember(appKey: string, id: string, username: string): Promise<boolean> {
    return this.#q.isMember.get(appKey, id, username) !== undefined;
  }

  async roomMembers(appKey: string, id: string): Promise<string[]> {
    return this.#q.members.all(appKey, id).map((row) => row.username);
  }

  async joinedRooms(appKey: string, username: string) {
    return this.#q.joined
      .all(appKey, username)
      .map((row) => ({ ...toRoom(row), members: row.members }));
  }

  async addRoomMessage(appKey: string, message: RoomMessageRecord, keep: number) {
    this.#addMessage(appKey, message, keep);
  }

  async roomMessages(appKey: string, id: string, limit: number): Promise<RoomMessageRecord[]> {
    return this.#q.messages.all(appKey, id, limit).map(toRoomMessage);
  }
}
