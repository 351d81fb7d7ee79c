/**
 * A group's moderation, as rooms have it too (the ModerationOps of server/http/moderation-routes.ts):
 * admins, muting members and everyone, the announcement, and bans. Each change returns the events
 * it stored.
 */
import { Limits } from '../../src/protocol/rest.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { invalid, forbidden, notFound } from './errors.js';
import {
  anyRole,
  chars,
  isAdmin,
  isMuted,
  managers,
  targetRoles,
  type GroupAccess,
  type GroupResult,
} from './group-access.js';
import { checkUsername, type Users } from './users.js';

export class GroupModeration {
  readonly #storage: Storage;
  readonly #access: GroupAccess;
  readonly #users: Users;

  constructor(storage: Storage, access: GroupAccess, users: Users) {
    this.#storage = storage;
    this.#access = access;
    this.#users = users;
  }

  async admins(app: AppRecord, user: string, gid: string): Promise<string[]> {
    const group = await this.#access.group(app, gid);
    await this.#access.member(app, group, user);
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (actor.role !== 'owner') throw forbidden('only the owner may add or remove admins');
    const member = await this.#storage.groups.getMember(app.key, gid, target);
    if (!member) throw notFound(`${target} is not a member of group ${gid}`);
    if (admin && member.role !== 'member')
      throw invalid(`${target} is an admin or the owner already`);
    if (!admin && member.role !== 'admin') throw invalid(`${target} is not an admin`);
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'set-role', username: target, role: admin ? 'admin' : 'member' },
      [
        {
          event: this.#access.draft(admin ? 'setAdmin' : 'removeAdmin', user, Date.now(), {
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (durationMs !== -1 && (!Number.isSafeInteger(durationMs) || durationMs <= 0)) {
      throw invalid('mute_duration must be a positive number of milliseconds, or -1');
    }
    const targets = [...new Set(usernames)];
    if (targets.length === 0) throw invalid('usernames must name at least one member');
    for (const target of targets) await this.#access.target(app, gid, actor, target, 'mute');
    const time = Date.now();
    const until = durationMs === -1 ? -1 : time + durationMs;
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'mute', usernames: targets, until },
      targets.map((target) => ({
        event: this.#access.draft('muteMember', user, time, { userId: target, muteUntil: until }),
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may unmute');
    const member = await this.#storage.groups.getMember(app.key, gid, target);
    if (!member) throw notFound(`${target} is not a member of group ${gid}`);
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'unmute', usernames: [target] },
      [
        {
          event: this.#access.draft('unmuteMember', user, Date.now(), { userId: target }),
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
    const group = await this.#access.group(app, gid);
    await this.#access.member(app, group, user);
    const now = Date.now();
    return (await this.#storage.groups.members(app.key, gid))
      .filter((member) => isMuted(member.muteUntil, now))
      .map((member) => ({ user: member.username, expire: member.muteUntil as number }));
  }

  /** The announcement: for whoever may read the group. */
  async announcement(app: AppRecord, user: string, gid: string): Promise<string> {
    const group = await this.#access.group(app, gid);
    await this.#access.readable(app, group, user);
    return group.announcement;
  }

  /** Sets (or, with `''`, removes) the announcement; owner and admins. */
  async announce(app: AppRecord, user: string, gid: string, text: string): Promise<GroupResult> {
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (!isAdmin(actor))
      throw forbidden('only the owner and the admins may change the announcement');
    if (chars(text) > Limits.announcementMaxChars) {
      throw invalid(
        `announcement must be at most ${Limits.announcementMaxChars} characters (announcementMaxChars)`,
      );
    }
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'announce', text },
      [
        {
          event: this.#access.draft('updateAnnouncement', user, Date.now(), { announcement: text }),
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (!isAdmin(actor)) {
      throw forbidden(`only the owner and the admins may ${muted ? 'mute' : 'unmute'} everyone`);
    }
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'mute-all', muted },
      [
        {
          event: this.#access.draft(
            muted ? 'muteAllMembers' : 'unmuteAllMembers',
            user,
            Date.now(),
          ),
          to: { members: true },
        },
      ],
      [{ username: user, roles: managers }],
    );
    return { value: muted, deliveries };
  }

  /** Who is banned: for the owner and the admins. */
  async bans(app: AppRecord, user: string, gid: string): Promise<string[]> {
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may see who is banned');
    return this.#storage.groups.bans(app.key, gid);
  }

  /**
   * Bans `target`: removed if a member (the owner bans anyone else, admins only members), their
   * invitation or application dropped, and refused as a member until unbanned.
   */
  async ban(app: AppRecord, user: string, gid: string, target: string): Promise<GroupResult> {
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may ban');
    if (target === user) throw invalid('you cannot ban yourself');
    checkUsername(target);
    const member = await this.#storage.groups.getMember(app.key, gid, target);
    if (member) await this.#access.target(app, gid, actor, target, 'ban');
    else if (!(await this.#users.find(app, target)))
      throw notFound(`no user ${target} in this app`);
    if (await this.#storage.groups.isBanned(app.key, gid, target)) {
      throw invalid(`${target} is banned already`);
    }
    const time = Date.now();
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'ban', usernames: [target], by: user, time },
      [
        {
          event: this.#access.draft('removeMember', user, time, { userId: target, blocked: true }),
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may unban');
    if (!(await this.#storage.groups.isBanned(app.key, gid, target))) {
      throw notFound(`${target} is not banned from group ${gid}`);
    }
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'unban', usernames: [target] },
      [
        {
          event: this.#access.draft('unblockMember', user, Date.now(), { userId: target }),
          to: { admins: true, users: [target, user] },
        },
      ],
      [{ username: user, roles: managers }],
    );
    return { value: undefined, deliveries };
  }
}
