/**
 * Own messages in a user's database until the server has them: the message and its outbox entry are
 * written together, and every outcome (acked, refused, retried, uploaded, cancelled) changes both in
 * one transaction (see `database.ts`, and `outbox.ts` for the queue itself).
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import { applyMessage } from './conversations.js';
import { type ChatDB, type StoredConversation, type UserDatabase, emptyMeta } from './database.js';
import { conversationRange } from './messages-repo.js';
import { type OutboxEntry, type OutboxFile, bodyOf } from './outbox.js';
import type { ChatMessage } from './types.js';

/** Entries waiting to be sent (not those held after a refusal, until a retry). */
export async function readOutbox(db: UserDatabase): Promise<OutboxEntry[]> {
  return (await db.getAll('outbox')).filter((entry) => !entry.held);
}

export function readOutboxEntry(db: UserDatabase, id: string): Promise<OutboxEntry | undefined> {
  return db.get('outbox', id);
}

// ---------------------------------------------------------------------------------------------
// Own messages
// ---------------------------------------------------------------------------------------------

/**
 * Writes an own message as `pending` together with its outbox entry and its conversation, before
 * anything is sent: the message shows at once and survives a reload.
 */
export async function storeOutgoing(
  db: UserDatabase,
  message: ChatMessage,
  entry: DistributiveOmit<OutboxEntry, 'order'>,
): Promise<{ entry: OutboxEntry; conversationCreated: boolean }> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'meta'], 'readwrite');
  const [conversation, meta] = await Promise.all([
    tx.objectStore('conversations').get(message.conversationId),
    tx.objectStore('meta').get('state'),
  ]);
  const nextMeta = meta ?? emptyMeta();
  nextMeta.outboxOrder += 1;
  const queued = { ...entry, order: nextMeta.outboxOrder } as OutboxEntry;
  await Promise.all([
    tx.objectStore('messages').put(message),
    tx.objectStore('outbox').put(queued),
    tx.objectStore('meta').put(nextMeta, 'state'),
    tx
      .objectStore('conversations')
      .put(applyMessage(conversation, message, { isNew: true, unread: false })),
    tx.done,
  ]);
  return { entry: queued, conversationCreated: !conversation };
}

/** `Omit` applied to each member of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Keeps the conversation's copy of its last message in step with the stored message. */
async function syncLastMessage(
  conversations: IDBPObjectStore<
    ChatDB,
    ArrayLike<StoreNames<ChatDB>>,
    'conversations',
    'readwrite'
  >,
  message: ChatMessage,
): Promise<void> {
  const conversation = await conversations.get(message.conversationId);
  if (conversation?.lastMessage?.id === message.id)
    await conversations.put({ ...conversation, lastMessage: message });
}

/**
 * Changes a stored own message (and the conversation's copy of it when it is the last one) and
 * settles its outbox entry, in one transaction: `remove` it (acked), `hold` it (refused: kept with
 * its file for a retry, but not sent) or `requeue` it (a retry: back in the queue, last). `change`
 * returns `null` to leave the message alone. Returns the message after the change, or `undefined`
 * when nothing was changed (no such message, e.g. wiped meanwhile, or `change` declined).
 */
async function updateOwnMessage(
  db: UserDatabase,
  id: string,
  change: (message: ChatMessage) => ChatMessage | null,
  outbox: 'remove' | 'hold' | 'requeue',
): Promise<{ message: ChatMessage; entry?: OutboxEntry } | undefined> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'meta'], 'readwrite');
  const stored = await tx.objectStore('messages').get(id);
  const message = stored && change(stored);
  if (!message) {
    await tx.done;
    return undefined;
  }
  const writes: Promise<unknown>[] = [
    tx.objectStore('messages').put(message),
    syncLastMessage(tx.objectStore('conversations'), message),
  ];
  if (message.time > stored.time) {
    // The ack's time is the server's: later than when this device wrote the message (a first
    // message held up by a guest's sign-up, a slow link). Own messages written after it and still
    // waiting for theirs take that time too, so they stay below it (same time: by id, in the
    // order they were written) rather than showing above it until their own ack.
    const messages = tx.objectStore('messages');
    const range = conversationRange(message.conversationId, stored.time, message.time);
    for (const later of await messages.index('by-conversation-time').getAll(range)) {
      if (later.mid || later.id <= id) continue;
      const moved = { ...later, time: message.time };
      writes.push(messages.put(moved), syncLastMessage(tx.objectStore('conversations'), moved));
    }
  }
  let entry: OutboxEntry | undefined;
  if (outbox === 'remove') {
    writes.push(tx.objectStore('outbox').delete(id));
  } else {
    const existing = await tx.objectStore('outbox').get(id);
    if (outbox === 'hold') {
      if (existing) writes.push(tx.objectStore('outbox').put({ ...existing, held: true }));
    } else {
      const body = existing ?? bodyOf(message);
      if (!body) {
        // An attachment whose file is gone cannot be sent again.
        tx.abort();
        await tx.done.catch(() => undefined);
        return undefined;
      }
      const meta = (await tx.objectStore('meta').get('state')) ?? emptyMeta();
      meta.outboxOrder += 1;
      const requeued = {
        ...(existing ?? body),
        id,
        order: meta.outboxOrder,
        to: message.to,
        chatType: message.chatType,
        queuedAt: Date.now(),
      } as OutboxEntry;
      delete requeued.held;
      if (message.ext) requeued.ext = message.ext;
      entry = requeued;
      writes.push(
        tx.objectStore('meta').put(meta, 'state'),
        tx.objectStore('outbox').put(requeued),
      );
    }
  }
  await Promise.all([...writes, tx.done]);
  return entry ? { message, entry } : { message };
}

/** The server acked an own message: `sent`, with its server id (and time/seq when known). */
export function markSent(
  db: UserDatabase,
  id: string,
  ack: { mid?: string; time?: number; seq?: number },
) {
  return updateOwnMessage(
    db,
    id,
    (message) => {
      const sent: ChatMessage = {
        ...message,
        status: message.status === 'received' ? 'received' : 'sent',
      };
      if (sent.status === 'sent' && !sent.receipt) sent.receipt = 'sent';
      delete sent.error;
      if (ack.mid) sent.mid = ack.mid;
      if (ack.time) sent.time = ack.time;
      if (ack.seq !== undefined) sent.seq = ack.seq;
      return sent;
    },
    'remove',
  );
}

/**
 * The server refused an own message: `failed`, with why. Its outbox entry is held (an attachment
 * keeps its file for a retry) and not sent again until {@link requeue}.
 */
export function markFailed(db: UserDatabase, id: string, error: string, errorKey?: string) {
  return updateOwnMessage(
    db,
    id,
    (message) =>
      // An ack that won the race keeps the message sent.
      message.status === 'sent'
        ? message
        : { ...message, status: 'failed', error, ...(errorKey ? { errorKey } : {}) },
    'hold',
  );
}

/**
 * Puts a `failed` (or stuck `pending`) message back in the outbox as `pending`, under the same id.
 * A sent or received message is left alone.
 */
export function requeue(db: UserDatabase, id: string) {
  return updateOwnMessage(
    db,
    id,
    (message) => {
      if (message.status !== 'failed' && message.status !== 'pending') return null;
      const pending: ChatMessage = { ...message, status: 'pending' };
      delete pending.error;
      delete pending.errorKey;
      return pending;
    },
    'requeue',
  );
}

/**
 * The file of a queued attachment is on the server: remember where (so a reload does not upload it
 * again) and show it on the message.
 */
export async function markUploaded(
  db: UserDatabase,
  id: string,
  uploaded: NonNullable<OutboxFile['uploaded']>,
): Promise<ChatMessage | undefined> {
  const tx = db.transaction(['messages', 'conversations', 'outbox'], 'readwrite');
  const [entry, stored] = await Promise.all([
    tx.objectStore('outbox').get(id),
    tx.objectStore('messages').get(id),
  ]);
  if (!entry || !('file' in entry) || !stored?.attachment || stored.status !== 'pending') {
    await tx.done;
    return undefined;
  }
  const attachment = { ...stored.attachment, url: uploaded.url, secret: uploaded.secret };
  if (uploaded.thumbUrl) attachment.thumbUrl = uploaded.thumbUrl;
  if (uploaded.thumbSecret !== undefined) attachment.thumbSecret = uploaded.thumbSecret;
  const message: ChatMessage = { ...stored, attachment };
  await Promise.all([
    tx.objectStore('outbox').put({ ...entry, file: { ...entry.file, uploaded } }),
    tx.objectStore('messages').put(message),
    syncLastMessage(tx.objectStore('conversations'), message),
    tx.done,
  ]);
  return message;
}

/**
 * Removes an own message that never reached the server (a cancelled upload) with its outbox entry;
 * the conversation's last message falls back to the one before. Returns the removed message, or
 * `undefined` when it was already sent (too late) or is not there.
 */
export async function removeUnsent(db: UserDatabase, id: string): Promise<ChatMessage | undefined> {
  const tx = db.transaction(['messages', 'conversations', 'outbox'], 'readwrite');
  const message = await tx.objectStore('messages').get(id);
  if (!message || (message.status !== 'pending' && message.status !== 'failed')) {
    await tx.done;
    return undefined;
  }
  const writes: Promise<unknown>[] = [
    tx.objectStore('messages').delete(id),
    tx.objectStore('outbox').delete(id),
  ];
  const conversation = await tx.objectStore('conversations').get(message.conversationId);
  if (conversation?.lastMessage?.id === id) {
    const previous = await tx
      .objectStore('messages')
      .index('by-conversation-time')
      .openCursor(conversationRange(message.conversationId), 'prev');
    let before = previous;
    while (before && before.value.id === id) before = await before.continue();
    const next: StoredConversation = { ...conversation };
    if (before) next.lastMessage = before.value;
    else delete next.lastMessage;
    writes.push(tx.objectStore('conversations').put(next));
  }
  await Promise.all([...writes, tx.done]);
  return message;
}
