/**
 * Chat rooms in PostgreSQL, beside {@link PgStorage}. A join locks the room's row, so joins of one
 * room are counted one at a time and the room never passes its `maxUsers`; a ban and a change of
 * someone's standing lock it too, so a ban and a join of the same user are ordered (the join sees
 * the ban, or the ban removes the member who just joined).
 */
import type {
  JoinRoomResult,
  RoomMessageRecord,
  RoomRecord,
  RoomRoleChange,
  RoomRoleRecord,
  RoomStorage,
} from './group-storage.js';
import { all, one, run, type PgDatabase, type Queryable } from './pg-database.js';
import {
  toRoom,
  toRoomMessage,
  toRoomRole as toRole,
  type RoomMessageRow,
  type RoomRoleRow,
  type RoomRow,
} from './rows.js';

const roleColumns = 'username, admin, mute_until, banned';

const getRole = (db: Queryable, appKey: string, id: string, username: string) =>
  one<RoomRoleRow>(
    db,
    `SELECT ${roleColumns} FROM room_roles WHERE app_key = $1 AND room_id = $2 AND username = $3`,
    [appKey, id, username],
  );

const putRole = (db: Queryable, appKey: string, id: string, role: RoomRoleRecord) =>
  db.query(
    `INSERT INTO room_roles (app_key, room_id, username, admin, mute_until, banned)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (app_key, room_id, username) DO UPDATE SET admin = excluded.admin,
       mute_until = excluded.mute_until, banned = excluded.banned`,
    [appKey, id, role.username, role.admin, role.muteUntil, role.banned],
  );

const lockRoom = (db: Queryable, appKey: string, id: string) =>
  db.query('SELECT 1 FROM rooms WHERE app_key = $1 AND id = $2 FOR UPDATE', [appKey, id]);

export class PgRoomStorage implements RoomStorage {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async addRoom(appKey: string, room: RoomRecord): Promise<boolean> {
    const added = await run(
      this.#db,
      `INSERT INTO rooms (app_key, id, name, description, owner, max_users, created, announcement,
         all_muted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        appKey,
        room.id,
        room.name,
        room.description,
        room.owner,
        room.maxUsers,
        room.created,
        room.announcement,
        room.allMuted,
      ],
    );
    return added === 1;
  }

  async updateRoom(
    appKey: string,
    id: string,
    change: { announcement?: string; allMuted?: boolean },
  ): Promise<boolean> {
    const updated = await run(
      this.#db,
      `UPDATE rooms SET announcement = coalesce($1, announcement),
         all_muted = coalesce($2, all_muted)
       WHERE app_key = $3 AND id = $4`,
      [change.announcement ?? null, change.allMuted ?? null, appKey, id],
    );
    return updated === 1;
  }

  async roomRoles(appKey: string, id: string): Promise<RoomRoleRecord[]> {
    const rows = await all<RoomRoleRow>(
      this.#db,
      `SELECT ${roleColumns} FROM room_roles WHERE app_key = $1 AND room_id = $2
       ORDER BY username`,
      [appKey, id],
    );
    return rows.map(toRole);
  }

  async roomRole(appKey: string, id: string, username: string) {
    const row = await getRole(this.#db, appKey, id, username);
    return row && toRole(row);
  }

  setRoomRole(appKey: string, id: string, username: string, change: RoomRoleChange) {
    return this.#db.tx(async (db) => {
      await lockRoom(db, appKey, id);
      const found = await getRole(db, appKey, id, username);
      const row = found && toRole(found);
      await putRole(db, appKey, id, {
        username,
        admin: change.admin ?? row?.admin ?? false,
        muteUntil: change.muteUntil !== undefined ? change.muteUntil : (row?.muteUntil ?? null),
        banned: row?.banned ?? false,
      });
    });
  }

  banFromRoom(appKey: string, id: string, username: string, banned: boolean) {
    return this.#db.tx(async (db) => {
      await lockRoom(db, appKey, id);
      const found = await getRole(db, appKey, id, username);
      const row = found && toRole(found);
      // A ban ends a user's admin role and mute: a later unban starts them afresh.
      await putRole(db, appKey, id, {
        username,
        admin: banned ? false : (row?.admin ?? false),
        muteUntil: banned ? null : (row?.muteUntil ?? null),
        banned,
      });
      if (!banned) return false;
      const removed = await run(
        db,
        'DELETE FROM room_members WHERE app_key = $1 AND room_id = $2 AND username = $3',
        [appKey, id, username],
      );
      return removed === 1;
    });
  }

  async getRoom(appKey: string, id: string) {
    const row = await one<RoomRow & { members: number }>(
      this.#db,
      `${roomsWithCount} WHERE r.app_key = $1 AND r.id = $2`,
      [appKey, id],
    );
    return row && { ...toRoom(row), members: row.members };
  }

  async findRoomByName(appKey: string, name: string) {
    const row = await one<RoomRow>(
      this.#db,
      'SELECT * FROM rooms WHERE app_key = $1 AND name = $2 ORDER BY created, id LIMIT 1',
      [appKey, name],
    );
    return row && toRoom(row);
  }

  async listRooms(appKey: string, offset: number, limit: number) {
    const rows = await all<RoomRow & { members: number }>(
      this.#db,
      `${roomsWithCount} WHERE r.app_key = $1 ORDER BY r.created, r.id LIMIT $2 OFFSET $3`,
      [appKey, limit, offset],
    );
    return rows.map((row) => ({ ...toRoom(row), members: row.members }));
  }

  deleteRoom(appKey: string, id: string): Promise<string[] | undefined> {
    return this.#db.tx(async (db) => {
      const room = await one(db, 'SELECT 1 FROM rooms WHERE app_key = $1 AND id = $2 FOR UPDATE', [
        appKey,
        id,
      ]);
      if (!room) return undefined;
      const members = await roomMembers(db, appKey, id);
      await db.query('DELETE FROM room_members WHERE app_key = $1 AND room_id = $2', [appKey, id]);
      await db.query('DELETE FROM room_messages WHERE app_key = $1 AND room_id = $2', [appKey, id]);
      await db.query('DELETE FROM room_roles WHERE app_key = $1 AND room_id = $2', [appKey, id]);
      await db.query('DELETE FROM rooms WHERE app_key = $1 AND id = $2', [appKey, id]);
      return members;
    });
  }

  joinRoom(appKey: string, id: string, username: string, time: number): Promise<JoinRoomResult> {
    return this.#db.tx(async (db) => {
      // The room's row: joins of one room are counted one at a time.
      const room = await one<{ max_users: number }>(
        db,
        'SELECT max_users FROM rooms WHERE app_key = $1 AND id = $2 FOR UPDATE',
        [appKey, id],
      );
      if (!room) return 'no-room';
      if (await isRoomMember(db, appKey, id, username)) return 'already';
      if ((await getRole(db, appKey, id, username))?.banned) return 'banned';
      const members =
        (
          await one<{ n: number }>(
            db,
            'SELECT count(*) AS n FROM room_members WHERE app_key = $1 AND room_id = $2',
            [appKey, id],
          )
        )?.n ?? 0;
      if (members >= room.max_users) return 'full';
      await db.query(
        'INSERT INTO room_members (app_key, room_id, username, joined) VALUES ($1, $2, $3, $4)',
        [appKey, id, username, time],
      );
      return 'joined';
    });
  }

  async leaveRoom(appKey: string, id: string, username: string): Promise<boolean> {
    const left = await run(
      this.#db,
      'DELETE FROM room_members WHERE app_key = $1 AND room_id = $2 AND username = $3',
      [appKey, id, username],
    );
    return left === 1;
  }

  isRoomMember(appKey: string, id: string, username: string): Promise<boolean> {
    return isRoomMember(this.#db, appKey, id, username);
  }

  roomMembers(appKey: string, id: string): Promise<string[]> {
    return roomMembers(this.#db, appKey, id);
  }

  async joinedRooms(appKey: string, username: string) {
    const rows = await all<RoomRow & { members: number }>(
      this.#db,
      `${roomsWithCount} JOIN room_members j ON j.app_key = r.app_key AND j.room_id = r.id
       WHERE r.app_key = $1 AND j.username = $2 ORDER BY r.created, r.id`,
      [appKey, username],
    );
    return rows.map((row) => ({ ...toRoom(row), members: row.members }));
  }

  addRoomMessage(appKey: string, message: RoomMessageRecord, keep: number): Promise<void> {
    // Room messages lock nobody (no inbox, no seq); those that arrive together share one commit.
    return this.#db.batched({ appKey, usernames: [] }, async (db) => {
      await db.query(
        `INSERT INTO room_messages (app_key, room_id, mid, client_id, from_user, type, body, ext,
           time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          appKey,
          message.roomId,
          message.mid,
          message.clientId,
          message.from,
          message.type,
          message.body,
          message.ext,
          message.time,
        ],
      );
      // The window's oldest kept row is the keep-th newest; everything before it goes.
      await db.query(
        `DELETE FROM room_messages WHERE app_key = $1 AND room_id = $2 AND id <
           coalesce((SELECT id FROM room_messages WHERE app_key = $1 AND room_id = $2
                     ORDER BY id DESC LIMIT 1 OFFSET $3), 0)`,
        [appKey, message.roomId, keep - 1],
      );
    });
  }

  async roomMessages(appKey: string, id: string, limit: number): Promise<RoomMessageRecord[]> {
    const rows = await all<RoomMessageRow>(
      this.#db,
      'SELECT * FROM room_messages WHERE app_key = $1 AND room_id = $2 ORDER BY id DESC LIMIT $3',
      [appKey, id, limit],
    );
    return rows.map(toRoomMessage);
  }
}

const roomsWithCount = `SELECT r.*, (SELECT count(*) FROM room_members m
  WHERE m.app_key = r.app_key AND m.room_id = r.id) AS members FROM rooms r`;

const isRoomMember = async (db: Queryable, appKey: string, id: string, username: string) =>
  (await one(
    db,
    'SELECT 1 FROM room_members WHERE app_key = $1 AND room_id = $2 AND username = $3',
    [appKey, id, username],
  )) !== undefined;

const roomMembers = async (db: Queryable, appKey: string, id: string) =>
  (
    await all<{ username: string }>(
      db,
      `SELECT username FROM room_members WHERE app_key = $1 AND room_id = $2
       ORDER BY joined, username`,
      [appKey, id],
    )
  ).map((row) => row.username);
