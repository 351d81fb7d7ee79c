/**
 * Group member attributes (issue 14, the 4.x SDK's `setGroupMemberAttributes`,
 * `getGroupMemberAttributes`, `getGroupMembersAttributes`): short key-value strings per member.
 * Members read anyone's in their group; a member sets their own, the owner and the admins anyone's.
 * Each change is a `memberAttributesUpdate` group event to every member (frames.ts). The limits
 * are Agora's ({@link MemberAttributeLimits.keyMaxBytes} and the others).
 */
import { MemberAttributeLimits } from '../../src/protocol/rest.js';
import type { Attributes } from '../storage/member-attribute-storage.js';
import { pick } from '../storage/member-attribute-storage.js';
import type { AppRecord, Storage } from '../storage/storage.js';
import { forbidden, invalid, notFound } from './errors.js';
import { type GroupAccess, type GroupResult, isAdmin, managers } from './group-access.js';

const bytes = (text: string) => Buffer.byteLength(text);

export class GroupMemberAttributes {
  readonly #storage: Storage;
  readonly #access: GroupAccess;

  constructor(storage: Storage, access: GroupAccess) {
    this.#storage = storage;
    this.#access = access;
  }

  /** The attributes of `users` (at most {@link MemberAttributeLimits.readMaxUsers}), only `keys`. */
  async get(
    app: AppRecord,
    user: string,
    gid: string,
    users: string[],
    keys: string[] = [],
  ): Promise<Record<string, Attributes>> {
    if (users.length < 1 || users.length > MemberAttributeLimits.readMaxUsers)
      throw invalid(
        `name 1 to ${MemberAttributeLimits.readMaxUsers} members (MemberAttributeLimits.readMaxUsers)`,
      );
    const group = await this.#access.group(app, gid);
    await this.#access.member(app, group, user);
    const found = await this.#storage.memberAttributes.get(app.key, gid, users);
    return Object.fromEntries(
      Object.entries(found).map(([name, attributes]) => [name, pick(attributes, keys)]),
    );
  }

  /** One member's attributes; 404 when `target` is not a member. */
  async ofMember(app: AppRecord, user: string, gid: string, target: string): Promise<Attributes> {
    const found = (await this.get(app, user, gid, [target]))[target];
    if (!found) throw notFound(`${target} is not a member of group ${gid}`);
    return found;
  }

  /**
   * Sets `set` (`''` removes a key) for `target`: their own, or the owner's or an admin's doing.
   * Resolves with all of the target's attributes after the change.
   */
  async set(
    app: AppRecord,
    user: string,
    gid: string,
    target: string,
    set: Attributes,
  ): Promise<GroupResult<Attributes>> {
    const entries = Object.entries(set);
    if (!entries.length) throw invalid('metaData must name at least one attribute');
    for (const [key, value] of entries) {
      if (!key || bytes(key) > MemberAttributeLimits.keyMaxBytes)
        throw invalid(
          `an attribute's key must be 1 to ${MemberAttributeLimits.keyMaxBytes} bytes (MemberAttributeLimits.keyMaxBytes)`,
        );
      if (bytes(value) > MemberAttributeLimits.valueMaxBytes)
        throw invalid(
          `an attribute's value must be at most ${MemberAttributeLimits.valueMaxBytes} bytes (MemberAttributeLimits.valueMaxBytes)`,
        );
    }
    const group = await this.#access.group(app, gid);
    const actor = await this.#access.member(app, group, user);
    if (target !== user && !isAdmin(actor))
      throw forbidden("only the owner and the admins may set another member's attributes");
    const event = this.#access.draft('memberAttributesUpdate', user, Date.now(), {
      userId: target,
    });
    event.attributes = set;
    const result = await this.#storage.memberAttributes.set(
      app.key,
      gid,
      target,
      set,
      event,
      managers,
    );
    switch (result.outcome) {
      case 'done':
        break;
      case 'no-group':
        throw notFound(`group ${gid} not found`);
      case 'not-member':
        throw notFound(`${target} is not a member of group ${gid}`);
      case 'role-changed':
        throw forbidden(
          `group ${gid} changed meanwhile: ${result.username} is no longer the owner or an admin`,
        );
      case 'too-many':
        throw invalid(
          `a member may have at most ${MemberAttributeLimits.maxKeys} attributes of ${MemberAttributeLimits.maxBytes} bytes in all (MemberAttributeLimits.maxKeys, maxBytes)`,
        );
    }
    const value = (await this.#storage.memberAttributes.get(app.key, gid, [target]))[target] ?? {};
    return { value, deliveries: result.deliveries };
  }
}
