/**
 * Delete for me in a user's database (issue 14): one transaction (see `database.ts`). Part of the
 * deletions chunk (`deletions.ts`), so it costs the signed-in page nothing until it is used.
 */
import type { ChatType } from '../protocol/index.js';
import type { PendingDeletion, StoredConversation, UserDatabase } from './database.js';
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
  /** The deletion's seq in my inbox (its event's). */
  seq?: number;
  /** What of it the server is still to do, kept with it (`PendingDeletion`). */
  queue?: Queued;
}

/** A deletion of mine that the server has not done yet, as {@link removeForMe} keeps it. */
export interface Queued {
  chatType: ChatType;
  /** Server ids the server deleted already (asked before this write): not kept. */
  asked?: readonly string[];
  /** The conversation too, with its messages on the server or not. */
  conversation?: { withMessages: boolean };
}

/**
 * Removes what `which` names from conversation `id`: the messages (only that conversation's, and
 * their outbox entries), and with `conversation` the conversation itself. When the conversation
 * stays, its unread count loses the peer messages removed that it counted (as a recall does), and
 * its last message becomes the newest one left. With `queue`, what the server is still to do is
 * kept in the same transaction: the removed messages it has (but `asked`), own ones on their way
 * (pending, without a server id yet), and the conversation. Returns whether anything changed.
 */
export async function removeForMe(
  db: UserDatabase,
  id: string,
  me: string,
  which: Forgotten,
): Promise<boolean> {
  const tx = db.transaction(
    ['messages', 'conversations', 'outbox', 'history', 'deletions'],
    'readwrite',
  );
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
    // The server's count taken at open already left out what this deletion removes at or before
    // the newest message it had then (`unreadAsOf`), when the deletion is at or before the inbox seq
    // that count was as of; those newer were added to it here, and are taken off again.
    const leftOut =
      which.seq !== undefined && which.seq <= (conversation.unreadSeq ?? -Infinity)
        ? (conversation.unreadAsOf ?? -Infinity)
        : -Infinity;
    let counted = 0;
    for (const m of gone.values())
      if (
        m.from !== me &&
        m.status === 'received' &&
        !m.recalled &&
        m.time > readUpTo &&
        m.time > leftOut
      )
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
  const { queue } = which;
  if (queue) {
    const deletions = tx.objectStore('deletions');
    const record: PendingDeletion = (await deletions.get(id)) ?? {
      conversationId: id,
      chatType: queue.chatType,
      mids: [],
      unacked: [],
      queuedAt: Date.now(),
    };
    for (const m of gone.values())
      if (m.mid) {
        if (!queue.asked?.includes(m.mid)) record.mids.push(m.mid);
      } else if (m.from === me && m.status === 'pending') record.unacked.push(m.id);
    if (queue.conversation) record.conversation = queue.conversation;
    if (record.mids.length || record.unacked.length || record.conversation)
      writes.push(deletions.put(record));
  }
  await Promise.all([...writes, tx.done]);
  return gone.size > 0 || (!!conversation && !!which.conversation);
}

/**
 * The ack of own message `id`, deleted here before it (from any tab, or an earlier page): its
 * server id joins its conversation's pending deletion. The conversation's id, or `undefined` when
 * no deletion waits for it.
 */
export async function ackOfDeleted(
  db: UserDatabase,
  id: string,
  mid: string,
): Promise<string | undefined> {
  const tx = db.transaction('deletions', 'readwrite');
  const record = (await tx.store.getAll()).find((r) => r.unacked.includes(id));
  if (!record) return undefined;
  await Promise.all([tx.store.put(withMid(record, id, mid)), tx.done]);
  return record.conversationId;
}

/** `record` with own message `id` known by its server id `mid` now. */
const withMid = (record: PendingDeletion, id: string, mid: string): PendingDeletion => ({
  ...record,
  mids: [...record.mids, mid],
  unacked: record.unacked.filter((key) => key !== id),
});

/** Takes out of conversation `id`'s pending deletion what the server did (or refused for good). */
export async function settleDeletion(
  db: UserDatabase,
  id: string,
  done: { mids?: readonly string[]; unacked?: readonly string[]; conversation?: boolean },
): Promise<void> {
  const tx = db.transaction('deletions', 'readwrite');
  const record = await tx.store.get(id);
  if (!record) return tx.done;
  const next: PendingDeletion = {
    ...record,
    mids: record.mids.filter((mid) => !done.mids?.includes(mid)),
    unacked: record.unacked.filter((key) => !done.unacked?.includes(key)),
  };
  if (done.conversation) delete next.conversation;
  await Promise.all([
    next.mids.length || next.unacked.length || next.conversation
      ? tx.store.put(next)
      : tx.store.delete(id),
    tx.done,
  ]);
}
