/**
 * Groups in PostgreSQL, beside {@link PgStorage}. A group change locks the group's
 * row before it reads anything (FOR UPDATE), so the role checks ({@link RoleCheck}), the member
 * and group counts and the change itself see no other change of that group in between; the users
 * it adds are locked too (their group count), and every inbox it appends to. A group message takes
 * the group's row FOR SHARE: many messages at once, but never across a change of the members
 * (pg-group-messages.ts).
 */
import type { GroupEvent } from '../../src/protocol/frames.js';
import type { GroupRole } from '../../src/protocol/rest.js';
import type {
  Audience,
  EventSpec,
  GroupChange,
  GroupChangeResult,
  GroupDelivery,
  GroupMemberRecord,
  GroupMessageResult,
  GroupRecord,
  GroupStorage,
  MembershipRecord,
  PendingRecord,
  RoleCheck,
} from './group-storage.js';
import { all, lockUsers, nextSeq, one, type PgDatabase, type Queryable } from './pg-database.js';
import { eventValues, insertEventSql } from './pg-rows.js';
import { toGroup, toMember, withSeq, type GroupRow, type MemberRow } from './rows.js';
import { PgGroupMessages } from './pg-group-messages.js';
import type { AppendedEvent, NewMessage, NewUserEvent, StoredMessage } from './storage.js';

/** Appends a contact or group event to each inbox, whole (the caller holds their locks). */
export async function appendUserEvent(
  db: Queryable,
  appKey: string,
  event: NewUserEvent,
  inboxes: string[],
): Promise<AppendedEvent[]> {
  const to = 'gid' in event ? event.gid : event.to;
  const data = JSON.stringify(event);
  const appended: AppendedEvent[] = [];
  for (const username of new Set(inboxes)) {
    const seq = await nextSeq(db, appKey, username);
    await db.query(
      insertEventSql,
      eventValues(appKey, username, seq, {
        kind: event.kind,
        from: event.from,
        to,
        chatType: '',
        mid: null,
        time: event.time,
        data,
      }),
    );
    appended.push({ username, event: withSeq(event, seq) });
  }
  return appended;
}

const memberColumns = 'username, role, mute_until, joined';
const memberOrder = `ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END,
  joined, username`;
const withMemberCount = `g.*, (SELECT count(*) FROM group_members c
  WHERE c.app_key = g.app_key AND c.gid = g.id) AS members`;

const membersOf = async (db: Queryable, appKey: string, gid: string) =>
  all<MemberRow>(
    db,
    `SELECT ${memberColumns} FROM group_members WHERE app_key = $1 AND gid = $2 ${memberOrder}`,
    [appKey, gid],
  );

const getMember = (db: Queryable, appKey: string, gid: string, username: string) =>
  one<MemberRow>(
    db,
    `SELECT ${memberColumns} FROM group_members WHERE app_key = $1 AND gid = $2 AND username = $3`,
    [appKey, gid, username],
  );

const setRole = (db: Queryable, appKey: string, gid: string, username: string, role: GroupRole) =>
  db.query('UPDATE group_members SET role = $1 WHERE app_key = $2 AND gid = $3 AND username = $4', [
    role,
    appKey,
    gid,
    username,
  ]);

const setMute = (
  db: Queryable,
  appKey: string,
  gid: string,
  usernames: string[],
  until: number | null,
) =>
  db.query(
    `UPDATE group_members SET mute_until = $1
     WHERE app_key = $2 AND gid = $3 AND username = ANY($4::text[])`,
    [until, appKey, gid, usernames],
  );

const dropInvitation = (db: Queryable, appKey: string, gid: string, username: string) =>
  db.query('DELETE FROM group_invitations WHERE app_key = $1 AND gid = $2 AND invitee = $3', [
    appKey,
    gid,
    username,
  ]);

const dropApplication = (db: Queryable, appKey: string, gid: string, username: string) =>
  db.query('DELETE FROM group_applications WHERE app_key = $1 AND gid = $2 AND applicant = $3', [
    appKey,
    gid,
    username,
  ]);

async function addInvitations(db: Queryable, appKey: string, invitations: PendingRecord[]) {
  for (const invitation of invitations) {
    await db.query(
      `INSERT INTO group_invitations (app_key, gid, invitee, inviter, reason, time)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (app_key, gid, invitee) DO UPDATE SET
         inviter = excluded.inviter, reason = excluded.reason, time = excluded.time`,
      [
        appKey,
        invitation.gid,
        invitation.username,
        invitation.by,
        invitation.reason,
        invitation.time,
      ],
    );
  }
}

/** Thrown inside a transaction to roll it back with a refusal the caller returns. */
class Refused extends Error {
  readonly result: GroupChangeResult;

  constructor(result: GroupChangeResult) {
    super('refused');
    this.result = result;
  }
}

/** Refuses (throws {@link Refused}) when one of `usernames` is banned from the group. */
async function refuseBanned(db: Queryable, appKey: string, gid: string, usernames: string[]) {
  const banned = await one<{ username: string }>(
    db,
    `SELECT username FROM group_bans WHERE app_key = $1 AND gid = $2
     AND username = ANY($3::text[]) ORDER BY username LIMIT 1`,
    [appKey, gid, usernames],
  );
  if (banned) throw new Refused({ outcome: 'banned', username: banned.username });
}

/**
 * Adds members unless the group or one of them is full, or one is banned (then throws
 * {@link Refused}).
 */
async function addMembers(
  db: Queryable,
  appKey: string,
  gid: string,
  usernames: string[],
  role: GroupRole,
  time: number,
  limits: { groupsPerUser: number },
  maxUsers: number,
): Promise<void> {
  const fresh: string[] = [];
  for (const name of new Set(usernames)) {
    if (!(await getMember(db, appKey, gid, name))) fresh.push(name);
  }
  await refuseBanned(db, appKey, gid, fresh);
  const members =
    (
      await one<{ n: number }>(
        db,
        'SELECT count(*) AS n FROM group_members WHERE app_key = $1 AND gid = $2',
        [appKey, gid],
      )
    )?.n ?? 0;
  if (members + fresh.length > maxUsers) throw new Refused({ outcome: 'group-full', maxUsers });
  // Their group counts: the same user joining two groups at once is counted one join at a time.
  await lockUsers(db, appKey, fresh);
  for (const username of fresh) {
    const groups =
      (
        await one<{ n: number }>(
          db,
          'SELECT count(*) AS n FROM group_members WHERE app_key = $1 AND username = $2',
          [appKey, username],
        )
      )?.n ?? 0;
    if (groups >= limits.groupsPerUser) throw new Refused({ outcome: 'user-full', username });
    await db.query(
      `INSERT INTO group_members (app_key, gid, username, role, mute_until, joined)
       VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT DO NOTHING`,
      [appKey, gid, username, role, time],
    );
    await dropInvitation(db, appKey, gid, username);
    await dropApplication(db, appKey, gid, username);
    // A member who comes back has read what was said while they were away.
    await db.query(
      `UPDATE conversations SET read_id = GREATEST(read_id,
         coalesce((SELECT max(id) FROM messages WHERE app_key = $1 AND conv = $2), 0))
       WHERE app_key = $1 AND username = $3 AND peer = $2`,
      [appKey, gid, username],
    );
  }
}

export class PgGroupStorage implements GroupStorage {
  readonly #db: PgDatabase;
  readonly #messages: PgGroupMessages;

  constructor(db: PgDatabase) {
    this.#db = db;
    this.#messages = new PgGroupMessages(db, async (q, appKey, gid) =>
      (await membersOf(q, appKey, gid)).map((row) => row.username),
    );
  }

  async getGroup(appKey: string, gid: string): Promise<GroupRecord | undefined> {
    const row = await one<GroupRow>(
      this.#db,
      'SELECT * FROM chat_groups WHERE app_key = $1 AND id = $2',
      [appKey, gid],
    );
    return row && toGroup(row);
  }

  async getMember(appKey: string, gid: string, username: string) {
    const row = await getMember(this.#db, appKey, gid, username);
    return row && toMember(row);
  }

  async members(appKey: string, gid: string): Promise<GroupMemberRecord[]> {
    return (await membersOf(this.#db, appKey, gid)).map(toMember);
  }

  async memberships(appKey: string, username: string): Promise<MembershipRecord[]> {
    const rows = await all<GroupRow & MemberRow & { members: number; admins: string[] }>(
      this.#db,
      `SELECT ${withMemberCount}, m.role, m.mute_until, m.joined,
         ARRAY(SELECT a.username FROM group_members a
               WHERE a.app_key = g.app_key AND a.gid = g.id AND a.role = 'admin'
               ORDER BY a.joined, a.username) AS admins
       FROM group_members m JOIN chat_groups g ON g.app_key = m.app_key AND g.id = m.gid
       WHERE m.app_key = $1 AND m.username = $2
       ORDER BY g.id DESC`,
      [appKey, username],
    );
    return rows.map((row) => ({
      group: toGroup(row),
      role: row.role,
      muteUntil: row.mute_until,
      members: row.members,
      admins: row.admins,
    }));
  }

  async publicGroups(appKey: string, beforeId: string | null, limit: number) {
    const rows = await all<GroupRow & { members: number }>(
      this.#db,
      `SELECT ${withMemberCount} FROM chat_groups g
       WHERE g.app_key = $1 AND g.public AND ($2::text IS NULL OR g.id < $2)
       ORDER BY g.id DESC LIMIT $3`,
      [appKey, beforeId, limit],
    );
    return rows.map((row) => ({ ...toGroup(row), members: row.members }));
  }

  async getInvitation(appKey: string, gid: string, invitee: string) {
    const row = await one<{ invitee: string; inviter: string; reason: string; time: number }>(
      this.#db,
      `SELECT invitee, inviter, reason, time FROM group_invitations
       WHERE app_key = $1 AND gid = $2 AND invitee = $3`,
      [appKey, gid, invitee],
    );
    return (
      row && { gid, username: row.invitee, by: row.inviter, reason: row.reason, time: row.time }
    );
  }

  async bans(appKey: string, gid: string): Promise<string[]> {
    const rows = await all<{ username: string }>(
      this.#db,
      'SELECT username FROM group_bans WHERE app_key = $1 AND gid = $2 ORDER BY time, username',
      [appKey, gid],
    );
    return rows.map((row) => row.username);
  }

  async isBanned(appKey: string, gid: string, username: string): Promise<boolean> {
    const row = await one(
      this.#db,
      'SELECT 1 FROM group_bans WHERE app_key = $1 AND gid = $2 AND username = $3',
      [appKey, gid, username],
    );
    return row !== undefined;
  }

  async getApplication(appKey: string, gid: string, applicant: string) {
    const row = await one<{ applicant: string; reason: string; time: number }>(
      this.#db,
      `SELECT applicant, reason, time FROM group_applications
       WHERE app_key = $1 AND gid = $2 AND applicant = $3`,
      [appKey, gid, applicant],
    );
    return (
      row && { gid, username: row.applicant, by: row.applicant, reason: row.reason, time: row.time }
    );
  }

  async change(
    appKey: string,
    gid: string,
    change: GroupChange,
    events: EventSpec[],
    limits: { groupsPerUser: number },
    roles: RoleCheck[] = [],
  ): Promise<GroupChangeResult> {
    try {
      return await this.#db.tx((db) =>
        this.#change(db, appKey, gid, change, events, limits, roles),
      );
    } catch (error) {
      if (error instanceof Refused) return error.result;
      throw error;
    }
  }

  async #change(
    db: Queryable,
    appKey: string,
    gid: string,
    change: GroupChange,
    events: EventSpec[],
    limits: { groupsPerUser: number },
    roles: RoleCheck[],
  ): Promise<GroupChangeResult> {
    // Everything below reads the group as this lock leaves it, until the commit.
    const existing = await one<GroupRow>(
      db,
      'SELECT * FROM chat_groups WHERE app_key = $1 AND id = $2 FOR UPDATE',
      [appKey, gid],
    );
    if (change.kind !== 'create' && !existing) return { outcome: 'no-group' };
    for (const check of roles) {
      const member = await getMember(db, appKey, gid, check.username);
      if (!member || !check.roles.includes(member.role)) {
        return { outcome: 'role-changed', username: check.username };
      }
    }
    const time = Date.now();
    let before: string[] = [];
    switch (change.kind) {
      case 'create': {
        const { group } = change;
        await db.query(
          `INSERT INTO chat_groups (app_key, id, name, description, owner, public, approval,
             allow_invites, invite_need_confirm, max_users, created, announcement, all_muted)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            appKey,
            group.id,
            group.name,
            group.description,
            group.owner,
            group.public,
            group.approval,
            group.allowInvites,
            group.inviteNeedConfirm,
            group.maxUsers,
            group.created,
            group.announcement,
            group.allMuted,
          ],
        );
        await addMembers(db, appKey, gid, [group.owner], 'owner', time, limits, group.maxUsers);
        await addMembers(db, appKey, gid, change.members, 'member', time, limits, group.maxUsers);
        await addInvitations(db, appKey, change.invitations);
        break;
      }
      case 'destroy': {
        // Users with a pending invitation or application hear of it too, so they can drop it.
        const pending = await all<{ username: string }>(
          db,
          `SELECT invitee AS username FROM group_invitations WHERE app_key = $1 AND gid = $2
           UNION SELECT applicant FROM group_applications WHERE app_key = $1 AND gid = $2`,
          [appKey, gid],
        );
        before = [
          ...(await membersOf(db, appKey, gid)).map((row) => row.username),
          ...pending.map((row) => row.username),
        ];
        for (const table of [
          'group_members',
          'group_invitations',
          'group_applications',
          'group_bans',
        ]) {
          await db.query(`DELETE FROM ${table} WHERE app_key = $1 AND gid = $2`, [appKey, gid]);
        }
        await db.query('DELETE FROM chat_groups WHERE app_key = $1 AND id = $2', [appKey, gid]);
        break;
      }
      case 'add-members':
        await addMembers(
          db,
          appKey,
          gid,
          change.usernames,
          'member',
          time,
          limits,
          (existing as GroupRow).max_users,
        );
        break;
      case 'invite':
        await refuseBanned(
          db,
          appKey,
          gid,
          change.invitations.map((invitation) => invitation.username),
        );
        await addInvitations(db, appKey, change.invitations);
        break;
      case 'drop-invitation':
        await dropInvitation(db, appKey, gid, change.username);
        break;
      case 'apply': {
        const application = change.application;
        await refuseBanned(db, appKey, gid, [application.username]);
        await db.query(
          `INSERT INTO group_applications (app_key, gid, applicant, reason, time)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (app_key, gid, applicant) DO UPDATE SET
             reason = excluded.reason, time = excluded.time`,
          [appKey, application.gid, application.username, application.reason, application.time],
        );
        break;
      }
      case 'drop-application':
        await dropApplication(db, appKey, gid, change.username);
        break;
      case 'remove-member':
        await db.query(
          'DELETE FROM group_members WHERE app_key = $1 AND gid = $2 AND username = $3',
          [appKey, gid, change.username],
        );
        break;
      case 'update-info':
        await db.query(
          `UPDATE chat_groups SET name = coalesce($1, name), description = coalesce($2, description)
           WHERE app_key = $3 AND id = $4`,
          [change.name ?? null, change.description ?? null, appKey, gid],
        );
        break;
      case 'set-role':
        await setRole(db, appKey, gid, change.username, change.role);
        break;
      case 'change-owner': {
        const owner = (existing as GroupRow).owner;
        await setRole(db, appKey, gid, owner, 'member');
        await setRole(db, appKey, gid, change.to, 'owner');
        // An owner is never muted.
        await setMute(db, appKey, gid, [change.to], null);
        await db.query('UPDATE chat_groups SET owner = $1 WHERE app_key = $2 AND id = $3', [
          change.to,
          appKey,
          gid,
        ]);
        break;
      }
      case 'mute':
        await setMute(db, appKey, gid, change.usernames, change.until);
        break;
      case 'unmute':
        await setMute(db, appKey, gid, change.usernames, null);
        break;
      case 'announce':
        await db.query('UPDATE chat_groups SET announcement = $1 WHERE app_key = $2 AND id = $3', [
          change.text,
          appKey,
          gid,
        ]);
        break;
      case 'mute-all':
        await db.query('UPDATE chat_groups SET all_muted = $1 WHERE app_key = $2 AND id = $3', [
          change.muted,
          appKey,
          gid,
        ]);
        break;
      case 'ban':
        for (const name of change.usernames) {
          await db.query(
            'DELETE FROM group_members WHERE app_key = $1 AND gid = $2 AND username = $3',
            [appKey, gid, name],
          );
          await dropInvitation(db, appKey, gid, name);
          await dropApplication(db, appKey, gid, name);
          await db.query(
            `INSERT INTO group_bans (app_key, gid, username, by_user, time)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
            [appKey, gid, name, change.by, change.time],
          );
        }
        break;
      case 'unban':
        await db.query(
          'DELETE FROM group_bans WHERE app_key = $1 AND gid = $2 AND username = ANY($3::text[])',
          [appKey, gid, change.usernames],
        );
        break;
    }
    const renamed = await one<{ name: string }>(
      db,
      'SELECT name FROM chat_groups WHERE app_key = $1 AND id = $2',
      [appKey, gid],
    );
    const name = renamed?.name ?? existing?.name ?? '';
    const after = await membersOf(db, appKey, gid);
    const audiences = events.map((spec) => audience(spec.to, before, after));
    // Every inbox the events go to, locked at once and in order before any gets its seq.
    await lockUsers(db, appKey, audiences.flat());
    const deliveries: GroupDelivery[] = [];
    for (const [index, spec] of events.entries()) {
      const event = { ...spec.event, gid, name } as Omit<GroupEvent, 'seq'>;
      for (const appended of await appendUserEvent(db, appKey, event, audiences[index] ?? [])) {
        deliveries.push({ username: appended.username, event: appended.event as GroupEvent });
      }
    }
    return { outcome: 'done', deliveries };
  }

  storeGroupMessage(
    appKey: string,
    message: NewMessage & { allowGroupAck: boolean },
    skip: string[],
  ): Promise<GroupMessageResult> {
    return this.#messages.store(appKey, message, skip);
  }

  storeGroupRead(appKey: string, message: StoredMessage, reader: string, time: number) {
    return this.#messages.storeRead(appKey, message, reader, time);
  }

  groupReads(appKey: string, mid: string) {
    return this.#messages.reads(appKey, mid);
  }

  recallGroupMessage(appKey: string, mid: string, time: number) {
    return this.#messages.recall(appKey, mid, time);
  }
}

/** Who an event goes to: worked out from the members after the change (before it, for destroy). */
function audience(to: Audience, before: string[], after: MemberRow[]): string[] {
  const users = new Set<string>();
  if (to.members) {
    for (const name of before.length ? before : after.map((row) => row.username)) users.add(name);
  }
  if (to.admins) {
    for (const row of after) if (row.role !== 'member') users.add(row.username);
  }
  for (const name of to.except ?? []) users.delete(name);
  for (const name of to.users ?? []) users.add(name);
  return [...users];
}
