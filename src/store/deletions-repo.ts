/**
 * Delete for me in a user's database (issue 14): one transaction (see `database.ts`). Part of the
 * deletions chunk (`deletions.ts`), so it costs the signed-in page nothing until it is used.
 */
import type { StoredConversation, UserDatabase } from './database.js';
import { conversationRange } from './messages-repo.js';
import type { ChatMessage } from './types.js';

/** What leaves a conversation: messages by server id or by store id, those sent before a time. */
export interface Forgotten {
  mids?: readonly string[];
  ids?: readonly string[];
  /** Every message the server has (with a `mid`) sent before this time, ms since the epoch. */
  before?: number;
  /** The conversation leaves the list too. */
  conversation?: boolean;
}

/**
 * Removes what `which` names from conversation `id`: the messages (only that conversation's, and
 * their outbox entries), and with `conversation` the conversation itself. When the conversation
 * stays, its unread count loses the peer messages removed that it counted (as a recall does), and
 * its last message becomes the newest one left. Returns whether anything changed.
 */
export async function removeForMe(
  db: UserDatabase,
  id: string,
  me: string,
  which: Forgotten,
): Promise<boolean> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'history'], 'readwrite');
  const messages = tx.objectStore('messages');
  const conversations = tx.objectStore('conversations');
  const found = [
    ...(await Promise.all((which.mids ?? []).map((mid) => messages.index('by-mid').get(mid)))),
    ...(await Promise.all((which.ids ?? []).map((key) => messages.get(key)))),
  ];
  const { before } = which;
  if (before !== undefined)
    for (const message of await messages
      .index('by-conversation-time')
      .getAll(conversationRange(id, -Infinity, before)))
      if (message.mid && message.time < before) found.push(message);
  const gone = new Map<string, ChatMessage>();
  for (const message of found) if (message?.conversationId === id) gone.set(message.id, message);
  const [conversation, history] = await Promise.all([
    conversations.get(id),
    tx.objectStore('history').get(id),
  ]);
  const writes: Promise<unknown>[] = [];
  for (const key of gone.keys())
    writes.push(messages.delete(key), tx.objectStore('outbox').delete(key));
  if (conversation && which.conversation) writes.push(conversations.delete(id));
  else if (conversation && gone.size) {
    const readUpTo = history?.readAck?.time ?? -Infinity;
    let counted = 0;
    for (const m of gone.values())
      if (m.from !== me && m.status === 'received' && !m.recalled && m.time > readUpTo)
        counted += 1;
    const next: StoredConversation = {
      ...conversation,
      unread: Math.max(0, conversation.unread - counted),
    };
    if (gone.has(conversation.lastMessage?.id ?? '')) {
      // The deletes above come first in the transaction: the newest left is the first one read.
      const newest = await messages
        .index('by-conversation-time')
        .openCursor(conversationRange(id), 'prev');
      if (newest) next.lastMessage = newest.value;
      else delete next.lastMessage;
    }
    writes.push(conversations.put(next));
  }
  await Promise.all([...writes, tx.done]);
  return gone.size > 0 || (!!conversation && !!which.conversation);
}
