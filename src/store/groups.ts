/**
 * Groups I am in, their members, invitations to me and applications to groups I run. The joined
 * groups are read from the server on every connect and again (coalesced) after group events, since
 * the server's list carries what events only hint at (counts, admins, my role and mute); what
 * happens to me (removed, disbanded, made admin, muted) is applied from the event itself, so it
 * shows, and is said once, even before that read. Invitations and applications exist only as
 * events (replayed from the inbox when I was offline) and are kept in IndexedDB. What I do to
 * groups is `group-actions.ts`, a chunk loaded on first use.
 */
import { notice, type NoticeKey } from './notices.js';
import { type Observable, defer, map } from 'rxjs';
import { type GroupOperation, GroupOperations, type JoinedGroup } from '../protocol/index.js';
import { readList } from './lists-repo.js';
import { moderated } from './moderation.js';
import { isRecord, num, str } from './messages.js';
import {
  type SocialHost,
  type SocialSession,
  byName,
  coalesced,
  newestFirst,
  replaced,
  upsert,
  without,
} from './social.js';
import type { Conversation, Group, GroupInvitation, GroupMember, JoinRequest } from './types.js';

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
  readonly host: SocialHost;
  /** Groups whose members were read this session (events then keep them current). */
  private readonly membersRead = new Set<string>();
  private readonly membersAgain = new Map<string, () => Promise<void>>();
  readonly groupsAgain: () => Promise<void>;

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
  reread(groupId: string): Promise<void> {
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
  patch(session: SocialSession, gid: string, change: (group: Group) => Group) {
    return this.host.update(session, 'groups', (list) => {
      const group = list.find((g) => g.id === gid);
      return group && upsert(list, change(group), (g) => g.id === gid);
    });
  }

  dropInvitation(session: SocialSession, gid: string) {
    return this.host.update(session, 'invitations', (list) =>
      without(list, (i) => i.groupId === gid),
    );
  }

  /**
   * I am out of a group (left, removed, or it was disbanded): it leaves the list with its members,
   * its conversation stays, marked. True when the conversation was not marked so already.
   */
  async gone(
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

  /** My stored copy of a group: `undefined` when I am not in it (as far as this device knows). */
  async stored(session: SocialSession, groupId: string): Promise<Group | undefined> {
    return (await readList(session.db, 'groups')).find((g) => g.id === groupId);
  }
}
