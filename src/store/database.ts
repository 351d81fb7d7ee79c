/**
 * The store's IndexedDB databases (through `idb`) and every transaction the store runs on them.
 *
 * - One database per app key + user, `{prefix}:{appKey}:{username}` ({@link ChatDB}): messages,
 *   conversations, outbox and the sync cursor. Opened after login (or on resume), deleted by
 *   `logout({wipe: true})`.
 * - One small database per app key, `{prefix}:{appKey}` ({@link SessionDB}): the last session, so a
 *   reload resumes without the login form. Usernames cannot contain `:`, so the names never clash.
 *
 * Rules: each function is one transaction; no network work is awaited inside one (a transaction
 * commits as soon as it has no pending request); writes are batched with `Promise.all([...puts,
 * tx.done])`. Each read-modify-write runs in a single readwrite transaction, so two of them on the
 * same record are serialized by IndexedDB and never lose an update.
 */
import { type DBSchema, type IDBPDatabase, deleteDB, openDB } from 'idb';
import { applyMessage, emptyConversation } from './conversations.js';
import type { OutboxEntry } from './outbox.js';
import type { ChatMessage, Conversation, CurrentUser } from './types.js';

/** Per-user bookkeeping, one record under the key `state`. */
export interface UserMeta {
  /** Highest `seq` stored here; given to the connection as `syncCursor` before it opens. */
  cursor: number;
  /** The last outbox `order` handed out. */
  outboxOrder: number;
  profile?: CurrentUser;
}

export interface ChatDB extends DBSchema {
  messages: {
    key: string;
    value: ChatMessage;
    indexes: { 'by-conversation-time': [string, number]; 'by-mid': string };
  };
  conversations: { key: string; value: Conversation };
  outbox: { key: string; value: OutboxEntry };
  meta: { key: 'state'; value: UserMeta };
}

/** The last signed-in session of an app key. */
export interface SavedSession {
  username: string;
  accessToken: string;
  /** ms since the epoch; the session is not resumed after this. */
  expiresAt: number;
}

export interface SessionDB extends DBSchema {
  session: { key: 'current'; value: SavedSession };
}

export type UserDatabase = IDBPDatabase<ChatDB>;
export type SessionDatabase = IDBPDatabase<SessionDB>;

export const USER_DB_VERSION = 1;
export const SESSION_DB_VERSION = 1;
/** How many messages of a conversation `readMessages` returns (paging comes later). */
export const RECENT_MESSAGES = 200;

const emptyMeta = (): UserMeta => ({ cursor: 0, outboxOrder: 0 });

export const userDbName = (prefix: string, appKey: string, username: string) =>
  `${prefix}:${appKey}:${username}`;
export const sessionDbName = (prefix: string, appKey: string) => `${prefix}:${appKey}`;

/**
 * Opens (creating or upgrading) a user's database. `created` tells the caller it did not exist, so a
 * login that then fails can delete it again instead of leaving an empty database per typo.
 */
export async function openUserDb(name: string): Promise<{ db: UserDatabase; created: boolean }> {
  let created = false;
  const db = await openDB<ChatDB>(name, USER_DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        created = true;
        const messages = database.createObjectStore('messages', { keyPath: 'id' });
        messages.createIndex('by-conversation-time', ['conversationId', 'time']);
        messages.createIndex('by-mid', 'mid');
        database.createObjectStore('conversations', { keyPath: 'id' });
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('meta');
      }
    },
    // Another tab wants to upgrade or delete (a wipe): let it, rather than block it forever.
    blocking() {
      db.close();
    },
  });
  return { db, created };
}

/** Deletes a user's database; waits for other tabs to let go of it. */
export function deleteUserDb(name: string): Promise<void> {
  return deleteDB(name);
}

export function openSessionDb(name: string): Promise<SessionDatabase> {
  const opening: Promise<SessionDatabase> = openDB<SessionDB>(name, SESSION_DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) database.createObjectStore('session');
    },
    blocking() {
      void opening.then((db) => db.close());
    },
  });
  return opening;
}

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

export function readSession(db: SessionDatabase): Promise<SavedSession | undefined> {
  return db.get('session', 'current');
}

export async function saveSession(db: SessionDatabase, session: SavedSession): Promise<void> {
  await db.put('session', session, 'current');
}

export async function clearSession(db: SessionDatabase): Promise<void> {
  await db.delete('session', 'current');
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export async function readMeta(db: UserDatabase): Promise<UserMeta> {
  return (await db.get('meta', 'state')) ?? emptyMeta();
}

export function readConversations(db: UserDatabase): Promise<Conversation[]> {
  return db.getAll('conversations');
}

export function readConversation(db: UserDatabase, id: string): Promise<Conversation | undefined> {
  return db.get('conversations', id);
}

export function readMessage(db: UserDatabase, id: string): Promise<ChatMessage | undefined> {
  return db.get('messages', id);
}

/** The `limit` most recent messages of a conversation, oldest first. */
export async function readMessages(
  db: UserDatabase,
  conversationId: string,
  limit = RECENT_MESSAGES,
): Promise<ChatMessage[]> {
  const range = IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity]);
  const newestFirst: ChatMessage[] = [];
  let cursor = await db
    .transaction('messages')
    .store.index('by-conversation-time')
    .openCursor(range, 'prev');
  while (cursor && newestFirst.length < limit) {
    newestFirst.push(cursor.value);
    cursor = await cursor.continue();
  }
  return newestFirst.reverse();
}

export function readOutbox(db: UserDatabase): Promise<OutboxEntry[]> {
  return db.getAll('outbox');
}

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

/** What {@link storeIncoming} did. */
export interface IncomingResult {
  message: ChatMessage;
  /** False when the message was already stored (a replay or a resend). */
  isNew: boolean;
  /** True when the message started a conversation this database did not have. */
  conversationCreated: boolean;
}

/**
 * Stores a message from the socket (a peer's, or one of mine from another device), upserting by
 * client id so nothing shows twice, updates its conversation and advances the sync cursor, all in
 * one transaction: after a crash either all of it happened or none of it did, so the cursor never
 * gets ahead of what is stored.
 */
export async function storeIncoming(
  db: UserDatabase,
  incoming: ChatMessage,
  unread: boolean,
): Promise<IncomingResult> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'meta'], 'readwrite');
  const [existing, conversation, meta] = await Promise.all([
    tx.objectStore('messages').get(incoming.id),
    tx.objectStore('conversations').get(incoming.conversationId),
    tx.objectStore('meta').get('state'),
  ]);
  // A stored message keeps its conversation and text; the server's copy brings id, time and seq.
  // An own message arriving here is on the server, whatever this device thought of it.
  const message: ChatMessage = existing
    ? {
        ...existing,
        mid: incoming.mid ?? existing.mid,
        time: incoming.time,
        seq: incoming.seq ?? existing.seq,
        status: existing.status === 'received' ? 'received' : incoming.status,
      }
    : incoming;
  if (message.status !== 'failed') delete message.error;
  const nextMeta = meta ?? emptyMeta();
  if (incoming.seq !== undefined && incoming.seq > nextMeta.cursor) nextMeta.cursor = incoming.seq;
  const writes: Promise<unknown>[] = [
    tx.objectStore('messages').put(message),
    tx
      .objectStore('conversations')
      .put(applyMessage(conversation, message, { isNew: !existing, unread })),
    tx.objectStore('meta').put(nextMeta, 'state'),
  ];
  if (message.status === 'sent') writes.push(tx.objectStore('outbox').delete(message.id));
  await Promise.all([...writes, tx.done]);
  return { message, isNew: !existing, conversationCreated: !conversation };
}

/**
 * Writes an own message as `pending` together with its outbox entry and its conversation, before
 * anything is sent: the message shows at once and survives a reload.
 */
export async function storeOutgoing(
  db: UserDatabase,
  message: ChatMessage,
  entry: Omit<OutboxEntry, 'order'>,
): Promise<{ entry: OutboxEntry; conversationCreated: boolean }> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'meta'], 'readwrite');
  const [conversation, meta] = await Promise.all([
    tx.objectStore('conversations').get(message.conversationId),
    tx.objectStore('meta').get('state'),
  ]);
  const nextMeta = meta ?? emptyMeta();
  nextMeta.outboxOrder += 1;
  const queued: OutboxEntry = { ...entry, order: nextMeta.outboxOrder };
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

/**
 * Changes a stored own message (and the conversation's copy of it when it is the last one) and
 * removes or re-adds its outbox entry, in one transaction. `change` returns `null` to leave the
 * message alone. Returns the message after the change, or `undefined` when nothing was changed
 * (no such message, e.g. wiped meanwhile, or `change` declined).
 */
async function updateOwnMessage(
  db: UserDatabase,
  id: string,
  change: (message: ChatMessage) => ChatMessage | null,
  outbox: 'remove' | 'requeue',
): Promise<{ message: ChatMessage; entry?: OutboxEntry } | undefined> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'meta'], 'readwrite');
  const stored = await tx.objectStore('messages').get(id);
  const message = stored && change(stored);
  if (!message) {
    await tx.done;
    return undefined;
  }
  const writes: Promise<unknown>[] = [tx.objectStore('messages').put(message)];
  const conversation = await tx.objectStore('conversations').get(message.conversationId);
  if (conversation?.lastMessage?.id === id) {
    writes.push(
      tx.objectStore('conversations').put({
        ...conversation,
        lastMessage: message,
        updatedAt: Math.max(conversation.updatedAt, message.time),
      }),
    );
  }
  let entry: OutboxEntry | undefined;
  if (outbox === 'remove') {
    writes.push(tx.objectStore('outbox').delete(id));
  } else {
    const meta = (await tx.objectStore('meta').get('state')) ?? emptyMeta();
    meta.outboxOrder += 1;
    entry = {
      id,
      order: meta.outboxOrder,
      to: message.to,
      chatType: message.chatType,
      type: message.type,
      text: message.text,
      queuedAt: Date.now(),
    };
    if (message.ext) entry.ext = message.ext;
    writes.push(tx.objectStore('meta').put(meta, 'state'), tx.objectStore('outbox').put(entry));
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
      delete sent.error;
      if (ack.mid) sent.mid = ack.mid;
      if (ack.time) sent.time = ack.time;
      if (ack.seq !== undefined) sent.seq = ack.seq;
      return sent;
    },
    'remove',
  );
}

/** The server refused an own message: `failed`, with why, out of the outbox (retry puts it back). */
export function markFailed(db: UserDatabase, id: string, error: string) {
  return updateOwnMessage(
    db,
    id,
    (message) =>
      // An ack that won the race keeps the message sent.
      message.status === 'sent' ? message : { ...message, status: 'failed', error },
    'remove',
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
      return pending;
    },
    'requeue',
  );
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

export async function saveProfile(db: UserDatabase, profile: CurrentUser): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  const meta = (await tx.store.get('state')) ?? emptyMeta();
  await Promise.all([tx.store.put({ ...meta, profile }, 'state'), tx.done]);
}
