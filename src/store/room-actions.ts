/**
 * What I do to chat rooms (create, join, leave): a chunk loaded the first time one is used, since
 * the signed-in page's budget is full and these are used only from the Rooms tab (a chunk of its
 * own) and a room's conversation. Each asks the server and applies its answer at once; a refusal
 * rejects with a ChatError in plain words and changes nothing. What the server tells (the list,
 * room events) stays in `chat-rooms.ts`.
 */
import { Limits } from '../protocol/index.js';
import type { ChatRooms } from './chat-rooms.js';
import { Codes, Messages, chatError } from './errors.js';
import { type IncomingItem, storeIncomingBatch } from './messages-repo.js';
import { fromReceived, isCommand } from './messages.js';
import { type SocialSession, attempt } from './social.js';

export class RoomActions {
  constructor(private readonly rooms: ChatRooms) {}

  /** Creates a room (the app's room admins only) and joins it; resolves with its id. */
  async create(name: string, description = ''): Promise<string> {
    const session = this.rooms.host.session();
    const trimmed = name.trim();
    if (!trimmed) throw chatError(Codes.messageParameterError, Messages.groupNameMissing);
    const answer = await attempt('room', () =>
      session.connection.moderate('createChatRoom', {
        name: trimmed,
        description: description.trim(),
      }),
    );
    await this.rooms.refresh(session).catch(() => undefined);
    await this.join(answer.data.id);
    return answer.data.id;
  }

  async join(roomId: string): Promise<void> {
    const session = this.rooms.host.session();
    await attempt('room', () => session.connection.joinChatRoom({ roomId }));
    const room = await this.rooms.mark(session, roomId, true);
    await this.rooms.host.conversations(session, [
      { id: roomId, chatType: 'chatRoom', ...(room ? { name: room.name } : {}), membership: null },
    ]);
    await this.loadRecent(session, roomId).catch(() => undefined);
    void this.rooms.roomsAgain().catch(() => undefined);
  }

  /**
   * A room's recent window as its conversation's first page (all the history a room keeps). Room
   * messages have seq 0: they never move the sync cursor.
   */
  private async loadRecent(session: SocialSession, roomId: string): Promise<void> {
    const page = await session.connection.history({
      peer: roomId,
      chatType: 'chatRoom',
      cursor: null,
      pageSize: Limits.roomRecentMessages,
    });
    const items: IncomingItem[] = [];
    for (const raw of page.messages) {
      const message = fromReceived({ ...raw, chatType: 'chatRoom' }, session.username);
      if (message && !isCommand(message) && message.conversationId === roomId)
        items.push({ message, unread: false });
    }
    await storeIncomingBatch(session.db, items, {
      history: { conversationId: roomId, exhausted: true },
    });
    this.rooms.host.changed(roomId);
  }

  async leave(roomId: string): Promise<void> {
    const session = this.rooms.host.session();
    await attempt('room', () => session.connection.leaveChatRoom({ roomId }));
    await this.rooms.out(session, roomId, undefined, 'left');
    void this.rooms.roomsAgain().catch(() => undefined);
  }
}
