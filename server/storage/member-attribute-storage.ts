/**
 * Group member attributes (issue 14, the 4.x SDK's `setGroupMemberAttributes`): a few short
 * key-value strings per member of a group (a nickname in the group, a role name), kept in a column
 * of the member's row, so they go when the member leaves or is removed, and a member who joins
 * again starts without any (as in Agora). The same on both engines: SQLite schema 12 in
 * sqlite-member-attributes.ts, PostgreSQL migration 9 in pg-member-attributes.ts.
 */
import { MemberAttributeLimits } from '../../src/protocol/rest.js';
import type { GroupDelivery, GroupEventDraft, GroupRole } from './group-storage.js';

export type Attributes = Record<string, string>;

/** The column, the same on both engines (`ifNew`: PostgreSQL's guard against adding it twice). */
export const memberAttributesColumn = (ifNew = '') => `
ALTER TABLE group_members ADD COLUMN ${ifNew} attributes TEXT NOT NULL DEFAULT '{}';
`;

export type SetAttributesResult =
  | { outcome: 'done'; deliveries: GroupDelivery[] }
  | { outcome: 'no-group' }
  /** `username` is not a member (any more). */
  | { outcome: 'not-member'; username: string }
  /** The actor (setting another's) is no longer the owner or an admin. */
  | { outcome: 'role-changed'; username: string }
  /** The member's attributes would pass {@link MemberAttributeLimits.maxKeys} or `MaxBytes`. */
  | { outcome: 'too-many' };

export interface MemberAttributeStorage {
  /** The attributes of those of `usernames` who are members of the group (`{}` when none). */
  get(appKey: string, gid: string, usernames: string[]): Promise<Record<string, Attributes>>;
  /**
   * Atomically: merges `set` into the attributes of member `username` (`''` removes a key),
   * unless the result is past the limits, and appends `event` to every member's inbox. When
   * `actor` is not `username`, the actor must still be one of `actorRoles`.
   */
  set(
    appKey: string,
    gid: string,
    username: string,
    set: Attributes,
    event: GroupEventDraft,
    actorRoles: readonly GroupRole[],
  ): Promise<SetAttributesResult>;
}

/** A member's row as both engines read it. */
export interface MemberRow {
  username: string;
  role: GroupRole;
  attributes: string;
}

/**
 * Decides a change from the group's members as read inside its transaction, alike on both
 * engines: a refusal, or member `username`'s attributes with `set` merged in.
 */
export function decideChange(
  members: readonly MemberRow[],
  username: string,
  actor: string,
  set: Attributes,
  actorRoles: readonly GroupRole[],
): { refused: Exclude<SetAttributesResult, { outcome: 'done' }> } | { merged: Attributes } {
  const member = members.find((m) => m.username === username);
  if (!member) return { refused: { outcome: 'not-member', username } };
  if (actor !== username) {
    const row = members.find((m) => m.username === actor);
    if (!row || !actorRoles.includes(row.role))
      return { refused: { outcome: 'role-changed', username: actor } };
  }
  const merged = mergeAttributes(parseAttributes(member.attributes), set);
  return merged ? { merged } : { refused: { outcome: 'too-many' } };
}

/** `current` with `set` applied; `undefined` when that is past the limits. */
export function mergeAttributes(current: Attributes, set: Attributes): Attributes | undefined {
  const merged: Attributes = { ...current };
  for (const [key, value] of Object.entries(set)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  const entries = Object.entries(merged);
  const bytes = entries.reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
  return entries.length > MemberAttributeLimits.maxKeys || bytes > MemberAttributeLimits.maxBytes
    ? undefined
    : merged;
}

/** The stored column as attributes (a row written before schema 12 holds the default `{}`). */
export function parseAttributes(text: string): Attributes {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Attributes) : {};
  } catch {
    return {};
  }
}

/** Only `keys` of `attributes` (all of them when `keys` is empty). */
export function pick(attributes: Attributes, keys: readonly string[]): Attributes {
  if (!keys.length) return attributes;
  return Object.fromEntries(keys.filter((k) => k in attributes).map((k) => [k, attributes[k]!]));
}
