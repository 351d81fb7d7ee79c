/**
 * Groups in the embedded SQLite file (schema 4; chat rooms are in sqlite-rooms.ts, a group's
 * messages, read acks and recalls in sqlite-group-messages.ts). Built by {@link SqliteStorage} over
 * its own database handle, with its inbox writers, so a group change and its inbox events share
 * one transaction. better-sqlite3 is synchronous: each transaction runs without interleaving.
 */
import type Database from 'better-sqlite3';
import type { GroupCommit } from './sqlite-commit.js';
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
  RoleCheck,
} from './group-storage.js';
import { toGroup, toMember, type GroupRow, type MemberRow } from './rows.js';
import { SqliteGroupMessages } from './sqlite-group-messages.js';
import type { InboxStatements, Transaction } from './sqlite-inbox.js';
import type { AppendedEvent, NewMessage, NewUserEvent, StoredMessage } from './storage.js';

/**
 * Schema 4 (issue 4): groups with members, pending invitations and applications, read acks of
 * group messages; chat rooms with members and a recent-message window; per app the group size
 * ceiling and the room admins (a JSON array). A group message is one `messages` row whose `conv`
 * is the group id (1:1 convs hold a space, ids never do), so one index serves both histories.
 */
export const migrationTo4 = `
ALTER TABLE apps ADD COLUMN max_group_members INTEGER;
ALTER TABLE apps ADD COLUMN room_admins TEXT;
ALTER TABLE messages ADD COLUMN allow_group_ack INTEGER NOT NULL DEFAULT 0;
CREATE TABLE chat_groups (
  app_key TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  public INTEGER NOT NULL,
  approval INTEGER NOT NULL,
  allow_invites INTEGER NOT NULL,
  invite_need_confirm INTEGER NOT NULL,
  max_users INTEGER NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (app_key, id)
) WITHOUT ROWID;
CREATE INDEX chat_groups_public ON chat_groups (app_key, public, id);
CREATE TABLE group_members (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  mute_until INTEGER,
  joined INTEGER NOT NULL,
  PRIMARY KEY (app_key, gid, username)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members (app_key, username);
CREATE TABLE group_invitations (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  invitee TEXT NOT NULL,
  inviter TEXT NOT NULL,
  reason TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, gid, invitee)
) WITHOUT ROWID;
CREATE TABLE group_applications (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  applicant TEXT NOT NULL,
  reason TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, gid, applicant)
) WITHOUT ROWID;
CREATE TABLE group_reads (
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL,
  reader TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, mid, reader)
) WITHOUT ROWID;
CREATE TABLE rooms (
  app_key TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  max_users INTEGER NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (app_key, id)
) WITHOUT ROWID;
CREATE TABLE room_members (
  app_key TEXT NOT NULL,
  room_id TEXT NOT NULL,
  username TEXT NOT NULL,
  joined INTEGER NOT NULL,
  PRIMARY KEY (app_key, room_id, username)
) WITHOUT ROWID;
CREATE INDEX room_members_user ON room_members (app_key, username);
CREATE TABLE room_messages (
  id INTEGER PRIMARY KEY,
  app_key TEXT NOT NULL,
  room_id TEXT NOT NULL,
  mid TEXT NOT NULL,
  client_id TEXT NOT NULL,
  from_user TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  ext TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX room_messages_room ON room_messages (app_key, room_id, id);
`;

/** What the group store borrows from SqliteStorage (call only inside a transaction). */
export interface InboxWriters {
  appendUserEvent(appKey: string, event: NewUserEvent, inboxes: string[]): AppendedEvent[];
  nextSeq(appKey: string, username: string): number;
  statements: InboxStatements;
  /** Group messages and read acks join the store's group commit (one fsync per batch). */
  commits: GroupCommit;
}

export class SqliteGroupStorage implements GroupStorage {
  readonly #q;
  readonly #change: Transaction<GroupStorage['change']>;
  readonly #messages: SqliteGroupMessages;

  constructor(db: Database.Database, writers: InboxWriters) {
    const q = {
      ...writers.statements,
      getGroup: db.prepare<[string, string], GroupRow>(
        'SELECT * FROM chat_groups WHERE app_key = ? AND id = ?',
      ),
      insertGroup: db.prepare(
        `INSERT INTO chat_groups (app_key, id, name, description, owner, public, approval,
           allow_invites, invite_need_confirm, max_users, created, announcement, all_muted)
         VALUES (@appKey, @id, @name, @description, @owner, @public, @approval, @allowInvites,
           @inviteNeedConfirm, @maxUsers, @created, @announcement, @allMuted)`,
      ),
      setAnnouncement: db.prepare<[string, string, string]>(
        'UPDATE chat_groups SET announcement = ? WHERE app_key = ? AND id = ?',
      ),
      setAllMuted: db.prepare<[number, string, string]>(
        'UPDATE chat_groups SET all_muted = ? WHERE app_key = ? AND id = ?',
      ),
      addBan: db.prepare<[string, string, string, string, number]>(
        `INSERT INTO group_bans (app_key, gid, username, by_user, time) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      dropBan: db.prepare<[string, string, string]>(
        'DELETE FROM group_bans WHERE app_key = ? AND gid = ? AND username = ?',
      ),
      deleteBans: db.prepare<[string, string]>(
        'DELETE FROM group_bans WHERE app_key = ? AND gid = ?',
      ),
      isBanned: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM group_bans WHERE app_key = ? AND gid = ? AND username = ?',
      ),
      bans: db.prepare<[string, string], { username: string }>(
        'SELECT username FROM group_bans WHERE app_key = ? AND gid = ? ORDER BY time, username',
      ),
      deleteGroup: db.prepare<[string, string]>(
        'DELETE FROM chat_groups WHERE app_key = ? AND id = ?',
      ),
      deleteMembers: db.prepare<[string, string]>(
        'DELETE FROM group_members WHERE app_key = ? AND gid = ?',
      ),
      deleteInvitations: db.prepare<[string, string]>(
        'DELETE FROM group_invitations WHERE app_key = ? AND gid = ?',
      ),
      deleteApplications: db.prepare<[string, string]>(
        'DELETE FROM group_applications WHERE app_key = ? AND gid = ?',
      ),
      updateName: db.prepare<[string, string, string]>(
        'UPDATE chat_groups SET name = ? WHERE app_key = ? AND id = ?',
      ),
      updateDescription: db.prepare<[string, string, string]>(
        'UPDATE chat_groups SET description = ? WHERE app_key = ? AND id = ?',
      ),
      updateOwner: db.prepare<[string, string, string]>(
        'UPDATE chat_groups SET owner = ? WHERE app_key = ? AND id = ?',
      ),
      getMember: db.prepare<[string, string, string], MemberRow>(
        `SELECT username, role, mute_until, joined FROM group_members
         WHERE app_key = ? AND gid = ? AND username = ?`,
      ),
      members: db.prepare<[string, string], MemberRow>(
        `SELECT username, role, mute_until, joined FROM group_members
         WHERE app_key = ? AND gid = ?
         ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, joined, username`,
      ),
      countMembers: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM group_members WHERE app_key = ? AND gid = ?',
      ),
      countGroupsOf: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM group_members WHERE app_key = ? AND username = ?',
      ),
      addMember: db.prepare(
        `INSERT INTO group_members (app_key, gid, username, role, mute_until, joined)
         VALUES (@appKey, @gid, @username, @role, NULL, @joined)
         ON CONFLICT DO NOTHING`,
      ),
      removeMember: db.prepare<[string, string, string]>(
        'DELETE FROM group_members WHERE app_key = ? AND gid = ? AND username = ?',
      ),
      setRole: db.prepare<[string, string, string, string]>(
        'UPDATE group_members SET role = ? WHERE app_key = ? AND gid = ? AND username = ?',
      ),
      setMute: db.prepare<[number | null, string, string, string]>(
        'UPDATE group_members SET mute_until = ? WHERE app_key = ? AND gid = ? AND username = ?',
      ),
      memberships: db.prepare<[string, string], GroupRow & MemberRow & { members: number }>(
        `SELECT g.*, m.role, m.mute_until, m.joined,
           (SELECT count(*) FROM group_members c WHERE c.app_key = g.app_key AND c.gid = g.id)
             AS members
         FROM group_members m JOIN chat_groups g ON g.app_key = m.app_key AND g.id = m.gid
         WHERE m.app_key = ? AND m.username = ?
         ORDER BY g.id DESC`,
      ),
      admins: db.prepare<[string, string], { username: string }>(
        `SELECT username FROM group_members WHERE app_key = ? AND gid = ? AND role = 'admin'
         ORDER BY joined, username`,
      ),
      publicFirst: db.prepare<[string, number], GroupRow & { members: number }>(
        `SELECT g.*, (SELECT count(*) FROM group_members c WHERE c.app_key = g.app_key
             AND c.gid = g.id) AS members
         FROM chat_groups g WHERE g.app_key = ? AND g.public = 1 ORDER BY g.id DESC LIMIT ?`,
      ),
      publicBefore: db.prepare<[string, string, number], GroupRow & { members: number }>(
        `SELECT g.*, (SELECT count(*) FROM group_members c WHERE c.app_key = g.app_key
             AND c.gid = g.id) AS members
         FROM chat_groups g WHERE g.app_key = ? AND g.public = 1 AND g.id < ?
         ORDER BY g.id DESC LIMIT ?`,
      ),
      pendingUsers: db.prepare<[string, string, string, string], { username: string }>(
        `SELECT invitee AS username FROM group_invitations WHERE app_key = ? AND gid = ?
         UNION SELECT applicant FROM group_applications WHERE app_key = ? AND gid = ?`,
      ),
      getInvitation: db.prepare<
        [string, string, string],
        { invitee: string; inviter: string; reason: string; time: number }
      >(
        `SELECT invitee, inviter, reason, time FROM group_invitations
         WHERE app_key = ? AND gid = ? AND invitee = ?`,
      ),
      addInvitation: db.prepare(
        `INSERT INTO group_invitations (app_key, gid, invitee, inviter, reason, time)
         VALUES (@appKey, @gid, @username, @by, @reason, @time)
         ON CONFLICT (app_key, gid, invitee) DO UPDATE SET
           inviter = excluded.inviter, reason = excluded.reason, time = excluded.time`,
      ),
      dropInvitation: db.prepare<[string, string, string]>(
        'DELETE FROM group_invitations WHERE app_key = ? AND gid = ? AND invitee = ?',
      ),
      getApplication: db.prepare<
        [string, string, string],
        { applicant: string; reason: string; time: number }
      >(
        `SELECT applicant, reason, time FROM group_applications
         WHERE app_key = ? AND gid = ? AND applicant = ?`,
      ),
      addApplication: db.prepare(
        `INSERT INTO group_applications (app_key, gid, applicant, reason, time)
         VALUES (@appKey, @gid, @username, @reason, @time)
         ON CONFLICT (app_key, gid, applicant) DO UPDATE SET
           reason = excluded.reason, time = excluded.time`,
      ),
      dropApplication: db.prepare<[string, string, string]>(
        'DELETE FROM group_applications WHERE app_key = ? AND gid = ? AND applicant = ?',
      ),
      // A member who comes back has read what was said while they were away: their unread count
      // starts at the group's newest message.
      catchUpConversation: db.prepare<[string, string, string, string, string]>(
        `UPDATE conversations SET read_id = max(read_id,
           coalesce((SELECT max(id) FROM messages WHERE app_key = ? AND conv = ?), 0))
         WHERE app_key = ? AND username = ? AND peer = ?`,
      ),
    };
    this.#q = q;

    const membersOf = (appKey: string, gid: string) =>
      q.members.all(appKey, gid).map((row) => row.username);
    this.#messages = new SqliteGroupMessages(db, writers, membersOf);

    const audience = (appKey: string, gid: string, to: Audience, before: string[]) => {
      const users = new Set<string>();
      if (to.members) {
        for (const name of before.length ? before : membersOf(appKey, gid)) users.add(name);
      }
      if (to.admins) {
        for (const row of q.members.all(appKey, gid)) {
          if (row.role !== 'member') users.add(row.username);
        }
      }
      for (const name of to.except ?? []) users.delete(name);
      for (const name of to.users ?? []) users.add(name);
      return [...users];
    };

    /** The first of `usernames` banned from the group (checked inside the change: no ban slips by). */
    const firstBanned = (appKey: string, gid: string, usernames: string[]) =>
      usernames.find((name) => q.isBanned.get(appKey, gid, name));

    /** Adds members unless the group or one of them is full; the reason otherwise. */
    const addMembers = (
      appKey: string,
      gid: string,
      usernames: string[],
      role: GroupRole,
      time: number,
      limits: { groupsPerUser: number },
      maxUsers: number,
    ): GroupChangeResult | undefined => {
      const fresh = [...new Set(usernames)].filter((name) => !q.getMember.get(appKey, gid, name));
      const banned = firstBanned(appKey, gid, fresh);
      if (banned) return { outcome: 'banned', username: banned };
      const count = q.countMembers.get(appKey, gid)?.n ?? 0;
      if (count + fresh.length > maxUsers) return { outcome: 'group-full', maxUsers };
      for (const username of fresh) {
        if ((q.countGroupsOf.get(appKey, username)?.n ?? 0) >= limits.groupsPerUser) {
          return { outcome: 'user-full', username };
        }
        q.addMember.run({ appKey, gid, username, role, joined: time });
        q.dropInvitation.run(appKey, gid, username);
        q.dropApplication.run(appKey, gid, username);
        q.catchUpConversation.run(appKey, gid, appKey, username, gid);
      }
      return undefined;
    };

    this.#change = db.transaction(
      (
        appKey: string,
        gid: string,
        change: GroupChange,
        events: EventSpec[],
        limits: { groupsPerUser: number },
        roles: RoleCheck[] = [],
      ): GroupChangeResult => {
        const existing = q.getGroup.get(appKey, gid);
        if (change.kind !== 'create' && !existing) return { outcome: 'no-group' };
        for (const check of roles) {
          const member = q.getMember.get(appKey, gid, check.username);
          if (!member || !check.roles.includes(member.role)) {
            return { outcome: 'role-changed', username: check.username };
          }
        }
        const time = Date.now();
        let before: string[] = [];
        let refusal: GroupChangeResult | undefined;
        switch (change.kind) {
          case 'create': {
            const { group } = change;
            q.insertGroup.run({
              appKey,
              ...group,
              public: group.public ? 1 : 0,
              approval: group.approval ? 1 : 0,
              allowInvites: group.allowInvites ? 1 : 0,
              inviteNeedConfirm: group.inviteNeedConfirm ? 1 : 0,
              allMuted: group.allMuted ? 1 : 0,
            });
            refusal =
              addMembers(appKey, gid, [group.owner], 'owner', time, limits, group.maxUsers) ??
              addMembers(appKey, gid, change.members, 'member', time, limits, group.maxUsers);
            for (const invitation of change.invitations)
              q.addInvitation.run({ appKey, ...invitation });
            break;
          }
          case 'destroy':
            // Users with a pending invitation or application hear of it too, so they can drop it.
            before = [
              ...membersOf(appKey, gid),
              ...q.pendingUsers.all(appKey, gid, appKey, gid).map((row) => row.username),
            ];
            q.deleteMembers.run(appKey, gid);
            q.deleteInvitations.run(appKey, gid);
            q.deleteApplications.run(appKey, gid);
            q.deleteBans.run(appKey, gid);
            q.deleteGroup.run(appKey, gid);
            break;
          case 'add-members':
            refusal = addMembers(
              appKey,
              gid,
              change.usernames,
              'member',
              time,
              limits,
              (existing as GroupRow).max_users,
            );
            break;
          case 'invite': {
            const banned = firstBanned(
              appKey,
              gid,
              change.invitations.map((invitation) => invitation.username),
            );
            if (banned) return { outcome: 'banned', username: banned };
            for (const invitation of change.invitations)
              q.addInvitation.run({ appKey, ...invitation });
            break;
          }
          case 'drop-invitation':
            q.dropInvitation.run(appKey, gid, change.username);
            break;
          case 'apply':
            if (firstBanned(appKey, gid, [change.application.username])) {
              return { outcome: 'banned', username: change.application.username };
            }
            q.addApplication.run({ appKey, ...change.application });
            break;
          case 'drop-application':
            q.dropApplication.run(appKey, gid, change.username);
            break;
          case 'remove-member':
            q.removeMember.run(appKey, gid, change.username);
            break;
          case 'update-info':
            if (change.name !== undefined) q.updateName.run(change.name, appKey, gid);
            if (change.description !== undefined) {
              q.updateDescription.run(change.description, appKey, gid);
            }
            break;
          case 'set-role':
            q.setRole.run(change.role, appKey, gid, change.username);
            break;
          case 'change-owner': {
            const owner = (existing as GroupRow).owner;
            q.setRole.run('member', appKey, gid, owner);
            q.setRole.run('owner', appKey, gid, change.to);
            // An owner is never muted.
            q.setMute.run(null, appKey, gid, change.to);
            q.updateOwner.run(change.to, appKey, gid);
            break;
          }
          case 'mute':
            for (const name of change.usernames) q.setMute.run(change.until, appKey, gid, name);
            break;
          case 'unmute':
            for (const name of change.usernames) q.setMute.run(null, appKey, gid, name);
            break;
          case 'announce':
            q.setAnnouncement.run(change.text, appKey, gid);
            break;
          case 'mute-all':
            q.setAllMuted.run(change.muted ? 1 : 0, appKey, gid);
            break;
          case 'ban':
            for (const name of change.usernames) {
              q.removeMember.run(appKey, gid, name);
              q.dropInvitation.run(appKey, gid, name);
              q.dropApplication.run(appKey, gid, name);
              q.addBan.run(appKey, gid, name, change.by, change.time);
            }
            break;
          case 'unban':
            for (const name of change.usernames) q.dropBan.run(appKey, gid, name);
            break;
        }
        if (refusal) {
          // Undo the whole change: nothing of a refused creation or addition may stay.
          throw new Refused(refusal);
        }
        const name = (q.getGroup.get(appKey, gid) ?? existing)?.name ?? '';
        const deliveries: GroupDelivery[] = [];
        for (const spec of events) {
          const event = { ...spec.event, gid, name } as Omit<GroupEvent, 'seq'>;
          for (const appended of writers.appendUserEvent(
            appKey,
            event,
            audience(appKey, gid, spec.to, before),
          )) {
            deliveries.push({ username: appended.username, event: appended.event as GroupEvent });
          }
        }
        return { outcome: 'done', deliveries };
      },
    );
  }

  async getGroup(appKey: string, gid: string): Promise<GroupRecord | undefined> {
    const row = this.#q.getGroup.get(appKey, gid);
    return row && toGroup(row);
  }

  async getMember(appKey: string, gid: string, username: string) {
    const row = this.#q.getMember.get(appKey, gid, username);
    return row && toMember(row);
  }

  async members(appKey: string, gid: string): Promise<GroupMemberRecord[]> {
    return this.#q.members.all(appKey, gid).map(toMember);
  }

  async memberships(appKey: string, username: string): Promise<MembershipRecord[]> {
    return this.#q.memberships.all(appKey, username).map((row) => ({
      group: toGroup(row),
      role: row.role,
      muteUntil: row.mute_until,
      members: row.members,
      admins: this.#q.admins.all(appKey, row.id).map((admin) => admin.username),
    }));
  }

  async publicGroups(appKey: string, beforeId: string | null, limit: number) {
    const rows =
      beforeId === null
        ? this.#q.publicFirst.all(appKey, limit)
        : this.#q.publicBefore.all(appKey, beforeId, limit);
    return rows.map((row) => ({ ...toGroup(row), members: row.members }));
  }

  async getInvitation(appKey: string, gid: string, invitee: string) {
    const row = this.#q.getInvitation.get(appKey, gid, invitee);
    return (
      row && { gid, username: row.invitee, by: row.inviter, reason: row.reason, time: row.time }
    );
  }

  async bans(appKey: string, gid: string): Promise<string[]> {
    return this.#q.bans.all(appKey, gid).map((row) => row.username);
  }

  async isBanned(appKey: string, gid: string, username: string): Promise<boolean> {
    return this.#q.isBanned.get(appKey, gid, username) !== undefined;
  }

  async getApplication(appKey: string, gid: string, applicant: string) {
    const row = this.#q.getApplication.get(appKey, gid, applicant);
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
      return this.#change(appKey, gid, change, events, limits, roles);
    } catch (error) {
      if (error instanceof Refused) return error.result;
      throw error;
    }
  }

  async storeGroupMessage(
    appKey: string,
    message: NewMessage & { allowGroupAck: boolean },
    skip: string[],
  ): Promise<GroupMessageResult> {
    return this.#messages.store(appKey, message, skip);
  }

  async storeGroupRead(appKey: string, message: StoredMessage, reader: string, time: number) {
    return this.#messages.storeRead(appKey, message, reader, time);
  }

  async groupReads(appKey: string, mid: string) {
    return this.#messages.reads(appKey, mid);
  }

  async recallGroupMessage(appKey: string, mid: string, time: number) {
    return this.#messages.recall(appKey, mid, time);
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
