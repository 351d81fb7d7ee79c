/**
 * Chat rooms: the app's rooms with whether I am in one, read from the server on connect and by
 * `refreshRooms`, kept current by the live `onChatroomEvent`s. Room traffic is live only (never
 * replayed from the inbox): joining loads the room's recent window as the conversation's first
 * page, and room messages (seq 0) never move the sync cursor. Joining, leaving and creating are
 * `room-actions.ts`, a chunk loaded on first use.
 */
import { BehaviorSubject, type Observable, map } from 'rxjs';
import type { RoomInfo } from '../protocol/index.js';
import { readList } from './lists-repo.js';
import {
  type SocialHost,
  type SocialSession,
  attempt,
  byName,
  coalesced,
  freshRead,
  lazyEvents,
  replaced,
  upsert,
  without,
} from './social.js';
import type { ChatRoom, Conversation } from './types.js';

/** Rooms read per refresh (the reference server's rooms fit in one page). */
const ROOMS_PAGE = 100;

const toRoom = (info: RoomInfo, joined: boolean, me: string, appAdmin: boolean): ChatRoom => {
  const room: ChatRoom = {
    id: info.id,
    name: info.name,
    description: info.description ?? '',
    memberCount: info.affiliations_count,
    maxMembers: info.maxusers,
    joined,
    owner: info.owner,
    admins: info.admins ?? [],
    announcement: info.announcement ?? '',
    allMuted: info.mute === true,
    role:
      info.owner === me
        ? 'owner'
        : appAdmin
          ? 'roomAdmin'
          : info.admins?.includes(me)
            ? 'admin'
            : 'member',
  };
  // The rooms I joined say whether I am muted (the live events said so meanwhile).
  if (info.muteUntil) room.mutedUntil = info.muteUntil;
  return room;
};

export class ChatRooms {
  readonly rooms$: Observable<ChatRoom[]>;
  /** Whether I am a room admin of the app, who may create rooms (as the last refresh said). */
  readonly canCreate$ = new BehaviorSubject(false);
  readonly host: SocialHost;
  readonly roomsAgain: () => Promise<void>;

  constructor(host: SocialHost) {
    this.host = host;
    this.rooms$ = host.list$('rooms').pipe(map((list) => [...list].sort(byName)));
    this.roomsAgain = coalesced(() => this.refresh(host.session()));
  }

  /**
   * Reads the room list and the rooms I am in; one write (`freshRead`: never older news over what
   * an action or event of mine stored meanwhile). Rejects when the server cannot say.
   */
  async refresh(session: SocialSession): Promise<void> {
    await freshRead(
      this.host,
      session,
      'rooms',
      () =>
        attempt('room', () =>
          Promise.all([
            session.connection.getChatRooms({ pagenum: 1, pagesize: ROOMS_PAGE }),
            session.connection.getJoinedChatRooms(),
          ]),
        ),
      (list, [all, joined]) => {
        const admin = all.can_create === true;
        this.canCreate$.next(admin);
        const mine = new Map((joined.data ?? []).map((room) => [room.id, room]));
        const rooms = (all.data ?? [])
          .filter((room) => !mine.has(room.id))
          .map((room) => toRoom(room, false, session.username, admin));
        for (const room of mine.values()) rooms.push(toRoom(room, true, session.username, admin));
        return replaced(list, rooms);
      },
    );
  }

  /** Applies one `onChatroomEvent` (`room-events.ts`, a chunk loaded with the first one). */
  readonly handle = lazyEvents(this, () => import('./room-events.js'), 'roomEvent');

  async isMember(session: SocialSession, roomId: string): Promise<boolean> {
    return (await readList(session.db, 'rooms')).some((r) => r.id === roomId && r.joined);
  }

  /** Sets whether I am in a room; returns the room when it is listed. */
  async mark(session: SocialSession, roomId: string, joined: boolean) {
    let room: ChatRoom | undefined;
    await this.host.update(session, 'rooms', (list) => {
      room = list.find((r) => r.id === roomId);
      return room && upsert(list, { ...room, joined }, (r) => r.id === roomId);
    });
    return room;
  }

  /** I am out of a room; its conversation stays, marked. True when it was not marked so already. */
  async out(
    session: SocialSession,
    roomId: string,
    name: string | undefined,
    membership: NonNullable<Conversation['membership']>,
  ): Promise<boolean> {
    // The conversation says why first: a window that sees the room gone before it knows why
    // would say "no longer a member" for a moment.
    const changed = await this.host.conversations(session, [
      { id: roomId, chatType: 'chatRoom', ...(name ? { name } : {}), membership },
    ]);
    if (membership === 'disbanded')
      await this.host.update(session, 'rooms', (list) => without(list, (r) => r.id === roomId));
    else await this.mark(session, roomId, false);
    return changed;
  }
}
