/**
 * What every group rule reads and writes through (server/domain/groups.ts names the parts): the
 * group and the member a request is about (404 and 403 when missing), the member a manager acts
 * on, and a change written with its events, the roles it needs checked again as it is written.
 */
import { randomInt } from 'node:crypto';
import type { GroupOperation } from '../../src/protocol/frames.js';
import { Limits, type GroupInfo } from '../../src/protocol/rest.js';
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
import type { AppRecord, Storage } from '../storage/storage.js';
import { invalid, forbidden, notFound } from './errors.js';

/**
 * A new group or room id: the time in ms and five random digits (18 digits until the year 2286),
 * so ids sort by creation and a page cursor is simply the last id shown.
 */
export const newNumericId = () =>
  `${Date.now()}${randomInt(0, 100_000).toString().padStart(5, '0')}`;

export interface GroupResult<T = undefined> {
  value: T;
  /** Stored events to push, each to its user's sessions. */
  deliveries: GroupDelivery[];
}

export const chars = (text: string) => [...text].length;

/** Muted now: until unmuted (`-1`) or until a time still ahead. */
export const isMuted = (muteUntil: number | null, now = Date.now()) =>
  muteUntil !== null && (muteUntil === -1 || muteUntil > now);

/** The roles a change requires (see RoleCheck): checked here first, then again as it is written. */
export const anyRole: GroupRole[] = ['owner', 'admin', 'member'];
export const managers: GroupRole[] = ['owner', 'admin'];
export const notOwner: GroupRole[] = ['admin', 'member'];
/** Whom `actor` may remove or mute: the owner anyone else, an admin only members. */
export const targetRoles = (actor: GroupMemberRecord): GroupRole[] =>
  actor.role === 'owner' ? notOwner : ['member'];

export const isAdmin = (member: GroupMemberRecord | undefined) =>
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

export function checkReason(reason: string | undefined, name: string): string {
  if (reason === undefined) return '';
  if (chars(reason) > Limits.requestMessageMaxChars) {
    throw invalid(
      `${name} must be at most ${Limits.requestMessageMaxChars} characters (requestMessageMaxChars)`,
    );
  }
  return reason;
}

export class GroupAccess {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  async group(app: AppRecord, gid: string): Promise<GroupRecord> {
    const group = Limits.numericIdPattern.test(gid)
      ? await this.#storage.groups.getGroup(app.key, gid)
      : undefined;
    if (!group) throw notFound(`group ${gid} not found`);
    return group;
  }

  async member(app: AppRecord, group: GroupRecord, user: string): Promise<GroupMemberRecord> {
    const member = await this.#storage.groups.getMember(app.key, group.id, user);
    if (!member) throw forbidden(`you are not a member of group ${group.id}`);
    return member;
  }

  async readable(app: AppRecord, group: GroupRecord, user: string): Promise<void> {
    if (group.public) return;
    await this.member(app, group, user);
  }

  /** The member the actor removes or mutes: the owner may act on anyone, admins on members. */
  async target(
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

  draft(
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

  async change(
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

  async info(app: AppRecord, group: GroupRecord): Promise<GroupInfo> {
    const members = await this.#storage.groups.members(app.key, group.id);
    return this.infoOf(
      group,
      members.length,
      members.filter((member) => member.role === 'admin').map((member) => member.username),
    );
  }

  infoOf(group: GroupRecord, count: number, admins: string[]): GroupInfo {
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
