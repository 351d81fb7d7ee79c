/**
 * What `contacts.ts`, `groups.ts` and `chat-rooms.ts` need from the ChatStore that composes them:
 * the signed-in session, the stored lists (live), writes that signal the UI, conversations, and
 * notices. Each module turns the SDK's events and its own actions into idempotent list changes: an
 * event applied twice (a replay after a reconnect, or the event that follows an action's answer)
 * finds the list already changed and writes nothing, so it also says nothing twice.
 */
import type { Observable } from 'rxjs';
import type { StoreConnection } from './connection-events.js';
import type { ConversationUpsert } from './conversations-repo.js';
import type { ListKey, ListOf, UserDatabase } from './database.js';
import { type ActionSubject, type RefusalWords, actionError } from './errors.js';
import { readList } from './lists-repo.js';
import type { ChatNotice } from './types.js';

/** The part of a signed-in session the modules use. */
export interface SocialSession {
  username: string;
  db: UserDatabase;
  connection: StoreConnection;
}

export interface SocialHost {
  /** The shown session; throws a ChatError when no one is signed in. */
  session(): SocialSession;
  /** Whether `session` is still the store's (an answer may arrive after a sign-out). */
  current(session: SocialSession): boolean;
  /** A stored list, live. */
  list$<K extends ListKey>(key: K): Observable<ListOf<K>>;
  /** Changes a stored list (see `updateList`) and tells the UI when it did. */
  update<K extends ListKey>(
    session: SocialSession,
    key: K,
    change: (list: ListOf<K>) => ListOf<K> | undefined,
  ): Promise<boolean>;
  /** Creates or marks group or room conversations (see `upsertConversations`); true if changed. */
  conversations(session: SocialSession, entries: ConversationUpsert[]): Promise<boolean>;
  /** Tells the UI that a conversation's messages changed. */
  changed(conversationId: string): void;
  /**
   * Tells the person, once: `key` names the event (its kind, who, and its server time), and a key
   * already said (the event delivered again, or replayed after a reload) says nothing.
   */
  notice(session: SocialSession, notice: Omit<ChatNotice, 'time'>, key: string): Promise<void>;
}

/** Runs an SDK call of an action; a refusal becomes a ChatError in words about `subject`. */
export async function attempt<T>(
  subject: ActionSubject,
  action: () => Promise<T>,
  words?: RefusalWords,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw actionError(error, subject, words);
  }
}

/**
 * A list with `item` put in place of the entry `same` finds (or added), or `undefined` when an
 * equal entry is there already: the change of an event seen twice.
 */
export function upsert<T>(list: T[], item: T, same: (entry: T) => boolean): T[] | undefined {
  const index = list.findIndex(same);
  if (index >= 0 && JSON.stringify(list[index]) === JSON.stringify(item)) return undefined;
  return index >= 0 ? list.map((entry, i) => (i === index ? item : entry)) : [...list, item];
}

/** A list without the entries `drop` picks, or `undefined` when it had none. */
export function without<T>(list: T[], drop: (entry: T) => boolean): T[] | undefined {
  const kept = list.filter((entry) => !drop(entry));
  return kept.length === list.length ? undefined : kept;
}

/** The whole list from the server, or `undefined` when it is what is stored already. */
export function replaced<T>(list: T[], next: T[]): T[] | undefined {
  return JSON.stringify(list) === JSON.stringify(next) ? undefined : next;
}

/**
 * Reads from the server into the stored list `key`, `write` putting the answer onto the list as it
 * is then. When the list changed while the server answered (an action or event of mine landed
 * first), the answer may be older than it: read again, at most twice, rather than write older news
 * back (da2b3a5, for rooms). The answer written, or `undefined` when the session ended meanwhile.
 */
export async function freshRead<K extends ListKey, A>(
  host: SocialHost,
  session: SocialSession,
  key: K,
  read: () => Promise<A>,
  write: (list: ListOf<K>, answer: A) => ListOf<K> | undefined,
): Promise<A | undefined> {
  for (let again = 2; ; again -= 1) {
    const seen = JSON.stringify(await readList(session.db, key));
    const answer = await read();
    if (!host.current(session)) return undefined;
    let stale = false;
    await host.update(session, key, (list) => {
      stale = again > 0 && JSON.stringify(list) !== seen;
      return stale ? undefined : write(list, answer);
    });
    if (!stale) return answer;
  }
}

/**
 * Runs `task` now, or once more after the run in flight when asked again meanwhile: a burst of
 * events costs at most two server reads, and the last one starts after the last event.
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return run;
}

export const byName = <T extends { name: string; id: string }>(a: T, b: T) =>
  a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

export const newestFirst = <T extends { time: number }>(list: T[]): T[] =>
  [...list].sort((a, b) => b.time - a.time);

/** A chunk that applies events: `name(owner, session, payload)` (see {@link lazyEvents}). */
type EventsModule<O, K extends string> = Record<
  K,
  (owner: O, session: SocialSession, payload: unknown) => Promise<void>
>;

/**
 * The events a chunk imported with the first one applies (`group-events.ts`, `room-events.ts`):
 * those that come while it loads wait for it, in order. When it cannot load (the network, a
 * deploy), they are kept, in order, and the import is tried again with the next event or 5 s
 * later: none is lost (room events are live only, and a group event's inbox cursor moves on).
 * An event that fails to apply (a session ended meanwhile: its database is closed) rejects its caller.
 */
export function lazyEvents<O, K extends string>(
  owner: O,
  load: () => Promise<EventsModule<O, K>>,
  name: K,
): (session: SocialSession, payload: unknown) => Promise<void> {
  let module: Promise<EventsModule<O, K>> | undefined;
  const queue: [SocialSession, unknown][] = [];
  let chain = Promise.resolve();
  const drain = async () => {
    let loaded: EventsModule<O, K>;
    try {
      loaded = await (module ??= load());
    } catch {
      module = undefined;
      setTimeout(() => run().catch(() => undefined), 5000);
      return;
    }
    for (let next; (next = queue.shift());) await loaded[name](owner, ...next);
  };
  // One drain at a time, after the previous one, whether or not an event of it failed.
  const run = () => (chain = chain.then(drain, drain));
  return (session, payload) => {
    queue.push([session, payload]);
    return run();
  };
}
