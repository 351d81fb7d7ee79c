/**
 * What moderation (issue 14) changes in the stored copy of a group or room, whether an event said
 * it (groups.ts, chat-rooms.ts) or an accepted action (moderation-actions.ts).
 */
import { type SocialHost, type SocialSession, upsert, without } from './social.js';
import type { ChatRoom, Group, ModeratedType } from './types.js';

/**
 * What a moderation event (or an accepted action) changes in my stored copy of a group or room:
 * `fields` merged into it, and `ban` applied to its banned list (which the first `bans$` reads
 * whole from the server, so a list begun by events before that is replaced then).
 */
export async function moderated(
  host: SocialHost,
  session: SocialSession,
  chatType: ModeratedType,
  id: string,
  fields: Partial<Omit<Group & ChatRoom, 'role'>>,
  ban?: { username: string; banned: boolean },
): Promise<void> {
  const merge = <T extends { id: string }>(list: T[]) => {
    const item = list.find((entry) => entry.id === id);
    return item && upsert(list, { ...item, ...fields }, (entry) => entry.id === id);
  };
  if (Object.keys(fields).length)
    await (chatType === 'groupChat'
      ? host.update(session, 'groups', merge)
      : host.update(session, 'rooms', merge));
  if (ban)
    await host.update(session, `bans:${id}`, (list) =>
      ban.banned
        ? list.includes(ban.username)
          ? undefined
          : [...list, ban.username]
        : without(list, (name) => name === ban.username),
    );
}
