/**
 * What a chat room event (`onChatroomEvent`) changes: moderation (announcement, all muted, admins,
 * my mute, bans), my membership (joined on another device, left, removed, the room closed), said
 * when someone else did it, then the list read again. A chunk loaded with the first room event
 * (`ChatRooms.handle`), since the signed-in page's budget is full.
 */
import type { ChatRooms } from './chat-rooms.js';
import { readList } from './lists-repo.js';
import { isRecord, num, str } from './messages.js';
import { moderated } from './moderation.js';
import { notice } from './notices.js';
import type { SocialSession } from './social.js';
import type { ChatRoom } from './types.js';

/** Applies one `onChatroomEvent`. */
export async function roomEvent(
  rooms: ChatRooms,
  session: SocialSession,
  payload: unknown,
): Promise<void> {
  if (!isRecord(payload)) return;
  const operation = str(payload.operation);
  const id = str(payload.id) ?? str(payload.roomId);
  const from = str(payload.from) ?? '';
  if (!id || !operation) return;
  const name = str(payload.name) ?? id;
  const who = str(payload.userId) || from;
  const me = session.username;
  const room = (await readList(session.db, 'rooms')).find((r) => r.id === id);
  // What a moderation event changes, applied at once (the read after it says the same).
  const fields: Partial<ChatRoom> | undefined =
    operation === 'updateAnnouncement'
      ? { announcement: str(payload.announcement) ?? '' }
      : operation === 'muteAllMembers' || operation === 'unmuteAllMembers'
        ? { allMuted: operation === 'muteAllMembers' }
        : room && (operation === 'setAdmin' || operation === 'removeAdmin')
          ? {
              admins: [
                ...room.admins.filter((name) => name !== who),
                ...(operation === 'setAdmin' ? [who] : []),
              ],
            }
          : who === me && (operation === 'muteMember' || operation === 'unmuteMember')
            ? {
                mutedUntil: operation === 'muteMember' ? (num(payload.muteUntil) ?? -1) : undefined,
              }
            : undefined;
  const blocked = payload.blocked === true || operation === 'unblockMember';
  if (fields || blocked)
    await moderated(
      rooms.host,
      session,
      'chatRoom',
      id,
      fields ?? {},
      blocked ? { username: who, banned: operation !== 'unblockMember' } : undefined,
    );
  if (who === me && operation === 'memberPresence')
    // Joined on another of my devices: its conversation starts here too.
    await rooms.host.conversations(session, [{ id, chatType: 'chatRoom', name, membership: null }]);
  else if (
    operation === 'destroy' ||
    (who === me && (operation === 'memberAbsence' || operation === 'removeMember'))
  ) {
    const membership = (
      { destroy: 'disbanded', removeMember: 'removed' } as Record<string, 'disbanded' | 'removed'>
    )[operation];
    await rooms.out(session, id, name, membership ?? 'left');
    if (membership && from !== me)
      await rooms.host.notice(
        session,
        notice(
          'room',
          membership === 'disbanded' ? 'roomClosed' : 'roomRemoved',
          { from, room: name },
          id,
        ),
        `room|${operation}|${id}|${from}|${who}|${num(payload.time)}`,
      );
    if (operation === 'destroy') return;
  }
  void rooms.roomsAgain().catch(() => undefined);
}
