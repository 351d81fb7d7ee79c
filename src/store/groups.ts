/**
 * Groups I am in, their members, invitations to me and applications to groups I run. The joined
 * groups are read from the server on every connect and again (coalesced) after group events, since
 * the server's list carries what events only hint at (counts, admins, my role and mute); what
 * happens to me (removed, disbanded, made admin, muted) is applied from the event itself, so it
 * shows, and is said once, even before that read. Invitations and applications exist only as
 * events (replayed from the inbox when I was offline) and are kept in IndexedDB.
 */
import { notice, type NoticeKey } from './notices.js';
import { type Observable, defer, map } from 'rxjs';
import {
  type CreateGroupRequest,
  type GroupOperation,
  GroupOperations,
  type JoinedGroup,
  Limits,
} from '../protocol/index.js';
import type { SocialApi } from './connection-events.js';
import { readList } from './lists-repo.js';
import { moderated } from './moderation.js';
import { Codes, Messages, type RefusalWords, chatError } from './errors.js';
import { isRecord, normalizeUsername, num, str } from './messages.js';
import {
  type SocialHost,
  type SocialSession,
  attempt,
  byName,
  coalesced,
  newestFirst,
  replaced,
  upsert,
  without,
} from './social.js';
import type {
  Conversation,
  CreateGroupInput,
  Group,
  GroupInvitation,
  GroupMember,
  JoinRequest,
  PublicGroup,
} from './types.js';

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

/** A group as the server lists it, in the store's shape. */
function toGroup(entry: JoinedGroup, me: string): Group {
  const group: Group = {
    id: entry.id,
    name: entry.name,
    description: entry.description ?? '',
    owner: entry.owner,
    admins: entry.admins ?? [],
    memberCount: entry.affiliations_count,
    maxMembers: entry.maxusers,
    public: entry.public,
    approval: entry.approval,
    allowInvites: entry.allowinvites,
    role:
      entry.role ??
      (entry.owner === me ? 'owner' : entry.admins?.includes(me) ? 'admin' : 'member'),
    announcement: entry.announcement ?? '',
    allMuted: entry.mute === true,
  };
  if (typeof entry.muteUntil === 'number') group.mutedUntil = entry.muteUntil;
  return group;
}

/** What a group event says, checked. */
interface GroupChange {
  operation: GroupOperation;
  gid: string;
  name: string;
  from: string;
  /** The member it is about: `userId`, else the actor. */
  who: string;
  reason: string;
  muteUntil?: number;
  /** `updateAnnouncement`: the new one. */
  announcement: string;
  /** `removeMember`: banned too. */
  blocked: boolean;
  time: number;
}

function groupChange(payload: unknown): GroupChange | undefined {
  if (!isRecord(payload)) return undefined;
  const operation = str(payload.operation) as GroupOperation;
  const gid = str(payload.id) ?? str(payload.gid);
  const from = str(payload.from);
  if (!GroupOperations.includes(operation) || !gid || !from) return undefined;
  const change: GroupChange = {
    operation,
    gid,
    name: str(payload.name) ?? gid,
    from,
    who: str(payload.userId) || from,
    reason: str(payload.reason) ?? '',
    announcement: str(payload.announcement) ?? '',
    blocked: payload.blocked === true,
    time: num(payload.time) ?? Date.now(),
  };
  const muteUntil = num(payload.muteUntil);
  if (muteUntil !== undefined) change.muteUntil = muteUntil;
  return change;
}

export class Groups {
  readonly groups$: Observable<Group[]>;
  readonly invitations$: Observable<GroupInvitation[]>;
  readonly joinRequests$: Observable<JoinRequest[]>;
  private readonly host: SocialHost;
  /** Groups whose members were read this session (events then keep them current). */
  private readonly membersRead = new Set<string>();
  private readonly membersAgain = new Map<string, () => Promise<void>>();
  private readonly groupsAgain: () => Promise<void>;

  constructor(host: SocialHost) {
    this.host = host;
    this.groups$ = host.list$('groups').pipe(map((list) => [...list].sort(byName)));
    this.invitations$ = host.list$('invitations').pipe(map(newestFirst));
    this.joinRequests$ = host.list$('joinRequests').pipe(map(newestFirst));
    this.groupsAgain = coalesced(async () => {
      // Best effort: the next connect reads them again anyway.
      await Promise.resolve()
        .then(() => this.readGroups(host.session()))
        .catch(() => undefined);
    });
  }

  members$(groupId: string): Observable<GroupMember[]> {
    return defer(() => {
      if (!this.membersRead.has(groupId)) void this.readMembers(groupId).catch(() => undefined);
      return this.host.list$(`members:${groupId}`);
    });
  }

  /** Reads the joined groups (and the members asked for) from the server again. */
  async refresh(session: SocialSession): Promise<void> {
    const asked = [...this.membersRead];
    this.membersRead.clear();
    await Promise.allSettled([
      this.readGroups(session),
      ...asked.map((id) => this.readMembers(id)),
    ]);
  }

  private async readGroups(session: SocialSession): Promise<void> {
    const { entities } = await session.connection.getJoinedGroups();
    if (!this.host.current(session)) return;
    const groups = (entities ?? []).map((entry) => toGroup(entry, session.username));
    await this.host.update(session, 'groups', (list) => replaced(list, groups));
    await this.host.conversations(
      session,
      groups.map(({ id, name }) => ({ id, chatType: 'groupChat', name, membership: null })),
    );
  }

  private readMembers(groupId: string): Promise<void> {
    let read = this.membersAgain.get(groupId);
    if (!read) {
      read = coalesced(async () => {
        const session = this.host.session();
        const { entities } = await session.connection.getGroupMembers({ groupId });
        if (!this.host.current(session)) return;
        this.membersRead.add(groupId);
        const members: GroupMember[] = (entities ?? []).map((entry) => {
          const member: GroupMember = { username: entry.username, role: entry.role };
          if (entry.nickname) member.nickname = entry.nickname;
          if (typeof entry.muteUntil === 'number') member.mutedUntil = entry.muteUntil;
          return member;
        });
        await this.host.update(session, `members:${groupId}`, (list) => replaced(list, members));
      });
      this.membersAgain.set(groupId, read);
    }
    return read();
  }

  /** Reads what changed in a group after an event or an action (coalesced, in the background). */
  private reread(groupId: string): Promise<void> {
    const members = this.membersRead.has(groupId)
      ? this.readMembers(groupId).catch(() => undefined)
      : undefined;
    return Promise.all([this.groupsAgain(), members]).then(() => undefined);
  }

  /** Applies one `onGroupEvent`. */
  async handle(session: SocialSession, payload: unknown): Promise<void> {
    const change = groupChange(payload);
    if (!change) return;
    const me = session.username;
    const { operation, gid, name, from, who, muteUntil } = change;
    const { host } = this;
    // What the event says to me, when it is about me and someone else did it.
    let said: NoticeKey | undefined;
    let until: number | undefined;
    switch (operation) {
      case 'inviteToJoin':
        if (who === me && from !== me)
          await host.update(session, 'invitations', (list) =>
            upsert(
              list,
              { groupId: gid, groupName: name, from, reason: change.reason, time: change.time },
              (i) => i.groupId === gid,
            ),
          );
        return;
      case 'requestToJoin':
        if (from !== me)
          await host.update(session, 'joinRequests', (list) =>
            upsert(
              list,
              {
                groupId: gid,
                groupName: name,
                username: from,
                reason: change.reason,
                time: change.time,
              },
              (r) => r.groupId === gid && r.username === from,
            ),
          );
        return;
      case 'acceptInvite':
      case 'rejectInvite':
        if (from === me) await this.dropInvitation(session, gid);
        else if (operation === 'rejectInvite') said = 'invitationDeclined';
        break;
      case 'acceptRequest':
      case 'joinPublicGroupDeclined':
        await host.update(session, 'joinRequests', (list) =>
          without(list, (r) => r.groupId === gid && r.username === who),
        );
        if (who === me)
          said = operation === 'acceptRequest' ? 'requestAccepted' : 'requestDeclined';
        break;
      case 'updateAnnouncement':
      case 'muteAllMembers':
      case 'unmuteAllMembers':
        await moderated(
          host,
          session,
          'groupChat',
          gid,
          operation === 'updateAnnouncement'
            ? { announcement: change.announcement }
            : { allMuted: operation === 'muteAllMembers' },
        );
        break;
      case 'unblockMember':
        await moderated(host, session, 'groupChat', gid, {}, { username: who, banned: false });
        break;
      case 'memberAbsence':
      case 'removeMember':
      case 'destroy':
        if (change.blocked)
          await moderated(host, session, 'groupChat', gid, {}, { username: who, banned: true });
        if (operation !== 'destroy' && who !== me) break;
        await this.gone(
          session,
          gid,
          name,
          ({ memberAbsence: 'left', removeMember: 'removed', destroy: 'disbanded' } as const)[
            operation
          ],
        );
        said =
          operation === 'destroy'
            ? 'groupDisbanded'
            : operation === 'removeMember'
              ? 'groupRemoved'
              : undefined;
        break;
      case 'setAdmin':
      case 'removeAdmin':
      case 'changeOwner': {
        if (who !== me) break;
        const role = ({ setAdmin: 'admin', removeAdmin: 'member', changeOwner: 'owner' } as const)[
          operation
        ];
        await this.patch(session, gid, (group) => ({ ...group, role }));
        said = role === 'member' ? 'adminRemoved' : role === 'owner' ? 'madeOwner' : 'madeAdmin';
        break;
      }
      case 'muteMember':
      case 'unmuteMember': {
        if (who !== me) break;
        const muted = operation === 'muteMember';
        await this.patch(session, gid, (group) => {
          const next = { ...group };
          if (muted) next.mutedUntil = muteUntil ?? -1;
          else delete next.mutedUntil;
          return next;
        });
        if (muted && muteUntil && muteUntil > 0) until = muteUntil;
        said = !muted ? 'unmuted' : until ? 'mutedUntil' : 'muted';
        break;
      }
      default:
        break;
    }
    if (said && from !== me)
      await host.notice(
        session,
        notice('group', said, { from, group: name, ...(until ? { until } : {}) }, gid),
        `group|${operation}|${gid}|${from}|${who}|${change.time}`,
      );
    if (operation !== 'destroy') void this.reread(gid);
  }

  /** Changes my stored copy of a group; false when it is not stored or did not change. */
  private patch(session: SocialSession, gid: string, change: (group: Group) => Group) {
    return this.host.update(session, 'groups', (list) => {
      const group = list.find((g) => g.id === gid);
      return group && upsert(list, change(group), (g) => g.id === gid);
    });
  }

  private dropInvitation(session: SocialSession, gid: string) {
    return this.host.update(session, 'invitations', (list) =>
      without(list, (i) => i.groupId === gid),
    );
  }

  /**
   * I am out of a group (left, removed, or it was disbanded): it leaves the list with its members,
   * its conversation stays, marked. True when the conversation was not marked so already.
   */
  private async gone(
    session: SocialSession,
    gid: string,
    name: string,
    membership: NonNullable<Conversation['membership']>,
  ): Promise<boolean> {
    const { host } = this;
    // The conversation says why first: a window that sees the group gone before it knows why
    // would say "no longer a member" for a moment.
    const changed = await host.conversations(session, [
      { id: gid, chatType: 'groupChat', name, membership },
    ]);
    await host.update(session, 'groups', (list) => without(list, (g) => g.id === gid));
    await host.update(session, `members:${gid}`, (list) => (list.length ? [] : undefined));
    await host.update(session, `bans:${gid}`, (list) => (list.length ? [] : undefined));
    this.membersRead.delete(gid);
    if (membership === 'disbanded') {
      await this.dropInvitation(session, gid);
      await host.update(session, 'joinRequests', (list) => without(list, (r) => r.groupId === gid));
    }
    return changed;
  }

  // ---------------------------------------------------------------------------------------------
  // Actions
  // ---------------------------------------------------------------------------------------------

  async create(input: CreateGroupInput): Promise<Group> {
    const session = this.host.session();
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
    const answer = await this.call(() => session.connection.createGroup({ data }));
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
    void this.reread(group.id);
    return group;
  }

  private async joined(session: SocialSession, group: Group): Promise<void> {
    await this.host.update(session, 'groups', (list) =>
      list.some((g) => g.id === group.id) ? undefined : [...list, group],
    );
    await this.host.conversations(session, [
      { id: group.id, chatType: 'groupChat', name: group.name, membership: null },
    ]);
  }

  async invite(groupId: string, usernames: string[], reason?: string): Promise<void> {
    const session = this.host.session();
    const users = usernames.map(normalizeUsername);
    await this.call(() =>
      session.connection.inviteUsersToGroup({
        groupId,
        users,
        ...(reason ? { reason } : {}),
      }),
    );
    await this.reread(groupId);
  }

  async acceptInvitation(groupId: string): Promise<void> {
    const session = this.host.session();
    await this.call(() => session.connection.acceptGroupInvite({ groupId }), {
      notFound: Messages.noInvitation,
      forbidden: Messages.noInvitation,
    });
    await this.dropInvitation(session, groupId);
    await this.groupsAgain();
  }

  async declineInvitation(groupId: string, reason?: string): Promise<void> {
    const session = this.host.session();
    await this.call(
      () => session.connection.rejectGroupInvite({ groupId, ...(reason ? { reason } : {}) }),
      { notFound: Messages.noInvitation, forbidden: Messages.noInvitation },
    );
    await this.dropInvitation(session, groupId);
  }

  async listPublic(cursor?: string): Promise<{ groups: PublicGroup[]; cursor?: string }> {
    const session = this.host.session();
    const page = await this.call(() =>
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
    const session = this.host.session();
    const answer = await this.call(() =>
      session.connection.joinGroup({ groupId, ...(message ? { message } : {}) }),
    );
    const result = answer.data?.result === 'joined' ? 'joined' : 'requested';
    if (result === 'joined') await this.groupsAgain();
    return result;
  }

  async answerRequest(groupId: string, applicant: string, accept: boolean, reason?: string) {
    const session = this.host.session();
    const username = normalizeUsername(applicant);
    await this.call(() =>
      accept
        ? session.connection.acceptGroupJoinRequest({ groupId, applicant: username })
        : session.connection.rejectGroupJoinRequest({
            groupId,
            applicant: username,
            ...(reason ? { reason } : {}),
          }),
    );
    await this.host.update(session, 'joinRequests', (list) =>
      without(list, (r) => r.groupId === groupId && r.username === username),
    );
    if (accept) await this.reread(groupId);
  }

  async leave(groupId: string): Promise<void> {
    const session = this.host.session();
    const group = (await this.stored(session, groupId)) ?? undefined;
    await this.call(() => session.connection.leaveGroup({ groupId }), {
      ...(group?.role === 'owner' ? { forbidden: Messages.ownerCannotLeave } : {}),
    });
    await this.gone(session, groupId, group?.name ?? groupId, 'left');
  }

  async disband(groupId: string): Promise<void> {
    const session = this.host.session();
    const group = await this.stored(session, groupId);
    await this.call(() => session.connection.destroyGroup({ groupId }));
    await this.gone(session, groupId, group?.name ?? groupId, 'disbanded');
  }

  /** Kick, mute, unmute, admin or owner changes: a call, then the group and members read again. */
  async manage(
    groupId: string,
    username: string,
    action: keyof typeof MANAGE,
    muteDuration = -1,
  ): Promise<void> {
    const session = this.host.session();
    const target = normalizeUsername(username);
    // Each method reads the fields it needs (the owner change `newOwner`, a mute its duration).
    const options = { groupId, username: target, newOwner: target, muteDuration };
    await this.call(() => session.connection[MANAGE[action]](options));
    await this.reread(groupId);
  }

  async update(groupId: string, changes: { name?: string; description?: string }): Promise<void> {
    const session = this.host.session();
    const name = changes.name?.trim();
    if (changes.name !== undefined && !name)
      throw chatError(Codes.messageParameterError, Messages.groupNameMissing);
    const answer = await this.call(() =>
      session.connection.modifyGroup({
        groupId,
        ...(name ? { groupName: name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
      }),
    );
    const info = answer.data?.[0];
    await this.patch(session, groupId, (group) => ({
      ...group,
      name: info?.name ?? name ?? group.name,
      description: info?.description ?? changes.description ?? group.description,
    }));
    if (name)
      await this.host.conversations(session, [
        { id: groupId, chatType: 'groupChat', name, membership: null },
      ]);
  }

  /** My stored copy of a group: `undefined` when I am not in it (as far as this device knows). */
  async stored(session: SocialSession, groupId: string): Promise<Group | undefined> {
    return (await readList(session.db, 'groups')).find((g) => g.id === groupId);
  }

  private call<T>(action: () => Promise<T>, words?: RefusalWords): Promise<T> {
    return attempt('group', action, words);
  }
}
