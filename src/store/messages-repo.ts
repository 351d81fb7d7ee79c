/**
 * The messages of a user's database: reading a conversation's messages (recent, older pages, a time
 * range), storing received ones (from the socket or a history page) in batches, receipts and
 * recalls, and how far the user has read. One transaction per function (see `database.ts`).
 */
import { applyMessage } from './conversations.js';
import {
  type ConversationHistory,
  RECENT_MESSAGES,
  type StoredConversation,
  type UserDatabase,
  emptyMeta,
} from './database.js';
import { recalledCopy, withEdit } from './messages.js';
import type { ChatMessage, MessageReaction } from './types.js';

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export function readMessage(db: UserDatabase, id: string): Promise<ChatMessage | undefined> {
  return db.get('messages', id);
}

export function readMessageByMid(db: UserDatabase, mid: string): Promise<ChatMessage | undefined> {
  return db.getFromIndex('messages', 'by-mid', mid);
}

export async function readHistory(
  db: UserDatabase,
  conversationId: string,
): Promise<ConversationHistory> {
  return (await db.get('history', conversationId)) ?? { conversationId, exhausted: false };
}

/**
 * Order of two messages of a conversation: by time, then (two messages stored in the same
 * millisecond) by server id, which the server hands out in increasing order, then by client id.
 */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.mid && b.mid && a.mid !== b.mid)
    return a.mid.length - b.mid.length || (a.mid < b.mid ? -1 : 1);
  if (a.mid && !b.mid) return -1;
  if (b.mid && !a.mid) return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const conversationRange = (conversationId: string, from = -Infinity, to = Infinity) =>
  IDBKeyRange.bound([conversationId, from], [conversationId, to]);

/**
 * Messages of a conversation, oldest first: those at or after `since` (ms) when given (the window
 * `loadOlder` opened), else the `limit` most recent.
 */
export async function readMessages(
  db: UserDatabase,
  conversationId: string,
  limit: number | { since: number } = RECENT_MESSAGES,
): Promise<ChatMessage[]> {
  if (typeof limit === 'object')
    return (
      await db.getAllFromIndex(
        'messages',
        'by-conversation-time',
        conversationRange(conversationId, limit.since),
      )
    ).sort(compareMessages);
  const newestFirst: ChatMessage[] = [];
  let cursor = await db
    .transaction('messages')
    .store.index('by-conversation-time')
    .openCursor(conversationRange(conversationId), 'prev');
  while (cursor && newestFirst.length < limit) {
    newestFirst.push(cursor.value);
    cursor = await cursor.continue();
  }
  return newestFirst.sort(compareMessages);
}

/** Up to `limit` messages of a conversation strictly before `before` (ms), oldest first. */
export async function readOlder(
  db: UserDatabase,
  conversationId: string,
  before: number,
  limit: number,
): Promise<ChatMessage[]> {
  const range = IDBKeyRange.bound(
    [conversationId, -Infinity],
    [conversationId, before],
    false,
    true,
  );
  const newestFirst: ChatMessage[] = [];
  let cursor = await db
    .transaction('messages')
    .store.index('by-conversation-time')
    .openCursor(range, 'prev');
  while (cursor && newestFirst.length < limit) {
    newestFirst.push(cursor.value);
    cursor = await cursor.continue();
  }
  return newestFirst.sort(compareMessages);
}

/**
 * Messages of a conversation from `from` (ms, inclusive) to `to` (exclusive unless `toOpen` is
 * false), oldest first: one page that `loadOlder` adds, read without reading what already shows.
 */
export async function readBetween(
  db: UserDatabase,
  conversationId: string,
  from: number,
  to: number,
  toOpen = true,
): Promise<ChatMessage[]> {
  const range = IDBKeyRange.bound([conversationId, from], [conversationId, to], false, toOpen);
  return (await db.getAllFromIndex('messages', 'by-conversation-time', range)).sort(
    compareMessages,
  );
}

/**
 * The oldest stored message of a conversation that the server knows (has a `mid`): where the
 * server's history continues from.
 */
export async function readOldestOnServer(
  db: UserDatabase,
  conversationId: string,
): Promise<ChatMessage | undefined> {
  let cursor = await db
    .transaction('messages')
    .store.index('by-conversation-time')
    .openCursor(conversationRange(conversationId));
  while (cursor) {
    if (cursor.value.mid) return cursor.value;
    cursor = await cursor.continue();
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Incoming messages
// ---------------------------------------------------------------------------------------------

/** One message to store, and whether it raises its conversation's unread count if it is new. */
export interface IncomingItem {
  message: ChatMessage;
  unread: boolean;
}

/** What storing one incoming message did. */
export interface IncomingResult {
  message: ChatMessage;
  /** False when the message was already stored (a replay or a resend). */
  isNew: boolean;
  /** True when the message started a conversation this database did not have. */
  conversationCreated: boolean;
}

/** The stored copy after a copy from the socket (or a history page) arrives for the same id. */
function mergeIncoming(existing: ChatMessage | undefined, incoming: ChatMessage): ChatMessage {
  if (!existing) {
    const fresh = { ...incoming };
    if (fresh.status === 'sent' && !fresh.receipt) fresh.receipt = 'sent';
    return fresh;
  }
  // A stored message keeps its conversation, content and receipt; the server's copy brings id, time
  // and seq. An own message arriving here is on the server, whatever this device thought of it. A
  // recalled one stays recalled (a replay of the original must not bring it back).
  const message: ChatMessage = {
    ...existing,
    time: incoming.time,
    status: existing.status === 'received' ? 'received' : incoming.status,
  };
  const mid = incoming.mid ?? existing.mid;
  if (mid) message.mid = mid;
  const seq = incoming.seq ?? existing.seq;
  if (seq !== undefined) message.seq = seq;
  if (message.status === 'sent' && !message.receipt) message.receipt = 'sent';
  // A history page says how far the peer got; receipts only move forward.
  if (
    message.status === 'sent' &&
    incoming.receipt &&
    RECEIPT_RANK[incoming.receipt] > RECEIPT_RANK[message.receipt ?? 'sent']
  )
    message.receipt = incoming.receipt;
  // A history page (or a replay) may bring an edit this device has not seen.
  const edited = withEdit(message, incoming);
  if (edited) Object.assign(message, { text: edited.text, edited: edited.edited });
  // A history page says what reactions it has (a socket copy says nothing of them).
  if (incoming.reactions) message.reactions = incoming.reactions;
  // An own attachment was stored before its upload finished: take the uploaded url and secret.
  if (!existing.recalled && existing.attachment && incoming.attachment)
    message.attachment = { ...existing.attachment, ...incoming.attachment };
  if (message.status !== 'failed') delete message.error;
  return message;
}

/**
 * Stores messages from the socket (peers', and mine from other devices) or from a history page, in
 * ONE transaction however many there are: upserts by client id so nothing shows twice, updates each
 * conversation, advances the sync cursor and takes own messages out of the outbox. After a crash
 * either all of it happened or none of it did, so the cursor never gets ahead of what is stored.
 * A replay of hundreds of messages is thus a handful of transactions, not hundreds.
 * `options.history` also records whether that conversation's history is exhausted; `options.cursor`
 * advances the sync cursor past what is not stored (commands, receipts) in the same transaction.
 *
 * A message IndexedDB refuses to take (its `put` throws: an `ext` nested too deep to clone, a value
 * that is no key) is skipped, and only it: the others are stored, the cursor moves past it (a
 * replay would bring it back only to be refused again), it counts as unread as the server counts
 * it, and `options.skipped` hears of it. Failures
 * of the whole database (a full disk) still fail the batch, which is then fetched again.
 */
export async function storeIncomingBatch(
  db: UserDatabase,
  items: readonly IncomingItem[],
  options: {
    history?: { conversationId: string; exhausted: boolean };
    cursor?: number;
    skipped?: (message: ChatMessage, error: unknown) => void;
    /** Own messages I deleted before their ack came back: now the server can delete them. */
    deleted?: () => void;
  } = {},
): Promise<IncomingResult[]> {
  const { history } = options;
  const stores = ['messages', 'conversations', 'outbox', 'meta', 'history', 'deletions'] as const;
  const tx = db.transaction(stores, 'readwrite');
  const messages = tx.objectStore('messages');
  const conversationStore = tx.objectStore('conversations');
  const ids = [...new Set(items.map((item) => item.message.id))];
  const conversationIds = [...new Set(items.map((item) => item.message.conversationId))];
  const deletions = tx.objectStore('deletions');
  const [existingList, conversationList, meta, pending] = await Promise.all([
    Promise.all(ids.map((id) => messages.get(id))),
    Promise.all(conversationIds.map((id) => conversationStore.get(id))),
    tx.objectStore('meta').get('state'),
    Promise.all(conversationIds.map((id) => deletions.get(id))),
  ]);
  const stored = new Map<string, ChatMessage>();
  existingList.forEach((message, i) => {
    if (message) stored.set(ids[i] as string, message);
  });
  const conversations = new Map<string, StoredConversation | undefined>();
  conversationList.forEach((conversation, i) =>
    conversations.set(conversationIds[i] as string, conversation),
  );
  const nextMeta = meta ?? emptyMeta();
  const startCursor = nextMeta.cursor;
  if (options.cursor !== undefined && options.cursor > nextMeta.cursor)
    nextMeta.cursor = options.cursor;
  const results: IncomingResult[] = [];
  const sent = new Set<string>();
  const writes: Promise<unknown>[] = [];
  for (const { message: incoming, unread } of items) {
    if (incoming.seq !== undefined && incoming.seq > nextMeta.cursor)
      nextMeta.cursor = incoming.seq;
    // An own message I deleted before its ack (the server's copy, after a reload): not stored;
    // its server id goes to the deletion that waits for it (deletions.ts sends it).
    const deletion = pending[conversationIds.indexOf(incoming.conversationId)];
    if (incoming.mid && deletion?.unacked.includes(incoming.id)) {
      deletion.unacked = deletion.unacked.filter((id) => id !== incoming.id);
      deletion.mids.push(incoming.mid);
      writes.push(deletions.put(deletion));
      options.deleted?.();
      continue;
    }
    const existing = stored.get(incoming.id);
    const message = mergeIncoming(existing, incoming);
    const conversation = conversations.get(message.conversationId);
    const counted =
      unread && !(conversation?.unreadAsOf && message.time <= conversation.unreadAsOf);
    try {
      // Cloned (and its key read) now, synchronously: a message that cannot be stored throws here.
      writes.push(messages.put(message));
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TransactionInactiveError') throw error;
      options.skipped?.(incoming, error);
      // Still counted, as the server counts it (issue 11): else the count here was one lower until
      // the server's (reconcileConversations) landed, and stayed so when none came. (A conversation
      // this one would start is learnt from the server's counts, with it.)
      if (counted && conversation) conversation.unread += 1;
      continue;
    }
    stored.set(message.id, message);
    const next: StoredConversation = applyMessage(conversation, message, {
      isNew: !existing,
      unread: counted,
    });
    conversations.set(message.conversationId, next);
    if (message.status === 'sent') sent.add(message.id);
    results.push({ message, isNew: !existing, conversationCreated: !conversation });
  }
  for (const conversation of conversations.values())
    if (conversation) writes.push(conversationStore.put(conversation));
  if (nextMeta.cursor !== startCursor || !meta)
    writes.push(tx.objectStore('meta').put(nextMeta, 'state'));
  for (const id of sent) writes.push(tx.objectStore('outbox').delete(id));
  if (history) {
    const record = (await tx.objectStore('history').get(history.conversationId)) ?? {
      conversationId: history.conversationId,
      exhausted: false,
    };
    if (record.exhausted !== history.exhausted)
      writes.push(tx.objectStore('history').put({ ...record, exhausted: history.exhausted }));
  }
  await Promise.all([...writes, tx.done]);
  return results;
}

/**
 * The same work as {@link storeIncomingBatch}, one transaction per message: how the store wrote
 * before batching, kept for the benchmark that compares the two on the same data.
 */
export async function storeIncomingEach(
  db: UserDatabase,
  items: readonly IncomingItem[],
): Promise<IncomingResult[]> {
  const results: IncomingResult[] = [];
  for (const item of items) results.push(...(await storeIncomingBatch(db, [item])));
  return results;
}

/** Stores one message from the socket (see {@link storeIncomingBatch}). */
export async function storeIncoming(
  db: UserDatabase,
  incoming: ChatMessage,
  unread: boolean,
): Promise<IncomingResult> {
  const [result] = await storeIncomingBatch(db, [{ message: incoming, unread }]);
  return result as IncomingResult;
}

// ---------------------------------------------------------------------------------------------
// Receipts, recall, unread
// ---------------------------------------------------------------------------------------------

const RECEIPT_RANK = { sent: 0, delivered: 1, read: 2 } as const;

/**
 * The peer's receipt for my messages in a conversation: `delivered` for the message `mid`; `read`
 * for `mid` and every own message before it; `channel` (mid absent) for all of them. Receipts only
 * move forward. Returns the messages that changed.
 */
export async function applyReceipt(
  db: UserDatabase,
  conversationId: string,
  kind: 'delivered' | 'read',
  mid?: string,
): Promise<ChatMessage[]> {
  const tx = db.transaction(['messages', 'conversations'], 'readwrite');
  const messages = tx.objectStore('messages');
  const changed: ChatMessage[] = [];
  const target = mid ? await messages.index('by-mid').get(mid) : undefined;
  if (mid && (!target || target.conversationId !== conversationId)) {
    await tx.done;
    return changed;
  }
  const raise = (message: ChatMessage): boolean => {
    if (message.status !== 'sent' || message.recalled) return false;
    if (RECEIPT_RANK[message.receipt ?? 'sent'] >= RECEIPT_RANK[kind]) return false;
    changed.push({ ...message, receipt: kind });
    return true;
  };
  if (kind === 'delivered') {
    if (target) raise(target);
  } else {
    // Read is monotonic: walking back from the target, the first own message already read ends it.
    let cursor = await messages
      .index('by-conversation-time')
      .openCursor(conversationRange(conversationId, -Infinity, target?.time ?? Infinity), 'prev');
    while (cursor) {
      const message = cursor.value;
      // The range ends at the target's millisecond, which may hold a later message too.
      if (!target || compareMessages(message, target) <= 0) {
        if (message.status === 'sent' && message.receipt === 'read' && message.id !== target?.id)
          break;
        raise(message);
      }
      cursor = await cursor.continue();
    }
  }
  const writes: Promise<unknown>[] = changed.map((message) => messages.put(message));
  const conversation = await tx.objectStore('conversations').get(conversationId);
  const last = conversation && changed.find((m) => m.id === conversation.lastMessage?.id);
  if (conversation && last)
    writes.push(tx.objectStore('conversations').put({ ...conversation, lastMessage: last }));
  await Promise.all([...writes, tx.done]);
  return changed;
}

/**
 * A recall by `by`: the message `mid` becomes a "recalled" notice (the row stays, its content goes),
 * here and in its conversation's last message. A peer's unread message that is recalled no longer
 * counts. Returns the recalled message, or `undefined` when it is not stored here, is already
 * recalled, or is not `by`'s (the server refuses that; a recall never reaches another's message).
 */
export async function applyRecall(
  db: UserDatabase,
  mid: string,
  me: string,
  by: string,
): Promise<ChatMessage | undefined> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'history'], 'readwrite');
  const message = await tx.objectStore('messages').index('by-mid').get(mid);
  if (!message || message.recalled || message.from !== by) {
    await tx.done;
    return undefined;
  }
  const recalled = recalledCopy(message);
  const writes: Promise<unknown>[] = [
    tx.objectStore('messages').put(recalled),
    tx.objectStore('outbox').delete(message.id),
  ];
  const conversation = await tx.objectStore('conversations').get(message.conversationId);
  if (conversation) {
    const next: StoredConversation = { ...conversation };
    if (conversation.lastMessage?.id === message.id) next.lastMessage = recalled;
    if (message.from !== me && conversation.unread > 0) {
      const history = await tx.objectStore('history').get(message.conversationId);
      const readUpTo = history?.readAck?.time ?? -Infinity;
      if (message.time > readUpTo) next.unread = conversation.unread - 1;
    }
    writes.push(tx.objectStore('conversations').put(next));
  }
  await Promise.all([...writes, tx.done]);
  return recalled;
}

/**
 * An edit (`onModifiedMessage`): the stored message of the same `mid` takes the new text, here and
 * as its conversation's last message. Returns it, or `undefined` when it is not stored here, was
 * recalled, already has this edit or a later one, or is not the editor's (only its sender may).
 */
export async function applyEdit(
  db: UserDatabase,
  incoming: ChatMessage,
): Promise<ChatMessage | undefined> {
  const tx = db.transaction(['messages', 'conversations'], 'readwrite');
  const stored = incoming.mid
    ? await tx.objectStore('messages').index('by-mid').get(incoming.mid)
    : undefined;
  const edited =
    stored && stored.from === incoming.from && stored.from === incoming.edited?.by
      ? withEdit(stored, incoming)
      : undefined;
  if (!edited) {
    await tx.done;
    return undefined;
  }
  const writes: Promise<unknown>[] = [tx.objectStore('messages').put(edited)];
  const conversation = await tx.objectStore('conversations').get(edited.conversationId);
  if (conversation?.lastMessage?.id === edited.id)
    writes.push(tx.objectStore('conversations').put({ ...conversation, lastMessage: edited }));
  await Promise.all([...writes, tx.done]);
  return edited;
}

/**
 * Reactions of stored messages, by server id (how the server names them): `next` gives a message's
 * new list from the stored message, `undefined` for no change. A recalled message has none. The
 * conversation's last message keeps its copy: a preview shows no reactions. Returns what changed.
 */
export async function updateReactions(
  db: UserDatabase,
  mids: readonly string[],
  next: (message: ChatMessage) => MessageReaction[] | undefined,
): Promise<ChatMessage[]> {
  const tx = db.transaction('messages', 'readwrite');
  const found = await Promise.all(mids.map((mid) => tx.store.index('by-mid').get(mid)));
  const changed: ChatMessage[] = [];
  for (const message of found) {
    const reactions = message && !message.recalled ? next(message) : undefined;
    if (!reactions || JSON.stringify(reactions) === JSON.stringify(message!.reactions ?? []))
      continue;
    const copy: ChatMessage = { ...message!, reactions };
    if (!reactions.length) delete copy.reactions;
    changed.push(copy);
  }
  await Promise.all([...changed.map((message) => tx.store.put(message)), tx.done]);
  return changed;
}

/** What {@link markSeenUpTo} found: the read receipt to send, if any, and what changed here. */
export interface SeenResult {
  /** Send a read receipt for this peer message (newer than any acked before). */
  ack?: { mid: string; to: string; chatType: ChatMessage['chatType'] };
  /** The ack covers the newest peer message: a `channel` ack may follow. */
  newest: boolean;
  /** The unread count changed. */
  unreadChanged: boolean;
  /** False when the message named is not stored here (nothing was changed). */
  found: boolean;
}

/**
 * This user has seen a conversation up to a message (`upTo`: a message id; absent: everything),
 * here or (`fromOtherDevice`: the mid another device acked) elsewhere. In one transaction: the
 * unread count becomes the number of peer messages after that point, and the read-ack bookkeeping
 * moves forward (never back) when `record` (false while offline: the receipt could not be sent, so a
 * later call must still find it due). Returns the receipt to send when this device is the one that saw it.
 */
export async function markSeenUpTo(
  db: UserDatabase,
  conversationId: string,
  me: string,
  upTo: { id?: string; mid?: string; record: boolean } = { record: true },
): Promise<SeenResult> {
  const tx = db.transaction(['messages', 'conversations', 'history'], 'readwrite');
  const messages = tx.objectStore('messages');
  const target = upTo.id
    ? await messages.get(upTo.id)
    : upTo.mid
      ? await messages.index('by-mid').get(upTo.mid)
      : undefined;
  const bound = target && target.conversationId === conversationId ? target : undefined;
  if ((upTo.id || upTo.mid) && !bound) {
    // Seen up to a message this device does not have: it cannot tell what is left unread.
    await tx.done;
    return { newest: false, unreadChanged: false, found: false };
  }
  const isAfter = (message: ChatMessage) => !!bound && compareMessages(message, bound) > 0;
  // The newest peer message at or before the bound, and how many peer messages come after it.
  let ackable: ChatMessage | undefined;
  let after = 0;
  let newest = true;
  let cursor = await messages
    .index('by-conversation-time')
    .openCursor(conversationRange(conversationId), 'prev');
  while (cursor) {
    const message = cursor.value;
    const fromPeer = message.from !== me && message.status === 'received';
    if (isAfter(message)) {
      if (fromPeer && !message.recalled) {
        after += 1;
        newest = false;
      }
    } else if (fromPeer && message.mid) {
      ackable = message;
      break;
    }
    cursor = await cursor.continue();
  }
  const [conversation, history] = await Promise.all([
    tx.objectStore('conversations').get(conversationId),
    tx.objectStore('history').get(conversationId),
  ]);
  const writes: Promise<unknown>[] = [];
  const unreadChanged = !!conversation && conversation.unread !== after;
  if (conversation && unreadChanged)
    writes.push(tx.objectStore('conversations').put({ ...conversation, unread: after }));
  const result: SeenResult = { newest, unreadChanged, found: true };
  const acked = history?.readAck;
  const forward =
    !!ackable &&
    (!acked ||
      ackable.time > acked.time ||
      (ackable.time === acked.time && ackable.mid !== acked.mid));
  if (ackable?.mid && forward && upTo.record) {
    const record: ConversationHistory = history ?? { conversationId, exhausted: false };
    writes.push(
      tx.objectStore('history').put({
        ...record,
        readAck: { mid: ackable.mid, time: ackable.time },
      }),
    );
    // The peer for a 1:1 chat, the group for a group: the conversation either way.
    result.ack = { mid: ackable.mid, to: conversationId, chatType: ackable.chatType };
  }
  await Promise.all([...writes, tx.done]);
  return result;
}
