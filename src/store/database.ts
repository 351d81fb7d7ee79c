/**
 * The store's IndexedDB databases (through `idb`): their schema, opening and upgrading them, the
 * saved session, and the per-user bookkeeping record. The transactions on a user's data live in the
 * repositories beside this file: `messages-repo.ts` (received messages, receipts, reads),
 * `outbox-repo.ts` (own messages until acked), `conversations-repo.ts` and `lists-repo.ts`.
 *
 * - One database per app key + user, `{prefix}:{appKey}:{username}` ({@link ChatDB}): messages,
 *   conversations, outbox, pending deletions and the sync cursor. Opened after login (or on resume), deleted by
 *   `logout({wipe: true})`.
 * - One small database per app key, `{prefix}:{appKey}` ({@link SessionDB}): the last session, so a
 *   reload resumes without the login form. Usernames cannot contain `:`, so the names never clash.
 *
 * Rules (for every repository): each function is one transaction; no network work is awaited inside
 * one (a transaction commits as soon as it has no pending request); writes are batched with
 * `Promise.all([...puts, tx.done])`. Each read-modify-write runs in a single readwrite transaction,
 * so two of them on the same record are serialized by IndexedDB and never lose an update.
 */
import { type DBSchema, type IDBPDatabase, deleteDB, openDB } from 'idb';
import type { OutboxEntry } from './outbox.js';
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
/** A member's nickname in a group (their `nickName` attribute: group-nicknames.ts). */
export interface MemberNickname {
  username: string;
  nickName: string;
}

/**
 * `members:{groupId}`: a group's members; `bans:{id}`: who is banned from a group or room I run;
 * `nickNames:{groupId}`: the members' nicknames in the group.
 */
export type ListKey =
  keyof SocialLists | `members:${string}` | `bans:${string}` | `nickNames:${string}`;
export type ListOf<K extends ListKey> = K extends keyof SocialLists
  ? SocialLists[K]
  : K extends `bans:${string}`
    ? string[]
    : K extends `nickNames:${string}`
      ? MemberNickname[]
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
  /** Set by an upgrade until `stored-upgrade.ts` has brought the stored records up to date. */
  stale?: true;
}

/** A conversation as stored: what elements see, plus bookkeeping for unread counts. */
export interface StoredConversation extends Conversation {
  /**
   * Time of the newest message the server had counted when it last told us the unread count (on
   * login): a replayed message at or before it is already in the count and must not add to it.
   */
  unreadAsOf?: number;
  /**
   * My inbox seq that count was as of, when the server said: a replayed deletion at or before it
   * was already left out of the count, for the messages at or before `unreadAsOf`.
   */
  unreadSeq?: number;
}

/** Per-conversation paging and read-receipt bookkeeping (database version 2). */
export interface ConversationHistory {
  conversationId: string;
  /** The server has nothing older than the oldest message stored here. */
  exhausted: boolean;
  /** The newest peer message this user has acknowledged as read (from any device). */
  readAck?: { mid: string; time: number };
}

/**
 * What I deleted for me in one conversation that the server has not done yet (database version 5,
 * `deletions.ts`): asked offline, or of own messages before their ack. The conversation's messages
 * left this device at once; this is sent when the connection is back and taken out once the server
 * agreed, as the outbox does for messages, so a reload forgets none of it.
 */
export interface PendingDeletion {
  conversationId: string;
  chatType: ChatType;
  /** Messages the server has, by server id. */
  mids: string[];
  /**
   * Own messages deleted before their ack, by client id: their server id comes with the ack, or
   * with their copy the server replays after a reload; then they join `mids`.
   */
  unacked: string[];
  /** The conversation itself, with its messages on the server (`deleteRoam`) or not. */
  conversation?: { withMessages: boolean };
  /** When it was first queued, ms since the epoch. */
  queuedAt: number;
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
  deletions: { key: string; value: PendingDeletion };
}

/** The last signed-in session of an app key. */
export interface SavedSession {
  username: string;
  accessToken: string;
  /** ms since the epoch; the session is not resumed after this. */
  expiresAt: number;
}

/**
 * The guest this browser minted for an app key (issue 9): kept after sign-out and token expiry, so
 * a return next week signs in as the same guest, to the same conversation.
 */
export interface SavedGuest {
  username: string;
  password: string;
}

export interface SessionDB extends DBSchema {
  session: { key: 'current'; value: SavedSession };
  /** Version 2. */
  guest: { key: 'current'; value: SavedGuest };
}

export type UserDatabase = IDBPDatabase<ChatDB>;
export type SessionDatabase = IDBPDatabase<SessionDB>;

/**
 * Version 1: messages, conversations, outbox, meta (issue 2).
 * Version 2: `history` (paging and read-ack bookkeeping); own sent messages get `receipt: 'sent'`.
 * Version 3: `lists` (contacts, requests, blocklist, groups, members, invitations, rooms).
 * Version 4: others' messages are keyed by their server id instead of the client id their sender
 * picked (issue 11); stored ones move to their new key, and so does a conversation's last message.
 * Version 5: `deletions` (delete for me not yet done on the server, issue 14).
 * What the versions change in stored records is done after the upgrade by `stored-upgrade.ts`.
 */
export const USER_DB_VERSION = 5;
export const SESSION_DB_VERSION = 2;
/** How many messages of a conversation `messages$` shows before any `loadOlder`. */
export const RECENT_MESSAGES = 200;

export const emptyMeta = (): UserMeta => ({ cursor: 0, outboxOrder: 0 });

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
      if (oldVersion < 2) database.createObjectStore('history', { keyPath: 'conversationId' });
      if (oldVersion < 3) database.createObjectStore('lists');
      if (oldVersion < 5) database.createObjectStore('deletions', { keyPath: 'conversationId' });
      // What an earlier version stored is brought up to date after opening (openUserDb), by a
      // chunk only such a database loads; the mark stays until that has committed. Version 5
      // changes no record: a version 4 database needs no pass over its messages.
      if (oldVersion >= 1 && oldVersion < 4) {
        const meta = transaction.objectStore('meta');
        await meta.put({ ...((await meta.get('state')) ?? emptyMeta()), stale: true }, 'state');
      }
    },
    // Another tab wants to upgrade or delete (a wipe): let it, rather than block it forever.
    blocking() {
      db.close();
    },
  });
  if ((await db.get('meta', 'state'))?.stale)
    await (await import('./stored-upgrade.js')).upgradeStored(db);
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
      if (oldVersion < 2) database.createObjectStore('guest');
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

export function readGuest(db: SessionDatabase): Promise<SavedGuest | undefined> {
  return db.get('guest', 'current');
}

export async function saveGuest(db: SessionDatabase, guest: SavedGuest): Promise<void> {
  await db.put('guest', guest, 'current');
}

/** Forgets the kept guest: any, or only `username`. */
export async function forgetGuest(db: SessionDatabase, username?: string): Promise<void> {
  if (!username || (await readGuest(db))?.username === username)
    await db.delete('guest', 'current');
}

// ---------------------------------------------------------------------------------------------
// Per-user bookkeeping
// ---------------------------------------------------------------------------------------------

export async function readMeta(db: UserDatabase): Promise<UserMeta> {
  return (await db.get('meta', 'state')) ?? emptyMeta();
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
