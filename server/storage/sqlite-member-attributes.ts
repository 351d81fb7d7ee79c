/** Group member attributes in SQLite (schema 12): see member-attribute-storage.ts. */
import type Database from 'better-sqlite3';
import type { GroupEvent } from '../../src/protocol/frames.js';
import type { GroupDelivery, GroupEventDraft, GroupRole } from './group-storage.js';
import {
  type Attributes,
  type MemberAttributeStorage,
  type SetAttributesResult,
  type MemberRow,
  decideChange,
  memberAttributesColumn,
  parseAttributes,
} from './member-attribute-storage.js';
import type { AppendUserEvent } from './sqlite-inbox.js';

/**
 * Schema 12 (issue 14). SQLite has no `ADD COLUMN IF NOT EXISTS`: a file rolled back by hand (as
 * the migration tests do) may have the column already.
 */
export function migrateTo12(db: Database.Database): void {
  const columns = db.pragma('table_info(group_members)') as { name: string }[];
  if (!columns.some((column) => column.name === 'attributes')) db.exec(memberAttributesColumn());
}

export class SqliteMemberAttributes implements MemberAttributeStorage {
  readonly #members: Database.Statement<[string, string], MemberRow>;
  readonly #set: (
    appKey: string,
    gid: string,
    username: string,
    set: Attributes,
    event: GroupEventDraft,
    actorRoles: readonly GroupRole[],
  ) => SetAttributesResult;

  constructor(db: Database.Database, appendUserEvent: AppendUserEvent) {
    this.#members = db.prepare(
      'SELECT username, role, attributes FROM group_members WHERE app_key = ? AND gid = ?',
    );
    const groupName = db.prepare<[string, string], { name: string }>(
      'SELECT name FROM chat_groups WHERE app_key = ? AND id = ?',
    );
    const write = db.prepare<[string, string, string, string]>(
      'UPDATE group_members SET attributes = ? WHERE app_key = ? AND gid = ? AND username = ?',
    );
    this.#set = db.transaction(
      (
        appKey: string,
        gid: string,
        username: string,
        set: Attributes,
        event: GroupEventDraft,
        actorRoles: readonly GroupRole[],
      ): SetAttributesResult => {
        const group = groupName.get(appKey, gid);
        if (!group) return { outcome: 'no-group' };
        const members = this.#members.all(appKey, gid);
        const decided = decideChange(members, username, event.from, set, actorRoles);
        if ('refused' in decided) return decided.refused;
        write.run(JSON.stringify(decided.merged), appKey, gid, username);
        const full = { ...event, gid, name: group.name } as Omit<GroupEvent, 'seq'>;
        const deliveries: GroupDelivery[] = appendUserEvent(
          appKey,
          full,
          members.map((m) => m.username),
        ).map(({ username: to, event: appended }) => ({
          username: to,
          event: appended as GroupEvent,
        }));
        return { outcome: 'done', deliveries };
      },
    );
  }

  async get(appKey: string, gid: string, usernames: string[]) {
    const wanted = new Set(usernames);
    const found: Record<string, Attributes> = {};
    for (const row of this.#members.all(appKey, gid))
      if (wanted.has(row.username)) found[row.username] = parseAttributes(row.attributes);
    return found;
  }

  async set(
    appKey: string,
    gid: string,
    username: string,
    set: Attributes,
    event: GroupEventDraft,
    actorRoles: readonly GroupRole[],
  ) {
    return this.#set(appKey, gid, username, set, event, actorRoles);
  }
}
