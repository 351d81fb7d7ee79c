/**
 * Group member attributes in PostgreSQL (migration 9): see member-attribute-storage.ts. A change
 * takes the group's row FOR UPDATE first, as every group change does (pg-groups.ts), so it is
 * ordered with them: the member and the actor's role are read as the change leaves them.
 */
import type { GroupEvent } from '../../src/protocol/frames.js';
import { all, lockUsers, one, type PgDatabase } from './pg-database.js';
import { appendUserEvent } from './pg-groups.js';
import type { GroupEventDraft, GroupRole } from './group-storage.js';
import {
  type Attributes,
  type MemberAttributeStorage,
  type SetAttributesResult,
  type MemberRow,
  decideChange,
  memberAttributesColumn,
  parseAttributes,
} from './member-attribute-storage.js';

/** Migration 9 (issue 14), as SQLite's schema 12. */
export const pgMigrationTo9 = memberAttributesColumn('IF NOT EXISTS');

export class PgMemberAttributes implements MemberAttributeStorage {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async get(appKey: string, gid: string, usernames: string[]) {
    const rows = await all<MemberRow>(
      this.#db,
      `SELECT username, role, attributes FROM group_members
       WHERE app_key = $1 AND gid = $2 AND username = ANY($3::text[])`,
      [appKey, gid, usernames],
    );
    return Object.fromEntries(rows.map((row) => [row.username, parseAttributes(row.attributes)]));
  }

  set(
    appKey: string,
    gid: string,
    username: string,
    set: Attributes,
    event: GroupEventDraft,
    actorRoles: readonly GroupRole[],
  ): Promise<SetAttributesResult> {
    return this.#db.tx(async (db) => {
      const group = await one<{ name: string }>(
        db,
        'SELECT name FROM chat_groups WHERE app_key = $1 AND id = $2 FOR UPDATE',
        [appKey, gid],
      );
      if (!group) return { outcome: 'no-group' };
      const members = await all<MemberRow>(
        db,
        'SELECT username, role, attributes FROM group_members WHERE app_key = $1 AND gid = $2',
        [appKey, gid],
      );
      const decided = decideChange(members, username, event.from, set, actorRoles);
      if ('refused' in decided) return decided.refused;
      await db.query(
        `UPDATE group_members SET attributes = $1
         WHERE app_key = $2 AND gid = $3 AND username = $4`,
        [JSON.stringify(decided.merged), appKey, gid, username],
      );
      const full = { ...event, gid, name: group.name } as Omit<GroupEvent, 'seq'>;
      // Every inbox the event goes to, locked at once and in order before any gets its seq.
      await lockUsers(
        db,
        appKey,
        members.map((m) => m.username),
      );
      const appended = await appendUserEvent(
        db,
        appKey,
        full,
        members.map((m) => m.username),
      );
      return {
        outcome: 'done',
        deliveries: appended.map((a) => ({ username: a.username, event: a.event as GroupEvent })),
      };
    });
  }
}
