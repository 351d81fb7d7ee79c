/**
 * Members' nicknames in a group (issue 14): the `nickName` member attribute, as the 4.x UI kit
 * names it. Read with `getGroupMembersAttributes` for the members shown (a stored members list),
 * kept current by the `memberAttributesUpdate` group events, and mine set with
 * `setGroupMemberAttributes`. Stored under `nickNames:{groupId}`. Not on the signed-in page: the
 * moderation chunk, which Group info loads, holds the reading and setting, and the group events'
 * chunk applies the events.
 */
import { type Observable, map, switchMap } from 'rxjs';
import { isRecord, str } from './messages.js';
import { type SocialHost, type SocialSession, attempt, freshRead, replaced } from './social.js';
import type { GroupMember, GroupNicknamesApi } from './types.js';

/** The member attribute holding a member's nickname in the group (the 4.x UI kit's key). */
export const NICKNAME = 'nickName';
/**
 * Members a read may name (`MemberAttributeLimits.readMaxUsers`, written out: importing the table
 * would put it on the signed-in page, where the protocol's tables are).
 */
const READ_MAX_USERS = 10;

export class GroupNicknames implements GroupNicknamesApi {
  /** Whose nicknames were read, per group, in `session` (events keep them current since). */
  private readonly asked = new Map<string, Set<string>>();
  private session?: SocialSession;

  constructor(private readonly host: SocialHost) {}

  /**
   * Each member's nickname in group `groupId`, by username (members without one absent); those of
   * members not read yet are read whenever the stored members change. Only the operators the
   * signed-in page has already: others would join it.
   */
  of$(groupId: string): Observable<Map<string, string>> {
    return this.host.list$(`members:${groupId}`).pipe(
      switchMap((members) => {
        // Best effort: the next showing, or the next session, asks again.
        void this.read(groupId, members).catch(() => undefined);
        return this.host.list$(`nickNames:${groupId}`);
      }),
      map((list) => new Map(list.map((entry) => [entry.username, entry.nickName]))),
    );
  }

  /** Reads the nicknames of the members not read yet. */
  private async read(groupId: string, members: GroupMember[]): Promise<void> {
    const session = this.host.session();
    if (session !== this.session) {
      this.session = session;
      this.asked.clear();
    }
    const names = members.map((member) => member.username);
    let asked = this.asked.get(groupId);
    if (!asked) this.asked.set(groupId, (asked = new Set()));
    // Someone who left loses their attributes on the server: read again if they come back.
    for (const name of asked) if (!names.includes(name)) asked.delete(name);
    const todo = names.filter((name) => !asked.has(name));
    if (!todo.length) return;
    for (const name of todo) asked.add(name);
    const pages: string[][] = [];
    for (let i = 0; i < todo.length; i += READ_MAX_USERS)
      pages.push(todo.slice(i, i + READ_MAX_USERS));
    try {
      await freshRead(
        this.host,
        session,
        `nickNames:${groupId}`,
        async () => {
          const answers = await Promise.all(
            pages.map((userIds) =>
              session.connection.moderate('getGroupMembersAttributes', {
                groupId,
                userIds,
                keys: [NICKNAME],
              }),
            ),
          );
          return Object.assign({}, ...answers.map((answer) => answer.data)) as Record<
            string,
            Record<string, string>
          >;
        },
        (list, read) =>
          replaced(list, [
            ...list.filter((entry) => !todo.includes(entry.username)),
            ...todo.flatMap((username) => {
              const nickName = read[username]?.[NICKNAME];
              return nickName ? [{ username, nickName }] : [];
            }),
          ]),
      );
    } catch (error) {
      for (const name of todo) asked.delete(name);
      throw error;
    }
  }

  /** Sets my nickname in group `groupId`; `''` removes it. */
  async setMine(groupId: string, nickname: string): Promise<void> {
    const session = this.host.session();
    const userId = session.username;
    await attempt('group', () =>
      session.connection.moderate('setGroupMemberAttributes', {
        groupId,
        userId,
        memberAttributes: { [NICKNAME]: nickname },
      }),
    );
    await nicknameSet(this.host, session, groupId, userId, nickname);
  }
}

/** Stores member `username`'s nickname in group `groupId` (`''`: none). */
function nicknameSet(
  host: SocialHost,
  session: SocialSession,
  groupId: string,
  username: string,
  nickName: string,
): Promise<boolean> {
  return host.update(session, `nickNames:${groupId}`, (list) => {
    const kept = list.filter((entry) => entry.username !== username);
    return replaced(list, nickName ? [...kept, { username, nickName }] : kept);
  });
}

/**
 * A `memberAttributesUpdate` group event (`id`, `userId`, the `attributes` set): stores the
 * nickname when it is among them. Other attributes are not kept.
 */
export async function memberAttributesEvent(
  host: SocialHost,
  session: SocialSession,
  payload: Record<string, unknown>,
): Promise<void> {
  const groupId = str(payload.id);
  const username = str(payload.userId);
  const attributes = payload.attributes;
  const nickName = isRecord(attributes) ? str(attributes[NICKNAME]) : undefined;
  if (groupId && username && nickName !== undefined)
    await nicknameSet(host, session, groupId, username, nickName);
}
