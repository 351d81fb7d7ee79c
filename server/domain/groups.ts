/**
 * Groups: who may do what (the "who may" column of src/protocol/rest.ts), the limits, and which
 * `GroupEvent` each change causes for whom (the rules on `GroupOperations` in frames.ts). Every
 * change returns the events it stored, for the caller to push to the sessions concerned.
 *
 * The parts: group-access.ts (finding the group and member a request is about, writing a change
 * with its events), group-membership.ts (invitations, applications, quitting, removal) and
 * group-moderation.ts (admins, mutes, the announcement, bans); this file creates, reads, changes
 * and disbands groups, and checks who may post or read in one.
 */
import type {
  GroupInfo,
  GroupMember,
  JoinedGroup,
  PublicGroupsResponse,
} from '../../src/protocol/rest.js';
import { Limits } from '../../src/protocol/rest.js';
import type {
  EventSpec,
  GroupChange,
  GroupDelivery,
  GroupRecord,
} from '../storage/group-storage.js';
import type { AppRecord, Storage, StoredMessage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import { MessageRejected, invalid, forbidden, notFound } from './errors.js';
import {
  GroupAccess,
  type GroupResult,
  checkGroupDescription,
  checkGroupName,
  isAdmin,
  isMuted,
  managers,
  newNumericId,
  notOwner,
} from './group-access.js';
import { GroupMembership } from './group-membership.js';
import { GroupMemberAttributes } from './group-member-attributes.js';
import { GroupModeration } from './group-moderation.js';
import type { RateLimiter } from './rate-limiter.js';
import { StatusCodes } from './status-codes.js';
import type { Users } from './users.js';

export type { GroupResult } from './group-access.js';

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

export class Groups {
  readonly membership: GroupMembership;
  readonly moderation: GroupModeration;
  /** Member attributes (group-member-attributes.ts). */
  readonly attributes: GroupMemberAttributes;
  readonly #storage: Storage;
  readonly #access: GroupAccess;
  readonly #apps: Apps;
  readonly #users: Users;

  constructor(
    storage: Storage,
    apps: Apps,
    users: Users,
    invitations: RateLimiter,
    invitationKey: (appKey: string, username: string) => string,
  ) {
    this.#storage = storage;
    this.#access = new GroupAccess(storage);
    this.#apps = apps;
    this.#users = users;
    this.membership = new GroupMembership(storage, this.#access, users, invitations, invitationKey);
    this.moderation = new GroupModeration(storage, this.#access, users);
    this.attributes = new GroupMemberAttributes(storage, this.#access);
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
    await this.membership.checkInvitees(app, owner, members);
    await this.membership.takeInvitations(app, owner, members.length);

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
      { event: this.#access.draft('create', owner, time), to: { users: [owner] } },
      ...members.map((name) =>
        inviteNeedConfirm
          ? {
              event: this.#access.draft('inviteToJoin', owner, time, { userId: name }),
              to: { users: [name] },
            }
          : {
              event: this.#access.draft('directJoined', owner, time, { userId: name }),
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
    const deliveries = await this.#access.change(app, group.id, change, events);
    return { value: group.id, deliveries };
  }

  /** Members see any group; others only public ones. */
  async info(app: AppRecord, user: string, gid: string): Promise<GroupInfo> {
    const group = await this.#access.group(app, gid);
    await this.#access.readable(app, group, user);
    return this.#access.info(app, group);
  }

  async members(app: AppRecord, user: string, gid: string): Promise<GroupMember[]> {
    const group = await this.#access.group(app, gid);
    await this.#access.readable(app, group, user);
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
        ...this.#access.infoOf(membership.group, membership.members, membership.admins),
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
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
        ...(await this.#access.change(
          app,
          gid,
          { kind: 'update-info', name: groupname, description },
          [{ event: this.#access.draft('updateInfo', user, time), to: { members: true } }],
          [{ username: user, roles: managers }],
        )),
      );
    }
    if (newowner !== undefined) {
      deliveries.push(
        ...(await this.#access.change(
          app,
          gid,
          { kind: 'change-owner', to: newowner },
          [
            {
              event: this.#access.draft('changeOwner', user, time, { userId: newowner }),
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
    return { value: await this.#access.info(app, await this.#access.group(app, gid)), deliveries };
  }

  async destroy(app: AppRecord, user: string, gid: string): Promise<GroupResult> {
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (actor.role !== 'owner') throw forbidden('only the owner may disband the group');
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'destroy' },
      [{ event: this.#access.draft('destroy', user, Date.now()), to: { members: true } }],
      [{ username: user, roles: ['owner'] }],
    );
    return { value: undefined, deliveries };
  }

  /** Who read the sender's message `mid` (sent with `allowGroupAck`). */
  async acks(app: AppRecord, user: string, gid: string, mid: string) {
    await this.#access.group(app, gid);
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
    await this.#access.member(app, await this.#access.group(app, gid), user);
  }
}
