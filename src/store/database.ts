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
import {
  type DBSchema,
  type IDBPDatabase,
  type IDBPObjectStore,
  type StoreNames,
  deleteDB,
  openDB,
} from 'idb';
import { applyMessage, emptyConversation } from './conversations.js';
import { recalledCopy } from './messages.js';
import { type OutboxEntry, type OutboxFile, bodyOf } from './outbox.js';
import type { AppLimits, ChatType } from '../protocol/index.js';
import type {
  ChatMessage,
  ChatRoom,
  ContactRequest,
  Conversation,
  CurrentUser,
  Group,
  GroupInvitation,
  GroupMember,
  JoinRequest,
} from './types.js';

/** A contact as stored: presence is live only, never read back from disk. */
export interface StoredContact {
  username: string;
  nickname?: string;
}

/**
 * The social lists of a user (database version 3), each stored whole under its key: every one is
 * bounded by the server's `Limits` (3,000 contacts, 200 members a group…), always shown whole, and
 * replaced whole by the refresh on connect, so one record per list makes each refresh and each
 * event one small transaction. Members are kept per group, under `members:{groupId}`.
 */
export interface SocialLists {
  contacts: StoredContact[];
  requests: ContactRequest[];
  blocklist: string[];
  groups: Group[];
  invitations: GroupInvitation[];
  joinRequests: JoinRequest[];
  rooms: ChatRoom[];
  /** Keys of the notices said lately, so that a replayed event is not said again. */
  noticed: string[];
}
export type ListKey = keyof SocialLists | `members:${string}`;
export type ListOf<K extends ListKey> = K extends keyof SocialLists
  ? SocialLists[K]
  : GroupMember[];

/** Per-user bookkeeping, one record under the key `state`. */
export interface UserMeta {
  /** Highest `seq` stored here; given to the connection as `syncCursor` before it opens. */
  cursor: number;
  /** The last outbox `order` handed out. */
  outboxOrder: number;
  profile?: CurrentUser;
  /** The app's limits as the server last said (so checks made offline after a reload match it). */
  limits?: AppLimits;
}

/** A conversation as stored: what elements see, plus bookkeeping for unread counts. */
export interface StoredConversation extends Conversation {
  /**
   * Time of the newest message the server had counted when it last told us the unread count (on
   * login): a replayed message at or before it is already in the count and must not add to it.
   */
  unreadAsOf?: number;
}

/** Per-conversation paging and read-receipt bookkeeping (database version 2). */
export interface ConversationHistory {
  conversationId: string;
  /** The server has nothing older than the oldest message stored here. */
  exhausted: boolean;
  /** The newest peer message this user has acknowledged as read (from any device). */
  readAck?: { mid: string; time: number };
}

export interface ChatDB extends DBSchema {
  messages: {
    key: string;
    value: ChatMessage;
    indexes: { 'by-conversation-time': [string, number]; 'by-mid': string };
  };
  conversations: { key: string; value: StoredConversation };
  outbox: { key: string; value: OutboxEntry };
  meta: { key: 'state'; value: UserMeta };
  history: { key: string; value: ConversationHistory };
  lists: { key: string; value: unknown[] };
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

/**
 * Version 1: messages, conversations, outbox, meta (issue 2).
 * Version 2: `history` (paging and read-ack bookkeeping); own sent messages get `receipt: 'sent'`.
 * Version 3: `lists` (contacts, requests, blocklist, groups, members, invitations, rooms).
 */
export const USER_DB_VERSION = 3;
export const SESSION_DB_VERSION = 1;
/** How many messages of a conversation `messages$` shows before any `loadOlder`. */
export const RECENT_MESSAGES = 200;

const emptyMeta = (): UserMeta => ({ cursor: 0, outboxOrder: 0 });

export const userDbName = (prefix: string, appKey: string, username: string) =>
  `${prefix}:${appKey}:${username}`;
export const sessionDbName = (prefix: string, appKey: string) => `${prefix}:${appKey}`;

/**
 * Opens (creating or upgrading) a user's database. `created` tells the caller it did not exist, so a
 * login that then fails can delete it again instead of leaving an empty database per typo.
 * Each step is gated on `oldVersion`, so a database of any earlier version is upgraded in place.
 */
export async function openUserDb(name: string): Promise<{ db: UserDatabase; created: boolean }> {
  let created = false;
  const db = await openDB<ChatDB>(name, USER_DB_VERSION, {
    async upgrade(database, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        created = true;
        const messages = database.createObjectStore('messages', { keyPath: 'id' });
        messages.createIndex('by-conversation-time', ['conversationId', 'time']);
        messages.createIndex('by-mid', 'mid');
        database.createObjectStore('conversations', { keyPath: 'id' });
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        database.createObjectStore('history', { keyPath: 'conversationId' });
        // Version 1 knew no receipts: what it had sent is at least on the server.
        if (oldVersion >= 1) {
          let cursor = await transaction.objectStore('messages').openCursor();
          while (cursor) {
            if (cursor.value.status === 'sent' && !cursor.value.receipt)
              await cursor.update({ ...cursor.value, receipt: 'sent' });
            cursor = await cursor.continue();
          }
        }
      }
      if (oldVersion < 3) database.createObjectStore('lists');
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

export function readConversations(db: UserDatabase): Promise<StoredConversation[]> {
  return db.getAll('conversations');
}

export function readConversation(
  db: UserDatabase,
  id: string,
): Promise<StoredConversation | undefined> {
  return db.get('conversations', id);
}

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

const conversationRange = (conversationId: string, from = -Infinity, to = Infinity) =>
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

/** Entries waiting to be sent (not those held after a refusal, until a retry). */
export async function readOutbox(db: UserDatabase): Promise<OutboxEntry[]> {
  return (await db.getAll('outbox')).filter((entry) => !entry.held);
}

export function readOutboxEntry(db: UserDatabase, id: string): Promise<OutboxEntry | undefined> {
  return db.get('outbox', id);
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
 */
export async function storeIncomingBatch(
  db: UserDatabase,
  items: readonly IncomingItem[],
  options: { history?: { conversationId: string; exhausted: boolean }; cursor?: number } = {},
): Promise<IncomingResult[]> {
  const { history } = options;
  const stores = ['messages', 'conversations', 'outbox', 'meta', 'history'] as const;
  const tx = db.transaction(stores, 'readwrite');
  const messages = tx.objectStore('messages');
  const conversationStore = tx.objectStore('conversations');
  const ids = [...new Set(items.map((item) => item.message.id))];
  const conversationIds = [...new Set(items.map((item) => item.message.conversationId))];
  const [existingList, conversationList, meta] = await Promise.all([
    Promise.all(ids.map((id) => messages.get(id))),
    Promise.all(conversationIds.map((id) => conversationStore.get(id))),
    tx.objectStore('meta').get('state'),
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
  for (const { message: incoming, unread } of items) {
    const existing = stored.get(incoming.id);
    const message = mergeIncoming(existing, incoming);
    stored.set(message.id, message);
    const conversation = conversations.get(message.conversationId);
    const counted =
      unread && !(conversation?.unreadAsOf && message.time <= conversation.unreadAsOf);
    const next: StoredConversation = applyMessage(conversation, message, {
      isNew: !existing,
      unread: counted,
    });
    conversations.set(message.conversationId, next);
    if (incoming.seq !== undefined && incoming.seq > nextMeta.cursor)
      nextMeta.cursor = incoming.seq;
    if (message.status === 'sent') sent.add(message.id);
    results.push({ message, isNew: !existing, conversationCreated: !conversation });
  }
  const writes: Promise<unknown>[] = [];
  for (const message of stored.values())
    if (ids.includes(message.id)) writes.push(messages.put(message));
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
export function markFailed(db: UserDatabase, id: string, error: string) {
  return updateOwnMessage(
    db,
    id,
    (message) =>
      // An ack that won the race keeps the message sent.
      message.status === 'sent' ? message : { ...message, status: 'failed', error },
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
 * A recall: the message `mid` becomes a "recalled" notice (the row stays, its content goes), here
 * and in its conversation's last message. A peer's unread message that is recalled no longer counts.
 * Returns the recalled message, or `undefined` when it is not stored here (or already recalled).
 */
export async function applyRecall(
  db: UserDatabase,
  mid: string,
  me: string,
): Promise<ChatMessage | undefined> {
  const tx = db.transaction(['messages', 'conversations', 'outbox', 'history'], 'readwrite');
  const message = await tx.objectStore('messages').index('by-mid').get(mid);
  if (!message || message.recalled) {
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

/** A conversation as the server reports it on login (`getSessionList`). */
export interface ServerConversationState {
  id: string;
  chatType: ChatMessage['chatType'];
  unread: number;
  /** The server's last message, when it could be read. */
  lastMessage?: ChatMessage;
}

/**
 * Takes the server's unread counts as the truth after a sync (they count every device's reads), and
 * learns conversations this device never saw. The count was made when the server answered: peer
 * messages stored here that are newer than the server's last message are added to it (whenever
 * they were stored), and conversations in `skip` (read or recalled here since the request went out,
 * so the answer is stale for them) keep their local count if they have one. The server's last message is shown on
 * the conversation but not stored as a message: stored messages stay gap-free for `loadOlder`.
 * Returns the ids of conversations created here.
 */
export async function reconcileConversations(
  db: UserDatabase,
  server: readonly ServerConversationState[],
  options: { me: string; skip?: ReadonlySet<string>; now?: number },
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
    if (stored && options.skip?.has(entry.id)) continue;
    const last = entry.lastMessage;
    const asOf = Math.max(last?.time ?? 0, stored?.unreadAsOf ?? 0);
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
      stored.unreadAsOf !== next.unreadAsOf
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

// ---------------------------------------------------------------------------------------------
// Contacts, groups, rooms
// ---------------------------------------------------------------------------------------------

export async function readList<K extends ListKey>(db: UserDatabase, key: K): Promise<ListOf<K>> {
  return ((await db.get('lists', key)) ?? []) as ListOf<K>;
}

/**
 * Changes one list in one transaction: `change` gets the stored list and returns the new one, or
 * `undefined` to leave it alone (so an event applied twice writes nothing the second time). An
 * empty list is deleted rather than stored. Returns whether anything was written.
 */
export async function updateList<K extends ListKey>(
  db: UserDatabase,
  key: K,
  change: (list: ListOf<K>) => ListOf<K> | undefined,
): Promise<boolean> {
  const tx = db.transaction('lists', 'readwrite');
  const next = change(((await tx.store.get(key)) ?? []) as ListOf<K>);
  if (next) await (next.length ? tx.store.put(next, key) : tx.store.delete(key));
  await tx.done;
  return next !== undefined;
}

/** Nicknames the lists know (contacts, members of the groups read), by username. */
export async function readNicknames(db: UserDatabase): Promise<Map<string, string>> {
  const tx = db.transaction('lists');
  const [contacts, members] = await Promise.all([
    tx.store.get('contacts'),
    tx.store.getAll(IDBKeyRange.bound('members:', 'members:\uffff')),
  ]);
  const names = new Map<string, string>();
  for (const entry of [...(contacts ?? []), ...members].flat() as StoredContact[])
    if (entry.nickname) names.set(entry.username, entry.nickname);
  return names;
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

export async function saveProfile(db: UserDatabase, profile: CurrentUser): Promise<void> {
  await updateMeta(db, { profile });
}

export async function saveLimits(db: UserDatabase, limits: AppLimits): Promise<void> {
  await updateMeta(db, { limits });
}

async function updateMeta(db: UserDatabase, change: Partial<UserMeta>): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  const meta = (await tx.store.get('state')) ?? emptyMeta();
  await Promise.all([tx.store.put({ ...meta, ...change }, 'state'), tx.done]);
}
