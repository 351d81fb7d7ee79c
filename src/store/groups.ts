/**
 * Groups I am in, their members, invitations to me and applications to groups I run. The joined
 * groups are read from the server on every connect and again (coalesced) after group events, since
 * the server's list carries what events only hint at (counts, admins, my role and mute); what
 * happens to me (removed, disbanded, made admin, muted) is applied from the event itself, so it
 * shows, and is said once, even before that read. Invitations and applications exist only as
 * events (replayed from the inbox when I was offline) and are kept in IndexedDB. What I do to
 * groups is `group-actions.ts`, and what a group event changes `group-events.ts`: chunks loaded on
 * first use.
 */
import { type Observable, defer, map } from 'rxjs';
import type { JoinedGroup } from '../protocol/index.js';
import { readList } from './lists-repo.js';
import {
  type SocialHost,
  type SocialSession,
  byName,
  coalesced,
  freshRead,
  lazyEvents,
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

export class Groups {
  readonly groups$: Observable<Group[]>;
  readonly invitations$: Observable<GroupInvitation[]>;
  readonly joinRequests$: Observable<JoinRequest[]>;
  readonly host: SocialHost;
  /** Groups whose members were read this session (events then keep them current). */
  private readonly membersRead = new Set<string>();
  private readonly membersAgain = new Map<string, () => Promise<void>>();
  readonly groupsAgain: () => Promise<void>;
  /**
   * A token per group of the last time I was out of it (`gone`): a read of the groups begun before
   * must not clear the mark that put on its conversation (see `readGroups`).
   */
  private readonly left = new Map<string, object>();

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
    const began = new Map(this.left);
    const groups = await freshRead(
      this.host,
      session,
      'groups',
      async () =>
        ((await session.connection.getJoinedGroups()).entities ?? []).map((entry) =>
          toGroup(entry, session.username),
        ),
      replaced,
    );
    if (!groups) return;
    // The list was written only if no event changed it meanwhile, but an event may come between
    // that write and this one: a group I was removed from since this read began keeps its mark
    // (the answer is older than the removal; the event's own read follows).
    const still = groups.filter(({ id }) => this.left.get(id) === began.get(id));
    await this.host.conversations(
      session,
      still.map(({ id, name }) => ({ id, chatType: 'groupChat', name, membership: null })),
    );
  }

  private readMembers(groupId: string): Promise<void> {
    let read = this.membersAgain.get(groupId);
    if (!read) {
      read = coalesced(async () => {
        const session = this.host.session();
        const read = async () =>
          ((await session.connection.getGroupMembers({ groupId })).entities ?? []).map((entry) => {
            const member: GroupMember = { username: entry.username, role: entry.role };
            if (entry.nickname) member.nickname = entry.nickname;
            if (typeof entry.muteUntil === 'number') member.mutedUntil = entry.muteUntil;
            return member;
          });
        if (await freshRead(this.host, session, `members:${groupId}`, read, replaced))
          this.membersRead.add(groupId);
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

  /** Applies one `onGroupEvent` (`group-events.ts`, a chunk loaded with the first one). */
  readonly handle = lazyEvents(this, () => import('./group-events.js'), 'groupEvent');

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
    this.left.set(gid, {});
    // The conversation says why first: a window that sees the group gone before it knows why
    // would say "no longer a member" for a moment.
    const changed = await host.conversations(session, [
      { id: gid, chatType: 'groupChat', name, membership },
    ]);
    await host.update(session, 'groups', (list) => without(list, (g) => g.id === gid));
    await host.update(session, `members:${gid}`, (list) => (list.length ? [] : undefined));
    await host.update(session, `bans:${gid}`, (list) => (list.length ? [] : undefined));
    await host.update(session, `nickNames:${gid}`, (list) => (list.length ? [] : undefined));
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
