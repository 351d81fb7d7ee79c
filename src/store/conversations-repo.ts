/**
 * The conversations of a user's database: the list the UI shows, the server's unread counts taken
 * in after a sync, names, and group or room membership. One transaction per function (see
 * `database.ts`).
 */
import type { ChatType } from '../protocol/index.js';
import { emptyConversation } from './conversations.js';
import type { StoredConversation, UserDatabase } from './database.js';
import { conversationRange } from './messages-repo.js';
import type { ChatMessage, Conversation } from './types.js';

export function readConversations(db: UserDatabase): Promise<StoredConversation[]> {
  return db.getAll('conversations');
}

export function readConversation(
  db: UserDatabase,
  id: string,
): Promise<StoredConversation | undefined> {
  return db.get('conversations', id);
}

/** A conversation as the server reports it on login (`getSessionList`). */
export interface ServerConversationState {
  id: string;
  chatType: ChatMessage['chatType'];
  unread: number;
  /** The server's last message, when it could be read. */
  lastMessage?: ChatMessage;
  /**
   * When the server counted: the time of its newest message, a command too (a typing indicator's
   * `TypingBegin`, not shown as the last message). Default: `lastMessage`'s.
   */
  asOf?: number;
  /** My inbox seq the server counted as of (`StoredConversation.unreadSeq`), when it said. */
  seq?: number;
}

/**
 * Takes the server's unread counts as the truth after a sync (they count every device's reads), and
 * learns conversations this device never saw. The count was made when the server answered: peer
 * messages stored here that are newer than the server's last message are added to it (whenever
 * they were stored), and conversations in `skip` (read or recalled here since the request went out,
 * so the answer is stale for them) keep their local count if they have one, and those in `gone`
 * (deleted here since) are left out. The server's last message is shown on
 * the conversation but not stored as a message: stored messages stay gap-free for `loadOlder`.
 * Returns the ids of conversations created here.
 */
export async function reconcileConversations(
  db: UserDatabase,
  server: readonly ServerConversationState[],
  options: { me: string; skip?: ReadonlySet<string>; gone?: ReadonlySet<string>; now?: number },
): Promise<{ created: string[]; changed: boolean }> {
  const now = options.now ?? Date.now();
  const tx = db.transaction(['conversations', 'messages', 'history'], 'readwrite');
  const conversations = tx.objectStore('conversations');
  const created: string[] = [];
  const writes: Promise<unknown>[] = [];
  for (const entry of server) {
    const [stored, history] = await Promise.all([
      conversations.get(entry.id),
      tx.objectStore('history').get(entry.id),
    ]);
    // A conversation this device does not have yet is learnt whatever happened meanwhile.
    if ((stored && options.skip?.has(entry.id)) || options.gone?.has(entry.id)) continue;
    const last = entry.lastMessage;
    const asOf = Math.max(entry.asOf ?? last?.time ?? 0, stored?.unreadAsOf ?? 0);
    const readUpTo = history?.readAck?.time ?? -Infinity;
    let newer = 0;
    let cursor = await tx
      .objectStore('messages')
      .index('by-conversation-time')
      .openCursor(conversationRange(entry.id, asOf), 'prev');
    while (cursor) {
      const message = cursor.value;
      if (message.time > asOf && message.time > readUpTo && message.from !== options.me)
        if (message.status === 'received' && !message.recalled) newer += 1;
      cursor = await cursor.continue();
    }
    const base: StoredConversation = stored ?? emptyConversation(entry.id, last?.time ?? now);
    const next: StoredConversation = {
      ...base,
      chatType: entry.chatType,
      unread: Math.max(0, entry.unread) + newer,
      unreadAsOf: asOf,
      unreadSeq: entry.seq,
    };
    if (last && (!base.lastMessage || last.time > base.lastMessage.time)) {
      next.lastMessage = last;
      next.updatedAt = Math.max(base.updatedAt, last.time);
    }
    if (!stored) created.push(entry.id);
    if (
      !stored ||
      stored.unread !== next.unread ||
      stored.lastMessage !== next.lastMessage ||
      stored.unreadAsOf !== next.unreadAsOf ||
      stored.unreadSeq !== next.unreadSeq
    )
      writes.push(conversations.put(next));
  }
  await Promise.all([...writes, tx.done]);
  return { created, changed: writes.length > 0 };
}

/** Sets a conversation's unread count to zero. Returns whether anything changed. */
export async function markConversationRead(db: UserDatabase, id: string): Promise<boolean> {
  const tx = db.transaction('conversations', 'readwrite');
  const conversation = await tx.store.get(id);
  const changed = !!conversation && conversation.unread !== 0;
  if (conversation && changed) await tx.store.put({ ...conversation, unread: 0 });
  await tx.done;
  return changed;
}

/** Creates an empty conversation unless it exists. Returns whether it was created. */
export async function ensureConversation(
  db: UserDatabase,
  id: string,
  name: string,
  now: number,
): Promise<boolean> {
  const tx = db.transaction('conversations', 'readwrite');
  const existing = await tx.store.get(id);
  if (!existing) await tx.store.put(emptyConversation(id, now, name));
  await tx.done;
  return !existing;
}

/** Sets the display name of a conversation. Returns whether anything changed. */
export async function renameConversation(
  db: UserDatabase,
  id: string,
  name: string,
): Promise<boolean> {
  const tx = db.transaction('conversations', 'readwrite');
  const conversation = await tx.store.get(id);
  const changed = !!conversation && conversation.name !== name;
  if (conversation && changed) await tx.store.put({ ...conversation, name });
  await tx.done;
  return changed;
}

/** A group or room conversation to create or update (see {@link upsertConversations}). */
export interface ConversationUpsert {
  id: string;
  chatType: ChatType;
  name?: string;
  /** `null`: I am a member (clears the mark). */
  membership: Conversation['membership'] | null;
}

/**
 * Creates or updates group or room conversations in one transaction: their type, their names when
 * given, and whether I am still a member. A conversation is not created just to be marked (nothing
 * was said in it here). Returns whether anything changed.
 */
export async function upsertConversations(
  db: UserDatabase,
  entries: readonly ConversationUpsert[],
): Promise<boolean> {
  const tx = db.transaction('conversations', 'readwrite');
  const stored = await Promise.all(entries.map((entry) => tx.store.get(entry.id)));
  const writes: Promise<unknown>[] = [];
  entries.forEach(({ id, chatType, name, membership }, i) => {
    const before = stored[i];
    if (!before && membership) return;
    const next: StoredConversation = {
      ...(before ?? emptyConversation(id, Date.now(), id, chatType)),
      chatType,
    };
    if (name) next.name = name;
    if (membership) next.membership = membership;
    else delete next.membership;
    if (
      !before ||
      before.name !== next.name ||
      before.membership !== next.membership ||
      before.chatType !== next.chatType
    )
      writes.push(tx.store.put(next));
  });
  await Promise.all([...writes, tx.done]);
  return writes.length > 0;
}
