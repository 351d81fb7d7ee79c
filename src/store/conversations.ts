/**
 * Conversation bookkeeping, kept pure so the rules can be read (and tested) in one place:
 * which conversation a message belongs to, when it counts as unread, how the list is sorted.
 */
import { type Observable, distinctUntilChanged, map } from 'rxjs';
import type { ChatType } from '../protocol/index.js';
import type { ChatMessage, Conversation } from './types.js';

/**
 * A 1:1 message belongs to the peer: the sender, or the recipient when I sent it. A group or room
 * message belongs to the group or room, its `to`.
 */
export function conversationIdOf(
  message: { from: string; to: string; chatType?: string | undefined },
  me: string,
): string {
  if (message.chatType === 'groupChat' || message.chatType === 'chatRoom') return message.to;
  return message.from === me ? message.to : message.from;
}

/**
 * Whether a newly stored message raises the unread count.
 * Own messages (this device or another one) never do. A peer's message does, unless its conversation
 * is the active one AND the page is visible, i.e. the person is looking at it right now. When the page
 * becomes visible again the store marks the active conversation read (see `ChatStore`).
 */
export function countsAsUnread(
  message: Pick<ChatMessage, 'from' | 'conversationId'>,
  me: string,
  active: string | null,
  visible: boolean,
): boolean {
  if (message.from === me) return false;
  return !(visible && active === message.conversationId);
}

/** A conversation with nothing in it yet. */
export function emptyConversation(
  id: string,
  now: number,
  name = id,
  chatType: ChatType = 'singleChat',
): Conversation {
  return { id, chatType, name, unread: 0, updatedAt: now };
}

/**
 * The conversation after storing `message` in it. `isNew` is false when the message was already
 * stored (a replay or a resend): it must not be counted twice. An older message (replayed after a
 * newer one) does not replace the last message.
 */
export function applyMessage(
  conversation: Conversation | undefined,
  message: ChatMessage,
  options: { isNew: boolean; unread: boolean },
): Conversation {
  const base =
    conversation ??
    emptyConversation(
      message.conversationId,
      message.time,
      message.conversationId,
      message.chatType,
    );
  const last = base.lastMessage;
  const isLatest = !last || last.id === message.id || message.time >= last.time;
  return {
    ...base,
    lastMessage: isLatest ? message : last,
    unread: base.unread + (options.isNew && options.unread ? 1 : 0),
    updatedAt: Math.max(base.updatedAt, message.time),
  };
}

/** Newest activity first; ties by id so the order never flickers. */
export function compareConversations(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function sortConversations(list: readonly Conversation[]): Conversation[] {
  return [...list].sort(compareConversations);
}

export function sumUnread(list: readonly Conversation[]): number {
  return list.reduce((total, conversation) => total + conversation.unread, 0);
}

/** Total unread across the list, emitted only when it changes. */
export function totalUnread(): (lists: Observable<Conversation[]>) => Observable<number> {
  return (lists) => lists.pipe(map(sumUnread), distinctUntilChanged());
}
