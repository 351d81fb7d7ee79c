/**
 * What I do to groups (create, invite, answer, join, leave, disband, manage members, rename): a
 * chunk loaded the first time one is used, since the signed-in page's budget is full and these
 * are used only from the Groups tab and Group info (chunks of their own). Each asks the server, and
 * on success changes the stored lists at once (the events that follow change nothing twice); a
 * refusal rejects with a ChatError in plain words and changes nothing. What the server tells
 * (group events, the list on connect) stays in `groups.ts`.
 */
import { type CreateGroupRequest, Limits } from '../protocol/index.js';
import type { SocialApi } from './connection-events.js';
import { Codes, Messages, type RefusalWords, chatError } from './errors.js';
import type { Groups } from './groups.js';
import { normalizeUsername } from './messages.js';
import { type SocialSession, attempt, without } from './social.js';
import type { CreateGroupInput, Group, PublicGroup } from './types.js';

/** The SDK method of each member management action. */
const MANAGE = {
  remove: 'removeGroupMember',
  mute: 'muteGroupMember',
  unmute: 'unmuteGroupMember',
  setAdmin: 'setGroupAdmin',
  removeAdmin: 'removeGroupAdmin',
  owner: 'changeGroupOwner',
} as const satisfies Record<string, keyof SocialApi>;

/** Public groups per `listPublicGroups` page. */
const PUBLIC_PAGE = 50;

const call = <T>(action: () => Promise<T>, words?: RefusalWords): Promise<T> =>
  attempt('group', action, words);

export class GroupActions {
  constructor(private readonly groups: Groups) {}

  async create(input: CreateGroupInput): Promise<Group> {
    const session = this.groups.host.session();
    const name = input.name?.trim() ?? '';
    const description = input.description?.trim() ?? '';
    if (!name) throw chatError(Codes.messageParameterError, Messages.groupNameMissing);
    if (
      name.length > Limits.groupNameMaxChars ||
      description.length > Limits.groupDescriptionMaxChars
    )
      throw chatError(Codes.messageParameterError, Messages.tooLarge);
    const data: CreateGroupRequest = {
      groupname: name,
      desc: description,
      members: (input.members ?? []).map(normalizeUsername),
      public: input.public === true,
      approval: input.approval === true,
      allowinvites: input.allowInvites === true,
    };
    const answer = await call(() => session.connection.createGroup({ data }));
    const group: Group = {
      id: answer.data.groupid,
      name,
      description,
      owner: session.username,
      admins: [],
      memberCount: 1,
      maxMembers: Limits.groupMembersMax,
      public: data.public,
      approval: data.approval === true,
      allowInvites: data.allowinvites === true,
      role: 'owner',
      announcement: '',
      allMuted: false,
    };
    await this.joined(session, group);
    void this.groups.reread(group.id);
    return group;
  }

  async joined(session: SocialSession, group: Group): Promise<void> {
    await this.groups.host.update(session, 'groups', (list) =>
      list.some((g) => g.id === group.id) ? undefined : [...list, group],
    );
    await this.groups.host.conversations(session, [
      { id: group.id, chatType: 'groupChat', name: group.name, membership: null },
    ]);
  }

  async invite(groupId: string, usernames: string[], reason?: string): Promise<void> {
    const session = this.groups.host.session();
    const users = usernames.map(normalizeUsername);
    await call(() =>
      session.connection.inviteUsersToGroup({
        groupId,
        users,
        ...(reason ? { reason } : {}),
      }),
    );
    await this.groups.reread(groupId);
  }

  async acceptInvitation(groupId: string): Promise<void> {
    const session = this.groups.host.session();
    await call(() => session.connection.acceptGroupInvite({ groupId }), {
      notFound: Messages.noInvitation,
      forbidden: Messages.noInvitation,
    });
    await this.groups.dropInvitation(session, groupId);
    await this.groups.groupsAgain();
  }

  async declineInvitation(groupId: string, reason?: string): Promise<void> {
    const session = this.groups.host.session();
    await call(
      () => session.connection.rejectGroupInvite({ groupId, ...(reason ? { reason } : {}) }),
      { notFound: Messages.noInvitation, forbidden: Messages.noInvitation },
    );
    await this.groups.dropInvitation(session, groupId);
  }

  async listPublic(cursor?: string): Promise<{ groups: PublicGroup[]; cursor?: string }> {
    const session = this.groups.host.session();
    const page = await call(() =>
      session.connection.getPublicGroups({ limit: PUBLIC_PAGE, ...(cursor ? { cursor } : {}) }),
    );
    const groups = (page.data ?? []).map((entry) => ({
      id: entry.groupid,
      name: entry.groupname,
      owner: entry.owner,
      memberCount: entry.affiliations_count,
    }));
    return page.cursor ? { groups, cursor: page.cursor } : { groups };
  }

  async join(groupId: string, message?: string): Promise<'joined' | 'requested'> {
    const session = this.groups.host.session();
    const answer = await call(() =>
      session.connection.joinGroup({ groupId, ...(message ? { message } : {}) }),
    );
    const result = answer.data?.result === 'joined' ? 'joined' : 'requested';
    if (result === 'joined') await this.groups.groupsAgain();
    return result;
  }

  async answerRequest(groupId: string, applicant: string, accept: boolean, reason?: string) {
    const session = this.groups.host.session();
    const username = normalizeUsername(applicant);
    await call(() =>
      accept
        ? session.connection.acceptGroupJoinRequest({ groupId, applicant: username })
        : session.connection.rejectGroupJoinRequest({
            groupId,
            applicant: username,
            ...(reason ? { reason } : {}),
          }),
    );
    await this.groups.host.update(session, 'joinRequests', (list) =>
      without(list, (r) => r.groupId === groupId && r.username === username),
    );
    if (accept) await this.groups.reread(groupId);
  }

  async leave(groupId: string): Promise<void> {
    const session = this.groups.host.session();
    const group = (await this.groups.stored(session, groupId)) ?? undefined;
    await call(() => session.connection.leaveGroup({ groupId }), {
      ...(group?.role === 'owner' ? { forbidden: Messages.ownerCannotLeave } : {}),
    });
    await this.groups.gone(session, groupId, group?.name ?? groupId, 'left');
  }

  async disband(groupId: string): Promise<void> {
    const session = this.groups.host.session();
    const group = await this.groups.stored(session, groupId);
    await call(() => session.connection.destroyGroup({ groupId }));
    await this.groups.gone(session, groupId, group?.name ?? groupId, 'disbanded');
  }

  /** Kick, mute, unmute, admin or owner changes: a call, then the group and members read again. */
  async manage(
    groupId: string,
    username: string,
    action: keyof typeof MANAGE,
    muteDuration = -1,
  ): Promise<void> {
    const session = this.groups.host.session();
    const target = normalizeUsername(username);
    // Each method reads the fields it needs (the owner change `newOwner`, a mute its duration).
    const options = { groupId, username: target, newOwner: target, muteDuration };
    await call(() => session.connection[MANAGE[action]](options));
    await this.groups.reread(groupId);
  }

  async update(groupId: string, changes: { name?: string; description?: string }): Promise<void> {
    const session = this.groups.host.session();
    const name = changes.name?.trim();
    if (changes.name !== undefined && !name)
      throw chatError(Codes.messageParameterError, Messages.groupNameMissing);
    const answer = await call(() =>
      session.connection.modifyGroup({
        groupId,
        ...(name ? { groupName: name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
      }),
    );
    const info = answer.data?.[0];
    await this.groups.patch(session, groupId, (group) => ({
      ...group,
      name: info?.name ?? name ?? group.name,
      description: info?.description ?? changes.description ?? group.description,
    }));
    if (name)
      await this.groups.host.conversations(session, [
        { id: groupId, chatType: 'groupChat', name, membership: null },
      ]);
  }
}
