/**
 * Joining and leaving a group: invitations and their answers, applications to a public group and
 * theirs, quitting, and removing a member. Each change returns the events it stored.
 */
import { Limits } from '../../src/protocol/rest.js';
import type { RoleCheck } from '../storage/group-storage.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { DomainError, Failures, invalid, forbidden, notFound } from './errors.js';
import {
  anyRole,
  checkReason,
  isAdmin,
  managers,
  notOwner,
  targetRoles,
  type GroupAccess,
  type GroupResult,
} from './group-access.js';
import type { RateLimiter } from './rate-limiter.js';
import { checkUsername, type Users } from './users.js';

export class GroupMembership {
  readonly #storage: Storage;
  readonly #access: GroupAccess;
  readonly #users: Users;
  readonly #invitations: RateLimiter;
  readonly #invitationKey: (appKey: string, username: string) => string;

  constructor(
    storage: Storage,
    access: GroupAccess,
    users: Users,
    invitations: RateLimiter,
    invitationKey: (appKey: string, username: string) => string,
  ) {
    this.#storage = storage;
    this.#access = access;
    this.#users = users;
    this.#invitations = invitations;
    this.#invitationKey = invitationKey;
  }

  async invite(
    app: AppRecord,
    user: string,
    gid: string,
    usernames: string[],
    reason: string | undefined,
  ): Promise<GroupResult> {
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
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
    await this.checkInvitees(app, user, invitees);
    await this.takeInvitations(app, user, invitees.length);
    const time = Date.now();
    if (group.inviteNeedConfirm) {
      const deliveries = await this.#access.change(
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
          event: this.#access.draft('inviteToJoin', user, time, { userId: name, reason: message }),
          to: { users: [name] },
        })),
        inviter,
      );
      return { value: undefined, deliveries };
    }
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'add-members', usernames: invitees },
      [
        ...invitees.map((name) => ({
          event: this.#access.draft('directJoined', user, time, { userId: name, reason: message }),
          to: { users: [name] },
        })),
        ...invitees.map((name) => ({
          event: this.#access.draft('memberPresence', user, time, { userId: name }),
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
    await this.#access.group(app, gid);
    // Not re-checked inside the change: two answers racing both pass this check. Accepting twice
    // adds the member once (add-members skips members) but stores `acceptInvite` twice; an accept
    // racing a decline may add a member whose inviter was told no. Harmless enough to leave.
    const invitation = await this.#storage.groups.getInvitation(app.key, gid, user);
    if (!invitation) throw notFound(`you have no invitation to group ${gid}`);
    const message = checkReason(reason, 'reason');
    const time = Date.now();
    const deliveries = accept
      ? await this.#access.change(app, gid, { kind: 'add-members', usernames: [user] }, [
          {
            event: this.#access.draft('acceptInvite', user, time, { userId: invitation.by }),
            to: { members: true },
          },
        ])
      : await this.#access.change(app, gid, { kind: 'drop-invitation', username: user }, [
          {
            event: this.#access.draft('rejectInvite', user, time, {
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
    const group = await this.#access.group(app, gid);
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
      const deliveries = await this.#access.change(
        app,
        gid,
        { kind: 'add-members', usernames: [user] },
        [
          {
            event: this.#access.draft('memberPresence', user, time, { userId: user }),
            to: { members: true },
          },
        ],
      );
      return { value: 'joined', deliveries };
    }
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'apply', application: { gid, username: user, by: user, reason: message, time } },
      [
        {
          event: this.#access.draft('requestToJoin', user, time, { reason: message }),
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (!isAdmin(actor)) throw forbidden('only the owner and the admins may answer applications');
    // The pending application is not re-checked inside the change (the actor's role is): two
    // admins answering at once may both store their answer event; the member is added once.
    if (!(await this.#storage.groups.getApplication(app.key, gid, applicant))) {
      throw notFound(`${applicant} has not applied to group ${gid}`);
    }
    const message = checkReason(reason, 'reason');
    const time = Date.now();
    const deliveries = accept
      ? await this.#access.change(
          app,
          gid,
          { kind: 'add-members', usernames: [applicant] },
          [
            {
              event: this.#access.draft('acceptRequest', user, time, { userId: applicant }),
              to: { members: true, users: [user] },
            },
          ],
          [{ username: user, roles: managers }],
        )
      : await this.#access.change(
          app,
          gid,
          { kind: 'drop-application', username: applicant },
          [
            {
              event: this.#access.draft('joinPublicGroupDeclined', user, time, {
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
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (actor.role === 'owner') {
      throw forbidden('the owner cannot quit: hand the group over (newowner) or disband it');
    }
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'remove-member', username: user },
      [
        {
          event: this.#access.draft('memberAbsence', user, Date.now(), { userId: user }),
          to: { members: true, users: [user] },
        },
      ],
      [{ username: user, roles: notOwner }],
    );
    return { value: undefined, deliveries };
  }

  async kick(app: AppRecord, user: string, gid: string, target: string): Promise<GroupResult> {
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    const member = await this.#access.target(app, gid, actor, target, 'remove');
    const deliveries = await this.#access.change(
      app,
      gid,
      { kind: 'remove-member', username: member.username },
      [
        {
          event: this.#access.draft('removeMember', user, Date.now(), { userId: target }),
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

  /** Each invitee exists and has not blocked the inviter. */
  async checkInvitees(app: AppRecord, inviter: string, invitees: string[]): Promise<void> {
    for (const name of invitees) {
      checkUsername(name);
      if (!(await this.#users.find(app, name))) throw notFound(`no user ${name} in this app`);
      if (await this.#storage.isBlocked(app.key, name, inviter)) {
        throw forbidden(`${name} does not accept invitations from you`);
      }
    }
  }

  /** One invitation per invitee against the inviter's per-minute allowance (invitationsPerMinute). */
  async takeInvitations(app: AppRecord, inviter: string, count: number): Promise<void> {
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
}
