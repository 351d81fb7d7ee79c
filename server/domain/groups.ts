/**
 * Groups: who may do what (the "who may" column of src/protocol/rest.ts), the limits, and which
 * `GroupEvent` each change causes for whom (the rules on `GroupOperations` in frames.ts). Every
 * change returns the events it stored, for the caller to push to the sessions concerned.
 */
import { randomInt } from 'node:crypto';
import type { GroupOperation } from '../../src/protocol/frames.js';
import {
  Limits,
  type GroupInfo,
  type GroupMember,
  type JoinedGroup,
  type PublicGroupsResponse,
} from '../../src/protocol/rest.js';
import type {
  EventSpec,
  GroupEventDraft,
  GroupChange,
  GroupDelivery,
  GroupMemberRecord,
  GroupRecord,
  GroupRole,
  RoleCheck,
} from '../storage/group-storage.js';
import type { AppRecord, Storage, StoredMessage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import { DomainError, Failures, MessageRejected, invalid, forbidden, notFound } from './errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { StatusCodes } from './status-codes.js';
import { checkUsername, type Users } from './users.js';

/**
 * A new group or room id: the time in ms and five random digits (18 digits until the year 2286),
 * so ids sort by creation and a page cursor is simply the last id shown.
 */
export const newNumericId = () =>
  `${Date.now()}${randomInt(0, 100_000).toString().padStart(5, '0')}`;

export interface CreateGroupInput {
  groupname: string;
  desc?: string;
  members?: string[];
  public?: boolean;
  approval?: boolean;
  allowinvites?: boolean;
  inviteNeedConfirm?: boolean;
  maxusers?: number;
}

export interface GroupResult<T = undefined> {
  value: T;
  /** Stored events to push, each to its user's sessions. */
  deliveries: GroupDelivery[];
}

const chars = (text: string) => [...text].length;

/** Muted now: until unmuted (`-1`) or until a time still ahead. */
export const isMuted = (muteUntil: number | null, now = Date.now()) =>
  muteUntil !== null && (muteUntil === -1 || muteUntil > now);

/** The roles a change requires (see RoleCheck): checked here first, then again as it is written. */
const anyRole: GroupRole[] = ['owner', 'admin', 'member'];
const managers: GroupRole[] = ['owner', 'admin'];
const notOwner: GroupRole[] = ['admin', 'member'];
/** Whom `actor` may remove or mute: the owner anyone else, an admin only members. */
const targetRoles = (actor: GroupMemberRecord): GroupRole[] =>
  actor.role === 'owner' ? notOwner : ['member'];

const isAdmin = (member: GroupMemberRecord | undefined) =>
  member !== undefined && (member.role === 'owner' || member.role === 'admin');

export function checkGroupName(name: string): void {
  if (name.trim() === '') throw invalid('groupname is required');
  if (chars(name) > Limits.groupNameMaxChars) {
    throw invalid(
      `groupname must be at most ${Limits.groupNameMaxChars} characters (groupNameMaxChars)`,
    );
  }
}

export function checkGroupDescription(description: string): void {
  if (chars(description) > Limits.groupDescriptionMaxChars) {
    throw invalid(
      `description must be at most ${Limits.groupDescriptionMaxChars} characters (groupDescriptionMaxChars)`,
    );
  }
}

function checkReason(reason: string | undefined, name: string): string {
  if (reason === undefined) return '';
  if (chars(reason) > Limits.requestMessageMaxChars) {
    throw invalid(
      `${name} must be at most ${Limits.requestMessageMaxChars} characters (requestMessageMaxChars)`,
    );
  }
  return reason;
}

export class Groups {
  readonly #storage: Storage;
  readonly #apps: Apps;
  readonly #users: Users;
  readonly #invitations: RateLimiter;
  readonly #invitationKey: (appKey: string, username: string) => string;

  constructor(
    storage: Storage,
    apps: Apps,
    users: Users,
    invitations: RateLimiter,
    invitationKey: (appKey: string, username: string) => string,
  ) {
    this.#storage = storage;
    this.#apps = apps;
    this.#users = users;
    this.#invitations = invitations;
    this.#invitationKey = invitationKey;
  }

  async create(
    app: AppRecord,
    owner: string,
    input: CreateGroupInput,
  ): Promise<GroupResult<string>> {
    checkGroupName(input.groupname);
    const description = input.desc ?? '';
    checkGroupDescription(description);
    const ceiling = this.#apps.maxGroupMembers(app);
    const maxUsers = input.maxusers ?? ceiling;
    if (!Number.isSafeInteger(maxUsers) || maxUsers < 1 || maxUsers > ceiling) {
      throw invalid(`maxusers must be an integer from 1 to ${ceiling} (groupMembersMax)`);
    }
    const members = [...new Set(input.members ?? [])].filter((name) => name !== owner);
    if (members.length + 1 > maxUsers) {
      throw forbidden(
        `a group of at most ${maxUsers} members (maxusers) cannot take ${members.length + 1}`,
      );
    }
    await this.#checkInvitees(app, owner, members);
    await this.#takeInvitations(app, owner, members.length);

    const inviteNeedConfirm = input.inviteNeedConfirm ?? true;
    const group: GroupRecord = {
      id: newNumericId(),
      name: input.groupname,
      description,
      owner,
      public: input.public ?? false,
      approval: input.approval ?? false,
      allowInvites: input.allowinvites ?? false,
      inviteNeedConfirm,
      maxUsers,
      created: Date.now(),
      announcement: '',
      allMuted: false,
    };
    const time = group.created;
    const events: EventSpec[] = [
      { event: this.#draft('create', owner, time), to: { users: [owner] } },
      ...members.map((name) =>
        inviteNeedConfirm
          ? {
              event: this.#draft('inviteToJoin', owner, time, { userId: name }),
              to: { users: [name] },
            }
          : {
              event: this.#draft('directJoined', owner, time, { userId: name }),
              to: { users: [name] },
            },
      ),
    ];
    const change: GroupChange = {
      kind: 'create',
      group,
      members: inviteNeedConfirm ? [] : members,
      invitations: inviteNeedConfirm
        ? members.map((username) => ({ gid: group.id, username, by: owner, reason: '', time }))
        : [],
    };
    const deliveries = await this.#change(app, group.id, change, events);
    return { value: group.id, deliveries };
  }

  /** Members see any group; others only public ones. */
  async info(app: AppRecord, user: string, gid: string): Promise<GroupInfo> {
    const group = await this.#group(app, gid);
    await this.#readable(app, group, user);
    return this.#info(app, group);
  }

  async members(app: AppRecord, user: string, gid: string): Promise<GroupMember[]> {
    const group = await this.#group(app, gid);
    await this.#readable(app, group, user);
    const members = await this.#storage.groups.members(app.key, gid);
    const now = Date.now();
    const result: GroupMember[] = [];
    for (const member of members) {
      const entry: GroupMember = { username: member.username, role: member.role };
      const nickname = (await this.#users.find(app, member.username))?.nickname;
      if (nickname) entry.nickname = nickname;
      if (isMuted(member.muteUntil, now)) entry.muteUntil = member.muteUntil as number;
      result.push(entry);
    }
    return result;
  }

  async joined(app: AppRecord, user: string): Promise<JoinedGroup[]> {
    const now = Date.now();
    return (await this.#storage.groups.memberships(app.key, user)).map((membership) => {
      const entry: JoinedGroup = {
        ...this.#infoOf(membership.group, membership.members, membership.admins),
        role: membership.role,
      };
      if (isMuted(membership.muteUntil, now)) entry.muteUntil = membership.muteUntil as number;
      return entry;
    });
  }

  async publicGroups(app: AppRecord, limit: number, cursor: string | null) {
    if (cursor !== null && !Limits.numericIdPattern.test(cursor)) {
      throw invalid('cursor must be a group id from the previous page');
    }
    const rows = await this.#storage.groups.publicGroups(app.key, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const response: PublicGroupsResponse = {
      data: page.map((group) => ({
        groupid: group.id,
        groupname: group.name,
        owner: group.owner,
        affiliations_count: group.members,
      })),
    };
    const last = page.at(-1);
    if (rows.length > limit && last) response.cursor = last.id;
    return response;
  }

  async modify(
    app: AppRecord,
    user: string,
    gid: string,
    changes: { groupname?: string; description?: string; newowner?: string },
  ): Promise<GroupResult<GroupInfo>> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    const { groupname, description, newowner } = changes;
    if (groupname === undefined && description === undefined && newowner === undefined) {
      throw invalid('send groupname, description or newowner');
    }
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may change the group');
    if (groupname !== undefined) checkGroupName(groupname);
    if (description !== undefined) checkGroupDescription(description);
    if (newowner !== undefined) {
      if (actor.role !== 'owner') throw forbidden('only the owner may hand the group over');
      if (newowner === user) throw invalid('you own the group already');
      if (!(await this.#storage.groups.getMember(app.key, gid, newowner))) {
        throw invalid(`the new owner must be a member; ${newowner} is not`);
      }
    }
    const time = Date.now();
    const deliveries: GroupDelivery[] = [];
    if (groupname !== undefined || description !== undefined) {
      deliveries.push(
        ...(await this.#change(
          app,
          gid,
          { kind: 'update-info', name: groupname, description },
          [{ event: this.#draft('updateInfo', user, time), to: { members: true } }],
          [{ username: user, roles: managers }],
        )),
      );
    }
    if (newowner !== undefined) {
      deliveries.push(
        ...(await this.#change(
          app,
          gid,
          { kind: 'change-owner', to: newowner },
          [
            {
              event: this.#draft('changeOwner', user, time, { userId: newowner }),
              to: { members: true },
            },
          ],
          [
            { username: user, roles: ['owner'] },
            { username: newowner, roles: notOwner },
          ],
        )),
      );
    }
    return { value: await this.#info(app, await this.#group(app, gid)), deliveries };
  }

  async destroy(app: AppRecord, user: string, gid: string): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (actor.role !== 'owner') throw forbidden('only the owner may disband the group');
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'destroy' },
      [{ event: this.#draft('destroy', user, Date.now()), to: { members: true } }],
      [{ username: user, roles: ['owner'] }],
    );
    return { value: undefined, deliveries };
  }

  async invite(
    app: AppRecord,
    user: string,
    gid: string,
    usernames: string[],
    reason: string | undefined,
  ): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor) && !group.allowInvites) {
      throw forbidden('only the owner and the admins may invite to this group');
    }
    // The rule just checked, checked again as the invitations are written.
    const inviter: RoleCheck[] = [
      { username: user, roles: group.allowInvites ? anyRole : managers },
    ];
    const invitees = [...new Set(usernames)];
    if (invitees.length === 0) throw invalid('usernames must name at least one user');
    const message = checkReason(reason, 'reason');
    for (const name of invitees) {
      if (await this.#storage.groups.getMember(app.key, gid, name)) {
        throw invalid(`${name} is a member already`);
      }
      if (await this.#storage.groups.isBanned(app.key, gid, name)) {
        throw forbidden(`${name} is banned from group ${gid}; unban them first`);
      }
    }
    await this.#checkInvitees(app, user, invitees);
    await this.#takeInvitations(app, user, invitees.length);
    const time = Date.now();
    if (group.inviteNeedConfirm) {
      const deliveries = await this.#change(
        app,
        gid,
        {
          kind: 'invite',
          invitations: invitees.map((username) => ({
            gid,
            username,
            by: user,
            reason: message,
            time,
          })),
        },
        invitees.map((name) => ({
          event: this.#draft('inviteToJoin', user, time, { userId: name, reason: message }),
          to: { users: [name] },
        })),
        inviter,
      );
      return { value: undefined, deliveries };
    }
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'add-members', usernames: invitees },
      [
        ...invitees.map((name) => ({
          event: this.#draft('directJoined', user, time, { userId: name, reason: message }),
          to: { users: [name] },
        })),
        ...invitees.map((name) => ({
          event: this.#draft('memberPresence', user, time, { userId: name }),
          to: { members: true, except: invitees, users: [user] },
        })),
      ],
      inviter,
    );
    return { value: undefined, deliveries };
  }

  /** The invitee accepts or declines. */
  async answerInvitation(
    app: AppRecord,
    user: string,
    gid: string,
    accept: boolean,
    reason: string | undefined,
  ): Promise<GroupResult> {
    await this.#group(app, gid);
    // Not re-checked inside the change: two answers racing both pass this check. Accepting twice
    // adds the member once (add-members skips members) but stores `acceptInvite` twice; an accept
    // racing a decline may add a member whose inviter was told no. Harmless enough to leave.
    const invitation = await this.#storage.groups.getInvitation(app.key, gid, user);
    if (!invitation) throw notFound(`you have no invitation to group ${gid}`);
    const message = checkReason(reason, 'reason');
    const time = Date.now();
    const deliveries = accept
      ? await this.#change(app, gid, { kind: 'add-members', usernames: [user] }, [
          {
            event: this.#draft('acceptInvite', user, time, { userId: invitation.by }),
            to: { members: true },
          },
        ])
      : await this.#change(app, gid, { kind: 'drop-invitation', username: user }, [
          {
            event: this.#draft('rejectInvite', user, time, {
              userId: invitation.by,
              reason: message,
            }),
            to: { users: [invitation.by, user] },
          },
        ]);
    return { value: undefined, deliveries };
  }

  async apply(
    app: AppRecord,
    user: string,
    gid: string,
    text: string | undefined,
  ): Promise<GroupResult<'joined' | 'requested'>> {
    const group = await this.#group(app, gid);
    if (!group.public) throw forbidden(`group ${gid} is private: join by invitation`);
    if (await this.#storage.groups.getMember(app.key, gid, user)) {
      throw invalid('you are a member already');
    }
    if (await this.#storage.groups.isBanned(app.key, gid, user)) {
      throw forbidden(`you are banned from group ${gid}`);
    }
    const message = checkReason(text, 'message');
    const time = Date.now();
    if (!group.approval) {
      const deliveries = await this.#change(app, gid, { kind: 'add-members', usernames: [user] }, [
        {
          event: this.#draft('memberPresence', user, time, { userId: user }),
          to: { members: true },
        },
      ]);
      return { value: 'joined', deliveries };
    }
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'apply', application: { gid, username: user, by: user, reason: message, time } },
      [
        {
          event: this.#draft('requestToJoin', user, time, { reason: message }),
          to: { admins: true },
        },
      ],
    );
    return { value: 'requested', deliveries };
  }

  async answerApplication(
    app: AppRecord,
    user: string,
    gid: string,
    applicant: string,
    accept: boolean,
    reason: string | undefined,
  ): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may answer applications');
    // The pending application is not re-checked inside the change (the actor's role is): two
    // admins answering at once may both store their answer event; the member is added once.
    if (!(await this.#storage.groups.getApplication(app.key, gid, applicant))) {
      throw notFound(`${applicant} has not applied to group ${gid}`);
    }
    const message = checkReason(reason, 'reason');
    const time = Date.now();
    const deliveries = accept
      ? await this.#change(
          app,
          gid,
          { kind: 'add-members', usernames: [applicant] },
          [
            {
              event: this.#draft('acceptRequest', user, time, { userId: applicant }),
              to: { members: true, users: [user] },
            },
          ],
          [{ username: user, roles: managers }],
        )
      : await this.#change(
          app,
          gid,
          { kind: 'drop-application', username: applicant },
          [
            {
              event: this.#draft('joinPublicGroupDeclined', user, time, {
                userId: applicant,
                reason: message,
              }),
              to: { users: [applicant, user] },
            },
          ],
          [{ username: user, roles: managers }],
        );
    return { value: undefined, deliveries };
  }

  async quit(app: AppRecord, user: string, gid: string): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (actor.role === 'owner') {
      throw forbidden('the owner cannot quit: hand the group over (newowner) or disband it');
    }
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'remove-member', username: user },
      [
        {
          event: this.#draft('memberAbsence', user, Date.now(), { userId: user }),
          to: { members: true, users: [user] },
        },
      ],
      [{ username: user, roles: notOwner }],
    );
    return { value: undefined, deliveries };
  }

  async kick(app: AppRecord, user: string, gid: string, target: string): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    const member = await this.#target(app, gid, actor, target, 'remove');
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'remove-member', username: member.username },
      [
        {
          event: this.#draft('removeMember', user, Date.now(), { userId: target }),
          to: { members: true, users: [target, user] },
        },
      ],
      [
        { username: user, roles: managers },
        { username: target, roles: targetRoles(actor) },
      ],
    );
    return { value: undefined, deliveries };
  }

  async admins(app: AppRecord, user: string, gid: string): Promise<string[]> {
    const group = await this.#group(app, gid);
    await this.#member(app, group, user);
    return (await this.#storage.groups.members(app.key, gid))
      .filter((member) => member.role === 'admin')
      .map((member) => member.username);
  }

  async setAdmin(
    app: AppRecord,
    user: string,
    gid: string,
    target: string,
    admin: boolean,
  ): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (actor.role !== 'owner') throw forbidden('only the owner may add or remove admins');
    const member = await this.#storage.groups.getMember(app.key, gid, target);
    if (!member) throw notFound(`${target} is not a member of group ${gid}`);
    if (admin && member.role !== 'member')
      throw invalid(`${target} is an admin or the owner already`);
    if (!admin && member.role !== 'admin') throw invalid(`${target} is not an admin`);
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'set-role', username: target, role: admin ? 'admin' : 'member' },
      [
        {
          event: this.#draft(admin ? 'setAdmin' : 'removeAdmin', user, Date.now(), {
            userId: target,
          }),
          to: { members: true },
        },
      ],
      [
        { username: user, roles: ['owner'] },
        { username: target, roles: admin ? ['member'] : ['admin'] },
      ],
    );
    return { value: undefined, deliveries };
  }

  /** `durationMs`: how long, or `-1` until unmuted. */
  async mute(
    app: AppRecord,
    user: string,
    gid: string,
    usernames: string[],
    durationMs: number,
  ): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (durationMs !== -1 && (!Number.isSafeInteger(durationMs) || durationMs <= 0)) {
      throw invalid('mute_duration must be a positive number of milliseconds, or -1');
    }
    const targets = [...new Set(usernames)];
    if (targets.length === 0) throw invalid('usernames must name at least one member');
    for (const target of targets) await this.#target(app, gid, actor, target, 'mute');
    const time = Date.now();
    const until = durationMs === -1 ? -1 : time + durationMs;
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'mute', usernames: targets, until },
      targets.map((target) => ({
        event: this.#draft('muteMember', user, time, { userId: target, muteUntil: until }),
        to: { members: true },
      })),
      [
        { username: user, roles: managers },
        ...targets.map((target) => ({ username: target, roles: targetRoles(actor) })),
      ],
    );
    return { value: undefined, deliveries };
  }

  async unmute(app: AppRecord, user: string, gid: string, target: string): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may unmute');
    const member = await this.#storage.groups.getMember(app.key, gid, target);
    if (!member) throw notFound(`${target} is not a member of group ${gid}`);
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'unmute', usernames: [target] },
      [
        {
          event: this.#draft('unmuteMember', user, Date.now(), { userId: target }),
          to: { members: true },
        },
      ],
      [
        { username: user, roles: managers },
        { username: target, roles: anyRole },
      ],
    );
    return { value: undefined, deliveries };
  }

  async muteList(app: AppRecord, user: string, gid: string) {
    const group = await this.#group(app, gid);
    await this.#member(app, group, user);
    const now = Date.now();
    return (await this.#storage.groups.members(app.key, gid))
      .filter((member) => isMuted(member.muteUntil, now))
      .map((member) => ({ user: member.username, expire: member.muteUntil as number }));
  }

  /** The announcement: for whoever may read the group. */
  async announcement(app: AppRecord, user: string, gid: string): Promise<string> {
    const group = await this.#group(app, gid);
    await this.#readable(app, group, user);
    return group.announcement;
  }

  /** Sets (or, with `''`, removes) the announcement; owner and admins. */
  async announce(app: AppRecord, user: string, gid: string, text: string): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor))
      throw forbidden('only the owner and the admins may change the announcement');
    if (chars(text) > Limits.announcementMaxChars) {
      throw invalid(
        `announcement must be at most ${Limits.announcementMaxChars} characters (announcementMaxChars)`,
      );
    }
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'announce', text },
      [
        {
          event: this.#draft('updateAnnouncement', user, Date.now(), { announcement: text }),
          to: { members: true },
        },
      ],
      [{ username: user, roles: managers }],
    );
    return { value: undefined, deliveries };
  }

  /** Mutes everyone but the owner and the admins (`disableSendGroupMsg`), or lifts it. */
  async muteAll(
    app: AppRecord,
    user: string,
    gid: string,
    muted: boolean,
  ): Promise<GroupResult<boolean>> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor)) {
      throw forbidden(`only the owner and the admins may ${muted ? 'mute' : 'unmute'} everyone`);
    }
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'mute-all', muted },
      [
        {
          event: this.#draft(muted ? 'muteAllMembers' : 'unmuteAllMembers', user, Date.now()),
          to: { members: true },
        },
      ],
      [{ username: user, roles: managers }],
    );
    return { value: muted, deliveries };
  }

  /** Who is banned: for the owner and the admins. */
  async bans(app: AppRecord, user: string, gid: string): Promise<string[]> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may see who is banned');
    return this.#storage.groups.bans(app.key, gid);
  }

  /**
   * Bans `target`: removed if a member (the owner bans anyone else, admins only members), their
   * invitation or application dropped, and refused as a member until unbanned.
   */
  async ban(app: AppRecord, user: string, gid: string, target: string): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may ban');
    if (target === user) throw invalid('you cannot ban yourself');
    checkUsername(target);
    const member = await this.#storage.groups.getMember(app.key, gid, target);
    if (member) await this.#target(app, gid, actor, target, 'ban');
    else if (!(await this.#users.find(app, target)))
      throw notFound(`no user ${target} in this app`);
    if (await this.#storage.groups.isBanned(app.key, gid, target)) {
      throw invalid(`${target} is banned already`);
    }
    const time = Date.now();
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'ban', usernames: [target], by: user, time },
      [
        {
          event: this.#draft('removeMember', user, time, { userId: target, blocked: true }),
          to: { members: true, users: [target, user] },
        },
      ],
      [
        { username: user, roles: managers },
        ...(member ? [{ username: target, roles: targetRoles(actor) }] : []),
      ],
    );
    return { value: undefined, deliveries };
  }

  /** Lifts a ban: `target` may join or be invited again (they are not a member again). */
  async unban(app: AppRecord, user: string, gid: string, target: string): Promise<GroupResult> {
    const group = await this.#group(app, gid);
    const actor = await this.#member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may unban');
    if (!(await this.#storage.groups.isBanned(app.key, gid, target))) {
      throw notFound(`${target} is not banned from group ${gid}`);
    }
    const deliveries = await this.#change(
      app,
      gid,
      { kind: 'unban', usernames: [target] },
      [
        {
          event: this.#draft('unblockMember', user, Date.now(), { userId: target }),
          to: { admins: true, users: [target, user] },
        },
      ],
      [{ username: user, roles: managers }],
    );
    return { value: undefined, deliveries };
  }

  /** Who read the sender's message `mid` (sent with `allowGroupAck`). */
  async acks(app: AppRecord, user: string, gid: string, mid: string) {
    await this.#group(app, gid);
    const message = await this.#storage.getMessage(app.key, mid);
    if (!message || message.chatType !== 'groupChat' || message.to !== gid) {
      throw notFound(`no message ${mid} in group ${gid}`);
    }
    if (message.from !== user) throw forbidden('only the sender may see who read a message');
    if (!message.allowGroupAck) {
      throw invalid('the message was not sent with msgConfig.allowGroupAck');
    }
    return this.#storage.groups.groupReads(app.key, mid);
  }

  /**
   * Whether `user` may post in `gid` now; the members to deliver to (blockers of the sender left
   * out). Refusals are nack codes: 605 no group, 602 not a member, 507 muted.
   */
  async checkSender(app: AppRecord, user: string, gid: string): Promise<string[]> {
    const group = await this.#storage.groups.getGroup(app.key, gid);
    if (!group) throw new MessageRejected(StatusCodes.GROUP_NOT_EXIST, `no group ${gid}`);
    const member = await this.#storage.groups.getMember(app.key, gid, user);
    if (!member) {
      throw new MessageRejected(
        StatusCodes.GROUP_NOT_JOINED,
        `you are not a member of group ${gid}`,
      );
    }
    if (isMuted(member.muteUntil)) {
      throw new MessageRejected(
        StatusCodes.SERVICE_NOT_ALLOW_MESSAGING_MUTE,
        member.muteUntil === -1
          ? 'you are muted in this group'
          : `you are muted in this group until ${new Date(member.muteUntil as number).toISOString()}`,
      );
    }
    if (group.allMuted && member.role === 'member') {
      throw new MessageRejected(
        StatusCodes.SERVICE_NOT_ALLOW_MESSAGING_MUTE,
        'everyone is muted in this group: only the owner and the admins may write',
      );
    }
    return this.#storage.blockersOf(app.key, user);
  }

  /** A member's read ack of a group message; the message must be a group message to `gid`. */
  async checkReader(
    app: AppRecord,
    user: string,
    gid: string,
    mid: string,
  ): Promise<StoredMessage> {
    const message = await this.#storage.getMessage(app.key, mid);
    if (!message || message.chatType !== 'groupChat' || message.to !== gid) {
      throw new MessageRejected(
        StatusCodes.MESSAGE_PARAMETER_ERROR,
        `no message ${mid} in group ${gid}`,
      );
    }
    if (!(await this.#storage.groups.getMember(app.key, gid, user))) {
      throw new MessageRejected(
        StatusCodes.GROUP_NOT_JOINED,
        `you are not a member of group ${gid}`,
      );
    }
    return message;
  }

  /** 605 for no such group, 602 for a non-member (nack codes). */
  async checkMember(app: AppRecord, user: string, gid: string): Promise<void> {
    if (!(await this.#storage.groups.getGroup(app.key, gid))) {
      throw new MessageRejected(StatusCodes.GROUP_NOT_EXIST, `no group ${gid}`);
    }
    if (!(await this.#storage.groups.getMember(app.key, gid, user))) {
      throw new MessageRejected(
        StatusCodes.GROUP_NOT_JOINED,
        `you are not a member of group ${gid}`,
      );
    }
  }

  /** Group history is for members (403 otherwise, 404 for no such group). */
  async requireMember(app: AppRecord, user: string, gid: string): Promise<void> {
    await this.#member(app, await this.#group(app, gid), user);
  }

  async #group(app: AppRecord, gid: string): Promise<GroupRecord> {
    const group = Limits.numericIdPattern.test(gid)
      ? await this.#storage.groups.getGroup(app.key, gid)
      : undefined;
    if (!group) throw notFound(`group ${gid} not found`);
    return group;
  }

  async #member(app: AppRecord, group: GroupRecord, user: string): Promise<GroupMemberRecord> {
    const member = await this.#storage.groups.getMember(app.key, group.id, user);
    if (!member) throw forbidden(`you are not a member of group ${group.id}`);
    return member;
  }

  async #readable(app: AppRecord, group: GroupRecord, user: string): Promise<void> {
    if (group.public) return;
    await this.#member(app, group, user);
  }

  /** The member the actor removes or mutes: the owner may act on anyone, admins on members. */
  async #target(
    app: AppRecord,
    gid: string,
    actor: GroupMemberRecord,
    target: string,
    verb: 'remove' | 'mute' | 'ban',
  ): Promise<GroupMemberRecord> {
    if (!isAdmin(actor)) throw forbidden(`only the owner and the admins may ${verb} members`);
    if (target === actor.username) throw invalid(`you cannot ${verb} yourself`);
    const member = await this.#storage.groups.getMember(app.key, gid, target);
    if (!member) throw notFound(`${target} is not a member of group ${gid}`);
    if (member.role === 'owner')
      throw forbidden(
        `the owner cannot be ${{ remove: 'removed', mute: 'muted', ban: 'banned' }[verb]}`,
      );
    if (member.role === 'admin' && actor.role !== 'owner') {
      throw forbidden(`admins cannot ${verb} other admins`);
    }
    return member;
  }

  /** Each invitee exists and has not blocked the inviter. */
  async #checkInvitees(app: AppRecord, inviter: string, invitees: string[]): Promise<void> {
    for (const name of invitees) {
      checkUsername(name);
      if (!(await this.#users.find(app, name))) throw notFound(`no user ${name} in this app`);
      if (await this.#storage.isBlocked(app.key, name, inviter)) {
        throw forbidden(`${name} does not accept invitations from you`);
      }
    }
  }

  /** One invitation per invitee against the inviter's per-minute allowance (invitationsPerMinute). */
  async #takeInvitations(app: AppRecord, inviter: string, count: number): Promise<void> {
    const key = this.#invitationKey(app.key, inviter);
    for (let i = 0; i < count; i += 1) {
      if (!(await this.#invitations.take(key))) {
        throw new DomainError(
          Failures.rateLimited,
          `too many invitations: at most ${Limits.invitationsPerMinute} per minute (invitationsPerMinute)`,
        );
      }
    }
  }

  #draft(
    operation: GroupOperation,
    from: string,
    time: number,
    extra: {
      userId?: string;
      reason?: string;
      muteUntil?: number;
      announcement?: string;
      blocked?: boolean;
    } = {},
  ): GroupEventDraft {
    const event: GroupEventDraft = { kind: 'group', operation, from, time };
    if (extra.userId !== undefined) event.userId = extra.userId;
    if (extra.reason) event.reason = extra.reason;
    if (extra.muteUntil !== undefined) event.muteUntil = extra.muteUntil;
    if (extra.announcement !== undefined) event.announcement = extra.announcement;
    if (extra.blocked) event.blocked = true;
    return event;
  }

  async #change(
    app: AppRecord,
    gid: string,
    change: GroupChange,
    events: EventSpec[],
    roles: RoleCheck[] = [],
  ): Promise<GroupDelivery[]> {
    const result = await this.#storage.groups.change(
      app.key,
      gid,
      change,
      events,
      { groupsPerUser: Limits.groupsPerUser },
      roles,
    );
    switch (result.outcome) {
      case 'done':
        return result.deliveries;
      case 'no-group':
        throw notFound(`group ${gid} not found`);
      case 'group-full':
        throw forbidden(`the group is full: at most ${result.maxUsers} members (maxusers)`);
      case 'user-full':
        throw forbidden(
          `${result.username} is in ${Limits.groupsPerUser} groups already (groupsPerUser)`,
        );
      case 'role-changed':
        // Another change to the group landed between this request's check and its write.
        throw forbidden(
          `group ${gid} changed meanwhile: ${result.username} no longer has the role this needs; try again`,
        );
      case 'banned':
        throw forbidden(`${result.username} is banned from group ${gid}`);
    }
  }

  async #info(app: AppRecord, group: GroupRecord): Promise<GroupInfo> {
    const members = await this.#storage.groups.members(app.key, group.id);
    return this.#infoOf(
      group,
      members.length,
      members.filter((member) => member.role === 'admin').map((member) => member.username),
    );
  }

  #infoOf(group: GroupRecord, count: number, admins: string[]): GroupInfo {
    return {
      id: group.id,
      name: group.name,
      description: group.description,
      owner: group.owner,
      public: group.public,
      approval: group.approval,
      allowinvites: group.allowInvites,
      inviteNeedConfirm: group.inviteNeedConfirm,
      maxusers: group.maxUsers,
      created: group.created,
      affiliations_count: count,
      admins,
      mute: group.allMuted,
      announcement: group.announcement,
    };
  }
}
